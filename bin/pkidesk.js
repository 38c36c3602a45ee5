#!/usr/bin/env node
'use strict'
// The package's `pkidesk` command: the CLI built beside the main process (npm run build).
const { existsSync } = require('node:fs')
const { join } = require('node:path')

const cli = join(__dirname, '..', 'out', 'main', 'cli.js')
if (!existsSync(cli)) {
  process.stderr.write(`error[NOT_BUILT]: ${cli} is missing; run \`npm run build\` in the PKI Desk folder first.\n`)
  process.exitCode = 1
} else {
  require(cli)
}
