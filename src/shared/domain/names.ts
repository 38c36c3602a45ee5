// Distinguished names and general names as they cross IPC and enter the engine.
import { z } from 'zod'

/** One attribute of an RDN: `type` is a short name (CN, O, OU, C, L, ST, emailAddress…) or a dotted OID. */
export const attribute = z.object({ type: z.string().min(1), value: z.string() })
/** A relative distinguished name: usually one attribute, several when multi-valued. */
export const rdn = z.array(attribute).min(1)
export const distinguishedName = z.array(rdn)
export type Attribute = z.infer<typeof attribute>
export type Rdn = z.infer<typeof rdn>
export type DistinguishedName = z.infer<typeof distinguishedName>

function escape4514(value: string): string {
  let out = value.replace(/([\\,+"<>;=])/g, '\\$1')
  if (out.startsWith('#') || out.startsWith(' ')) out = '\\' + out
  if (out.endsWith(' ')) out = out.slice(0, -1) + '\\ '
  return out
}

/**
 * A distinguished name as PKI Desk shows it everywhere (certificates, requests, previews, CRLs,
 * the CLI): RFC 4514 order, most specific RDN first, e.g. `CN=www.example.com, O=Example, C=DE`;
 * multi-valued RDNs joined by ` + `. The one DN formatter: a second order on one screen reads
 * as two different names.
 */
export function dnText(dn: DistinguishedName): string {
  return [...dn]
    .reverse()
    .map((r) => r.map((a) => `${a.type}=${escape4514(a.value)}`).join(' + '))
    .join(', ')
}

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

/**
 * A distinguished name as people type it (RFC 4514 order, most specific first: `CN=x,O=y,C=DE`;
 * `+` joins a multi-valued RDN; `\` escapes) → the model, most significant first. The one reader
 * of DN text: the CLI's --subject and a directory-name constraint typed in the app or the CLI.
 */
export function readDnText(text: string): { readonly ok: true; readonly dn: DistinguishedName } | { readonly ok: false; readonly message: string } {
  if (text.trim() === '') return { ok: false, message: 'The name is empty; give it as "CN=name,O=organisation,C=country".' }
  const rdns: Rdn[] = []
  for (const rdnText of splitUnescaped(text, ',')) {
    const attrs: Attribute[] = []
    for (const a of splitUnescaped(rdnText, '+')) {
      const i = a.indexOf('=')
      const type = i > 0 ? a.slice(0, i).trim() : ''
      const value = i > 0 ? unescapeValue(a.slice(i + 1).trim()) : ''
      if (!/^([A-Za-z][A-Za-z0-9-]*|\d+(\.\d+)+)$/.test(type) || value === '')
        return { ok: false, message: `"${a.trim()}" is not TYPE=value; write the name as "CN=name,O=organisation,C=country" (escape commas in values as \\,).` }
      attrs.push({ type, value })
    }
    rdns.push(attrs)
  }
  return { ok: true, dn: rdns.reverse() }
}

export const generalNameType = z.enum(['dns', 'ip', 'email', 'uri', 'upn', 'dn'])
export const generalName = z.object({ type: generalNameType, value: z.string().min(1) })
export type GeneralNameType = z.infer<typeof generalNameType>
export type GeneralName = z.infer<typeof generalName>

/** In keyUsage BIT STRING order (bit 0 = digitalSignature): readers decode bits by this order. */
export const keyUsageName = z.enum([
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly'
])
export type KeyUsageName = z.infer<typeof keyUsageName>
