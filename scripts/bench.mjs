// npm run bench → the TypeScript benchmark under tsx (see scripts/bench-issue.ts).
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/bench-issue.ts')], { stdio: 'inherit', cwd: root })
process.exit(r.status ?? 1)
