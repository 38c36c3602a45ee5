// What a platform delivers with an issued certificate, checked before anything lands: the
// certificate as PEM, bare base64 DER or PKCS#7 (TLM `delivery_format: pkcs7`), and the chain
// (TLM `additional-formats`: `x509_cert_chain`, documented end-entity → root, and `pkcs7`).
// The order is never assumed: each certificate must be issued and signed by the next one
// (node:crypto's checkIssued + verify). A chain sent in another order is put in order, with
// a note; one that does not chain up is refused. Pure: no I/O.
import { X509Certificate } from 'node:crypto'
import { fail, ok, type Result } from '../../shared/errors'
import { findPemBlocks, readPkcs7Certificates } from '../engine'

export interface CheckedChain {
  /** The issuers of the certificate, immediate issuer first, up to the last one delivered. */
  readonly issuers: readonly Uint8Array[]
  readonly notes: readonly string[]
}

const subjectOf = (c: X509Certificate): string => c.subject.replace(/\n/g, ', ')

/** Every certificate in a text: PEM CERTIFICATE or PKCS7 blocks, or bare base64 of either. */
export function certificatesIn(text: string): Uint8Array[] | null {
  const t = text.trim()
  if (t.includes('-----BEGIN')) {
    const out: Uint8Array[] = []
    for (const b of findPemBlocks(t)) {
      if (b.kind !== 'block') continue
      if (b.label === 'CERTIFICATE') out.push(b.der)
      else if (b.label === 'PKCS7' || b.label === 'CMS') out.push(...(readPkcs7Certificates(b.der) ?? []))
    }
    return out.length ? out : null
  }
  if (!/^[A-Za-z0-9+/=\s]+$/.test(t)) return null
  const der = new Uint8Array(Buffer.from(t.replace(/\s+/g, ''), 'base64'))
  const p7 = readPkcs7Certificates(der)
  if (p7) return p7
  try {
    new X509Certificate(der)
    return [der]
  } catch {
    return null
  }
}

function signs(issuer: X509Certificate, child: X509Certificate): boolean {
  try {
    return child.checkIssued(issuer) && child.verify(issuer.publicKey)
  } catch {
    return false
  }
}

/**
 * Orders and checks the chain delivered with `leaf` (the leaf itself may be among them).
 * `label` names the delivery in messages ("certificate 4099…").
 */
export function checkChain(leafDer: Uint8Array, delivered: readonly Uint8Array[], label: string): Result<CheckedChain> {
  const leaf = new X509Certificate(leafDer)
  const leafHex = Buffer.from(leafDer).toString('hex')
  const given = delivered.filter((d) => Buffer.from(d).toString('hex') !== leafHex)
  const parsed: X509Certificate[] = []
  for (const [i, d] of given.entries()) {
    try {
      parsed.push(new X509Certificate(d))
    } catch {
      return fail('REMOTE_CHAIN_INVALID', `Chain certificate ${i + 1} delivered with ${label} does not parse as X.509; it was not stored.`)
    }
  }
  const notes: string[] = []
  // As delivered: each one issued and signed by the next.
  let inOrder = true
  let child = leaf
  for (const c of parsed) {
    if (!signs(c, child)) {
      inOrder = false
      break
    }
    child = c
  }
  let ordered = parsed
  if (!inOrder) {
    // Put it in order from the leaf up, each step the one remaining certificate that signs the last.
    const rest = [...parsed]
    ordered = []
    child = leaf
    while (rest.length) {
      const i = rest.findIndex((c) => signs(c, child))
      if (i < 0) break
      const [next] = rest.splice(i, 1) as [X509Certificate]
      ordered.push(next)
      child = next
    }
    if (rest.length)
      return fail(
        'REMOTE_CHAIN_INVALID',
        `The chain delivered with ${label} does not chain up: ${rest.map(subjectOf).join('; ')} ${rest.length === 1 ? 'signs' : 'sign'} neither the certificate nor its issuers; nothing was stored. Ask the platform's administrator to check the issuing CA.`
      )
    notes.push(`the chain delivered with ${label} was not ordered end-entity → root; it was checked and put in order`)
  }
  const top = ordered[ordered.length - 1] ?? leaf
  if (ordered.length && !signs(top, top)) notes.push(`the chain delivered with ${label} ends at ${subjectOf(top)}, which is not a self-signed root`)
  return ok({ issuers: ordered.map((c) => new Uint8Array(c.raw)), notes })
}
