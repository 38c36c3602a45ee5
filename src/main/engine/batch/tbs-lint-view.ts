// The lint view of a TBSCertificate read with the strict DER walker (der.ts) instead of the
// asn1-schema parser: the batch hot path lints every TBS it is about to sign, and the schema
// parse cost more than the encoding itself. It reads exactly the shapes the lean encoder
// writes (UTF8/Printable/IA5 names, UTCTime/GeneralizedTime in whole seconds, dNSName,
// rfc822Name, URI and iPAddress SANs); anything else returns null and the caller falls back
// to the reference reader (`tbsLintView` in policy/lint.ts). Tests hold the two to equal views.
import { keyUsageName, type DistinguishedName, type GeneralName } from '../../../shared/domain/names'
import type { LintView } from '../policy'
import { KEY_FAMILIES, OID_TO_SHORT, SIGNATURE_HASHES } from '../policy/lint'
import { childrenOf, content, decodeOid, readTlv, type Tlv } from '../der'
import { ipFromBytes } from '../names'

// The OID tables are policy/lint.ts's own, so both readers name algorithms alike.

class Unsupported extends Error {}

function text(bytes: Uint8Array, t: Tlv): string {
  const c = Buffer.from(content(bytes, t))
  if (t.tag === 0x0c) return c.toString('utf8')
  if (t.tag === 0x13 || t.tag === 0x16) return c.toString('latin1')
  throw new Unsupported()
}

function timeOf(bytes: Uint8Array, t: Tlv): Date {
  const s = Buffer.from(content(bytes, t)).toString('latin1')
  const m = t.tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s) : t.tag === 0x18 ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s) : null
  if (!m) throw new Unsupported()
  let year = Number(m[1])
  if (t.tag === 0x17) year += year < 50 ? 2000 : 1900
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])))
}

function oidOf(bytes: Uint8Array, t: Tlv): string {
  if (t.tag !== 0x06) throw new Unsupported()
  return decodeOid(content(bytes, t))
}

function integer(bytes: Uint8Array, t: Tlv): number {
  if (t.tag !== 0x02) throw new Unsupported()
  const c = content(bytes, t)
  if (c.length > 4 || (c[0]! & 0x80) !== 0) throw new Unsupported()
  let v = 0
  for (const b of c) v = v * 256 + b
  return v
}

/** The lint view of a TBS the lean encoder wrote, or null when it holds a shape not read here. */
export function leanTbsLintView(der: Uint8Array): LintView | null {
  try {
    const tbs = readTlv(der, 0)
    if (tbs.tag !== 0x30 || tbs.end !== der.length) return null
    const f = childrenOf(der, tbs)
    let i = 0
    if (f[i]?.tag === 0xa0) i++
    const [serialT, sigT, , validityT, subjectT, spkiT] = f.slice(i, i + 6)
    if (!serialT || !sigT || !validityT || !subjectT || !spkiT || serialT.tag !== 0x02) return null
    const subject: DistinguishedName = childrenOf(der, subjectT).map((set) =>
      childrenOf(der, set).map((atv) => {
        const [typeT, valueT] = childrenOf(der, atv)
        const type = oidOf(der, typeT!)
        return { type: OID_TO_SHORT[type] ?? type, value: text(der, valueT!) }
      })
    )
    const [nb, na] = childrenOf(der, validityT)
    const sigOid = oidOf(der, childrenOf(der, sigT)[0]!)
    const view: { -readonly [K in keyof LintView]: LintView[K] } = {
      serial: new Uint8Array(content(der, serialT)),
      subject,
      notBefore: timeOf(der, nb!),
      notAfter: timeOf(der, na!),
      signatureHash: SIGNATURE_HASHES[sigOid] ?? sigOid
    }
    const family = KEY_FAMILIES[oidOf(der, childrenOf(der, childrenOf(der, spkiT)[0]!)[0]!)]
    if (family) view.keyFamily = family
    const extsT = f.find((t) => t.tag === 0xa3)
    const exts = extsT ? childrenOf(der, childrenOf(der, extsT)[0]!) : []
    for (const e of exts) {
      const parts = childrenOf(der, e)
      const id = oidOf(der, parts[0]!)
      const critical = parts.length === 3 && der[parts[1]!.contentStart] !== 0
      const valueT = parts[parts.length - 1]!
      const value = content(der, valueT)
      const root = readTlv(value, 0)
      switch (id) {
        case '2.5.29.19': {
          let ca = false
          let pathLength: number | undefined
          for (const c of childrenOf(value, root)) {
            if (c.tag === 0x01) ca = value[c.contentStart] !== 0
            else pathLength = integer(value, c)
          }
          view.basicConstraints = { ca, critical, ...(pathLength !== undefined ? { pathLength } : {}) }
          break
        }
        case '2.5.29.15': {
          if (root.tag !== 0x03) return null
          const bits = content(value, root).subarray(1)
          const usages = keyUsageName.options.filter((_, bit) => bit >> 3 < bits.length && (bits[bit >> 3]! & (0x80 >> (bit & 7))) !== 0)
          view.keyUsage = { usages, critical }
          break
        }
        case '2.5.29.37':
          view.extendedKeyUsage = { oids: childrenOf(value, root).map((c) => oidOf(value, c)), critical }
          break
        case '2.5.29.17': {
          const names: GeneralName[] = childrenOf(value, root).map((g) => {
            const c = content(value, g)
            if (g.tag === 0x82) return { type: 'dns', value: Buffer.from(c).toString('latin1') }
            if (g.tag === 0x81) return { type: 'email', value: Buffer.from(c).toString('latin1') }
            if (g.tag === 0x86) return { type: 'uri', value: Buffer.from(c).toString('latin1') }
            if (g.tag === 0x87 && (c.length === 4 || c.length === 16)) return { type: 'ip', value: ipFromBytes(c) }
            throw new Unsupported()
          })
          view.subjectAltName = { names, critical }
          break
        }
      }
    }
    return view
  } catch {
    return null
  }
}
