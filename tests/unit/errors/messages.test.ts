// The message convention, checked on every failure src makes with a literal message: the
// message says what is wrong, then what to do; the field at fault goes in `field`, never at
// the start of the sentence ("name: a profile named …" was the old form).
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const CALL = /\b(?:fail|usageError|operationError|itemError)(?:<[^>]*>)?\(\s*'([A-Z][A-Z0-9_]+)',\s*(['`])((?:\\.|(?!\2)[^\\])*)\2/g

/** [code, message] of the failures in `text` whose message leads with a field name and a colon. */
function fieldFirst(text: string): [string, string][] {
  return [...text.matchAll(CALL)]
    .map((m) => [m[1], m[3]] as [string, string])
    .filter(([, message]) => /^(?:[a-z][\w.[\]-]*|\$\{(?:field|path|name|key)\}): /.test(message))
}

const src = join(__dirname, '../../../src')
const sources = readdirSync(src, { recursive: true, withFileTypes: true })
  .filter((f) => f.isFile() && /\.tsx?$/.test(f.name))
  .map((f) => readFileSync(join(f.parentPath, f.name), 'utf8'))
  .join('\n')

describe('error messages', () => {
  it('never lead with the field (it goes in `field`)', () => {
    expect([...sources.matchAll(CALL)].length).toBeGreaterThan(300)
    expect(fieldFirst(sources)).toEqual([])
  })

  it('the check sees a message that leads with its field', () => {
    const violating = [
      "fail('NAME_TAKEN', `name: a profile named \"${name}\" already exists; choose another name.`, 'name')",
      "fail('INVALID_FILTER', `${field}: \"${expr}\" must look like field[op]value.`, field)",
      "fail('CSR_NOT_FOUND', 'csrPem: the text holds no certificate request.', 'csrPem')",
      "fail('NAME_TAKEN', 'A profile with this name already exists: choose another name.', 'name')"
    ].join('\n')
    expect(fieldFirst(violating).map(([code]) => code)).toEqual(['NAME_TAKEN', 'INVALID_FILTER', 'CSR_NOT_FOUND'])
  })
})
