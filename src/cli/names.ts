// Distinguished names and SANs as typed on a command line: `CN=host,O=Example\, Inc,C=DE`
// (RFC 4514 order, most specific first; `+` joins a multi-valued RDN; `\` escapes) and
// `dns:a.example`, `ip:10.0.0.1`, `email:a@example`, `uri:https://…`, `upn:a@corp`.
import { InvalidArgumentError } from 'commander'
import { readDnText, type DistinguishedName, type GeneralName, type GeneralNameType } from '../shared/domain/names'
import type { NameConstraintBase } from '../shared/domain/authority'
import { readConstraintText } from '../shared/domain/name-constraint-text'
import { CliError, EXIT_USAGE } from './context'

const SAN_TYPES: readonly GeneralNameType[] = ['dns', 'ip', 'email', 'uri', 'upn', 'dn']

/** `CN=x,O=y,C=DE` → [[C=DE],[O=y],[CN=x]] (the model is most significant first); the shared reader, as a commander error. */
export function parseDnText(text: string): DistinguishedName {
  const r = readDnText(text)
  if (!r.ok) throw new InvalidArgumentError(r.message)
  return r.dn
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

/** `--permit dns:example.com`, `ip:10.0.0.0/8`, `email:example.com`, `uri:.example.com`, `dirname:O=Example,C=DE` → a subtree base (its syntax is checked by the service). */
export function parseConstraint(text: string): NameConstraintBase {
  const r = readConstraintText(text)
  if (!r.ok) throw new InvalidArgumentError(r.message.replace('dirname:O=Example,C=DE', 'dirname:"O=Example,C=DE"'))
  return r.base
}

export function collectConstraint(value: string, previous: readonly NameConstraintBase[] | undefined): NameConstraintBase[] {
  return [...(previous ?? []), parseConstraint(value)]
}
