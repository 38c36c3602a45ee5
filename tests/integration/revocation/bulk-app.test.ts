// The inventory's bulk actions over the IPC contract, as the app calls them: a revocation of
// everything a filter matches, cancelled between two slices (what was committed stays revoked,
// each with its audit entry; the rest untouched), a certificate on hold in a selection said
// and left on hold, an export of a selection written by main into the folder the operator
// chose (OpenSSL reads each file and the bundle), and a signing run told to write into a
// folder chosen through files:chooseOutputFolder (a folder it was never given is refused).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { X509Certificate, generateKeyPairSync } from 'node:crypto'
import { mkdirSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { createServices, type Services } from '../../../src/main/services'
import { REVOKE_SLICE } from '../../../src/main/services/bulk-service'
import type { DialogsPort } from '../../../src/main/services/files-service'
import { createMemoryKeychain } from '../../../src/main/vault'
import { createKeyObjectSigner } from '../../../src/main/vault/signer'
import { buildCsr, toPem } from '../../../src/main/engine'
import { createHandlers } from '../../../src/main/ipc/handlers'
import { dispatch } from '../../../src/main/ipc/dispatch'
import type { EventName } from '../../../src/shared/ipc/events'
import type { ChannelName, Contract } from '../../../src/shared/ipc/contract'
import type { RequestOf, ResponseOf } from '../../../src/shared/ipc/define'
import type { Result } from '../../../src/shared/errors'
import { openssl, tempDir } from '../../unit/engine/helpers'
import { countRows, openStoreFile, type StoreFile } from '../store-file'
import { createRootCa } from '../issuance/root-ca'

const tmp = tempDir('pkidesk-bulk-app-')
const TOTAL = REVOKE_SLICE * 2 + 200
let services: Services
let handlers: ReturnType<typeof createHandlers>
let file: StoreFile
let caId: string
let caPem: string
let folders = 0
const progress: { operationId: string; done: number; total: number; finished: boolean }[] = []
/** Called on each progress event (the test cancels from here, as the window would between slices). */
let onProgress: (p: (typeof progress)[number]) => void = () => undefined
const emit = (name: EventName, payload: unknown): void => {
  if (name !== 'progress') return
  progress.push(payload as (typeof progress)[number])
  onProgress(payload as (typeof progress)[number])
}
const dialogs: DialogsPort = {
  chooseSaveFile: () => Promise.resolve(null),
  chooseFolder: () => {
    const dir = join(tmp.dir, `folder-${++folders}`)
    mkdirSync(dir)
    return Promise.resolve(dir)
  },
  chooseOpenFiles: () => Promise.resolve(null),
  confirmCaKeyExport: () => Promise.resolve(null),
  confirmModuleLoad: () => Promise.resolve(false)
}
/** A channel called as the window calls it, its answer typed by the contract. */
const call = <C extends ChannelName>(channel: C, request: RequestOf<Contract[C]>): Promise<Result<ResponseOf<Contract[C]>>> =>
  dispatch(handlers, channel, request) as Promise<Result<ResponseOf<Contract[C]>>>
const csr = async (cn: string, signer: ReturnType<typeof createKeyObjectSigner>): Promise<string> => {
  const d = await buildCsr({ subject: [[{ type: 'CN', value: cn }]], sans: [{ type: 'dns', value: cn }], ca: false, hash: 'SHA-256', rsaPss: false }, signer)
  if (!d.ok) throw new Error(d.error.message)
  return toPem('CERTIFICATE REQUEST', d.value)
}
const statusOf = (id: number): { status: string; reason: string | null } => {
  const r = file.db.prepare('SELECT status, revocation_reason AS reason FROM certificates WHERE id = ?').get(id) as { status: string; reason: string | null }
  return r
}

beforeAll(async () => {
  services = createServices({ dataDir: tmp.dir, keychain: createMemoryKeychain(), scrypt: { N: 2 ** 14, r: 8, p: 1 }, dialogs, emit })
  handlers = createHandlers(services)
  file = openStoreFile(tmp.dir)
  const root = await createRootCa(services, 'Bulk App Root')
  caId = root.id
  caPem = root.pem
  const signer = createKeyObjectSigner('ee', 'ec-p256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)
  const pems = await Promise.all(Array.from({ length: TOTAL }, (_, i) => csr(`sensor-${i}.fleet.example`, signer)))
  const other = await Promise.all(Array.from({ length: 5 }, (_, i) => csr(`desk-${i}.office.example`, signer)))
  const r = await services.issuance.issue({ authorityId: caId, profileId: null, confirmWarnings: false, items: [...pems, ...other].map((csrPem) => ({ csrPem })) })
  if (!r.ok) throw new Error(r.error.message)
  expect(r.value.issued).toBe(TOTAL + 5)
}, 120_000)
afterAll(() => {
  file.close()
  services.close()
  tmp.cleanup()
})

const idsMatching = (text: string): number[] => (file.db.prepare("SELECT id FROM certificates WHERE subject LIKE ? ORDER BY id").all(`%${text}%`) as { id: number }[]).map((r) => r.id)

describe('bulk actions from the inventory', { timeout: 60_000 }, () => {
  it('revokes all that a filter matches in slices, and a cancel between slices keeps what was committed and leaves the rest', async () => {
    const sensors = idsMatching('fleet.example')
    expect(sensors).toHaveLength(TOTAL)
    const selection = { filter: { authorityId: caId, search: 'fleet.example' } }
    const dry = await call('certificates:revokeMany', { selection, reason: 'keyCompromise', dryRun: true, listLimit: 10 })
    expect(dry).toMatchObject({ ok: true, value: { dryRun: true, matched: TOTAL, revoked: 0, cancelled: false, skipped: [] } })
    if (!dry.ok) return
    expect(dry.value.items).toHaveLength(10)
    expect(sensors.filter((id) => statusOf(id).status === 'revoked')).toEqual([])

    const auditBefore = countRows(file.db, 'audit_log')
    let cancelAnswer: unknown
    onProgress = (p) => {
      if (p.operationId === 'bulk-cancel' && !p.finished && cancelAnswer === undefined) cancelAnswer = call('certificates:cancelBulk', { operationId: 'bulk-cancel' })
    }
    progress.length = 0
    const r = await call('certificates:revokeMany', { operationId: 'bulk-cancel', selection, reason: 'keyCompromise', dryRun: false })
    onProgress = () => undefined
    expect(await cancelAnswer).toEqual({ ok: true, value: { cancelled: true } })
    expect(r).toMatchObject({ ok: true, value: { dryRun: false, matched: TOTAL, revoked: REVOKE_SLICE, cancelled: true } })
    // The first slice, whole; nothing after it.
    const revoked = sensors.filter((id) => statusOf(id).status === 'revoked')
    expect(revoked).toHaveLength(REVOKE_SLICE)
    expect(countRows(file.db, 'audit_log') - auditBefore).toBe(REVOKE_SLICE)
    const audited = (file.db.prepare("SELECT subject FROM audit_log WHERE action = 'certificate.revoke' AND details LIKE '%bulk-cancel%'").all() as { subject: string }[]).map((a) => Number(a.subject.split(':')[1])).sort((a, b) => a - b)
    expect(audited).toEqual(revoked)
    expect(progress.filter((p) => p.operationId === 'bulk-cancel').at(-1)).toMatchObject({ done: REVOKE_SLICE, total: TOTAL, finished: true })
    // No longer running: a second cancel finds nothing.
    expect(await call('certificates:cancelBulk', { operationId: 'bulk-cancel' })).toEqual({ ok: true, value: { cancelled: false } })

    // The same filter again: the revoked ones are said, the rest revoked, and the CRL lists them all (OpenSSL reads it).
    const rest = await call('certificates:revokeMany', { selection, reason: 'keyCompromise', dryRun: false })
    expect(rest).toMatchObject({ ok: true, value: { matched: TOTAL - REVOKE_SLICE, revoked: TOTAL - REVOKE_SLICE, cancelled: false } })
    if (!rest.ok) return
    expect(rest.value.skipped.filter((s) => s.why === 'already-revoked')).toHaveLength(REVOKE_SLICE)
    const crl = await call('crl:generate', { authorityId: caId })
    if (!crl.ok) throw new Error(crl.error.message)
    const pem = await call('crl:export', { id: crl.value.id, format: 'pem' })
    if (!pem.ok) throw new Error(pem.error.message)
    const crlFile = tmp.write('fleet.crl', Buffer.from(pem.value.base64, 'base64'))
    const caFile = tmp.write('ca.pem', caPem)
    const text = openssl(['crl', '-in', crlFile, '-noout', '-text', '-CAfile', caFile])
    expect(text.out).toContain('verify OK')
    expect(text.out.match(/Serial Number:/g)).toHaveLength(TOTAL)
  })

  it('says a certificate on hold and leaves it on hold', async () => {
    const desks = idsMatching('office.example')
    expect(await call('certificates:revoke', { id: desks[0]!, reason: 'certificateHold' })).toMatchObject({ ok: true })
    const dry = await call('certificates:revokeMany', { selection: { ids: desks.slice(0, 3) }, reason: 'superseded', dryRun: true })
    expect(dry).toMatchObject({ ok: true, value: { matched: 2, skipped: [{ id: desks[0], why: 'on-hold' }] } })
    const r = await call('certificates:revokeMany', { selection: { ids: desks.slice(0, 3) }, reason: 'superseded', dryRun: false })
    expect(r).toMatchObject({ ok: true, value: { revoked: 2, skipped: [{ id: desks[0], why: 'on-hold' }] } })
    expect(statusOf(desks[0]!)).toEqual({ status: 'revoked', reason: 'certificateHold' })
    expect(statusOf(desks[1]!)).toEqual({ status: 'revoked', reason: 'superseded' })
    // Only the held one selected: nothing to revoke, said so.
    expect(await call('certificates:revokeMany', { selection: { ids: [desks[0]!] }, reason: 'superseded', dryRun: false })).toMatchObject({ ok: false, error: { code: 'NOTHING_TO_REVOKE' } })
  })

  it('exports a selection into the chosen folder, one file per certificate and a bundle, with progress', async () => {
    const sensors = idsMatching('fleet.example')
    progress.length = 0
    const r = await call('files:exportSelection', { selection: { filter: { search: 'fleet.example' } }, format: 'der', operationId: 'bulk-export' })
    expect(r).toMatchObject({ ok: true, value: { saved: true, certificates: TOTAL, cancelled: false } })
    if (!r.ok) return
    const dir = join(tmp.dir, `folder-${folders}`)
    const names = readdirSync(dir).sort()
    expect(names).toHaveLength(TOTAL + 1)
    expect(r.value.paths.map((p) => p.slice(dir.length + 1)).sort()).toEqual(names)
    const serials = new Set((file.db.prepare(`SELECT serial FROM certificates WHERE id IN (${sensors.join(',')})`).all() as { serial: string }[]).map((s) => s.serial.toUpperCase()))
    for (const name of names.filter((n) => n.endsWith('.cer'))) {
      const x = new X509Certificate(readFileSync(join(dir, name)))
      expect(name).toBe(`${x.serialNumber.toUpperCase()}.cer`)
      expect(serials.has(x.serialNumber.toUpperCase())).toBe(true)
    }
    const some = names.filter((n) => n.endsWith('.cer')).slice(0, 3)
    for (const n of some) expect(openssl(['x509', '-inform', 'DER', '-in', join(dir, n), '-noout', '-serial']).out.toUpperCase()).toContain(n.replace('.cer', ''))
    const bundle = openssl(['pkcs7', '-inform', 'DER', '-in', join(dir, 'bundle.p7b'), '-print_certs', '-noout'])
    expect(bundle.status, bundle.out).toBe(0)
    expect(bundle.out.match(/^subject=/gm)).toHaveLength(TOTAL)
    const mine = progress.filter((p) => p.operationId === 'bulk-export')
    expect(mine.length).toBeGreaterThan(2)
    expect(mine.at(-1)).toMatchObject({ done: TOTAL, total: TOTAL, finished: true })
  })

  it('signs into a folder chosen through files:chooseOutputFolder, and refuses a folder id it never handed out', async () => {
    const chosen = await call('files:chooseOutputFolder', { title: 'Write issued certificates to' })
    if (!chosen.ok || !chosen.value.folderId || !chosen.value.path) throw new Error('no folder granted')
    const signer = createKeyObjectSigner('ee2', 'ec-p256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)
    const pems = await Promise.all(Array.from({ length: 3 }, (_, i) => csr(`out-${i}.folder.example`, signer)))
    const r = await call('certificates:issue', { authorityId: caId, profileId: null, outputFolderId: chosen.value.folderId, items: pems.map((csrPem) => ({ csrPem })) })
    if (!r.ok) throw new Error(r.error.message)
    const files = readdirSync(chosen.value.path).sort()
    expect(files).toEqual(r.value.results.map((x) => (x.ok ? `${x.serial.toUpperCase()}.pem` : 'refused')).sort())
    for (const x of r.value.results) if (x.ok) expect(x.file).toBe(join(chosen.value.path, `${x.serial.toUpperCase()}.pem`))
    const runs = await call('runs:list', { limit: 1 })
    expect(runs).toMatchObject({ ok: true, value: { items: [{ id: r.value.runId, outDir: chosen.value.path, written: 3, issued: 3 }] } })
    const before = countRows(file.db, 'certificates')
    expect(await call('certificates:issue', { authorityId: caId, profileId: null, outputFolderId: 'not-a-grant', items: pems.map((csrPem) => ({ csrPem })) })).toMatchObject({
      ok: false,
      error: { code: 'OUTPUT_FOLDER_UNKNOWN', field: 'outputFolderId' }
    })
    expect(countRows(file.db, 'certificates')).toBe(before)
  })
})
