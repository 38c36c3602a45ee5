// docs/limits.md states every limit of src/shared/limits.ts with its value.
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { LIMITS, describeLimit, type LimitName } from '../../../src/shared/limits'

const doc = readFileSync(join(__dirname, '../../../docs/limits.md'), 'utf8')
const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8')

describe('docs/limits.md', () => {
  it('names every limit with its value', () => {
    for (const name of Object.keys(LIMITS) as LimitName[]) expect(doc).toContain(`\`${name}\` = ${describeLimit(name)}`)
  })

  it('names no limit that does not exist', () => {
    const named = [...doc.matchAll(/`(\w+)` = /g)].map((m) => m[1])
    expect(named.filter((n) => !(n! in LIMITS))).toEqual([])
  })

  it('is linked from the README', () => {
    expect(readme).toContain('(docs/limits.md)')
  })
})
