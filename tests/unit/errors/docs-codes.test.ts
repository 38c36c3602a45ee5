import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { errorCatalog, isErrorCode } from '../../../src/shared/errors'
import { BEGIN, CLI_DOC, END, codesSection, withCodes } from '../../../scripts/docs-codes'

describe('docs/cli.md error codes', () => {
  it('match the catalog (run `npm run docs:codes` after changing src/shared/errors)', () => {
    const doc = readFileSync(CLI_DOC, 'utf8')
    const section = doc.slice(doc.indexOf(BEGIN), doc.indexOf(END) + END.length)
    expect(section).toBe(codesSection())
  })

  it('name no code elsewhere in the page that the catalog does not have', () => {
    const doc = readFileSync(CLI_DOC, 'utf8')
    const prose = doc.slice(0, doc.indexOf(BEGIN)) + doc.slice(doc.indexOf(END))
    const named = [...prose.matchAll(/(?:error|warning)\[([A-Z_0-9]+)\]|`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)`/g)].map((m) => (m[1] ?? m[2])!)
    expect(named.length).toBeGreaterThan(3)
    // Policy findings (shown by the preview, printed on a refused request) are their own vocabulary:
    // a finding code the page names must be one the policy engine raises.
    const policy = join(__dirname, '../../../src/main/engine/policy')
    const findings = readdirSync(policy).map((f) => readFileSync(join(policy, f), 'utf8')).join('\n')
    const known = (c: string): boolean => isErrorCode(c) || new RegExp(`\\b(?:error|warn|cabf)\\(\\s*'${c}'|^\\s*'${c}',$`, 'm').test(findings)
    expect(known('SUBJECT_ATTRIBUTE_MISSING')).toBe(true)
    expect(known('SUBJECT_ATTRIBUTE_MISING')).toBe(false)
    expect(named.filter((c) => c !== 'CODE' && !c.startsWith('PKIDESK_') && !known(c))).toEqual([])
  })

  it('list every catalogued code once, with its meaning', () => {
    const section = codesSection()
    for (const table of Object.values(errorCatalog))
      for (const [code, meaning] of Object.entries(table)) {
        expect(section.split(`| \`${code}\` |`).length - 1).toBe(1)
        expect(section).toContain(`| \`${code}\` | ${meaning.replace(/\|/g, '\\|')} |`)
      }
  })

  it('rewrite only their own section, and see a stale entry', () => {
    const doc = `# Title\n\nBefore.\n\n${codesSection()}\n\nAfter.\n`
    expect(withCodes(doc)).toBe(doc)
    const stale = doc.replace('| `NAME_TAKEN` |', '| `AUTHORITY_NAME_TAKEN` |')
    expect(stale).not.toBe(doc)
    expect(withCodes(stale)).toBe(doc)
    expect(withCodes('# Title\n')).toBe(`# Title\n\n${codesSection()}\n`)
  })
})
