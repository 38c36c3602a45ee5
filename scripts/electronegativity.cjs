#!/usr/bin/env node
// The Electron security scan gate of `npm test`: runs @doyensec/electronegativity over the
// app's sources (main, preload, renderer) and fails on any HIGH or MEDIUM finding that is not
// accepted, with its reason, in scripts/electronegativity-accepted.json, on any accepted
// entry that no longer matches a finding (so the list cannot go stale), and on any file the
// scanner could not parse (an unread file is an unchecked file).
// Offline: the check that downloads Electron's release list is excluded (the Electron
// version is read from package.json and reviewed with every upgrade instead).
'use strict'
const { readFileSync } = require('node:fs')
const { join } = require('node:path')

const root = join(__dirname, '..')
const accepted = JSON.parse(readFileSync(join(__dirname, 'electronegativity-accepted.json'), 'utf8')).accepted
const electronVersion = require(join(root, 'node_modules', 'electron', 'package.json')).version
const GATED = new Set(['HIGH', 'MEDIUM'])

async function main() {
  const run = require('@doyensec/electronegativity')
  const r = await run({
    input: join(root, 'src'),
    electronVersionOverride: electronVersion,
    isRelative: true,
    excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
    parserPlugins: []
  })
  const problems = []
  for (const e of r.errors) if (!e.tolerable) problems.push(`could not parse ${e.file}: ${e.message}`)
  const used = new Set()
  const findings = r.issues.filter((i) => GATED.has(i.severity.name))
  for (const i of findings) {
    const key = accepted.findIndex((a) => a.check === i.id && a.file === i.file)
    if (key >= 0) used.add(key)
    else problems.push(`${i.severity.name} ${i.id} in ${i.file}:${i.location.line} is not accepted: fix it, or add it to scripts/electronegativity-accepted.json with the reason`)
  }
  accepted.forEach((a, n) => {
    if (!used.has(n)) problems.push(`accepted ${a.check} in ${a.file} matches no finding any more: remove it from scripts/electronegativity-accepted.json`)
  })
  console.log(`electronegativity ${require('@doyensec/electronegativity/package.json').version} over src/ (Electron ${electronVersion}): ${r.globalChecks + r.atomicChecks} checks, ${r.issues.length} findings, ${findings.length} high or medium, ${used.size} accepted`)
  for (const i of r.issues) console.log(`  ${i.severity.name.padEnd(13)} ${i.confidence.name.padEnd(9)} ${i.id} ${i.file}:${i.location.line}`)
  for (const p of problems) console.log(`error[ELECTRONEGATIVITY]: ${p}`)
  process.exit(problems.length ? 1 : 0)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
