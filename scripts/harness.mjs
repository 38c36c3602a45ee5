#!/usr/bin/env node
// Starts the renderer test harness for a human: builds the renderer (unless --no-build), then
// runs tests/harness/server.ts and prints the URL with its token. Extra arguments
// (--data-dir DIR, --output-dir DIR, --port N) are passed to the server. Ctrl-C stops it.
import { spawn, spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import readline from 'node:readline'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const bin = (name) => join(root, 'node_modules', '.bin', name)

if (!args.includes('--no-build')) {
  const built = spawnSync(bin('electron-vite'), ['build'], { cwd: root, stdio: 'inherit' })
  if (built.status !== 0) process.exit(built.status ?? 1)
}

const server = spawn(bin('tsx'), [join(root, 'tests/harness/server.ts'), ...args.filter((a) => a !== '--no-build')], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit']
})
readline.createInterface({ input: server.stdout }).once('line', (line) => {
  const { url, dataDir, outputDir } = JSON.parse(line)
  process.stdout.write(`PKI Desk renderer harness\n  open:    ${url}\n  data:    ${dataDir}\n  saves:   ${outputDir}\nCtrl-C to stop.\n`)
})
const stop = () => server.kill('SIGTERM')
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
server.on('exit', (code) => process.exit(code ?? 0))
