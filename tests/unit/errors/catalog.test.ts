import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { errorCatalog, fail, isErrorCode } from '../../../src/shared/errors'
import { errorCodeSchema, storedErrorCodeSchema } from '../../../src/shared/errors/schema'

/** Every .ts/.tsx file under `root` (relative to this file), outside the catalog itself, as one text. */
function sourcesOf(...roots: string[]): string {
  return roots
    .map((r) => join(__dirname, r))
    .flatMap((root) => readdirSync(root, { recursive: true, withFileTypes: true }))
    .filter((f) => f.isFile() && /\.tsx?$/.test(f.name) && !join(f.parentPath, f.name).includes(join('src', 'shared', 'errors')))
    .map((f) => readFileSync(join(f.parentPath, f.name), 'utf8'))
    .join('\n')
}

/** Literal codes in the places a failure is made: fail/usageError/operationError/itemError(CODE, …), AppFailure({ code }), error: { code }. */
function codesRaisedIn(text: string): Set<string> {
  const re = /\b(?:fail|usageError|operationError|itemError)(?:<[^>]*>)?\(\s*'([A-Z][A-Z0-9_]+)'|\b(?:AppFailure\(|error:\s*)\{\s*code:\s*'([A-Z][A-Z0-9_]+)'/g
  return new Set([...text.matchAll(re)].map((m) => (m[1] ?? m[2]) as string))
}

/** Finding codes where findings are made: error/warn/cabf('CODE', …) and { code: 'CODE' } verdicts. */
function findingCodesIn(text: string): Set<string> {
  const re = /\b(?:error|warn|cabf)\(\s*'([A-Z][A-Z0-9]*_[A-Z0-9_]+)'|\bcode:\s*'([A-Z][A-Z0-9]*_[A-Z0-9_]+)'/g
  return new Set([...text.matchAll(re)].map((m) => (m[1] ?? m[2]) as string))
}

const entries = Object.entries(errorCatalog).flatMap(([domain, table]) => Object.entries(table).map(([code, meaning]) => ({ domain, code, meaning: meaning as string })))

describe('the error catalog', () => {
  it('gives each code to exactly one domain', () => {
    const seen = new Map<string, string[]>()
    for (const e of entries) seen.set(e.code, [...(seen.get(e.code) ?? []), e.domain])
    expect([...seen].filter(([, domains]) => domains.length > 1)).toEqual([])
  })

  it('spells codes in UPPER_SNAKE and gives each a one-line meaning that ends its sentence', () => {
    const bad = entries.filter((e) => !/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/.test(e.code) || !/^\S.*[.)]$/.test(e.meaning) || e.meaning.includes('\n'))
    expect(bad).toEqual([])
  })

  it('lists only codes that some code path raises (a dead entry would be a promise in docs/cli.md)', () => {
    // src, and the test harness (IPC_DISCONNECTED is its own transport's error)
    const sources = sourcesOf('../../../src', '../../harness')
    // Commander's codes are derived from its own names (commanderCode), never written as literals.
    const derived = new Set(['UNKNOWN_COMMAND', 'UNKNOWN_OPTION', 'MISSING_ARGUMENT', 'OPTION_MISSING_ARGUMENT', 'MISSING_MANDATORY_OPTION_VALUE', 'EXCESS_ARGUMENTS'])
    // checkBinaryInput builds `${prefix}_TOO_LARGE` / `_TOO_DEEP` from the prefixes its callers pass.
    for (const prefix of ['CSR', 'CERTIFICATE', 'PFX', 'KEY']) {
      expect(sources).toContain(`prefix: '${prefix}'`)
      derived.add(`${prefix}_TOO_LARGE`).add(`${prefix}_TOO_DEEP`)
    }
    const unused = entries.filter((e) => !derived.has(e.code) && !new RegExp(`['\`\\[]${e.code}['\`\\]]`).test(sources)).map((e) => e.code)
    expect(unused).toEqual([])
  })

  it('has every code that src raises as a literal (fail, usageError, operationError, AppFailure, an error object)', () => {
    const raised = codesRaisedIn(sourcesOf('../../../src'))
    expect(raised.size).toBeGreaterThan(150)
    expect([...raised].filter((c) => !isErrorCode(c))).toEqual([])
  })

  it('sees an uncatalogued code however it is raised (the scan above can fail)', () => {
    const violating = [
      "return fail('AUTHORITY_NAME_TAKEN', 'x', 'name')",
      "throw usageError(\n 'SHARES_INCOMPLETE', 'x')",
      "throw operationError('CUSTODIAN_UNKNOWN', 'x')",
      "throw new AppFailure({ code: 'SOMETHING_NEW', message: 'x' })",
      "return { ok: false, error: { code: 'ANOTHER_NEW', message: 'x' } }"
    ].join('\n')
    expect([...codesRaisedIn(violating)].filter((c) => !isErrorCode(c))).toEqual(['AUTHORITY_NAME_TAKEN', 'SHARES_INCOMPLETE', 'CUSTODIAN_UNKNOWN', 'SOMETHING_NEW', 'ANOTHER_NEW'])
  })

  it('has every policy finding code (evaluate, the lint, the signing rules, the preview), so docs/cli.md lists what the Sign screen shows', () => {
    const text = ['../../../src/main/engine/policy', '../../../src/main/engine/signing-rules.ts', '../../../src/main/engine/names.ts', '../../../src/main/services/profiles-service.ts']
      .map((r) => join(__dirname, r))
      .flatMap((p) => (p.endsWith('.ts') ? [p] : readdirSync(p).map((f) => join(p, f))))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n')
    const found = findingCodesIn(text)
    expect(found.size).toBeGreaterThan(70)
    expect([...found].filter((c) => !isErrorCode(c))).toEqual([])
    // The scan sees each way a finding is made (and would report one missing).
    const violating = "c.error('NEW_RULE_A', 'san', 'x')\nc.warn(\n 'NEW_RULE_B', 'x', 'y')\ncabf('NEW_RULE_C', 'x', 'y')\nreturn { ok: false, code: 'NEW_RULE_D', message: 'x' }"
    expect([...findingCodesIn(violating)].filter((c) => !isErrorCode(c))).toEqual(['NEW_RULE_A', 'NEW_RULE_B', 'NEW_RULE_C', 'NEW_RULE_D'])
  })

  it('knows its own codes and no others', () => {
    expect(isErrorCode('NAME_TAKEN')).toBe(true)
    expect(isErrorCode('AUTHORITY_NAME_TAKEN')).toBe(false)
    expect(isErrorCode('constructor')).toBe(false)
  })

  it('refuses an uncatalogued code in a DTO and reads an unknown stored one as UNKNOWN', () => {
    expect(errorCodeSchema.safeParse('CSR_CORRUPT').success).toBe(true)
    expect(errorCodeSchema.safeParse('CSR_CORUPT').success).toBe(false)
    expect(storedErrorCodeSchema.parse('REMOTE_TIMEOUT')).toBe('REMOTE_TIMEOUT')
    expect(storedErrorCodeSchema.parse('SOMETHING_FROM_AN_OLDER_VERSION')).toBe('UNKNOWN')
  })

  it('makes a typo a type error', () => {
    // @ts-expect-error CSR_CORUPT is not in the catalog
    const r = fail('CSR_CORUPT', 'x')
    expect(r.ok).toBe(false)
  })
})
