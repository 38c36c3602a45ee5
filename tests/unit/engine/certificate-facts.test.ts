// Certificate facts from DER: a CA certificate made by OpenSSL (the independent
// implementation) with path length, key identifiers, key usage and name constraints in every
// GeneralName form is read back exactly; the services use these facts, never display text.
import { afterAll, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { certificateFacts, pathLengthOf } from '../../../src/main/engine'
import { issuerContextFromCertificate } from '../../../src/main/engine/policy'
import { openssl, tempDir } from './helpers'

const tmp = tempDir('pkidesk-facts-')
afterAll(() => tmp.cleanup())

function makeCa(name: string, extensions: string, extraSections = ''): Uint8Array {
  const key = tmp.path(`${name}.key`)
  const cert = tmp.path(`${name}.der`)
  const conf = tmp.write(`${name}.cnf`, `[req]\ndistinguished_name=dn\nprompt=no\n[dn]\nO=Facts\nCN=${name}\n[ext]\n${extensions}\n${extraSections}`)
  const r = openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-nodes', '-keyout', key, '-config', conf, '-extensions', 'ext', '-days', '30', '-outform', 'DER', '-out', cert])
  if (r.status !== 0) throw new Error(r.out)
  return new Uint8Array(readFileSync(cert))
}

describe('certificateFacts', () => {
  const der = makeCa(
    'Constrained CA',
    [
      'basicConstraints=critical,CA:TRUE,pathlen:2',
      'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
      'subjectKeyIdentifier=hash',
      'authorityKeyIdentifier=keyid:always',
      'nameConstraints=critical,permitted;DNS:.example.com,permitted;email:example.org,permitted;URI:.example.net,permitted;IP:10.0.0.0/255.0.0.0,permitted;dirName:dir_sect,permitted;otherName:1.3.6.1.4.1.311.20.2.3;UTF8:corp.example,permitted;RID:1.2.3.4,excluded;DNS:bad.example.com,excluded;IP:2001:db8::/ffff:ffff::'
    ].join('\n'),
    '[dir_sect]\nO=Facts\nOU=Devices\n'
  )
  const f = certificateFacts(der)
  const text = openssl(['x509', '-inform', 'DER', '-in', tmp.path('Constrained CA.der'), '-noout', '-ext', 'subjectKeyIdentifier,authorityKeyIdentifier']).out

  it('basic constraints and path length, key usage, the CN and the key', () => {
    expect(f.basicConstraints).toEqual({ ca: true, pathLength: 2, critical: true })
    expect(pathLengthOf(f)).toBe(2)
    expect(f.keyUsage).toEqual({ usages: ['digitalSignature', 'keyCertSign', 'cRLSign'], critical: true })
    expect(f.commonName).toBe('Constrained CA')
    expect(f.selfIssued).toBe(true)
    expect(f.key).toMatchObject({ family: 'ec', curve: 'P-384', algorithm: 'EC' })
    expect(issuerContextFromCertificate(der)).toMatchObject({ keyFamily: 'ec', curve: 'P-384', isCa: true, pathLength: 2 })
  })

  it('subject and authority key identifiers, as OpenSSL prints them', () => {
    const colon = (b: Uint8Array | null) => Buffer.from(b ?? []).toString('hex').toUpperCase().match(/../g)!.join(':')
    expect(text).toContain(colon(f.subjectKeyId))
    expect(f.authorityKeyId && Buffer.from(f.authorityKeyId).equals(Buffer.from(f.subjectKeyId!))).toBe(true)
  })

  it('name constraints: permitted and excluded subtrees in every GeneralName form', () => {
    const nc = f.nameConstraints!
    expect(nc.critical).toBe(true)
    expect(nc.permitted.map((s) => [s.base.form, s.base.value])).toEqual([
      ['dns', '.example.com'],
      ['email', 'example.org'],
      ['uri', '.example.net'],
      ['ip', '10.0.0.0/8'],
      ['directoryName', 'O=Facts, OU=Devices'.split(', ').reverse().join(', ')],
      ['otherName', 'corp.example'],
      ['registeredID', '1.2.3.4']
    ])
    const dir = nc.permitted[4]!.base
    expect(dir.form === 'directoryName' && dir.dn).toEqual([[{ type: 'O', value: 'Facts' }], [{ type: 'OU', value: 'Devices' }]])
    const ip = nc.permitted[3]!.base
    expect(ip.form === 'ip' && [Array.from(ip.address), Array.from(ip.mask!)]).toEqual([[10, 0, 0, 0], [255, 0, 0, 0]])
    const other = nc.permitted[5]!.base
    expect(other.form === 'otherName' && other.typeId).toBe('1.3.6.1.4.1.311.20.2.3')
    expect(nc.excluded.map((s) => [s.base.form, s.base.value])).toEqual([
      ['dns', 'bad.example.com'],
      ['ip', '2001:db8:0:0:0:0:0:0/32']
    ])
    expect(nc.permitted.every((s) => s.minimum === 0 && s.maximum === undefined)).toBe(true)
  })

  it('a CA without a path length constraint and an end entity', () => {
    const open = certificateFacts(makeCa('Open CA', 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign'))
    expect(open.basicConstraints).toEqual({ ca: true, pathLength: null, critical: true })
    expect(pathLengthOf(open)).toBeNull()
    expect(open.nameConstraints).toBeNull()
    const ee = certificateFacts(makeCa('ee.example.com', 'basicConstraints=CA:FALSE\nsubjectAltName=DNS:ee.example.com,IP:192.0.2.1,email:a@example.com\nextendedKeyUsage=serverAuth'))
    expect(ee.basicConstraints).toEqual({ ca: false, pathLength: null, critical: false })
    expect(ee.subjectAltNames.map((n) => [n.form, n.value])).toEqual([['dns', 'ee.example.com'], ['ip', '192.0.2.1'], ['email', 'a@example.com']])
    expect(ee.extendedKeyUsage).toEqual({ oids: ['1.3.6.1.5.5.7.3.1'], critical: false })
  })
})
