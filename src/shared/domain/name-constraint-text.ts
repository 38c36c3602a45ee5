// Name constraints as an operator types them, one per entry: `dns:example.com`,
// `ip:10.0.0.0/8`, `email:example.com`, `uri:.example.com`, `dirname:O=Example,C=DE`. Read
// here for the CLI's --permit/--exclude and the create-CA dialog alike; the subtree's own
// syntax is checked in main (checkNameConstraintsInput).
import type { NameConstraintBase } from './authority'

const CONSTRAINT_TYPES: Readonly<Record<string, NameConstraintBase['type']>> = { dns: 'dns', ip: 'ip', email: 'email', uri: 'uri', dirname: 'dn', dn: 'dn' }

export const CONSTRAINT_FORMS = 'dns:example.com, ip:10.0.0.0/8, email:example.com, uri:example.com or dirname:O=Example,C=DE'

/** `TYPE:value` → a subtree base, or why it is not one. */
export function readConstraintText(text: string): { ok: true; base: NameConstraintBase } | { ok: false; message: string } {
  const colon = text.indexOf(':')
  const type = colon > 0 ? CONSTRAINT_TYPES[text.slice(0, colon).trim().toLowerCase()] : undefined
  const value = colon > 0 ? text.slice(colon + 1).trim() : ''
  if (!type || value === '') return { ok: false, message: `"${text}" is not TYPE:value; use ${CONSTRAINT_FORMS}.` }
  return { ok: true, base: { type, value } }
}

/** One entry per non-empty line; the first line that cannot be read, by its index among the entries. */
export function readConstraintLines(text: string): { ok: true; bases: NameConstraintBase[] } | { ok: false; index: number; message: string } {
  const bases: NameConstraintBase[] = []
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '')
  for (const [index, line] of lines.entries()) {
    const r = readConstraintText(line)
    if (!r.ok) return { ok: false, index, message: r.message }
    bases.push(r.base)
  }
  return { ok: true, bases }
}
