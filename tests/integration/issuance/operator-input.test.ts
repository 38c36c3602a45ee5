// Operator input end to end over the IPC path (dispatch validates the request against the
// contract, the handler runs the real issuance service): the DigiCert TLM seed's example
// profile, imported as written, takes its CN and a mandatory e-mail SAN from the operator.
// Issued certificates are read back by node:crypto and OpenSSL, not by PKI Desk.
import { X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices, type Services } from '../../../src/main/services'
import { createMemoryKeychain } from '../../../src/main/vault'
import { createHandlers, type Handlers } from '../../../src/main/ipc/handlers'
import { dispatch } from '../../../src/main/ipc/dispatch'
import type { IssueResponse } from '../../../src/shared/ipc/certificates'
import { operatorFields } from '../../../src/shared/domain/profile'
import { openssl, tempDir } from '../../unit/engine/helpers'
import { createRootCa } from './root-ca'

const SEED = join(__dirname, '../../fixtures/profiles/tlm-profile-list.json')
const tmp = tempDir('pkidesk-operator-input-')
let services: Services
let handlers: Handlers
let ca: { id: string; pem: string }
let profileId: string
let csrPem: string

/** The seed tutorial's own request (Step 2), less its CN: the profile takes CN from the operator. */
function seedCsr(name: string): string {
  const key = tmp.path(`${name}.key`)
  expect(openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', key]).status).toBe(0)
  const out = tmp.path(`${name}.csr`)
  const req = openssl(['req', '-new', '-key', key, '-subj', '/DC=example/C=US/ST=Utah/L=Lehi/O=DigiCert Inc/postalCode=84043', '-out', out])
  if (req.status !== 0) throw new Error(req.out)
  return readFileSync(out, 'utf8')
}

beforeAll(async () => {
  services = createServices({ dataDir: tmp.dir, keychain: createMemoryKeychain(), scrypt: { N: 2 ** 14, r: 8, p: 1 } })
  handlers = createHandlers(services)
  ca = await createRootCa(services, 'TLM Root', { keySpec: 'rsa-2048' })
  const imported = await dispatch(handlers, 'profiles:import', { json: readFileSync(SEED, 'utf8'), dialect: 'digicert-tlm' })
  if (!imported.ok) throw new Error(imported.error.message)
  profileId = (imported.value as { profile: { id: string } }).profile.id
  csrPem = seedCsr('seed')
})
afterAll(() => {
  services.close()
  tmp.cleanup()
})

type Item = IssueResponse['results'][number]
async function issue(body: Record<string, unknown>): Promise<Item[]> {
  const r = await dispatch(handlers, 'certificates:issue', { authorityId: ca.id, profileId, confirmWarnings: true, ...body })
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`)
  return (r.value as IssueResponse).results
}
function issued(item: Item | undefined): X509Certificate {
  if (!item?.ok) throw new Error(`refused: ${JSON.stringify(item)}`)
  const detail = services.certificates.get(item.certificateId)
  if (!detail.ok) throw new Error(detail.error.message)
  return new X509Certificate(detail.value.view.pem)
}
function refusedFields(item: Item | undefined): string[] {
  if (!item || item.ok) throw new Error('expected a refusal')
  return (item.error.details?.findings ?? []).filter((f) => f.severity === 'error').map((f) => `${f.code} ${f.field ?? ''}`)
}

describe('the TLM seed profile, imported as written', () => {
  it('says which fields the operator enters: CN (mandatory) and an e-mail SAN (mandatory)', () => {
    const p = services.profiles.get(profileId)
    if (!p.ok) throw new Error(p.error.message)
    const fields = operatorFields(p.value)
    expect(fields.subject).toEqual([expect.objectContaining({ type: 'CN', mandatory: true })])
    expect(fields.sans).toEqual([{ type: 'email', mandatory: true, explicit: true }])
    expect(fields.validity).toBe(true) // override_cert_validity_via_api
  })

  it('issues with the CN and e-mail SAN entered for the batch; node:crypto and OpenSSL read them', async () => {
    const [item] = await issue({ input: { subject: { CN: 'host1.example.com' }, sans: [{ type: 'email', value: 'seat@example.com' }] }, items: [{ csrPem }] })
    const cert = issued(item)
    expect(cert.subject).toContain('CN=host1.example.com')
    expect(cert.subject).toContain('street=20 Cooper Square') // the profile's fixed value
    expect(cert.subjectAltName).toBe('email:seat@example.com')
    expect(cert.verify(new X509Certificate(ca.pem).publicKey)).toBe(true)
    const text = openssl(['x509', '-noout', '-subject', '-ext', 'subjectAltName'], cert.toString()).out
    expect(text).toContain('CN = host1.example.com')
    expect(text).toContain('email:seat@example.com')
  })

  it('a request card overrides the batch value field by field; the rest comes from the batch', async () => {
    const other = seedCsr('other')
    const results = await issue({
      input: { subject: { CN: 'batch.example.com' }, sans: [{ type: 'email', value: 'batch@example.com' }] },
      items: [{ csrPem }, { csrPem: other, input: { subject: { CN: 'own.example.com' } } }]
    })
    expect(issued(results[0]).subject).toContain('CN=batch.example.com')
    const own = issued(results[1])
    expect(own.subject).toContain('CN=own.example.com')
    expect(own.subjectAltName).toBe('email:batch@example.com')
  })

  it('refuses without the entered values, naming both fields', async () => {
    const [item] = await issue({ items: [{ csrPem }] })
    expect(refusedFields(item)).toEqual(expect.arrayContaining(['SUBJECT_ATTRIBUTE_MISSING subject.CN', 'SAN_MANDATORY_MISSING san.email']))
  })

  it('refuses a value for a field the profile does not let the operator set, by name', async () => {
    const [item] = await issue({ input: { subject: { CN: 'host1.example.com', O: 'Other Org' }, sans: [{ type: 'email', value: 'seat@example.com' }] }, items: [{ csrPem }] })
    expect(refusedFields(item)).toEqual(['SUBJECT_INPUT_NOT_ALLOWED subject.O'])
    if (!item!.ok) expect(item!.error.message).toContain('does not let the operator set O')
    const [upn] = await issue({ input: { subject: { CN: 'h.example.com' }, sans: [{ type: 'email', value: 'seat@example.com' }, { type: 'upn', value: 'u@corp' }] }, items: [{ csrPem }] })
    expect(refusedFields(upn)).toEqual(['SAN_INPUT_NOT_ALLOWED san.upn'])
  })

  it('validity days and an RSA hash are taken where the profile lets the operator choose', async () => {
    const [item] = await issue({
      input: { subject: { CN: 'short.example.com' }, sans: [{ type: 'email', value: 'seat@example.com' }], validityDays: 30, signatureHash: 'SHA-384' },
      items: [{ csrPem }]
    })
    const cert = issued(item)
    const days = (new Date(cert.validTo).getTime() - new Date(cert.validFrom).getTime()) / 86_400_000
    expect(Math.round(days)).toBe(30)
    expect(openssl(['x509', '-noout', '-text'], cert.toString()).out).toContain('sha384WithRSAEncryption')
    const [tooLong] = await issue({ input: { subject: { CN: 'x.example.com' }, sans: [{ type: 'email', value: 'seat@example.com' }], validityDays: 400 }, items: [{ csrPem }] })
    expect(refusedFields(tooLong)).toEqual(['VALIDITY_OVERRIDE_TOO_LONG validity'])
  })

  it('the preview marks entered values as entered', async () => {
    const r = await dispatch(handlers, 'profiles:preview', {
      id: profileId,
      csrPem,
      authorityId: ca.id,
      input: { subject: { CN: 'host1.example.com' }, sans: [{ type: 'email', value: 'seat@example.com' }], validityDays: 30 }
    })
    if (!r.ok) throw new Error(r.error.message)
    const rows = (r.value as { rows: { field: string; requested: string | null; result: string | null }[] }).rows
    expect(rows.find((x) => x.field === 'subject.CN')).toMatchObject({ requested: 'host1.example.com (entered)', result: 'host1.example.com' })
    expect(rows.find((x) => x.field === 'san.email:seat@example.com')).toMatchObject({ requested: 'email:seat@example.com (entered)' })
    expect(rows.find((x) => x.field === 'validity')?.requested).toBe('30 days (entered)')
  })

  it('the contract refuses a malformed entered value before the service runs', async () => {
    const r = await dispatch(handlers, 'certificates:issue', { authorityId: ca.id, profileId, input: { validityDays: -3 }, items: [{ csrPem }] })
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', field: 'input.validityDays' } })
  })
})
