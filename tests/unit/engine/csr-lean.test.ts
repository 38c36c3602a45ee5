// The lean CSR walkers (engine/csr-lean.ts) answer exactly what the asn1-schema reference
// readers answer, for the subject and the extension request of every CSR fixture in the
// repository and of requests OpenSSL makes; shapes they do not read (a BMPString or
// TeletexString value, an unexpected tag) answer null, and parseCsrDer then reads them
// with the reference, so the parsed request is the same either way.
import 'reflect-metadata'
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { AsnConvert } from '@peculiar/asn1-schema'
import { CertificationRequest } from '@peculiar/asn1-csr'
import { describe, expect, it } from 'vitest'
import { ExtendedKeyUsage, GeneralName, GeneralNames, Name as AsnName, OtherName } from '@peculiar/asn1-x509'
import { leanExtKeyUsage, leanExtensions, leanName, leanSubjectAltNames } from '../../../src/main/engine/csr-lean'
import { describeRequestedExtensions } from '../../../src/main/engine/describe'
import { parseCsrDer, referenceExtensions, referenceName } from '../../../src/main/engine/csr'
import { tempDir } from './helpers'

const EXTENSION_REQUEST = '1.2.840.113549.1.9.14'
const BLOCK = /-----BEGIN (?:NEW )?CERTIFICATE REQUEST-----([\s\S]*?)-----END (?:NEW )?CERTIFICATE REQUEST-----/g

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    return statSync(p).isDirectory() ? filesUnder(p) : [p]
  })
}

/** Every PEM request block of every fixture file, with where it came from. */
function fixtureRequests(): { name: string; der: Uint8Array }[] {
  const out: { name: string; der: Uint8Array }[] = []
  for (const file of filesUnder(join(__dirname, '../../fixtures'))) {
    if (statSync(file).size > 4 * 1024 * 1024) continue
    const text = readFileSync(file, 'latin1')
    let k = 0
    for (const m of text.matchAll(BLOCK)) out.push({ name: `${file}#${++k}`, der: new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')) })
  }
  return out
}

/** The subject DER and the extensionRequest values of a request, as the reference schema splits it. */
function parts(der: Uint8Array): { subject: Uint8Array; extensionValues: Uint8Array[] } | null {
  try {
    const req = AsnConvert.parse(der, CertificationRequest)
    const info = req.certificationRequestInfo
    return {
      subject: new Uint8Array(AsnConvert.serialize(info.subject)),
      extensionValues: info.attributes.filter((a) => a.type === EXTENSION_REQUEST).flatMap((a) => a.values.map((v) => new Uint8Array(v)))
    }
  } catch {
    return null
  }
}

function opensslRequests(): { name: string; der: Uint8Array }[] {
  const tmp = tempDir('pkidesk-lean-')
  try {
    const key = join(tmp.dir, 'k.pem')
    execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key])
    const subjects: [string, string[]][] = [
      ['/CN=utf8 ünïcode.example/O=Ex, Inc./C=DE', ['-utf8']],
      ['/CN=printable.example/OU=A+OU=B/emailAddress=ops@example.com', []],
      ['/C=US/ST=CA/L=SF/O=Org/CN=bmp.example', ['-utf8', '-multivalue-rdn', '-nameopt', 'utf8']]
    ]
    return subjects.map(([subj, extra], i) => {
      const out = join(tmp.dir, `r${i}.der`)
      execFileSync('openssl', ['req', '-new', '-key', key, '-subj', subj, ...extra, '-addext', 'subjectAltName=DNS:a.example,IP:10.0.0.1,email:x@example.com', '-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'keyUsage=critical,digitalSignature', '-outform', 'DER', '-out', out])
      return { name: `openssl ${subj}`, der: new Uint8Array(readFileSync(out)) }
    })
  } finally {
    tmp.cleanup()
  }
}

describe('lean CSR reading', () => {
  const requests = [...fixtureRequests(), ...opensslRequests()]

  it('reads the subject and the extension request of every fixture and OpenSSL request exactly as the reference does', () => {
    let leanNames = 0
    let leanExts = 0
    let readable = 0
    for (const { name, der } of requests) {
      const p = parts(der)
      if (!p) continue
      readable++
      const lean = leanName(p.subject)
      if (lean) {
        leanNames++
        expect(lean, name).toEqual(referenceName(p.subject))
      }
      for (const v of p.extensionValues) {
        const le = leanExtensions(v)
        if (!le) continue
        leanExts++
        expect(le, name).toEqual(referenceExtensions(v))
      }
    }
    // The walkers must actually read the common shapes, or this test would prove nothing.
    expect(readable).toBeGreaterThan(15)
    expect(leanNames).toBe(readable)
    expect(leanExts).toBeGreaterThan(3)
  })

  it('answers null for value types it does not read, and parseCsrDer falls back to the reference for them', () => {
    // Name: SET { SEQ { OID 2.5.4.3, BMPString "hi" } } and the same as TeletexString.
    const bmpName = Uint8Array.from([0x30, 0x11, 0x31, 0x0f, 0x30, 0x0d, 0x06, 0x03, 0x55, 0x04, 0x03, 0x1e, 0x06, 0x00, 0x68, 0x00, 0x69, 0x00, 0x21])
    const teletex = Uint8Array.from([0x30, 0x0e, 0x31, 0x0c, 0x30, 0x0a, 0x06, 0x03, 0x55, 0x04, 0x03, 0x14, 0x03, 0x61, 0x62, 0x63])
    expect(leanName(bmpName)).toBeNull()
    expect(referenceName(bmpName)).toEqual([[{ type: 'CN', value: 'hi!' }]])
    expect(leanName(teletex)).toBeNull()
    // Extensions: an extnValue that is not an OCTET STRING is not a shape the walker reads.
    expect(leanExtensions(Uint8Array.from([0x30, 0x0a, 0x30, 0x08, 0x06, 0x03, 0x55, 0x1d, 0x0f, 0x02, 0x01, 0x05]))).toBeNull()
    // A whole request with a BMPString subject (OpenSSL writes one for -utf8 with a string mask of bmp).
    const tmp = tempDir('pkidesk-lean-bmp-')
    try {
      const key = join(tmp.dir, 'k.pem')
      const cnf = join(tmp.dir, 'req.cnf')
      writeFileSync(cnf, '[req]\ndistinguished_name=dn\nstring_mask=MASK:0x800\nprompt=no\n[dn]\nCN=bmp.example\n')
      execFileSync('openssl', ['genpkey', '-algorithm', 'ED25519', '-out', key])
      const der = new Uint8Array(execFileSync('openssl', ['req', '-new', '-key', key, '-config', cnf, '-utf8', '-outform', 'DER']))
      const p = parts(der)!
      expect(leanName(p.subject)).toBeNull()
      const parsed = parseCsrDer(der)
      expect(parsed.ok && parsed.value.subject).toEqual([[{ type: 'CN', value: 'bmp.example' }]])
    } finally {
      tmp.cleanup()
    }
  })

  it('parseCsrDer gives the reference subject and extensions for every fixture request', () => {
    for (const { name, der } of requests) {
      const p = parts(der)
      const r = parseCsrDer(der)
      if (!p || !r.ok) continue
      expect(r.value.subject, name).toEqual(referenceName(p.subject))
      expect(r.value.extensions, name).toEqual(p.extensionValues.flatMap((v) => referenceExtensions(v)))
    }
  })

  it('reads requested SANs and extended key usages exactly as asn1-schema does, and leaves other name forms to it', () => {
    const der = (v: object): Uint8Array => new Uint8Array(AsnConvert.serialize(v))
    const san = (names: GeneralName[]): Uint8Array => der(new GeneralNames(names))
    const upn = new GeneralName({ otherName: new OtherName({ typeId: '1.3.6.1.4.1.311.20.2.3', value: AsnConvert.serialize(new GeneralNames([])) }) })
    const dirName = new GeneralName({ directoryName: AsnConvert.parse(der(AsnConvert.parse(Uint8Array.from([0x30, 0x0e, 0x31, 0x0c, 0x30, 0x0a, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x03, 0x61, 0x62, 0x63]), AsnName)), AsnName) })
    const leanSans: Uint8Array[] = [
      san([new GeneralName({ dNSName: 'a.example' }), new GeneralName({ rfc822Name: 'ops@example.com' }), new GeneralName({ uniformResourceIdentifier: 'https://x.example/p?q=1' })]),
      san([new GeneralName({ dNSName: '*.wild.example' }), new GeneralName({ dNSName: 'b.example' })]),
      san([])
    ]
    const referenceSans: Uint8Array[] = [
      san([new GeneralName({ dNSName: 'a.example' }), new GeneralName({ iPAddress: '10.0.0.1' })]),
      san([new GeneralName({ iPAddress: '2001:db8::1' })]),
      san([new GeneralName({ dNSName: 'a.example' }), dirName]),
      san([upn]),
      san([new GeneralName({ registeredID: '1.2.3.4' })]),
      // dNSName with a byte outside ASCII (0xC3 0xA9): not read lean.
      Uint8Array.from([0x30, 0x05, 0x82, 0x03, 0x61, 0xc3, 0xa9])
    ]
    const ekus: Uint8Array[] = [der(new ExtendedKeyUsage(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'])), der(new ExtendedKeyUsage(['1.3.6.1.4.1.311.20.2.2', '2.999.1234567890.5']))]
    for (const v of leanSans) expect(leanSubjectAltNames(v)).not.toBeNull()
    for (const v of referenceSans) expect(leanSubjectAltNames(v)).toBeNull()
    for (const v of ekus) expect(leanExtKeyUsage(v)).not.toBeNull()
    expect(leanExtKeyUsage(Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x05]))).toBeNull()
    const lists = [
      ...[...leanSans, ...referenceSans].map((value) => [{ oid: '2.5.29.17', critical: false, value }]),
      ...ekus.map((value) => [{ oid: '2.5.29.37', critical: true, value }]),
      // Every fixture and OpenSSL request's extension request.
      ...requests.flatMap(({ der: d }) => parts(d)?.extensionValues.map((v) => leanExtensions(v) ?? referenceExtensions(v)) ?? [])
    ]
    expect(lists.length).toBeGreaterThan(15)
    for (const exts of lists) expect(describeRequestedExtensions(exts)).toEqual(describeRequestedExtensions(exts, { reference: true }))
    // The reference reads the forms the lean reader leaves to it.
    expect(describeRequestedExtensions([{ oid: '2.5.29.17', critical: false, value: referenceSans[0]! }]).sans).toEqual([{ type: 'dns', value: 'a.example' }, { type: 'ip', value: '10.0.0.1' }])
  })
})
