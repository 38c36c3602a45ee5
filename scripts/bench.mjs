// npm run bench → the TypeScript benchmark under tsx (see scripts/bench-issue.ts).
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(`npm run bench: batch issuance end to end (P-256 and RSA-2048 CA) beside OpenSSL, then certificates:list over 100,000 rows.
Options (environment variables):
  BENCH_N=5000          CSRs per CA
  BENCH_OPENSSL_N=100   CSRs for the 'openssl x509 -req' loop
  BENCH_ONLY=p256|rsa   only one CA
  BENCH_LIST=0          skip the 100,000-row list benchmark
  BENCH_ONLY_LIST=1     only the list benchmark
Columns: certs/s end to end, the OpenSSL loop and its ratio, 'openssl speed' sign/s, the main thread's worst and p99
event-loop delay, CPU ms per certificate over all threads and on the main thread alone, and the CPU-bound rate on idle cores.`)
  process.exit(0)
}
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/bench-issue.ts')], { stdio: 'inherit', cwd: root })
process.exit(r.status ?? 1)
