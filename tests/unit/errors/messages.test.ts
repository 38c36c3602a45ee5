// The message convention, checked on every failure src makes with a literal message: the
// message says what is wrong, then what to do; the field at fault goes in `field`, never at
// the start of the sentence ("name: a profile named …" was the old form); and a message is a
// sentence: it starts with a capital, never with a lower-case word or an --option ("no key …
// in the vault", "--hash X is not …" were the old forms).
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const CALL = /\b(?:fail|usageError|operationError|itemError)(?:<[^>]*>)?\(\s*'([A-Z][A-Z0-9_]+)',\s*(['`])((?:\\.|(?!\2)[^\\])*)\2/g
/** An error written as an object: { code: 'CODE', message: '…' } (AppFailure, error: {…}, a CLI error line). */
const OBJECT = /\bcode:\s*'([A-Z][A-Z0-9_]+)',\s*message:\s*(['`])((?:\\.|(?!\2)[^\\])*)\2/g

/** [code, message] of every literal failure message in `text`, in either form. */
const messagesIn = (text: string): [string, string][] => [...text.matchAll(CALL), ...text.matchAll(OBJECT)].map((m) => [m[1], m[3]] as [string, string])

/** [code, message] of the failures whose message does not start as a sentence: a lower-case word or an --option first. */
function notSentences(text: string): [string, string][] {
  return messagesIn(text).filter(([, message]) => /^(?:[a-z]|--)/.test(message))
}

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

  it('start as a sentence: a capital first, never a lower-case word or an --option', () => {
    expect(messagesIn(sources).length).toBeGreaterThan(400)
    expect(notSentences(sources)).toEqual([])
  })

  it('the check sees a message that starts lower-case or with an option, in either form', () => {
    const violating = [
      "fail('KEY_NOT_FOUND', `no key ${keyId} in the vault: pick an existing key`, 'keyId')",
      "throw usageError('INVALID_ARGUMENT', `--hash ${value} is not one of SHA-256, SHA-384, SHA-512.`, '--hash')",
      "throw new AppFailure({ code: 'VAULT_LOCKED', message: `key ${keyId} is locked: unlock it` })",
      "fail('KEY_NOT_FOUND', `No key ${keyId} in the vault: pick an existing key.`, 'keyId')",
      "throw usageError('INVALID_ARGUMENT', `The hash ${value} is not one PKI Desk signs with: give --hash SHA-256.`, '--hash')",
      "return { ok: false, error: { code: 'VAULT_LOCKED', message: `${what} is locked: unlock it.` } }"
    ].join('\n')
    expect(notSentences(violating).map(([code]) => code)).toEqual(['KEY_NOT_FOUND', 'INVALID_ARGUMENT', 'VAULT_LOCKED'])
  })
})
