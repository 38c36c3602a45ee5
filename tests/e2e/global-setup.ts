// Builds the renderer once before the suite (the harness serves out/renderer). Set
// PKIDESK_E2E_NO_BUILD=1 when the caller has just run `electron-vite build`.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'

export default function globalSetup(): void {
  if (process.env.PKIDESK_E2E_NO_BUILD === '1') return
  const root = join(__dirname, '../..')
  const result = spawnSync(join(root, 'node_modules/.bin/electron-vite'), ['build'], { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) throw new Error(`electron-vite build failed (exit ${result.status})`)
}
