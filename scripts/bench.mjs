// npm run bench → the TypeScript benchmark under tsx (see scripts/bench-issue.ts).
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(`npm run bench: batch issuance end to end (P-256 and RSA-2048 CA, a P-256 CA with a fleet's batch, and a P-256 CA on a SoftHSM2 token) beside OpenSSL, certificates:list over 100,000 rows, then the fleet part: a 100,000-entry CRL beside 'openssl ca -gencrl', then the backup of a 100,000-certificate store beside 'openssl enc'.
Options (environment variables):
  BENCH_N=5000          CSRs per CA
  BENCH_FLEET_N=20000   CSRs of the P-256 CA's fleet row (a batch past the workers' JIT warm-up; 0 skips it)
  BENCH_OPENSSL_N=100   CSRs for the 'openssl x509 -req' loop
  BENCH_ONLY=p256|rsa   only one CA
  BENCH_PKCS11=0        skip the P-256 CA on a SoftHSM2 token (run when softhsm2 is installed)
  BENCH_LIST=0          skip the 100,000-row list benchmark
  BENCH_ONLY_LIST=1     only the list benchmark
  BENCH_FLEET=0         skip the fleet part (scripts/bench-fleet.ts)
  BENCH_ONLY_FLEET=1    only the fleet part
  BENCH_CRL_N=100000    entries of the CRL compared with 'openssl ca -gencrl'
  BENCH_BACKUP=0        skip the backup part (scripts/bench-backup.ts: create, verify, restore of a store)
  BENCH_ONLY_BACKUP=1   only the backup part
  BENCH_BACKUP_N=100000 certificates in the backed-up store
--large: also the 1,000,000-certificate inventory (scripts/bench-fleet.ts; the store is built once and reused).
Columns: certs/s end to end, the OpenSSL loop and its ratio, 'openssl speed' sign/s, the main thread's worst and p99
event-loop delay, CPU ms per certificate over all threads and on the main thread alone, and the CPU-bound rate on idle cores.`)
  process.exit(0)
}
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const run = (script) => spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', script), ...args], { stdio: 'inherit', cwd: root }).status ?? 1
const onlyBackup = process.env.BENCH_ONLY_BACKUP === '1'
let status = process.env.BENCH_ONLY_FLEET === '1' || onlyBackup ? 0 : run('bench-issue.ts')
if (status === 0 && process.env.BENCH_FLEET !== '0' && !onlyBackup) status = run('bench-fleet.ts')
if (status === 0 && process.env.BENCH_BACKUP !== '0' && process.env.BENCH_ONLY_FLEET !== '1') status = run('bench-backup.ts')
process.exit(status)
