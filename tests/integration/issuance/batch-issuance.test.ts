// Batch issuance through the worker pool and on the main thread: the same results either
// way, every certificate checked by node:crypto and OpenSSL, one audit entry per certificate;
// the issuer's own certificate drives policy (pathLenConstraint, notBefore); the exact TBS is
// linted before anything is signed; the vault follows auto-lock changes despite its cache.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { X509Certificate, createPublicKey, generateKeyPairSync } from 'node:crypto'
import { createServices, type Services } from '../../../src/main/services'
import { createIssuanceService, type IssuanceService } from '../../../src/main/services/issuance-service'
import { createPreparePool } from '../../../src/main/services/issuance-workers/pool'
import { COMMIT_ROWS_MAX } from '../../../src/main/services/issuance/batch-scheduler'
import { createMemoryKeychain, type Signer } from '../../../src/main/vault'
import { createKeyObjectSigner } from '../../../src/main/vault/signer'
import { countRows, openStoreFile, type StoreFile } from '../store-file'
import { buildCsr, toPem } from '../../../src/main/engine'
import type { DistinguishedName, GeneralName } from '../../../src/shared/domain/names'
import type { EventName } from '../../../src/shared/ipc/events'
import { openssl, tempDir } from '../../unit/engine/helpers'
import { createRootCa } from './root-ca'

const PASS = 'correct horse battery staple'
const tmp = tempDir('pkidesk-batch-')
let services: Services
const progress: { done: number; total: number; finished: boolean; operationId: string }[] = []
const emit = (name: EventName, payload: unknown): void => {
  if (name === 'progress') progress.push(payload as (typeof progress)[number])
}
const eeSigners = Array.from({ length: 4 }, (_, i) => createKeyObjectSigner(`ee${i}`, 'ec-p256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey))

async function csr(subject: DistinguishedName, sans: GeneralName[], signer: Signer = eeSigners[0]!): Promise<string> {
  const r = await buildCsr({ subject, sans, ca: false, hash: 'SHA-256', rsaPss: false }, signer)
  if (!r.ok) throw new Error(r.error.message)
  return toPem('CERTIFICATE REQUEST', r.value)
}
const host = (i: number): Promise<string> => csr([[{ type: 'O', value: 'Batch' }], [{ type: 'CN', value: `h${i}.batch.example` }]], [{ type: 'dns', value: `h${i}.batch.example` }], eeSigners[i % eeSigners.length])

const createCa = (name: string, pathLength: number | null): Promise<{ id: string; pem: string }> =>
  createRootCa(services, name, { subject: [[{ type: 'O', value: 'Batch' }], [{ type: 'CN', value: name }]], protection: 'passphrase', passphrase: PASS, pathLength })

const issuance = (workerMinItems: number, now?: () => Date): IssuanceService =>
  createIssuanceService(file.store, services.vault, services.authorities, emit, now ?? (() => new Date()), { pool, workerMinItems })
const countCerts = (): number => countRows(file.db, 'certificates')
const derOf = (id: number): Buffer => (file.db.prepare('SELECT der FROM certificates WHERE id = ?').get(id) as { der: Buffer }).der
const item = (csrPem: string) => ({ csrPem, input: { subject: {}, sans: [] } })

let ca: { id: string; pem: string }
let file: StoreFile

beforeAll(async () => {
  services = createServices({ dataDir: tmp.dir, keychain: createMemoryKeychain(), scrypt: { N: 2 ** 14, r: 8, p: 1 } })
  file = openStoreFile(tmp.dir)
  ca = await createCa('Batch Root', 0)
})
/** One worker pool for the services this file builds, as services/index.ts makes one per Services. */
const pool = createPreparePool()
afterAll(async () => {
  await pool.close()
  file.close()
  services.close()
  tmp.cleanup()
})

describe('batch issuance', () => {
  it('issues the same batch through the worker pool and on the main thread, each certificate verified independently', async () => {
    const good = await Promise.all(Array.from({ length: 40 }, (_, i) => host(i)))
    const tampered = good[3]!.replace(/(BEGIN CERTIFICATE REQUEST-----\r?\n.{40})(.)/, (_m, a: string, c: string) => a + (c === 'A' ? 'B' : 'A'))
    const items = [...good.map(item), item(ca.pem), item(tampered), item(good[0]! + good[1]!)]
    const caKey = createPublicKey(ca.pem)
    const run = async (workerMinItems: number): Promise<Awaited<ReturnType<IssuanceService['issue']>>> => {
      progress.length = 0
      const auditBefore = services.audit.verify()
      const before = countCerts()
      const r = await issuance(workerMinItems).issue({ authorityId: ca.id, profileId: null, confirmWarnings: false, items })
      expect(r.ok).toBe(true)
      if (!r.ok) throw new Error('unreachable')
      expect(r.value).toMatchObject({ issued: 40, failed: 3 })
      expect(countCerts() - before).toBe(40)
      const after = services.audit.verify()
      expect(after.intact).toBe(true)
      expect(after.entries - auditBefore.entries).toBe(40)
      // Progress ends exactly once, with every item done.
      expect(progress.filter((p) => p.finished)).toEqual([expect.objectContaining({ done: items.length, total: items.length })])
      for (const res of r.value.results.slice(0, 40)) {
        if (!res.ok) throw new Error(`${res.index}: ${res.error.code}`)
        const x = new X509Certificate(derOf(res.certificateId))
        expect(x.verify(caKey)).toBe(true)
        expect(x.subject).toContain(`CN=h${res.index}.batch.example`)
        expect(x.serialNumber.toLowerCase()).toBe(res.serial)
      }
      return r
    }
    const viaWorkers = await run(1)
    const inline = await run(Number.POSITIVE_INFINITY)
    const codes = (r: typeof viaWorkers): string[] => (r.ok ? r.value.results.map((x) => (x.ok ? 'OK' : x.error.code)) : [])
    expect(codes(viaWorkers)).toEqual(codes(inline))
    expect(codes(viaWorkers).slice(40)).toEqual(['CSR_IS_CERTIFICATE', 'CSR_SIGNATURE_INVALID', 'CSR_NOT_SINGLE'])
    // OpenSSL checks one certificate from the worker path against the CA.
    const first = viaWorkers.ok && viaWorkers.value.results[7]!.ok ? viaWorkers.value.results[7]!.certificateId : -1
    const leaf = tmp.write('w7.pem', toPem('CERTIFICATE', derOf(first)))
    expect(openssl(['verify', '-x509_strict', '-CAfile', tmp.write('ca.pem', ca.pem), leaf]).out).toContain(': OK')
  })

  it('reads the issuer from its certificate: a pathLen 0 CA refuses to sign a CA certificate, a pathLen 1 CA signs one', async () => {
    const caCsr = await csr([[{ type: 'O', value: 'Batch' }], [{ type: 'CN', value: 'Sub CA' }]], [], createKeyObjectSigner('sub', 'ec-p256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey))
    const before = countCerts()
    const refused = await issuance(Number.POSITIVE_INFINITY).issue({ authorityId: ca.id, profileId: 'intermediate-ca', confirmWarnings: true, items: [item(caCsr)] })
    expect(refused.ok && refused.value.results[0]).toMatchObject({ ok: false, error: { code: 'POLICY_REFUSED' } })
    const findings = refused.ok && !refused.value.results[0]!.ok ? ((refused.value.results[0]!.error as { details?: { findings: { code: string }[] } }).details?.findings ?? []).map((f) => f.code) : []
    expect(findings).toContain('ISSUER_PATH_LENGTH_EXHAUSTED')
    expect(countCerts()).toBe(before)
    const parent = await createCa('Batch Root pathLen 1', 1)
    const signed = await issuance(Number.POSITIVE_INFINITY).issue({ authorityId: parent.id, profileId: 'intermediate-ca', confirmWarnings: true, items: [item(caCsr)] })
    const res = signed.ok ? signed.value.results[0]! : null
    if (!res?.ok) throw new Error(JSON.stringify(res))
    const text = openssl(['x509', '-noout', '-text'], toPem('CERTIFICATE', derOf(res.certificateId))).out
    expect(text).toMatch(/CA:TRUE, pathlen:0/)
  })

  it("reads the issuer's notBefore: a request dated before the CA's validity is refused", async () => {
    const r = await issuance(Number.POSITIVE_INFINITY, () => new Date(Date.now() - 86_400_000)).issue({
      authorityId: ca.id,
      profileId: 'tls-server',
      confirmWarnings: true,
      items: [item(await host(900))]
    })
    const res = r.ok ? r.value.results[0]! : null
    expect(res).toMatchObject({ ok: false, error: { code: 'POLICY_REFUSED' } })
    expect(JSON.stringify(res)).toContain('ISSUER_NOT_YET_VALID')
  })

  it('refuses an RFC 5280 violation without a profile before anything is signed (both paths)', async () => {
    const longCn = 'x'.repeat(70) + '.example'
    const bad = await csr([[{ type: 'CN', value: longCn }]], [{ type: 'dns', value: 'ok.example' }])
    const signCalls = { n: 0 }
    const real = services.vault.signer.bind(services.vault)
    const spy = vi.spyOn(services.vault, 'signer').mockImplementation((keyId) => {
      const s = real(keyId)
      return s.ok ? { ok: true, value: { ...s.value, sign: (d, o) => (signCalls.n++, s.value.sign(d, o)) } } : s
    })
    try {
      for (const workerMinItems of [1, Number.POSITIVE_INFINITY]) {
        const before = countCerts()
        const r = await issuance(workerMinItems).issue({ authorityId: ca.id, profileId: null, confirmWarnings: true, items: [item(bad)] })
        const res = r.ok ? r.value.results[0]! : null
        // The built-in profile is evaluated like any other, so policy refuses it (the exact-TBS
        // lint behind it is covered in tests/unit/policy/lint.test.ts).
        expect(res).toMatchObject({ ok: false, error: { code: 'POLICY_REFUSED', field: 'subject.CN' } })
        expect(JSON.stringify(res)).toContain('TOO_LONG')
        expect(countCerts()).toBe(before)
      }
      expect(signCalls.n).toBe(0)
      // The same wrapper does count a signature for a good request.
      const ok = await issuance(Number.POSITIVE_INFINITY).issue({ authorityId: ca.id, profileId: null, confirmWarnings: true, items: [item(await host(901))] })
      expect(ok.ok && ok.value.issued).toBe(1)
      expect(signCalls.n).toBe(1)
    } finally {
      spy.mockRestore()
    }
  })

  it('while the store holds commits, finishes items meanwhile and then commits them in transactions of at most COMMIT_ROWS_MAX, oldest first', async () => {
    const n = 200
    const csrs = await Promise.all(Array.from({ length: n }, (_, i) => host(1000 + i)))
    // The checkpoint thread asks for a hold that never ends: the scheduler waits HOLD_MAX_MS
    // for it, finishing items meanwhile, then commits anyway.
    const perTransaction: number[] = []
    /** At each progress report: items finished, and certificates committed so far. */
    const reports: { done: number; committed: number }[] = []
    const held: typeof file.store = {
      ...file.store,
      holdCommits: () => true,
      write: (body) => {
        const before = countCerts()
        const r = file.store.write(body)
        perTransaction.push(countCerts() - before)
        return r
      }
    }
    progress.length = 0
    const before = countCerts()
    const emitCounting = (name: EventName, payload: unknown): void => {
      emit(name, payload)
      if (name === 'progress') reports.push({ done: (payload as { done: number }).done, committed: countCerts() - before })
    }
    const r = await createIssuanceService(held, services.vault, services.authorities, emitCounting, () => new Date(), { pool, workerMinItems: Number.POSITIVE_INFINITY }).issue({
      authorityId: ca.id,
      profileId: null,
      confirmWarnings: false,
      items: csrs.map(item)
    })
    if (!r.ok) throw new Error(r.error.message)
    expect(r.value).toMatchObject({ issued: n, failed: 0 })
    expect(countCerts() - before).toBe(n)
    const rows = perTransaction.filter((k) => k > 0)
    expect(rows.reduce((a, b) => a + b, 0)).toBe(n)
    expect(Math.max(...rows)).toBeLessThanOrEqual(COMMIT_ROWS_MAX)
    // Items were finished while held: at some commit more than one transaction's rows waited.
    expect(Math.max(...reports.map((p) => p.done - p.committed))).toBeGreaterThan(COMMIT_ROWS_MAX)
    expect(reports.at(-1)).toEqual({ done: n, committed: n })
    // Committed in the order of the batch, each certificate the one its request asked for.
    const ids = r.value.results.map((x) => (x.ok ? x.certificateId : -1))
    expect(ids).toEqual([...ids].sort((a, b) => a - b))
    for (const res of r.value.results) {
      if (!res.ok) throw new Error(res.error.code)
      expect(new X509Certificate(derOf(res.certificateId)).subject).toContain(`CN=h${1000 + res.index}.batch.example`)
    }
    expect(progress.filter((p) => p.finished)).toEqual([expect.objectContaining({ done: n, total: n })])
    expect(services.audit.verify().intact).toBe(true)
  })

  it('the vault reads the auto-lock minutes again when the settings change', async () => {
    const keyId = services.authorities.requireActive(ca.id)
    if (!keyId.ok || !keyId.value.row.keyId) throw new Error('no key')
    const id = keyId.value.row.keyId
    expect(services.vault.isUnlocked(id)).toBe(true)
    const minutesLeft = (): number => Math.round((services.vault.locksAt(id)!.getTime() - Date.now()) / 60_000)
    expect(minutesLeft()).toBe(15)
    services.settings.update({ autoLockMinutes: 5 })
    expect(minutesLeft()).toBe(5)
    services.settings.update({ autoLockMinutes: 15 })
  })
})
