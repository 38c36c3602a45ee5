// The structure view's tree held to `openssl asn1parse`: for a certificate with extensions, a
// CSR with requested extensions and a CRL with entry extensions, every element's offset, depth,
// header length, length, constructed flag, tag and INTEGER/OID value equal OpenSSL's line for
// it; DER inside OCTET and BIT STRINGs equals `asn1parse -strparse` of that string. Then the
// limits: too deep, too many elements, and a 100,000-entry CRL answered a page at a time.
import { describe, expect, it } from 'vitest'
import { X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { asn1Bytes, asn1Tree, ASN1_TREE_LIMITS, BYTES_SHOWN } from '../../../src/main/engine/asn1-tree'
import { buildCrl } from '../../../src/main/engine/crl-builder'
import { sequence, tlv } from '../../../src/main/engine/der'
import { issuerInfoOf } from '../../../src/main/services/certificate-records'
import type { Asn1Node } from '../../../src/shared/domain/asn1'
import { LIMITS } from '../../../src/shared/limits'
import { opensslBytes, openssl, tempDir, testRoot } from './helpers'

interface OpensslLine {
  offset: number
  depth: number
  hl: number
  len: number
  cons: boolean
  tag: string
  value: string
}

function asn1parse(der: Uint8Array, strparse?: number): OpensslLine[] {
  const r = openssl(['asn1parse', '-inform', 'DER', ...(strparse !== undefined ? ['-strparse', String(strparse)] : [])], der)
  expect(r.status).toBe(0)
  return r.out
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const m = /^\s*(\d+):d=(\d+)\s+hl=(\d+)\s+l=\s*(\d+)\s+(cons|prim):\s(.*)$/.exec(l)
      if (!m) throw new Error(`unexpected asn1parse line: ${l}`)
      const rest = m[6]!
      const colon = rest.indexOf(':')
      return {
        offset: Number(m[1]),
        depth: Number(m[2]),
        hl: Number(m[3]),
        len: Number(m[4]),
        cons: m[5] === 'cons',
        tag: (colon < 0 ? rest : rest.slice(0, colon)).replace('[HEX DUMP]', '').trim(),
        value: colon < 0 ? '' : rest.slice(colon + 1).trim()
      }
    })
}

const oidCache = new Map<string, string>()
/** The DER OpenSSL writes for an OID it names `name`, in hex. */
function opensslOid(name: string): string {
  let hex = oidCache.get(name)
  if (!hex) {
    const t = tempDir()
    try {
      expect(openssl(['asn1parse', '-genstr', `OID:${name}`, '-noout', '-out', t.path('oid.der')]).status).toBe(0)
      hex = readFileSync(t.path('oid.der')).toString('hex').toUpperCase()
      oidCache.set(name, hex)
    } finally {
      t.cleanup()
    }
  }
  return hex
}

const OPENSSL_NAMES: Record<number, string> = {
  1: 'BOOLEAN', 2: 'INTEGER', 3: 'BIT STRING', 4: 'OCTET STRING', 5: 'NULL', 6: 'OBJECT', 10: 'ENUMERATED', 12: 'UTF8STRING',
  16: 'SEQUENCE', 17: 'SET', 19: 'PRINTABLESTRING', 22: 'IA5STRING', 23: 'UTCTIME', 24: 'GENERALIZEDTIME'
}
function opensslTag(n: Asn1Node): string {
  if (n.tagClass === 'context') return `cont [ ${n.tagNumber} ]`
  return OPENSSL_NAMES[n.tagNumber] ?? `unmapped ${n.tagNumber}`
}

function depthOf(byOffset: Map<number, Asn1Node>, n: Asn1Node): number {
  let d = 0
  for (let p = n.parent; p !== null; p = byOffset.get(p)!.parent) d++
  return d
}

/** The nodes of one DER level under `top` (null: the document), encapsulated contents left out, depth-first. */
function level(nodes: Asn1Node[], top: Asn1Node | null): Asn1Node[] {
  const byOffset = new Map(nodes.map((n) => [n.offset, n]))
  const inLevel = (n: Asn1Node): boolean => {
    for (let p = n.parent; p !== null; p = byOffset.get(p)!.parent) {
      const parent = byOffset.get(p)!
      if (parent.encapsulated) return top !== null && parent.offset === top.offset
    }
    return top === null
  }
  return nodes.filter(inLevel)
}

/** Compares one level with openssl's lines; returns how many elements were compared. */
function compareLevel(der: Uint8Array, nodes: Asn1Node[], top: Asn1Node | null): number {
  const byOffset = new Map(nodes.map((n) => [n.offset, n]))
  const mine = level(nodes, top)
  const contentStart = top ? top.offset + top.headerLength + (top.tagNumber === 3 ? 1 : 0) : 0
  const baseDepth = top ? depthOf(byOffset, top) + 1 : 0
  const theirs = asn1parse(der, top ? top.offset : undefined)
  expect(mine.map((n) => n.offset - contentStart)).toEqual(theirs.map((l) => l.offset))
  mine.forEach((n, i) => {
    const l = theirs[i]!
    const where = `element at ${n.offset}`
    expect({ where, depth: depthOf(byOffset, n) - baseDepth, hl: n.headerLength, len: n.length, cons: n.constructed, tag: opensslTag(n) }).toEqual({
      where,
      depth: l.depth,
      hl: l.hl,
      len: l.len,
      cons: l.cons,
      tag: l.tag
    })
    if (n.tagClass === 'universal' && n.tagNumber === 2) {
      const cut = n.value!.indexOf('…')
      if (cut < 0) expect(n.value, where).toBe(l.value)
      else expect(l.value.startsWith(n.value!.slice(0, cut)), where).toBe(true)
    }
    // openssl prints the OID's name when it knows it: then its own encoding of that name must be our element's bytes.
    if (n.tagClass === 'universal' && n.tagNumber === 6) {
      if (/^[0-2](\.\d+)+$/.test(l.value)) expect(n.value, where).toBe(l.value)
      else expect(asn1Bytes(der, n.offset), where).toMatchObject({ ok: true, value: { hex: opensslOid(l.value) } })
    }
  })
  return mine.length
}

/** Every level of the document: the outermost and each encapsulated string's content. */
function compareWithOpenssl(der: Uint8Array): { elements: number; encapsulated: number } {
  const page = asn1Tree(der)
  if (!page.ok) throw new Error(page.error.message)
  expect(page.value.more).toBeUndefined()
  expect(page.value.nodes.some((n) => n.more)).toBe(false)
  let elements = compareLevel(der, page.value.nodes, null)
  const wrapping = page.value.nodes.filter((n) => n.encapsulated)
  for (const w of wrapping) elements += compareLevel(der, page.value.nodes, w)
  expect(elements).toBe(page.value.nodes.length)
  return { elements, encapsulated: wrapping.length }
}

const NOW = new Date(Math.floor(Date.now() / 1000) * 1000)

describe('asn1Tree equals openssl asn1parse, element by element', () => {
  it('a certificate with extensions (made by OpenSSL)', () => {
    const t = tempDir()
    try {
      opensslBytes(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', t.path('k.pem'), '-out', t.path('c.der'), '-outform', 'DER', '-days', '30', '-subj', '/C=DE/O=Review Org/CN=structure.example',
        '-addext', 'subjectAltName=DNS:structure.example,IP:192.0.2.7,email:ops@example.org',
        '-addext', 'keyUsage=critical,digitalSignature,keyEncipherment',
        '-addext', 'extendedKeyUsage=serverAuth,clientAuth',
        '-addext', 'crlDistributionPoints=URI:http://crl.example/ca.crl',
        '-addext', 'certificatePolicies=2.23.140.1.2.1'])
      const der = new Uint8Array(opensslBytes(['x509', '-in', t.path('c.der'), '-inform', 'DER', '-outform', 'DER']))
      const { elements, encapsulated } = compareWithOpenssl(der)
      expect(elements).toBeGreaterThan(80)
      // every extnValue and the RSA public key's BIT STRING are shown as trees
      expect(encapsulated).toBeGreaterThanOrEqual(9)
      const page = asn1Tree(der)
      if (!page.ok) throw new Error(page.error.message)
      const names = page.value.nodes.map((n) => n.note)
      for (const name of ['sha256WithRSAEncryption', 'rsaEncryption', 'subjectAltName', 'keyUsage', 'extKeyUsage', 'serverAuth', 'commonName', 'cRLDistributionPoints'])
        expect(names).toContain(name)
      const dns = page.value.nodes.find((n) => n.tagClass === 'context' && n.tagNumber === 2 && !n.constructed)
      expect(dns?.value).toBe('structure.example')
      const serial = page.value.nodes.filter((n) => n.parent === page.value.nodes[1]!.offset)[1]!
      expect(serial.name).toBe('INTEGER')
      expect(serial.value).toBe(new X509Certificate(der).serialNumber.toUpperCase())
      const notBefore = page.value.nodes.find((n) => n.name === 'UTCTime')!
      expect(new Date(notBefore.note!).getTime()).toBe(new X509Certificate(der).validFromDate.getTime())
      const keyUsageBits = page.value.nodes.find((n) => n.name === 'BIT STRING' && n.value === 'A0')
      expect(keyUsageBits?.note).toBe('unused bits: 5')
    } finally {
      t.cleanup()
    }
  })

  it('a CSR with requested extensions (made by OpenSSL)', () => {
    const t = tempDir()
    try {
      opensslBytes(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', t.path('k.pem'), '-out', t.path('r.der'), '-outform', 'DER', '-subj', '/CN=csr.example/O=Review Org',
        '-addext', 'subjectAltName=DNS:csr.example', '-addext', 'basicConstraints=critical,CA:FALSE'])
      const der = new Uint8Array(opensslBytes(['req', '-in', t.path('r.der'), '-inform', 'DER', '-outform', 'DER']))
      const { encapsulated } = compareWithOpenssl(der)
      // the two extnValues and the ECDSA signature (a SEQUENCE of two INTEGERs)
      expect(encapsulated).toBe(3)
      const page = asn1Tree(der)
      if (!page.ok) throw new Error(page.error.message)
      expect(page.value.nodes.map((n) => n.note)).toEqual(expect.arrayContaining(['extensionRequest', 'ecPublicKey', 'P-256', 'ecdsa-with-SHA256']))
    } finally {
      t.cleanup()
    }
  })

  it('a CRL with entry extensions (built by the engine, read by OpenSSL)', async () => {
    const ca = await testRoot(NOW)
    const info = issuerInfoOf(ca.der)
    const crl = await buildCrl(
      {
        issuerSubjectDer: info.subjectDer,
        issuerSki: info.ski,
        crlNumber: 42,
        thisUpdate: NOW,
        nextUpdate: new Date(NOW.getTime() + 7 * 86_400_000),
        hash: 'SHA-256',
        rsaPss: false,
        entries: [
          { serial: '0fab19', revokedAt: NOW, reason: 'keyCompromise', invalidityDate: new Date(NOW.getTime() - 86_400_000) },
          { serial: '7f', revokedAt: NOW, reason: 'unspecified' },
          { serial: '00ff', revokedAt: NOW, reason: 'superseded' }
        ]
      },
      ca.signer
    )
    if (!crl.ok) throw new Error(crl.error.message)
    compareWithOpenssl(crl.value)
    const page = asn1Tree(crl.value)
    if (!page.ok) throw new Error(page.error.message)
    expect(page.value.nodes.map((n) => n.note)).toEqual(expect.arrayContaining(['cRLNumber', 'cRLReason', 'invalidityDate', 'authorityKeyIdentifier']))
    const reason = page.value.nodes.find((n) => n.name === 'ENUMERATED')
    expect(reason).toMatchObject({ value: '01', note: '1' })
    expect(page.value.nodes.find((n) => n.value === 'FF')?.note).toBe('255')
  })
})

/** `depth` SEQUENCEs one inside the other around a NULL. */
function nested(depth: number): Uint8Array {
  let inner: Uint8Array = Uint8Array.of(0x05, 0x00)
  for (let i = 0; i < depth; i++) inner = sequence(inner)
  return inner
}

/** SEQUENCE { SEQUENCE { INTEGER serial, UTCTime } × n }: a CRL's revokedCertificates, n entries. */
function entryList(n: number): Uint8Array {
  const time = tlv(0x17, new TextEncoder().encode('261203200000Z'))
  const parts: Uint8Array[] = []
  for (let i = 0; i < n; i++) parts.push(sequence(tlv(0x02, Uint8Array.of(0x01, (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff)), time))
  return sequence(sequence(Buffer.concat(parts)))
}

describe('limits before and while the tree is built', () => {
  it('refuses a document nested deeper than LIMITS.derDepth with ASN1_TOO_DEEP, and shows one just inside', () => {
    expect(asn1Tree(nested(LIMITS.derDepth + 1))).toMatchObject({ ok: false, error: { code: 'ASN1_TOO_DEEP' } })
    const inside = asn1Tree(nested(LIMITS.derDepth))
    expect(inside.ok && inside.value.nodes.length).toBe(LIMITS.derDepth + 1)
  })

  it('refuses depth hidden inside OCTET STRINGs (which the flat scan does not open)', () => {
    let inner: Uint8Array = sequence(Uint8Array.of(0x05, 0x00))
    for (let i = 0; i < LIMITS.derDepth; i++) inner = sequence(tlv(0x04, inner))
    expect(asn1Tree(inner)).toMatchObject({ ok: false, error: { code: 'ASN1_TOO_DEEP' } })
  })

  it('refuses more elements than the limit with ASN1_TOO_MANY_NODES', () => {
    const doc = entryList(1_000) // 1 + 1 + 3,000 elements
    expect(asn1Tree(doc, undefined, { ...ASN1_TREE_LIMITS, maxNodes: 3_001 })).toMatchObject({ ok: false, error: { code: 'ASN1_TOO_MANY_NODES' } })
    expect(asn1Tree(doc, undefined, { ...ASN1_TREE_LIMITS, maxNodes: 3_002 }).ok).toBe(true)
  })

  it('refuses trailing bytes and broken framing with ASN1_MALFORMED', () => {
    expect(asn1Tree(Uint8Array.of(0x30, 0x00, 0x00))).toMatchObject({ ok: false, error: { code: 'ASN1_MALFORMED' } })
    expect(asn1Tree(Uint8Array.of(0x30, 0x05, 0x02, 0x09, 0x01))).toMatchObject({ ok: false, error: { code: 'ASN1_MALFORMED' } })
    expect(asn1Tree(new Uint8Array(0))).toMatchObject({ ok: false, error: { code: 'ASN1_MALFORMED' } })
  })

  it('answers a 100,000-entry list a page at a time, and the pages join up to every entry in order', () => {
    const doc = entryList(100_000)
    const first = asn1Tree(doc)
    if (!first.ok) throw new Error(first.error.message)
    expect(first.value.nodes.length).toBeLessThanOrEqual(ASN1_TREE_LIMITS.responseNodes)
    const list = first.value.nodes[1]!
    expect(list.childCount).toBe(100_000)
    const entries = (nodes: Asn1Node[]): Asn1Node[] => nodes.filter((n) => n.parent === list.offset)
    let seen = entries(first.value.nodes)
    expect(seen.length).toBe(ASN1_TREE_LIMITS.pageSize)
    expect(list.more).toEqual({ from: seen[seen.length - 1]!.offset + seen[0]!.headerLength + seen[0]!.length, remaining: 100_000 - seen.length })
    // three more pages by continuation, then one from far down the list
    let more = list.more
    for (let i = 0; i < 3; i++) {
      const next = asn1Tree(doc, { parent: list.offset, from: more!.from })
      if (!next.ok) throw new Error(next.error.message)
      const got = entries(next.value.nodes)
      expect(got[0]!.offset).toBe(more!.from)
      expect(got.length).toBe(ASN1_TREE_LIMITS.pageSize)
      seen = seen.concat(got)
      more = next.value.more
      expect(more?.remaining).toBe(100_000 - seen.length)
    }
    // the serials count up one per entry across the pages
    const serials = seen.map((e) => first.ok && e.offset).map((o) => asn1Bytes(doc, (o as number) + 2))
    serials.forEach((s, i) => expect(s.ok && s.value.hex).toBe(`020401${i.toString(16).padStart(6, '0').toUpperCase()}`))
  })

  it('a continuation must name an element and a child boundary inside it', () => {
    const doc = entryList(3)
    expect(asn1Tree(doc, { parent: doc.length + 5, from: 0 })).toMatchObject({ ok: false, error: { code: 'ASN1_OFFSET_INVALID' } })
    expect(asn1Tree(doc, { parent: 2, from: 0 })).toMatchObject({ ok: false, error: { code: 'ASN1_OFFSET_INVALID' } })
    // an INTEGER has no children
    expect(asn1Tree(doc, { parent: 6, from: 8 })).toMatchObject({ ok: false, error: { code: 'ASN1_OFFSET_INVALID' } })
  })

  it('asn1Bytes returns an element whole, cut at BYTES_SHOWN', () => {
    const big = tlv(0x04, new Uint8Array(10_000).fill(0xab))
    const b = asn1Bytes(big, 0)
    expect(b).toMatchObject({ ok: true, value: { total: big.length, shown: BYTES_SHOWN } })
    expect(b.ok && b.value.hex.slice(0, 8)).toBe('04822710')
    expect(asn1Bytes(big, big.length)).toMatchObject({ ok: false, error: { code: 'ASN1_OFFSET_INVALID' } })
  })
})
