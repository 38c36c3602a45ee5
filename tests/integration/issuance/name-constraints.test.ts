// Name constraints bind at issuance, for every CA of the chain, and OpenSSL agrees on each
// verdict. Three chains made through the real authorities service (root constrained,
// intermediate constrained, both) and one root made and constrained by OpenSSL then imported.
// Every certificate PKI Desk issues under them passes `openssl verify -x509_strict`; every name
// it refuses is signed anyway (the CA's own vault key, policy bypassed; for the imported root
// by `openssl x509 -req` itself) and OpenSSL rejects that certificate with a subtree violation.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices, type Services } from '../../../src/main/services'
import { createMemoryKeychain } from '../../../src/main/vault'
import { buildCertificate, certificateFacts, toPem } from '../../../src/main/engine'
import type { CreateAuthorityInput, NameConstraintsInput } from '../../../src/shared/domain/authority'
import type { GeneralName } from '../../../src/shared/domain/names'
import type { IssueItemResult } from '../../../src/shared/ipc/certificates'
import { readCsrInput } from '../../../src/main/engine/csr'
import { openssl, tempDir } from '../../unit/engine/helpers'

const tmp = tempDir('pkidesk-name-constraints-')
let services: Services
let n = 0

const FULL: NameConstraintsInput = {
  permitted: [
    { type: 'dns', value: 'example.com' },
    { type: 'ip', value: '10.0.0.0/8' },
    { type: 'ip', value: '2001:db8::/32' },
    { type: 'email', value: 'example.com' },
    { type: 'email', value: '.example.com' },
    { type: 'dn', value: 'O=Example,C=DE' }
  ],
  excluded: [
    { type: 'dns', value: 'bad.example.com' },
    { type: 'ip', value: '10.66.0.0/16' },
    { type: 'email', value: 'boss@example.com' },
    { type: 'dn', value: 'OU=Blocked,O=Example,C=DE' }
  ]
}

interface Ca {
  readonly id: string
  readonly name: string
  readonly pemFile: string
}

async function createCa(name: string, parent: Ca | null, nameConstraints: NameConstraintsInput | null, subject = `CN=${name}, O=Example, C=DE`): Promise<Ca> {
  const input: CreateAuthorityInput = {
    name,
    parentId: parent?.id ?? null,
    subject: subject
      .split(', ')
      .reverse()
      .map((p) => [{ type: p.split('=')[0]!, value: p.split('=')[1]! }]),
    keySpec: 'ec-p256',
    protection: 'keychain',
    validityDays: parent ? 1800 : 3650,
    pathLength: null,
    nameConstraints,
    signature: { hash: 'SHA-256', rsaPss: false },
    crlDistributionPoints: [],
    ocspUrls: [],
    caIssuersUrls: []
  }
  const r = await services.authorities.create(input)
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`)
  const der = services.authorities.requireActive(r.value.id)
  if (!der.ok) throw new Error(der.error.message)
  return { id: r.value.id, name, pemFile: tmp.write(`${r.value.id}.pem`, toPem('CERTIFICATE', der.value.certDer)) }
}

/** An OpenSSL request for `subj` (OpenSSL's /-form) with these SANs. */
function csr(subj: string, sans: readonly GeneralName[]): string {
  const key = tmp.path(`k${++n}.key`)
  const out = tmp.path(`r${n}.csr`)
  const label = { dns: 'DNS', ip: 'IP', email: 'email', uri: 'URI', dn: 'dirName', upn: 'otherName' } as const
  const args = ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-subj', subj, '-out', out]
  if (sans.length) args.push('-addext', `subjectAltName=${sans.map((s) => `${label[s.type]}:${s.value}`).join(',')}`)
  const r = openssl(args)
  if (r.status !== 0) throw new Error(r.out)
  return readFileSync(out, 'utf8')
}

async function issue(ca: Ca, csrPem: string): Promise<IssueItemResult> {
  const r = await services.issuance.issue({ authorityId: ca.id, profileId: null, confirmWarnings: true, items: [{ csrPem, input: { subject: {}, sans: [] } }] })
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`)
  return r.value.results[0]!
}

/** `openssl verify -x509_strict` of `leafPem` under `chain` (root first): its output. */
function verify(chain: readonly Ca[], leafPem: string): string {
  const leaf = tmp.write(`leaf${++n}.pem`, leafPem)
  const args = ['verify', '-x509_strict', '-CAfile', chain[0]!.pemFile]
  if (chain.length > 1) args.push('-untrusted', tmp.write(`untrusted${n}.pem`, chain.slice(1).map((c) => readFileSync(c.pemFile, 'utf8')).join('')))
  return openssl([...args, leaf]).out
}

function pemOf(item: IssueItemResult): string {
  if (!item.ok) throw new Error(`refused: ${item.error.code} ${item.error.message}`)
  const d = services.certificates.get(item.certificateId)
  if (!d.ok) throw new Error(d.error.message)
  return d.value.view.pem
}

/** The refused request signed anyway by the issuing CA's vault key (no policy), as a relying party would see it. */
async function signAnyway(ca: Ca, csrPem: string): Promise<string> {
  const parsed = readCsrInput(new Uint8Array(Buffer.from(csrPem)))
  if (!parsed.ok || !parsed.value[0]?.ok) throw new Error('csr')
  const request = parsed.value[0].csr
  const active = services.authorities.requireActive(ca.id)
  if (!active.ok) throw new Error(active.error.message)
  const signer = services.vault.signer(active.value.row.keyId!)
  if (!signer.ok) throw new Error(signer.error.message)
  const now = new Date(Math.floor(Date.now() / 1000) * 1000)
  const built = await buildCertificate(
    {
      subject: request.subject,
      subjectPublicKeySpki: request.spki,
      notBefore: now,
      notAfter: new Date(now.getTime() + 30 * 86_400_000),
      signature: { hash: 'SHA-256', rsaPss: false },
      basicConstraints: { ca: false, critical: true },
      keyUsage: { usages: ['digitalSignature'], critical: true },
      extendedKeyUsage: { oids: ['1.3.6.1.5.5.7.3.1'], critical: false },
      ...(request.sans.length ? { subjectAltName: { names: request.sans, critical: false } } : {})
    },
    active.value.issuer,
    signer.value
  )
  if (!built.ok) throw new Error(built.error.message)
  return toPem('CERTIFICATE', built.value.der)
}

interface Case {
  readonly subj: string
  readonly sans: readonly GeneralName[]
}
interface Refusal extends Case {
  readonly code: 'NAME_NOT_PERMITTED' | 'NAME_EXCLUDED'
  readonly field: string
  /** The CA the finding must name. */
  readonly by: string
}

/** Issues every accepted case (OpenSSL verifies it) and every refused one (coded finding naming the CA; signed anyway, OpenSSL rejects it). */
async function prove(chain: readonly Ca[], accepted: readonly Case[], refused: readonly Refusal[]): Promise<void> {
  const issuer = chain[chain.length - 1]!
  for (const c of accepted) {
    const item = await issue(issuer, csr(c.subj, c.sans))
    expect(item.ok ? 'issued' : `${item.error.code}: ${item.error.message}`, `${c.subj} ${JSON.stringify(c.sans)}`).toBe('issued')
    expect(verify(chain, pemOf(item)), `${c.subj} ${JSON.stringify(c.sans)}`).toMatch(/: OK\s*$/)
  }
  for (const c of refused) {
    const request = csr(c.subj, c.sans)
    const item = await issue(issuer, request)
    const label = `${c.subj} ${JSON.stringify(c.sans)}`
    if (item.ok) throw new Error(`${label} was issued`)
    const findings = (item.error.details?.findings ?? []).filter((f) => f.code.startsWith('NAME_'))
    expect(findings.map((f) => [f.code, f.field]), label).toContainEqual([c.code, c.field])
    expect(findings.filter((f) => f.code === c.code && f.field === c.field).map((f) => f.message).join('\n'), label).toContain(`"${c.by}"`)
    const openSslSays = verify(chain, await signAnyway(issuer, request))
    expect(openSslSays, label).toContain(c.code === 'NAME_EXCLUDED' ? 'excluded subtree violation' : 'permitted subtree violation')
  }
}

beforeAll(() => {
  services = createServices({ dataDir: tmp.dir, keychain: createMemoryKeychain(), scrypt: { N: 2 ** 14, r: 8, p: 1 } })
})
afterAll(() => {
  services.close()
  tmp.cleanup()
})

const OK_SUBJ = '/C=DE/O=Example/CN=www.example.com'

describe('a root that constrains DNS, IP, e-mail and directory names', () => {
  let root: Ca
  let issuing: Ca
  beforeAll(async () => {
    root = await createCa('Constrained Root', null, FULL)
    issuing = await createCa('Issuing under Constrained Root', root, null)
  })

  it('marks the extension critical and writes each subtree as given (OpenSSL reads it)', () => {
    const text = openssl(['x509', '-in', root.pemFile, '-noout', '-ext', 'nameConstraints']).out
    expect(text).toContain('X509v3 Name Constraints: critical')
    for (const line of ['DNS:example.com', 'IP:10.0.0.0/255.0.0.0', 'IP:2001:DB8:0:0:0:0:0:0/FFFF:FFFF:0:0:0:0:0:0', 'email:example.com', 'email:.example.com', 'DirName:C = DE, O = Example', 'DNS:bad.example.com', 'IP:10.66.0.0/255.255.0.0', 'email:boss@example.com', 'DirName:C = DE, O = Example, OU = Blocked'])
      expect(text).toContain(line)
  })

  it('binds the leaves of its intermediate: names inside are issued and verify, names outside or excluded are refused and OpenSSL rejects them', async () => {
    await prove(
      [root, issuing],
      [
        { subj: OK_SUBJ, sans: [] },
        { subj: '/C=DE/O=Example/CN=example.com', sans: [{ type: 'dns', value: 'deep.api.example.com' }, { type: 'ip', value: '10.1.2.3' }, { type: 'ip', value: '2001:db8::5' }] },
        { subj: '/C=DE/O=Example/OU=Web/CN=Jane Doe', sans: [{ type: 'email', value: 'jane@example.com' }, { type: 'email', value: 'ops@mail.example.com' }] },
        { subj: '/C=DE/O=Example/CN=Jane Doe/emailAddress=jane@example.com', sans: [{ type: 'email', value: 'jane@example.com' }] }
      ],
      [
        { subj: OK_SUBJ, sans: [{ type: 'dns', value: 'www.evil.org' }], code: 'NAME_NOT_PERMITTED', field: 'san[0]', by: 'Constrained Root' },
        { subj: '/C=DE/O=Example/CN=bad.example.com', sans: [], code: 'NAME_EXCLUDED', field: 'san[0]', by: 'Constrained Root' },
        { subj: '/C=DE/O=Example/CN=x.bad.example.com', sans: [], code: 'NAME_EXCLUDED', field: 'san[0]', by: 'Constrained Root' },
        { subj: OK_SUBJ, sans: [{ type: 'ip', value: '192.168.1.1' }], code: 'NAME_NOT_PERMITTED', field: 'san[0]', by: 'Constrained Root' },
        { subj: OK_SUBJ, sans: [{ type: 'ip', value: '10.66.1.1' }], code: 'NAME_EXCLUDED', field: 'san[0]', by: 'Constrained Root' },
        { subj: OK_SUBJ, sans: [{ type: 'ip', value: '2001:dead::1' }], code: 'NAME_NOT_PERMITTED', field: 'san[0]', by: 'Constrained Root' },
        { subj: '/C=DE/O=Example/CN=Jane Doe', sans: [{ type: 'email', value: 'jane@evil.org' }], code: 'NAME_NOT_PERMITTED', field: 'san[0]', by: 'Constrained Root' },
        { subj: '/C=DE/O=Example/CN=Jane Doe', sans: [{ type: 'email', value: 'jane@sub.example.org' }], code: 'NAME_NOT_PERMITTED', field: 'san[0]', by: 'Constrained Root' },
        { subj: '/C=DE/O=Example/CN=The Boss', sans: [{ type: 'email', value: 'boss@example.com' }], code: 'NAME_EXCLUDED', field: 'san[0]', by: 'Constrained Root' },
        { subj: '/C=DE/O=Example/CN=Jane Doe/emailAddress=jane@evil.org', sans: [], code: 'NAME_NOT_PERMITTED', field: 'subject.emailAddress', by: 'Constrained Root' },
        { subj: '/C=DE/O=Other/CN=www.example.com', sans: [], code: 'NAME_NOT_PERMITTED', field: 'subject', by: 'Constrained Root' },
        { subj: '/C=DE/O=Example/OU=Blocked/CN=www.example.com', sans: [], code: 'NAME_EXCLUDED', field: 'subject', by: 'Constrained Root' }
      ]
    )
  })

  it('binds a CA certificate too: an intermediate whose subject is outside the root is refused before any key is made', async () => {
    const before = services.authorities.list().length
    const r = await services.authorities.create({
      name: 'Outside',
      parentId: root.id,
      subject: [[{ type: 'C', value: 'DE' }], [{ type: 'O', value: 'Elsewhere' }], [{ type: 'CN', value: 'Outside CA' }]],
      keySpec: 'ec-p256',
      protection: 'keychain',
      validityDays: 100,
      pathLength: 0,
      nameConstraints: null,
      signature: { hash: 'SHA-256', rsaPss: false },
      crlDistributionPoints: [],
      ocspUrls: [],
      caIssuersUrls: []
    })
    expect(r.ok ? 'created' : [r.error.code, r.error.field]).toEqual(['NAME_NOT_PERMITTED', 'subject'])
    expect(r.ok ? '' : r.error.message).toContain('"Constrained Root"')
    expect(services.authorities.list().length).toBe(before)
  })
})

describe('an intermediate that constrains, under an unconstrained root', () => {
  let root: Ca
  let issuing: Ca
  beforeAll(async () => {
    root = await createCa('Open Root', null, null)
    issuing = await createCa('Constrained Issuing', root, FULL)
  })

  it('issues inside its subtrees (OpenSSL verifies) and refuses outside them (OpenSSL rejects), naming itself', async () => {
    await prove(
      [root, issuing],
      [
        { subj: OK_SUBJ, sans: [{ type: 'ip', value: '10.9.9.9' }] },
        { subj: '/C=DE/O=Example/CN=Jane Doe', sans: [{ type: 'email', value: 'jane@example.com' }] }
      ],
      [
        { subj: '/C=DE/O=Example/CN=www.evil.org', sans: [], code: 'NAME_NOT_PERMITTED', field: 'san[0]', by: 'Constrained Issuing' },
        { subj: OK_SUBJ, sans: [{ type: 'ip', value: '10.66.0.9' }], code: 'NAME_EXCLUDED', field: 'san[0]', by: 'Constrained Issuing' },
        { subj: '/C=DE/O=Example/CN=The Boss', sans: [{ type: 'email', value: 'boss@example.com' }], code: 'NAME_EXCLUDED', field: 'san[0]', by: 'Constrained Issuing' },
        { subj: '/C=FR/O=Example/CN=www.example.com', sans: [], code: 'NAME_NOT_PERMITTED', field: 'subject', by: 'Constrained Issuing' }
      ]
    )
  })
})

describe('a constrained root over a constrained intermediate', () => {
  let root: Ca
  let issuing: Ca
  beforeAll(async () => {
    root = await createCa('Example Only Root', null, { permitted: [{ type: 'dns', value: 'example.com' }, { type: 'ip', value: '10.0.0.0/8' }], excluded: [] }, 'CN=Example Only Root')
    issuing = await createCa('No Dev Issuing', root, { permitted: [{ type: 'ip', value: '10.1.0.0/16' }], excluded: [{ type: 'dns', value: 'dev.example.com' }] }, 'CN=No Dev Issuing')
  })

  it('applies both: each refusal names the CA whose constraint it breaks, and OpenSSL rejects each', async () => {
    await prove(
      [root, issuing],
      [{ subj: '/CN=www.example.com', sans: [{ type: 'ip', value: '10.1.7.7' }] }],
      [
        { subj: '/CN=www.example.org', sans: [], code: 'NAME_NOT_PERMITTED', field: 'san[0]', by: 'Example Only Root' },
        { subj: '/CN=api.dev.example.com', sans: [], code: 'NAME_EXCLUDED', field: 'san[0]', by: 'No Dev Issuing' },
        { subj: '/CN=www.example.com', sans: [{ type: 'ip', value: '10.2.0.1' }], code: 'NAME_NOT_PERMITTED', field: 'san[0]', by: 'No Dev Issuing' },
        { subj: '/CN=www.example.com', sans: [{ type: 'ip', value: '172.16.0.1' }], code: 'NAME_NOT_PERMITTED', field: 'san[0]', by: 'Example Only Root' }
      ]
    )
  })

  it('refuses a wildcard that covers an excluded name, which a suffix comparison (and OpenSSL) would let through', async () => {
    const item = await issue(issuing, csr('/CN=*.example.com', []))
    const findings = item.ok ? [] : (item.error.details?.findings ?? []).filter((f) => f.code.startsWith('NAME_'))
    expect(findings.map((f) => [f.code, f.field])).toEqual([['NAME_EXCLUDED', 'san[0]']])
    expect(findings[0]?.message).toContain('covers dev.example.com')
    expect(findings[0]?.message).toContain('"No Dev Issuing"')
  })
})

describe('a root made and constrained by OpenSSL, imported', () => {
  let root: Ca
  let rootKey: string
  beforeAll(async () => {
    rootKey = tmp.path('imported-root.key')
    const cnf = tmp.write(
      'imported-root.cnf',
      ['[req]', 'distinguished_name=dn', '[dn]', '[v3]', 'basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign', 'subjectKeyIdentifier=hash', 'nameConstraints=critical,permitted;DNS:corp.example,excluded;DNS:secret.corp.example,permitted;dirName:dir', '[dir]', 'C=DE', 'O=Corp', ''].join('\n')
    )
    const pemFile = tmp.path('imported-root.pem')
    const made = openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', rootKey, '-subj', '/C=DE/O=Corp/CN=Imported Root', '-days', '3650', '-config', cnf, '-extensions', 'v3', '-out', pemFile])
    if (made.status !== 0) throw new Error(made.out)
    const imported = await services.authorities.import({
      name: 'Imported Root',
      source: { kind: 'pem', certificate: { encoding: 'pem', data: readFileSync(pemFile, 'utf8') }, key: { encoding: 'pem', data: readFileSync(rootKey, 'utf8') } },
      protection: 'keychain'
    })
    if (!imported.ok) throw new Error(imported.error.message)
    root = { id: imported.value.id, name: 'Imported Root', pemFile }
    const active = services.authorities.requireActive(root.id)
    expect(active.ok && certificateFacts(active.value.certDer).nameConstraints?.critical).toBe(true)
  })

  it('enforces the constraints its certificate carries, and what it refuses OpenSSL itself signs and then rejects', async () => {
    const good = await issue(root, csr('/C=DE/O=Corp/CN=app.corp.example', []))
    expect(verify([root], pemOf(good))).toMatch(/: OK\s*$/)
    for (const [subj, code] of [
      ['/C=DE/O=Corp/CN=app.other.example', 'NAME_NOT_PERMITTED'],
      ['/C=DE/O=Corp/CN=x.secret.corp.example', 'NAME_EXCLUDED'],
      ['/C=US/O=Corp/CN=app.corp.example', 'NAME_NOT_PERMITTED']
    ] as const) {
      const request = csr(subj, [])
      const item = await issue(root, request)
      expect(item.ok ? 'issued' : (item.error.details?.findings ?? []).map((f) => f.code), subj).toContain(code)
      expect(item.ok ? '' : item.error.message, subj).toContain('"Imported Root"')
      const csrFile = tmp.write(`imported${++n}.csr`, request)
      const ext = tmp.write(`imported${n}.ext`, `subjectAltName=DNS:${subj.split('CN=')[1]}\n`)
      const out = tmp.path(`imported${n}.pem`)
      const signed = openssl(['x509', '-req', '-in', csrFile, '-CA', root.pemFile, '-CAkey', rootKey, '-CAcreateserial', '-days', '30', '-extfile', ext, '-out', out])
      expect(signed.status, signed.out).toBe(0)
      expect(verify([root], readFileSync(out, 'utf8')), subj).toContain(code === 'NAME_EXCLUDED' ? 'excluded subtree violation' : 'permitted subtree violation')
    }
  })
})
