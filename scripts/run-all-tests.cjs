#!/usr/bin/env node
// `npm test`: every gate and every suite, in order, without stopping at the first failure.
// Gates (type-check, lint, build) count as one check each; vitest and Playwright report their
// own counts through JSON reporters. The last line is `N passed, M failed` over everything.
'use strict'
const { spawnSync } = require('node:child_process')
const { existsSync, mkdirSync, readFileSync, rmSync } = require('node:fs')
const { join } = require('node:path')

const root = join(__dirname, '..')
// Outside test-results/: Playwright empties its output folder when it starts.
const reports = join(root, '.test-reports')
rmSync(reports, { recursive: true, force: true })
mkdirSync(reports, { recursive: true })
const only = process.argv.slice(2) // e.g. `npm test -- vitest e2e`

const totals = { passed: 0, failed: 0 }
const summary = []

function run(cmd, args, env = {}) {
  const started = Date.now()
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } })
  return { status: r.status ?? 1, seconds: ((Date.now() - started) / 1000).toFixed(1) }
}

function gate(name, cmd, args) {
  if (only.length && !only.includes(name)) return
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`)
  const r = run(cmd, args)
  const passed = r.status === 0 ? 1 : 0
  totals.passed += passed
  totals.failed += 1 - passed
  summary.push(`${name}: ${passed ? 'ok' : 'FAILED'} (${r.seconds}s)`)
}

function vitestCounts(file) {
  if (!existsSync(file)) return null
  const j = JSON.parse(readFileSync(file, 'utf8'))
  // Files that failed to load have no assertion results but count as failures.
  const loadFailures = (j.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length
  return { passed: j.numPassedTests ?? 0, failed: (j.numFailedTests ?? 0) + loadFailures, skipped: (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0) }
}

function playwrightCounts(file) {
  if (!existsSync(file)) return null
  const s = JSON.parse(readFileSync(file, 'utf8')).stats ?? {}
  return { passed: (s.expected ?? 0) + (s.flaky ?? 0), failed: (s.unexpected ?? 0) + ((s.errors ?? []).length ?? 0), skipped: s.skipped ?? 0 }
}

function suite(name, cmd, args, reportFile, parse, env = {}) {
  if (only.length && !only.includes(name)) return
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`)
  const r = run(cmd, args, env)
  const c = parse(reportFile)
  if (!c) {
    totals.failed += 1
    summary.push(`${name}: FAILED to report (exit ${r.status}, ${r.seconds}s)`)
    return
  }
  // A runner that exits non-zero with no failed test still failed (a crash, a load error).
  const crashed = r.status !== 0 && c.failed === 0 ? 1 : 0
  // Skipped tests are defects here: count them as failures.
  totals.passed += c.passed
  totals.failed += c.failed + c.skipped + crashed
  summary.push(`${name}: ${c.passed} passed, ${c.failed} failed${c.skipped ? `, ${c.skipped} skipped (counted as failed)` : ''}${crashed ? ', runner exited non-zero' : ''} (${r.seconds}s)`)
}

const bin = (name) => join(root, 'node_modules', '.bin', name)

gate('typecheck-node', bin('tsc'), ['-p', 'tsconfig.node.json', '--noEmit'])
gate('typecheck-web', bin('tsc'), ['-p', 'tsconfig.web.json', '--noEmit'])
gate('lint', bin('eslint'), ['.', '--max-warnings=0'])
gate('build', bin('electron-vite'), ['build'])
// Electron security scan: no HIGH or MEDIUM finding outside scripts/electronegativity-accepted.json.
gate('electronegativity', process.execPath, [join(root, 'scripts', 'electronegativity.cjs')])

const vitestJson = join(reports, 'vitest.json')
suite('vitest', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`], vitestJson, vitestCounts)

const keychainJson = join(reports, 'keychain.json')
if (existsSync(join(root, 'tests', 'integration', 'keychain'))) {
  suite(
    'keychain',
    'bash',
    [join(root, 'scripts', 'with-secret-service.sh'), bin('vitest'), 'run', '--config', 'vitest.keychain.config.mts', '--reporter=default', '--reporter=json', `--outputFile.json=${keychainJson}`],
    keychainJson,
    vitestCounts
  )
}

const playwrightJson = join(reports, 'playwright.json')
if (existsSync(join(root, 'playwright.config.ts'))) {
  suite('e2e', bin('playwright'), ['test', '--reporter=list,json'], playwrightJson, playwrightCounts, { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson })
}

console.log('\n=== summary')
for (const line of summary) console.log(`  ${line}`)
console.log(`${totals.passed} passed, ${totals.failed} failed`)
process.exit(totals.failed === 0 && totals.passed > 0 ? 0 : 1)
