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
