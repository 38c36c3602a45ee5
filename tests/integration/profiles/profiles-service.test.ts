// profiles:* over createServices and the IPC dispatch (schemas checked both ways): starter
// profiles, CRUD with coded field-precise errors, audit, list filters/sort/cursor, duplicate,
// archive, import/export of every dialect, preview of real OpenSSL CSRs, and issuance with a
// stored profile checked by OpenSSL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createServices, type Services } from '../../../src/main/services'
import { createHandlers, type Handlers } from '../../../src/main/ipc/handlers'
import { dispatch } from '../../../src/main/ipc/dispatch'
import { createMemoryKeychain } from '../../../src/main/vault'
import type { EventName, EventPayload } from '../../../src/shared/ipc/events'
import type { ChannelName, Contract } from '../../../src/shared/ipc/contract'
import type { RequestOf, ResponseOf } from '../../../src/shared/ipc/define'
import type { IssueItemResult } from '../../../src/shared/ipc/certificates'
import { openssl, tempDir } from '../../unit/engine/helpers'
import type { AuditEntryDto } from '../../../src/shared/ipc/audit'

const FIX = join(__dirname, '../../fixtures/profiles')
const fixture = (name: string) => readFileSync(join(FIX, name), 'utf8')
const tmp = tempDir('pkidesk-profiles-')
let services: Services
let handlers: Handlers
const events: string[] = []

async function call<K extends ChannelName>(channel: K, req: RequestOf<Contract[K]>): Promise<ResponseOf<Contract[K]>> {
  const r = await dispatch(handlers, channel, req)
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`)
  return r.value as ResponseOf<Contract[K]>
}
async function failure(channel: ChannelName, req: unknown): Promise<{ code: string; message: string; field?: string }> {
  const r = await dispatch(handlers, channel, req)
  if (r.ok) throw new Error(`${channel} unexpectedly succeeded`)
  return r.error
}
const issuedId = (x: IssueItemResult | undefined): number => {
  if (!x?.ok) throw new Error(`not issued: ${JSON.stringify(x)}`)
  return x.certificateId
}
const itemError = (x: IssueItemResult | undefined) => {
  if (!x || x.ok) throw new Error(`unexpectedly issued: ${JSON.stringify(x)}`)
  return x.error
}
const auditEntries = (): AuditEntryDto[] => services.audit.exportJsonl().jsonl.split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditEntryDto)
const auditActions = () => auditEntries().map((e) => `${e.action} ${e.subject}`)

function csrPem(name: string, keyArgs: string[], subj: string, sans?: string): string {
  const key = tmp.path(`${name}.key`)
  const out = tmp.path(`${name}.csr`)
  const args = ['req', '-new', '-newkey', ...keyArgs, '-nodes', '-keyout', key, '-subj', subj, '-out', out]
  if (sans) args.push('-addext', `subjectAltName=${sans}`)
  const r = openssl(args)
  if (r.status !== 0) throw new Error(r.out)
  return readFileSync(out, 'utf8')
}

beforeAll(() => {
  services = createServices({
    dataDir: tmp.dir,
    keychain: createMemoryKeychain(),
    scrypt: { N: 2 ** 14, r: 8, p: 1 },
    emit: <N extends EventName>(name: N, payload: EventPayload<N>) => void events.push(`${name}:${JSON.stringify(payload)}`)
  })
  handlers = createHandlers(services)
})
afterAll(() => {
  services.close()
  tmp.cleanup()
})

describe('starter profiles', () => {
  it('a new store holds the six starter profiles, valid and from resources', async () => {
    const page = await call('profiles:list', { limit: 50 })
    expect(page.items.map((p) => p.id).sort()).toEqual(['code-signing', 'intermediate-ca', 'iot-device', 'smime', 'tls-client', 'tls-server'])
    const tls = await call('profiles:get', { id: 'tls-server' })
    expect(tls).toMatchObject({ source: 'starter', archived: false, validity: { type: 'Duration', duration: '90d' }, maxValidityDays: 397, extendedKeyUsages: ['1.3.6.1.5.5.7.3.1'] })
    expect((await call('profiles:get', { id: 'iot-device' })).validity).toEqual({ type: 'Duration', duration: '30d' })
    expect(await call('profiles:get', { id: 'intermediate-ca' })).toMatchObject({ signAsCa: true, pathLength: 0, validity: { duration: '5y' } })
    expect('extras' in tls).toBe(false)
  })
})

describe('CRUD with coded, field-precise errors', () => {
  it('creates, audits in the same transaction, and emits changed', async () => {
    const before = auditActions().length
    const p = await call('profiles:create', { id: 'web-1', profile: { name: 'Web One', san: { dnsPatterns: ['.example.com'] } } })
    expect(p).toMatchObject({ id: 'web-1', name: 'Web One', source: 'local', archived: false, san: { dnsPatterns: ['.example.com'] } })
    expect(auditActions().slice(before)).toEqual(['profile.create profile:web-1'])
    expect(events).toContain('changed:{"domain":"profiles"}')
    expect(services.audit.verify().intact).toBe(true)
  })
  it('INVALID_OBJECT names the field and why', async () => {
    const e = await failure('profiles:create', { profile: { name: 'Bad', validity: { type: 'Duration', duration: 'soon' } } })
    expect(e.code).toBe('INVALID_OBJECT')
    expect(e.field).toBe('validity.duration')
    expect(e.message).toContain('90d')
    const cidr = await failure('profiles:create', { profile: { name: 'Bad', san: { ipCidrs: ['10.0.0.0/33'] } } })
    expect(cidr).toMatchObject({ code: 'INVALID_OBJECT', field: 'san.ipCidrs.0' })
    const ca = await failure('profiles:create', { profile: { name: 'Bad', signAsCa: true, keyUsage: ['digitalSignature'] } })
    expect(ca).toMatchObject({ code: 'INVALID_OBJECT', field: 'keyUsage' })
    expect(ca.message).toContain('keyCertSign')
    const path = await failure('profiles:create', { profile: { name: 'Bad', pathLength: 1 } })
    expect(path).toMatchObject({ code: 'INVALID_OBJECT', field: 'pathLength' })
  })
  it('NAME_TAKEN (case-insensitive) and ID_TAKEN', async () => {
    expect(await failure('profiles:create', { profile: { name: 'web one' } })).toMatchObject({ code: 'NAME_TAKEN', field: 'name' })
    expect(await failure('profiles:create', { id: 'web-1', profile: { name: 'Another' } })).toMatchObject({ code: 'ID_TAKEN', field: 'id' })
    expect(await failure('profiles:update', { id: 'web-1', profile: { name: 'TLS server (90 days)' } })).toMatchObject({ code: 'NAME_TAKEN' })
  })
  it('updates with optimistic concurrency, audits the changed fields', async () => {
    const cur = await call('profiles:get', { id: 'web-1' })
    const { id: _i, archived: _a, source: _s, createdAt: _c, updatedAt, ...body } = cur
    const next = await call('profiles:update', { id: 'web-1', profile: { ...body, description: 'edited' }, expectedUpdatedAt: updatedAt })
    expect(next.description).toBe('edited')
    const last = auditEntries().pop()!
    expect(last.action).toBe('profile.update')
    expect(JSON.parse(last.details).changed).toEqual(['description'])
    expect(await failure('profiles:update', { id: 'web-1', profile: body, expectedUpdatedAt: '2000-01-01T00:00:00.000Z' })).toMatchObject({ code: 'PROFILE_STALE' })
    expect(await failure('profiles:get', { id: 'nope' })).toMatchObject({ code: 'PROFILE_NOT_FOUND', field: 'id' })
  })
  it('duplicates under a fresh name and archives/unarchives, audited', async () => {
    const copy = await call('profiles:duplicate', { id: 'web-1' })
    expect(copy.name).toBe('Web One (copy)')
    expect(copy.id).toBe('web-one-copy')
    const copy2 = await call('profiles:duplicate', { id: 'web-1', newId: 'web-1b' })
    expect(copy2).toMatchObject({ id: 'web-1b', name: 'Web One (copy 2)' })
    const archived = await call('profiles:archive', { id: 'web-1b', archived: true })
    expect(archived.archived).toBe(true)
    expect((await call('profiles:list', { limit: 100 })).items.map((p) => p.id)).not.toContain('web-1b')
    expect((await call('profiles:list', { limit: 100, includeArchived: true })).items.map((p) => p.id)).toContain('web-1b')
    await call('profiles:archive', { id: 'web-1b', archived: false })
    expect(auditActions().slice(-2)).toEqual(['profile.archive profile:web-1b', 'profile.unarchive profile:web-1b'])
  })
  it('a profile created without an id gets one read from its name, unique, and kept when it is renamed', async () => {
    const first = await call('profiles:create', { profile: { name: 'Internal Web (EU)' } })
    expect(first.id).toBe('internal-web-eu')
    const second = await call('profiles:create', { profile: { name: 'Internal-Web EU' } })
    expect(second.id).toBe('internal-web-eu-2')
    const { id: _i, archived: _a, source: _s, createdAt: _c, updatedAt, ...body } = first
    const renamed = await call('profiles:update', { id: first.id, profile: { ...body, name: 'Intranet servers' }, expectedUpdatedAt: updatedAt })
    expect(renamed).toMatchObject({ id: 'internal-web-eu', name: 'Intranet servers' })
    expect(auditActions().slice(-3)).toEqual(['profile.create profile:internal-web-eu', 'profile.create profile:internal-web-eu-2', 'profile.update profile:internal-web-eu'])
    // An id given by the operator is used as it is, and refused when not an id.
    expect((await call('profiles:create', { id: 'eu_web.v1', profile: { name: 'Given id' } })).id).toBe('eu_web.v1')
    expect(await failure('profiles:create', { id: '-bad', profile: { name: 'Bad id' } })).toMatchObject({ field: 'id' })
    for (const id of ['internal-web-eu-2', 'eu_web.v1', 'internal-web-eu']) await call('profiles:delete', { id })
  })
  it('deletes an unused profile, audited', async () => {
    await call('profiles:create', { id: 'temp', profile: { name: 'Temporary' } })
    expect(await call('profiles:delete', { id: 'temp' })).toEqual({ id: 'temp' })
    expect(auditActions().pop()).toBe('profile.delete profile:temp')
    expect(await failure('profiles:get', { id: 'temp' })).toMatchObject({ code: 'PROFILE_NOT_FOUND' })
  })
})

describe('list: filters, sorting, cursor', () => {
  it('filter expressions, ANDed', async () => {
    const ids = async (filter: string[]) => (await call('profiles:list', { limit: 100, filter })).items.map((p) => p.id).sort()
    expect(await ids(['sign_as_ca[eq]=true'])).toEqual(['intermediate-ca'])
    expect(await ids(['signAsCa[ne]true', 'name[contains]TLS'])).toEqual(['tls-client', 'tls-server'])
    expect(await ids(['name[contains_ic]tls'])).toEqual(['tls-client', 'tls-server'])
    expect(await ids(['name[ct]TLS', 'name[nc]client'])).toEqual(['tls-server'])
    expect(await ids(['validity.duration[eq]30d'])).toEqual(['iot-device'])
    expect(await ids(['max_validity_days[gt]396'])).toEqual(['smime', 'tls-server'])
    expect(await ids(['max_validity_days[lt]400'])).toEqual(['tls-server'])
    expect(await ids(['crypto.allow_ed25519[eq]true'])).toEqual(['tls-client'])
    expect(await failure('profiles:list', { filter: ['nosuchfield[eq]1'] })).toMatchObject({ code: 'INVALID_FILTER', field: 'filter[0]' })
    expect(await failure('profiles:list', { filter: ['name[like]x'] })).toMatchObject({ code: 'INVALID_FILTER' })
  })
  it('pages with a bookmark in either sort order, without gaps or repeats', async () => {
    for (const sortMode of ['asc', 'desc'] as const) {
      const all = (await call('profiles:list', { limit: 500, sortBy: 'name', sortMode })).items.map((p) => p.name)
      const seen: string[] = []
      let next = ''
      do {
        const page = await call('profiles:list', { limit: 3, sortBy: 'name', sortMode, ...(next ? { next } : {}) })
        seen.push(...page.items.map((p) => p.name))
        next = page.next
      } while (next)
      expect(seen).toEqual(all)
      const sorted = [...all].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()))
      expect(all).toEqual(sortMode === 'asc' ? sorted : sorted.reverse())
    }
    const first = await call('profiles:list', { limit: 2, sortBy: 'created_at' })
    expect(await failure('profiles:list', { limit: 2, sortBy: 'name', next: first.next })).toMatchObject({ code: 'INVALID_CURSOR', field: 'next' })
    expect(await failure('profiles:list', { limit: 2, next: 'garbage' })).toMatchObject({ code: 'INVALID_CURSOR' })
  })
})

describe('import and export', () => {
  it.each([
    ['lamassu-web-server.json', 'lamassu', 'Web Server Certificate Profile'],
    ['tlm-profile-list.json', 'digicert-tlm', 'Profile name'],
    ['certcentral-create-profile.json', 'certcentral', 'Web farm ACME profile'],
    ['paloalto-generate.json', 'paloalto', 'gp-portal']
  ])('%s imports (auto-detected as %s) with notes, audited', async (file, dialect, name) => {
    const r = await call('profiles:import', { json: fixture(file) })
    expect(r.dialect).toBe(dialect)
    expect(r.profile.name).toBe(name)
    expect(r.profile.source).toBe(`import:${dialect}`)
    expect(Array.isArray(r.notes)).toBe(true)
    expect(auditActions().pop()).toBe(`profile.create profile:${r.profile.id}`)
  })
  it('keeps the remote id when free; the export sends back unmodelled fields even after an edit in the app', async () => {
    const r = await call('profiles:get', { id: 'd6743d9a-fb67-4a64-a33e-8a3229d28cc4' })
    const { id, archived: _a, source: _s, createdAt: _c, updatedAt: _u, ...body } = r
    await call('profiles:update', { id, profile: { ...body, description: 'edited here' } })
    const out = await call('profiles:export', { id, dialect: 'digicert-tlm' })
    const json = JSON.parse(out.json)
    expect(json.key_escrow_policy).toEqual({ key_escrow_enabled: true, key_escrow_deployment_mode: 'CLOUD', dual_admin_recovery: true })
    expect(json.certificate.issuer.subject_dn).toBe('CN=USCSS Nostromo, O=Weyland-Yutani, C=US')
    const street = json.certificate.subject.attributes.find((a: { type: string }) => a.type === 'street_address')
    expect(street.sources[0]).toEqual({ mandatory: false, source: 'AD_ATTRIBUTE', ad_attribute_key: 'streetAddress' })
    expect(out.notes.map((n) => n.field)).toContain('description')
  })
  it('an explicit dialect that does not fit is INVALID_OBJECT; an unknown document UNKNOWN_DIALECT', async () => {
    expect(await failure('profiles:import', { json: fixture('lamassu-web-server.json'), dialect: 'paloalto' })).toMatchObject({ code: 'INVALID_OBJECT', field: 'algorithm' })
    expect(await failure('profiles:import', { json: '{"x":1}' })).toMatchObject({ code: 'UNKNOWN_DIALECT' })
    expect(await failure('profiles:import', { json: fixture('lamassu-web-server.json') })).toMatchObject({ code: 'NAME_TAKEN' })
    const renamed = await call('profiles:import', { json: fixture('lamassu-web-server.json'), name: 'Web Server 2' })
    expect(renamed.profile.id).not.toBe('web-server-profile')
  })
  it('exports a starter profile to every dialect with notes', async () => {
    for (const dialect of ['lamassu', 'digicert-tlm', 'certcentral', 'paloalto', 'pkidesk'] as const) {
      const out = await call('profiles:export', { id: 'tls-server', dialect })
      expect(() => JSON.parse(out.json)).not.toThrow()
      if (dialect === 'pkidesk') expect(out.notes).toEqual([])
      else expect(out.notes.length).toBeGreaterThan(0)
    }
  })
})

describe('preview and issuance with real OpenSSL CSRs', () => {
  let caId: string
  beforeAll(async () => {
    const ca = await call('authorities:create', {
      name: 'Profiles Test CA',
      parentId: null,
      subject: [[{ type: 'CN', value: 'Profiles Test CA' }]],
      keySpec: 'ec-p256',
      protection: 'passphrase',
      passphrase: 'correct horse battery staple',
      validityDays: 200,
      pathLength: 1,
      nameConstraints: null,
      signature: { hash: 'SHA-256', rsaPss: false },
      crlDistributionPoints: [],
      ocspUrls: [],
      caIssuersUrls: []
    })
    caId = ca.id
  })

  it('previews an EC CSR against the TLS server profile: field by field, with reasons', async () => {
    const pem = csrPem('ec', ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], '/O=Acme/OU=Web/CN=www.example.com', 'DNS:api.example.com')
    const r = await call('profiles:preview', { id: 'tls-server', csrPem: pem, authorityId: caId })
    expect(r.canSign).toBe(true)
    expect(r.findings).toEqual([])
    const row = (f: string) => r.rows.find((x) => x.field === f)
    expect(row('subject.OU')).toMatchObject({ requested: 'Web', result: null, changed: true })
    expect(row('san.dns:www.example.com')).toMatchObject({ requested: null, result: 'dns:www.example.com', changed: true })
    expect(row('keyUsage')!.result).toBe('digitalSignature')
    expect(row('keyUsage')!.reason).toContain('keyEncipherment removed')
    expect(new Date(r.notAfter!).getTime() - new Date(r.notBefore!).getTime()).toBe(90 * 86_400_000)
  })

  it('an unsaved profile from the editor previews too, and its errors block', async () => {
    const pem = csrPem('rsa', ['rsa:2048'], '/CN=host.example.org', 'DNS:host.example.org')
    const r = await call('profiles:preview', { profile: { name: 'draft', crypto: { rsaKeySizes: [4096] }, san: { dnsPatterns: ['.example.com'] } }, csrPem: pem })
    expect(r.canSign).toBe(false)
    expect(r.findings.map((f) => f.code)).toEqual(['RSA_KEY_SIZE_NOT_ALLOWED', 'SAN_NOT_ALLOWED'])
    const bad = await failure('profiles:preview', { profile: { name: '' }, csrPem: pem })
    expect(bad).toMatchObject({ code: 'INVALID_OBJECT', field: 'profile.name' })
    expect(await failure('profiles:preview', { id: 'tls-server', csrPem: 'not a csr' })).toMatchObject({ field: 'csrPem' })
  })

  it('an imported profile naming a remote CA keeps it as a remote value: no local default CA, a clean preview', async () => {
    const pem = csrPem('cc', ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], '/CN=farm.example.com')
    const cc = (await call('profiles:list', { limit: 100, filter: ['source[eq]import:certcentral'] })).items[0]!
    expect(cc.defaultAuthorityId).toBeUndefined()
    expect(JSON.parse((await call('profiles:export', { id: cc.id, dialect: 'certcentral' })).json)).toMatchObject({ caCertId: '5A1B2C3D4E5F' })
    const r = await call('profiles:preview', { id: cc.id, csrPem: pem })
    expect(r.findings.map((f) => `${f.severity}:${f.code}`)).toEqual([])
    expect(r).toMatchObject({ canSign: true, needsConfirm: false })
    expect(await failure('profiles:preview', { id: cc.id, csrPem: pem, authorityId: 'nope' })).toMatchObject({ code: 'AUTHORITY_NOT_FOUND', field: 'authorityId' })
  })

  it('the issuer ceiling shows in the preview: 5-year CA profile under a 200-day CA is refused', async () => {
    const pem = csrPem('sub', ['ec', '-pkeyopt', 'ec_paramgen_curve:P-384'], '/O=Acme/CN=Acme Sub CA')
    const r = await call('profiles:preview', { id: 'intermediate-ca', csrPem: pem, authorityId: caId })
    expect(r.findings.map((f) => f.code)).toEqual(['VALIDITY_EXCEEDS_ISSUER'])
    expect(r.rows.find((x) => x.field === 'basicConstraints')?.result).toBe('CA:TRUE, pathlen:0')
  })

  it('issues with the stored profile; OpenSSL sees exactly what the preview promised; the profile cannot then be deleted', async () => {
    const pem = csrPem('leaf', ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], '/CN=shop.example.com', 'DNS:shop.example.com,IP:192.0.2.9')
    await call('profiles:create', { id: 'shop', profile: { name: 'Shop TLS', validity: { type: 'Duration', duration: '30d' }, keyUsage: ['digitalSignature', 'keyEncipherment'], extendedKeyUsages: ['1.3.6.1.5.5.7.3.1'], san: { includeCommonName: true, dnsPatterns: ['.example.com'], ipCidrs: ['192.0.2.0/24'] } } })
    const issued = await call('certificates:issue', { authorityId: caId, profileId: 'shop', items: [{ csrPem: pem }] })
    expect(issued.issued).toBe(1)
    const exported = await call('certificates:export', { id: issuedId(issued.results[0]), format: 'pem' })
    const certFile = tmp.write('shop.pem', Buffer.from(exported.base64, 'base64'))
    const text = openssl(['x509', '-in', certFile, '-noout', '-text']).out
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature\s/)
    expect(text).not.toContain('Key Encipherment')
    expect(text).toContain('TLS Web Server Authentication')
    expect(text).toMatch(/DNS:shop\.example\.com, IP Address:192\.0\.2\.9/)
    const days = openssl(['x509', '-in', certFile, '-noout', '-startdate', '-enddate']).out
    const [start, end] = [...days.matchAll(/=(.+)/g)].map((m) => new Date(m[1]!).getTime())
    expect((end! - start!) / 86_400_000).toBe(30)
    const del = await failure('profiles:delete', { id: 'shop' })
    expect(del).toMatchObject({ code: 'IN_USE', field: 'id' })
    expect(del.message).toContain('archive it instead')
    expect((await call('profiles:archive', { id: 'shop' })).archived).toBe(true)
    const blocked = await call('certificates:issue', { authorityId: caId, profileId: 'shop', items: [{ csrPem: pem }] })
    expect(blocked.issued).toBe(0)
    // The issuance service reports policy errors as POLICY_REFUSED with the first finding's sentence and field.
    expect(itemError(blocked.results[0])).toMatchObject({ code: 'POLICY_REFUSED', field: 'profile' })
    expect(itemError(blocked.results[0]).message).toContain('archived')
  })

  it('a CSR outside the allow-list is refused at issuance with the policy code', async () => {
    const pem = csrPem('evil', ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], '/CN=shop.evil.test', 'DNS:shop.evil.test')
    await call('profiles:archive', { id: 'shop', archived: false })
    const r = await call('certificates:issue', { authorityId: caId, profileId: 'shop', items: [{ csrPem: pem }] })
    expect(r.issued).toBe(0)
    expect(itemError(r.results[0])).toMatchObject({ code: 'POLICY_REFUSED', field: 'san[0]' })
    expect(itemError(r.results[0]).message).toContain('san.dnsPatterns')
  })
})
