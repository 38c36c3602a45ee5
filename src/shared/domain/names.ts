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
