// Distinguished names and SANs as typed on a command line: `CN=host,O=Example\, Inc,C=DE`
// (RFC 4514 order, most specific first; `+` joins a multi-valued RDN; `\` escapes) and
// `dns:a.example`, `ip:10.0.0.1`, `email:a@example`, `uri:https://…`, `upn:a@corp`.
import { InvalidArgumentError } from 'commander'
import type { DistinguishedName, GeneralName, GeneralNameType, Rdn } from '../shared/domain/names'
import { CliError, EXIT_USAGE } from './context'

const SAN_TYPES: readonly GeneralNameType[] = ['dns', 'ip', 'email', 'uri', 'upn', 'dn']

/** Splits on `sep` outside backslash escapes; keeps the escapes for the next step. */
function splitUnescaped(text: string, sep: string): string[] {
  const parts: string[] = []
  let cur = ''
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (ch === '\\' && i + 1 < text.length) {
      cur += ch + text[i + 1]!
      i++
    } else if (ch === sep) {
      parts.push(cur)
      cur = ''
    } else cur += ch
  }
  parts.push(cur)
  return parts
}

function unescapeValue(v: string): string {
  return v.replace(/\\([0-9a-fA-F]{2}|.)/g, (_, e: string) => (e.length === 2 ? String.fromCharCode(parseInt(e, 16)) : e))
}

/** `CN=x,O=y,C=DE` → [[C=DE],[O=y],[CN=x]] (the model is most significant first). */
export function parseDnText(text: string): DistinguishedName {
  if (text.trim() === '') throw new InvalidArgumentError('The subject is empty; give it as "CN=name,O=organisation,C=country".')
  const rdns: Rdn[] = []
  for (const rdnText of splitUnescaped(text, ',')) {
    const attrs = splitUnescaped(rdnText, '+').map((a) => {
      const i = a.indexOf('=')
      const type = i > 0 ? a.slice(0, i).trim() : ''
      const value = i > 0 ? unescapeValue(a.slice(i + 1).trim()) : ''
      if (!/^([A-Za-z][A-Za-z0-9-]*|\d+(\.\d+)+)$/.test(type) || value === '')
        throw new InvalidArgumentError(`"${a.trim()}" is not TYPE=value; write the subject as "CN=name,O=organisation,C=country" (escape commas in values as \\,).`)
      return { type, value }
    })
    rdns.push(attrs)
  }
  return rdns.reverse()
}

/** `dns:a.example` → { type: 'dns', value: 'a.example' }. */
export function parseSan(text: string): GeneralName {
  const m = /^([a-zA-Z]+):(.+)$/.exec(text.trim())
  const type = m?.[1]?.toLowerCase() as GeneralNameType | undefined
  if (!m || !type || !SAN_TYPES.includes(type))
    throw new InvalidArgumentError(`"${text}" is not TYPE:value; use one of ${SAN_TYPES.map((t) => `${t}:…`).join(', ')} (for example dns:a.example).`)
  return { type, value: m[2]!.trim() }
}

export function collectSan(value: string, previous: readonly GeneralName[] | undefined): GeneralName[] {
  return [...(previous ?? []), parseSan(value)]
}

/** parseDnText for an option's value: a bad subject is a usage error (exit 2) naming the option. */
export function parseDnOption(text: string, option = '--subject'): DistinguishedName {
  try {
    return parseDnText(text)
  } catch (e) {
    if (!(e instanceof InvalidArgumentError)) throw e
    throw new CliError({ code: 'SUBJECT_INVALID', message: `The subject "${text}" (${option}) cannot be read. ${e.message}`, field: option }, EXIT_USAGE)
  }
}
