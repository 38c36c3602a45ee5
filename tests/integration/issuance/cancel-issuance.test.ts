// Cancelling a running batch in main (certificates:cancelIssue): on the main-thread path and
// through the worker pool, requests not yet signed come back CANCELLED and leave nothing in
// the store, what was signed is committed with its audit entry, progress ends once, and the
// certificates that were issued verify with OpenSSL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { X509Certificate, createPublicKey, generateKeyPairSync } from 'node:crypto'
import { createServices, type Services } from '../../../src/main/services'
import { createIssuanceService, type IssuanceService } from '../../../src/main/services/issuance-service'
import { createPreparePool } from '../../../src/main/services/issuance-workers/pool'
import { createMemoryKeychain } from '../../../src/main/vault'
import { createKeyObjectSigner } from '../../../src/main/vault/signer'
import { countRows, openStoreFile, type StoreFile } from '../store-file'
import { buildCsr, toPem } from '../../../src/main/engine'
import { createHandlers } from '../../../src/main/ipc/handlers'
import { dispatch } from '../../../src/main/ipc/dispatch'
import type { EventName } from '../../../src/shared/ipc/events'
import { openssl, tempDir } from '../../unit/engine/helpers'
import { createRootCa } from './root-ca'

const tmp = tempDir('pkidesk-cancel-')
let services: Services
let caId: string
let caPem: string
const progress: { done: number; total: number; finished: boolean; operationId: string }[] = []
const emit = (name: EventName, payload: unknown): void => {
  if (name === 'progress') progress.push(payload as (typeof progress)[number])
}
const signer = createKeyObjectSigner('ee', 'ec-p256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)
let csrs: string[] = []

let file: StoreFile
const countCerts = (): number => countRows(file.db, 'certificates')
const derOf = (id: number): Buffer => (file.db.prepare('SELECT der FROM certificates WHERE id = ?').get(id) as { der: Buffer }).der

/** An issuance service whose pace hook cancels `operationId` when `cancelAt` items have been paced. */
function cancellingService(workerMinItems: number, operationId: string, cancelAt: number): { service: IssuanceService; paced: () => number } {
  let paced = 0
  const service: IssuanceService = createIssuanceService(file.store, services.vault, services.authorities, emit, () => new Date(), {
    pool,
    workerMinItems,
    pace: async () => {
      if (++paced === cancelAt) expect(service.cancel(operationId)).toBe(true)
    }
  })
  return { service, paced: () => paced }
}

beforeAll(async () => {
  services = createServices({ dataDir: tmp.dir, keychain: createMemoryKeychain(), scrypt: { N: 2 ** 14, r: 8, p: 1 } })
  file = openStoreFile(tmp.dir)
  const root = await createRootCa(services, 'Cancel Root')
  caId = root.id
  caPem = root.pem
  csrs = await Promise.all(
    Array.from({ length: 200 }, async (_, i) => {
      const d = await buildCsr({ subject: [[{ type: 'CN', value: `c${i}.cancel.example` }]], sans: [{ type: 'dns', value: `c${i}.cancel.example` }], ca: false, hash: 'SHA-256', rsaPss: false }, signer)
      if (!d.ok) throw new Error(d.error.message)
      return toPem('CERTIFICATE REQUEST', d.value)
    })
  )
})
/** One worker pool for the services this file builds, as services/index.ts makes one per Services. */
const pool = createPreparePool()
afterAll(async () => {
  await pool.close()
  file.close()
  services.close()
  tmp.cleanup()
})

describe('cancelling a running batch', () => {
  for (const [path, workerMinItems] of [
    ['on the main thread', Number.POSITIVE_INFINITY],
    ['through the worker pool', 1]
  ] as const)
    it(`stops ${path}: the rest is CANCELLED, what was signed is stored and audited`, async () => {
      const operationId = `cancel-${workerMinItems}`
      const { service, paced } = cancellingService(workerMinItems, operationId, 37)
      progress.length = 0
      const before = countCerts()
      const auditBefore = services.audit.verify().entries
      const r = await service.issue({ operationId, authorityId: caId, profileId: null, confirmWarnings: false, items: csrs.map((csrPem) => ({ csrPem, input: { subject: {}, sans: [] } })) })
      if (!r.ok) throw new Error(r.error.message)
      const { issued, failed, cancelled, results } = r.value
      // The 37th item was paced, then the flag was seen before it was signed.
      expect(paced()).toBe(37)
      expect(issued).toBe(36)
      expect(failed).toBe(0)
      expect(cancelled).toBe(200 - 36)
      expect(results.map((x) => (x.ok ? 'OK' : x.error.code))).toEqual([...Array(36).fill('OK'), ...Array(164).fill('CANCELLED')])
      expect(countCerts() - before).toBe(36)
      const audit = services.audit.verify()
      expect(audit.intact).toBe(true)
      expect(audit.entries - auditBefore).toBe(36)
      // Progress ends exactly once, at the point the run stopped.
      const finished = progress.filter((p) => p.operationId === operationId && p.finished)
      expect(finished).toEqual([expect.objectContaining({ done: 36, total: 200 })])
      // What was issued is whole: node:crypto and OpenSSL verify the last one against the CA.
      const last = results[35]!
      if (!last.ok) throw new Error('unreachable')
      expect(new X509Certificate(derOf(last.certificateId)).verify(createPublicKey(caPem))).toBe(true)
      const leaf = tmp.write(`leaf-${workerMinItems}.pem`, toPem('CERTIFICATE', derOf(last.certificateId)))
      expect(openssl(['verify', '-x509_strict', '-CAfile', tmp.write('ca.pem', caPem), leaf]).out).toContain(': OK')
      // The id is free again, and an uncancelled run with it signs everything.
      expect(service.cancel(operationId)).toBe(false)
    })

  it('a run that is not cancelled answers every item; cancel of an unknown id says so', async () => {
    const service = createIssuanceService(file.store, services.vault, services.authorities, emit, () => new Date(), { pool, workerMinItems: Number.POSITIVE_INFINITY })
    expect(service.cancel('no-such-run')).toBe(false)
    const r = await service.issue({ operationId: 'whole', authorityId: caId, profileId: null, confirmWarnings: false, items: csrs.slice(0, 5).map((csrPem) => ({ csrPem, input: { subject: {}, sans: [] } })) })
    if (!r.ok) throw new Error(r.error.message)
    expect(r.value).toMatchObject({ issued: 5, failed: 0, cancelled: 0 })
  })

  it('refuses a second run under an operation id still in use', async () => {
    let release!: () => void
    const gate = new Promise<void>((done) => (release = done))
    let first = true
    const service = createIssuanceService(file.store, services.vault, services.authorities, emit, () => new Date(), {
      pool,
      workerMinItems: Number.POSITIVE_INFINITY,
      pace: async () => {
        if (first) {
          first = false
          await gate
        }
      }
    })
    const items = csrs.slice(0, 2).map((csrPem) => ({ csrPem, input: { subject: {}, sans: [] } }))
    const running = service.issue({ operationId: 'busy', authorityId: caId, profileId: null, confirmWarnings: false, items })
    const second = await service.issue({ operationId: 'busy', authorityId: caId, profileId: null, confirmWarnings: false, items })
    expect(second).toMatchObject({ ok: false, error: { code: 'OPERATION_ID_IN_USE', field: 'operationId' } })
    release()
    expect(await running).toMatchObject({ ok: true, value: { issued: 2 } })
  })

  it('a CA locked mid-run stops the run like a cancel: what was signed is kept and reported, the rest not attempted', async () => {
    let paced = 0
    const service = createIssuanceService(file.store, services.vault, services.authorities, emit, () => new Date(), {
      pool,
      workerMinItems: 1,
      pace: async () => {
        // As auto-lock, "Lock all" or the OS locking would, between two signatures.
        if (++paced === 21) expect(services.authorities.lock(caId).ok).toBe(true)
      }
    })
    progress.length = 0
    const before = countCerts()
    const auditBefore = services.audit.verify().entries
    const r = await service
      .issue({ operationId: 'locked-mid-run', authorityId: caId, profileId: null, confirmWarnings: false, items: csrs.slice(0, 60).map((csrPem) => ({ csrPem, input: { subject: {}, sans: [] } })) })
      .finally(() => services.authorities.unlock(caId))
    if (!r.ok) throw new Error(`the run threw its results away: ${r.error.code}`)
    expect(r.value).toMatchObject({ issued: 20, failed: 40, cancelled: 0 })
    const codes = r.value.results.map((x) => (x.ok ? 'OK' : x.error.code))
    expect(codes).toEqual([...Array(20).fill('OK'), 'AUTHORITY_LOCKED', ...Array(39).fill('NOT_ATTEMPTED')])
    expect(countCerts() - before).toBe(20)
    // Twenty issues, the lock and the unlock after the run: each audited.
    expect(services.audit.verify()).toMatchObject({ intact: true, entries: auditBefore + 22 })
    expect(progress.filter((p) => p.operationId === 'locked-mid-run' && p.finished)).toEqual([expect.objectContaining({ done: 21, total: 60 })])
  })

  it('certificates:cancelIssue reaches the run over the IPC contract', async () => {
    let paced = 0
    let ipcAnswer: unknown
    const issuance = createIssuanceService(file.store, services.vault, services.authorities, emit, () => new Date(), {
      pool,
      workerMinItems: Number.POSITIVE_INFINITY,
      pace: async () => {
        if (++paced === 3) ipcAnswer = await dispatch(handlers, 'certificates:cancelIssue', { operationId: 'over-ipc' })
      }
    })
    const handlers = createHandlers({ ...services, issuance })
    const r = await dispatch(handlers, 'certificates:issue', { operationId: 'over-ipc', authorityId: caId, profileId: null, items: csrs.slice(0, 10).map((csrPem) => ({ csrPem })) })
    expect(ipcAnswer).toEqual({ ok: true, value: { cancelled: true } })
    expect(r).toMatchObject({ ok: true, value: { issued: 2, failed: 0, cancelled: 8 } })
    expect(await dispatch(handlers, 'certificates:cancelIssue', { operationId: 'over-ipc' })).toEqual({ ok: true, value: { cancelled: false } })
  })
})
