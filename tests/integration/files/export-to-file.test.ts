/* eslint-disable @typescript-eslint/no-explicit-any -- IPC responses are read loosely; dispatch validated them against the contract */
// Exports that carry a private key are written by main and never cross IPC: over the real
// services and `dispatch` (schemas checked both ways), certificates:export refuses PFX, and
// files:exportCertificate / files:exportKey write files that OpenSSL (and keytool) open with
// the right password and not with a wrong one; the PKCS#7 bundle holds every certificate
// once; an end-entity key is deleted on request. Every file is checked by OpenSSL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { X509Certificate } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, statSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createServices, type Services } from '../../../src/main/services'
import type { CaKeyExportPrompt, DialogsPort } from '../../../src/main/services/files-service'
import { createHandlers, type Handlers } from '../../../src/main/ipc/handlers'
import { dispatch } from '../../../src/main/ipc/dispatch'
import { createMemoryKeychain } from '../../../src/main/vault'
import type { ChannelName } from '../../../src/shared/ipc/contract'
import { keytool, openssl, tempDir } from '../../unit/engine/helpers'
import { execFileSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { openStoreFile, type StoreFile } from '../store-file'

const CA_PASS = 'correct horse battery staple'
const FILE_PASS = 'file password 4 export'
const tmp = tempDir('pkidesk-export-file-')
const out = join(tmp.dir, 'out')
let saves = 0
/** Like the harness: each save goes to a new folder; `cancelNext` makes the next dialog return null. */
let cancelNext = false
/** What main's CA key confirmation answers (null: the operator cancelled), and what it was shown. */
let caKeyAnswer: { passphrase?: string } | null = null
const caKeyPrompts: CaKeyExportPrompt[] = []
const dialogs: DialogsPort = {
  chooseOpenFiles: async () => null,
  confirmModuleLoad: async () => false,
  async confirmCaKeyExport(prompt) {
    caKeyPrompts.push(prompt)
    return caKeyAnswer
  },
  async chooseSaveFile(_title, defaultName) {
    if (cancelNext) return ((cancelNext = false), null)
    const dir = join(out, `save-${++saves}`)
    mkdirSync(dir, { recursive: true })
    return join(dir, defaultName)
  },
  async chooseFolder() {
    const dir = join(out, `save-${++saves}`)
    mkdirSync(dir, { recursive: true })
    return dir
  }
}

let services: Services
let handlers: Handlers
let root: any
let rootPem: string
let leafId: number
let leafKeyId: string
let otherId: number

async function call<T = any>(channel: ChannelName, req: unknown): Promise<T> {
  const r = await dispatch(handlers, channel, req)
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`)
  return r.value as T
}
async function callErr(channel: ChannelName, req: unknown): Promise<{ code: string; message: string; field?: string }> {
  const r = await dispatch(handlers, channel, req)
  if (r.ok) throw new Error(`${channel} succeeded, a refusal was expected`)
  return r.error
}
function auditPage(action?: string): { total: number; entries: { action: string; details: string }[] } {
  const r = services.audit.list({ offset: 0, limit: 500, ...(action ? { action } : {}) })
  if (!r.ok) throw new Error(r.error.message)
  return r.value
}
const auditActions = (): string[] => auditPage().entries.map((e) => e.action)

async function generateAndIssue(cn: string): Promise<{ id: number; keyId: string }> {
  const gen = await call('csr:generate', { subject: [[{ type: 'CN', value: cn }]], sans: [{ type: 'dns', value: cn }], keySpec: 'ec-p256', protection: 'keychain' })
  const issued = await call('certificates:issue', { authorityId: root.id, profileId: null, items: [{ csrPem: gen.pem }] })
  return { id: issued.results[0].certificateId, keyId: gen.keyId }
}

beforeAll(async () => {
  services = createServices({ dataDir: join(tmp.dir, 'data'), keychain: createMemoryKeychain(), scrypt: { N: 2 ** 14, r: 8, p: 1 }, dialogs })
  handlers = createHandlers(services)
  root = await call('authorities:create', {
    name: 'Export Root',
    parentId: null,
    subject: [[{ type: 'O', value: 'Export Test' }], [{ type: 'CN', value: 'Export Root' }]],
    keySpec: 'ec-p256',
    protection: 'passphrase',
    passphrase: CA_PASS,
    validityDays: 3650,
    pathLength: null,
    nameConstraints: null,
    signature: { hash: 'SHA-256', rsaPss: false },
    crlDistributionPoints: [],
    ocspUrls: [],
    caIssuersUrls: []
  })
  rootPem = tmp.write('root.pem', (await call('authorities:get', { authorityId: root.id })).certificatePem)
  ;({ id: leafId, keyId: leafKeyId } = await generateAndIssue('leaf.example'))
  ;({ id: otherId } = await generateAndIssue('other.example'))
})

afterAll(() => {
  services.close()
  tmp.cleanup()
})

describe('certificates:export over IPC', () => {
  it('refuses both PFX formats with EXPORT_KEY_OVER_IPC, naming the channel to use, and returns no bytes', async () => {
    for (const format of ['pfx-modern', 'pfx-legacy']) {
      for (const includeKey of [true, false]) {
        const e = await callErr('certificates:export', { id: leafId, format, password: FILE_PASS, includeKey })
        expect(e.code).toBe('EXPORT_KEY_OVER_IPC')
        expect(e.field).toBe('format')
        expect(e.message).toContain('files:exportCertificate')
      }
    }
    expect(auditActions()).not.toContain('certificate.export')
  })

  it('still returns certificate-only formats', async () => {
    const f = await call('certificates:export', { id: leafId, format: 'pem' })
    expect(new X509Certificate(Buffer.from(f.base64, 'base64')).subject).toContain('CN=leaf.example')
    const p7 = await call('certificates:export', { id: leafId, format: 'p7b-der' })
    expect(openssl(['pkcs7', '-inform', 'DER', '-print_certs', '-noout'], Buffer.from(p7.base64, 'base64')).out).toContain('Export Root')
  })
})

describe('files:exportCertificate', () => {
  it('writes a modern PFX with the key that OpenSSL and keytool open with the right password only; returns only where it went', async () => {
    const r = await dispatch(handlers, 'files:exportCertificate', { id: leafId, format: 'pfx-modern', password: FILE_PASS })
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(Object.keys(r.value as object).sort()).toEqual(['paths', 'saved'])
    const { saved, paths } = r.value as { saved: boolean; paths: string[] }
    expect(saved).toBe(true)
    expect(paths).toHaveLength(1)
    const file = paths[0]!
    expect(file.endsWith('leaf.example.pfx')).toBe(true)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const info = openssl(['pkcs12', '-info', '-in', file, '-passin', `pass:${FILE_PASS}`, '-nodes'])
    expect(info.status).toBe(0)
    expect(info.out).toContain('BEGIN PRIVATE KEY')
    expect(info.out).toContain('AES-256-CBC')
    expect(info.out).toContain('subject=CN = leaf.example')
    expect(info.out).toContain('subject=O = Export Test, CN = Export Root')
    expect(openssl(['pkcs12', '-info', '-in', file, '-passin', 'pass:not the file password', '-nodes']).status).not.toBe(0)
    expect(keytool(['-list', '-storetype', 'PKCS12', '-keystore', file, '-storepass', FILE_PASS]).out).toContain('PrivateKeyEntry')
    // The key in the file is the certificate's: OpenSSL derives the same public key from both.
    const keyPem = openssl(['pkcs12', '-in', file, '-passin', `pass:${FILE_PASS}`, '-nodes', '-nocerts']).out
    const certPub = openssl(['x509', '-noout', '-pubkey'], openssl(['pkcs12', '-in', file, '-passin', `pass:${FILE_PASS}`, '-clcerts', '-nokeys']).out).out
    expect(openssl(['pkey', '-pubout'], keyPem).out).toBe(certPub)
    const entries = auditPage('certificate.export').entries
    expect(JSON.parse(entries[0]!.details)).toEqual({ format: 'pfx-modern', containsKey: true })
    expect(services.audit.verify().intact).toBe(true)
  })

  it('writes a legacy PFX (3DES) and, without the key, a PFX of certificates only', async () => {
    const legacy = await call('files:exportCertificate', { id: leafId, format: 'pfx-legacy', password: FILE_PASS })
    const info = openssl(['pkcs12', '-info', '-legacy', '-in', legacy.paths[0], '-passin', `pass:${FILE_PASS}`, '-nodes'])
    expect(info.status).toBe(0)
    expect(info.out).toContain('pbeWithSHA1And3-KeyTripleDES-CBC')
    const noKey = await call('files:exportCertificate', { id: leafId, format: 'pfx-modern', password: 'pw', includeKey: false })
    const nk = openssl(['pkcs12', '-info', '-in', noKey.paths[0], '-passin', 'pass:pw', '-nodes'])
    expect(nk.status).toBe(0)
    expect(nk.out).not.toContain('PRIVATE KEY')
  })

  it('unlocks a locked keychain-protected key for the export only, and locks it again', async () => {
    services.vault.lockAll()
    expect(services.vault.locksAt(leafKeyId)).toBeNull()
    const r = await call('files:exportCertificate', { id: leafId, format: 'pfx-modern', password: FILE_PASS })
    expect(openssl(['pkcs12', '-info', '-in', r.paths[0], '-passin', `pass:${FILE_PASS}`, '-nodes']).out).toContain('BEGIN PRIVATE KEY')
    expect(services.vault.locksAt(leafKeyId)).toBeNull()
  })

  it('checks the password before asking where to save; a cancelled dialog writes and audits nothing', async () => {
    const before = saves
    const e = await callErr('files:exportCertificate', { id: leafId, format: 'pfx-modern', password: 'short' })
    expect(e).toMatchObject({ code: 'PASSPHRASE_TOO_SHORT', field: 'password' })
    expect(saves).toBe(before)
    const exportsBefore = auditPage('certificate.export').total
    cancelNext = true
    expect(await call('files:exportCertificate', { id: leafId, format: 'pfx-modern', password: FILE_PASS })).toEqual({ saved: false, paths: [] })
    expect(auditPage('certificate.export').total).toBe(exportsBefore)
  })

  it("refuses a CA's key without the explicit includeCaKey", async () => {
    const prompts = caKeyPrompts.length
    const e = await callErr('files:exportCertificate', { id: root.certificateId, format: 'pfx-modern', password: FILE_PASS })
    expect(e.code).toBe('CA_KEY_EXPORT_NOT_CONFIRMED')
    expect(caKeyPrompts.length).toBe(prompts) // refused before main asks anything
  })

  it("with includeCaKey, main asks the CA key's passphrase again in its own dialog, even while the key is unlocked; a cancel or a wrong one exports nothing", async () => {
    const exportsBefore = auditPage('certificate.export').total
    const savesBefore = saves
    expect((await call('vault:unlock', { keyId: root.keyId, passphrase: CA_PASS })).unlocked).toBe(true)
    // The renderer's flag and a passphrase sent from the window do not stand in for main's question.
    caKeyAnswer = null
    const cancelled = await call('files:exportCertificate', { id: root.certificateId, format: 'pfx-modern', password: FILE_PASS, includeCaKey: true, keyPassphrase: CA_PASS })
    expect(cancelled).toEqual({ saved: false, paths: [] })
    expect(caKeyPrompts.at(-1)).toEqual({ authority: 'Export Root', serial: expect.stringMatching(/^[0-9A-F]+$/), protection: 'passphrase' })
    expect(saves).toBe(savesBefore) // cancelled before the save dialog
    caKeyAnswer = { passphrase: 'not the CA passphrase' }
    const wrong = await callErr('files:exportCertificate', { id: root.certificateId, format: 'pfx-modern', password: FILE_PASS, includeCaKey: true })
    expect(wrong).toMatchObject({ code: 'PASSPHRASE_WRONG', field: 'caKeyPassphrase' })
    expect(JSON.parse(auditPage('vault.confirm-failed').entries[0]!.details)).toMatchObject({ code: 'PASSPHRASE_WRONG' })
    caKeyAnswer = {}
    expect(await callErr('files:exportCertificate', { id: root.certificateId, format: 'pfx-modern', password: FILE_PASS, includeCaKey: true })).toMatchObject({ code: 'PASSPHRASE_REQUIRED', field: 'caKeyPassphrase' })
    expect(auditPage('certificate.export').total).toBe(exportsBefore)
    // Nothing was written by the refused attempts (each save folder the dialog made is empty).
    for (let n = savesBefore + 1; n <= saves; n++) expect(readdirSync(join(out, `save-${n}`))).toEqual([])
    expect(services.vault.locksAt(root.keyId)).not.toBeNull() // still unlocked: the re-check opened the envelope, not the held key
  })

  it('exports a locked CA key with the passphrase main asked for, audits what confirmed it, and locks it again', async () => {
    services.vault.lockAll()
    caKeyAnswer = { passphrase: CA_PASS }
    const r = await call('files:exportCertificate', { id: root.certificateId, format: 'pfx-modern', password: FILE_PASS, includeCaKey: true })
    const pem = openssl(['pkcs12', '-in', r.paths[0], '-passin', `pass:${FILE_PASS}`, '-nocerts', '-nodes']).out
    expect(pem).toContain('BEGIN PRIVATE KEY')
    // The key in the file is the CA certificate's (OpenSSL derives its public key).
    expect(openssl(['pkey', '-pubout'], pem).out).toBe(openssl(['x509', '-noout', '-pubkey', '-in', rootPem]).out)
    expect(JSON.parse(auditPage('certificate.export').entries[0]!.details)).toEqual({ format: 'pfx-modern', containsKey: true, caKey: true, confirmedWith: 'passphrase' })
    expect(services.vault.locksAt(root.keyId)).toBeNull()
    caKeyAnswer = null
  })
})

describe('files:exportKey', () => {
  it('writes the end-entity key as encrypted PKCS#8 PEM that OpenSSL opens with the right password only; audited as vault.export', async () => {
    const r = await call('files:exportKey', { key: { certificateId: leafId }, format: 'pkcs8-pem', password: FILE_PASS })
    const file = r.paths[0] as string
    const pem = readFileSync(file, 'utf8')
    expect(pem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/)
    expect(openssl(['pkey', '-in', file, '-passin', 'pass:not the file password', '-noout']).status).not.toBe(0)
    const pub = openssl(['pkey', '-in', file, '-passin', `pass:${FILE_PASS}`, '-pubout'])
    expect(pub.status).toBe(0)
    const certPem = Buffer.from((await call('certificates:export', { id: leafId, format: 'pem' })).base64, 'base64')
    expect(pub.out).toBe(openssl(['x509', '-noout', '-pubkey'], certPem).out)
    // The key was locked (see above): unlocked for this export, exported, locked again; newest first.
    expect(auditActions().slice(0, 3)).toEqual(['vault.lock', 'vault.export', 'vault.unlock'])
  })

  it('by key id (right after CSR generation) as PKCS#8; PFX needs the certificate; CA keys and short passwords are refused', async () => {
    const gen = await call('csr:generate', { subject: [[{ type: 'CN', value: 'pending.example' }]], sans: [], keySpec: 'ec-p256', protection: 'keychain' })
    const r = await call('files:exportKey', { key: { keyId: gen.keyId }, format: 'pkcs8-pem', password: FILE_PASS })
    expect(openssl(['pkey', '-in', r.paths[0], '-passin', `pass:${FILE_PASS}`, '-noout']).status).toBe(0)
    expect((await callErr('files:exportKey', { key: { keyId: gen.keyId }, format: 'pfx-modern', password: FILE_PASS })).code).toBe('KEY_EXPORT_NEEDS_CERTIFICATE')
    expect((await callErr('files:exportKey', { key: { keyId: root.keyId }, format: 'pkcs8-pem', password: FILE_PASS })).code).toBe('CA_KEY_EXPORT_NOT_CONFIRMED')
    expect((await callErr('files:exportKey', { key: { certificateId: leafId }, format: 'pkcs8-pem', password: 'eleven char' })).field).toBe('password')
  })

  it('a locked passphrase-protected key asks for keyPassphrase, is unlocked for that export only, and locked again', async () => {
    const gen = await call('csr:generate', { subject: [[{ type: 'CN', value: 'locked.example' }]], sans: [], keySpec: 'ec-p256', protection: 'passphrase', passphrase: CA_PASS })
    services.vault.lockAll()
    const asked = await callErr('files:exportKey', { key: { keyId: gen.keyId }, format: 'pkcs8-pem', password: FILE_PASS })
    expect(asked).toMatchObject({ code: 'PASSPHRASE_REQUIRED', field: 'keyPassphrase' })
    const wrong = await callErr('files:exportKey', { key: { keyId: gen.keyId }, format: 'pkcs8-pem', password: FILE_PASS, keyPassphrase: 'not the key passphrase' })
    expect(wrong.field).toBe('keyPassphrase')
    const r = await call('files:exportKey', { key: { keyId: gen.keyId }, format: 'pkcs8-pem', password: FILE_PASS, keyPassphrase: CA_PASS })
    expect(openssl(['pkey', '-in', r.paths[0], '-passin', `pass:${FILE_PASS}`, '-noout']).status).toBe(0)
    expect(services.vault.locksAt(gen.keyId)).toBeNull()
  })

  it('as a PFX from the certificate', async () => {
    const r = await call('files:exportKey', { key: { certificateId: leafId }, format: 'pfx-modern', password: FILE_PASS })
    expect(openssl(['pkcs12', '-info', '-in', r.paths[0], '-passin', `pass:${FILE_PASS}`, '-nodes']).out).toContain('BEGIN PRIVATE KEY')
  })
})

describe('files:bundleCertificates', () => {
  it('holds every given certificate and the chain once, issued certificates first; no key', async () => {
    const b = await call('files:bundleCertificates', { ids: [leafId, otherId] })
    expect(b.containsKey).toBe(false)
    const der = Buffer.from(b.base64, 'base64')
    const printed = openssl(['pkcs7', '-inform', 'DER', '-print_certs', '-noout'], der).out
    const subjects = [...printed.matchAll(/^subject=(.*)$/gm)].map((m) => m[1])
    expect(subjects).toEqual(['CN = leaf.example', 'CN = other.example', 'O = Export Test, CN = Export Root'])
    const chainFile = tmp.write('bundle-certs.pem', openssl(['pkcs7', '-inform', 'DER', '-print_certs'], der).out)
    expect(openssl(['verify', '-CAfile', rootPem, chainFile]).out).toContain(': OK')
    const pem = await call('files:bundleCertificates', { ids: [leafId], encoding: 'pem', includeChain: false })
    expect(openssl(['pkcs7', '-print_certs', '-noout'], Buffer.from(pem.base64, 'base64')).out.match(/^subject=/gm)).toHaveLength(1)
  })
})

describe('vault:deleteCertificateKey', () => {
  it('deletes the end-entity key on request: the certificate stays, without a key; audited; CA keys refused', async () => {
    await call('vault:unlock', { keyId: root.keyId, passphrase: CA_PASS })
    const { id, keyId } = await generateAndIssue('delete-me.example')
    expect((await call('certificates:get', { id })).hasKey).toBe(true)
    expect(await call('vault:deleteCertificateKey', { certificateId: id })).toEqual({ certificateId: id, keyId, deleted: true })
    expect((await call('certificates:get', { id })).hasKey).toBe(false)
    expect(services.vault.key(keyId)).toBeNull()
    expect(auditActions()[0]).toBe('vault.delete')
    expect((await callErr('vault:deleteCertificateKey', { certificateId: id })).code).toBe('KEY_NOT_HELD')
    expect((await callErr('files:exportKey', { key: { certificateId: id }, format: 'pkcs8-pem', password: FILE_PASS })).code).toBe('KEY_NOT_HELD')
    expect((await callErr('vault:deleteCertificateKey', { certificateId: root.certificateId })).code).toBe('IN_USE')
    expect(services.audit.verify().intact).toBe(true)
  })
})

describe('blockPrivateKeyExport', () => {
  it('keeps the key of a certificate issued under such a profile: no PFX with it, no key export, a coded refusal, the rest still exports', async () => {
    await call('profiles:create', { id: 'no-key-out', profile: { name: 'Keys stay here', validity: { type: 'Duration', duration: '30d' }, blockPrivateKeyExport: true } })
    const gen = await call('csr:generate', { subject: [[{ type: 'CN', value: 'kept.example' }]], sans: [{ type: 'dns', value: 'kept.example' }], keySpec: 'ec-p256', protection: 'keychain' })
    const issued = await call('certificates:issue', { authorityId: root.id, profileId: 'no-key-out', items: [{ csrPem: gen.pem }], confirmWarnings: true })
    const id = issued.results[0].certificateId as number
    expect((await call('certificates:get', { id })).keyExportBlockedBy).toBe('Keys stay here')
    expect((await call('certificates:get', { id: leafId })).keyExportBlockedBy).toBeNull()
    const before = saves
    for (const format of ['pfx-modern', 'pfx-legacy']) {
      const e = await callErr('files:exportCertificate', { id, format, password: FILE_PASS })
      expect(e).toMatchObject({ code: 'PRIVATE_KEY_EXPORT_BLOCKED', field: 'includeKey' })
      expect(e.message).toMatch(/issued under profile "Keys stay here", which blocks private key export/)
    }
    expect(await callErr('files:exportKey', { key: { certificateId: id }, format: 'pkcs8-pem', password: FILE_PASS })).toMatchObject({ code: 'PRIVATE_KEY_EXPORT_BLOCKED', field: 'key' })
    expect(await callErr('files:exportKey', { key: { keyId: gen.keyId }, format: 'pkcs8-pem', password: FILE_PASS })).toMatchObject({ code: 'PRIVATE_KEY_EXPORT_BLOCKED', field: 'key' })
    expect(saves).toBe(before)
    // Without the key the PFX is written, and OpenSSL finds no key in it.
    const noKey = await call('files:exportCertificate', { id, format: 'pfx-modern', password: 'pw', includeKey: false })
    const info = openssl(['pkcs12', '-info', '-in', noKey.paths[0], '-passin', 'pass:pw', '-nodes'])
    expect(info.status).toBe(0)
    expect(info.out).toContain('BEGIN CERTIFICATE')
    expect(info.out).not.toContain('PRIVATE KEY')
  })
})

describe("the certificates service's CA key export (what pkidesk cert export calls)", () => {
  const PASSPHRASE = 'correct horse battery staple'
  let dir: string
  let services: Services
  let file: StoreFile
  const keychain = createMemoryKeychain()

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pkidesk-cli-svc-'))
    services = createServices({ dataDir: join(dir, 'store'), keychain, scrypt: { N: 2 ** 14, r: 8, p: 1 } })
    file = openStoreFile(join(dir, 'store'))
  })
  afterAll(() => {
    file?.close()
    services?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  describe('CA key export needs an explicit opt-in', () => {
    it('refuses a CA key in a PFX without includeCaKey, exports and audits it with', async () => {
      const root = await services.authorities.create({
        name: 'Svc Root',
        parentId: null,
        subject: [[{ type: 'CN', value: 'Svc Root' }]],
        keySpec: 'ec-p256',
        protection: 'passphrase',
        passphrase: PASSPHRASE,
        validityDays: 365,
        pathLength: null,
        nameConstraints: null,
        signature: { hash: 'SHA-256', rsaPss: false },
        crlDistributionPoints: [],
        ocspUrls: [],
        caIssuersUrls: []
      })
      expect(root.ok, JSON.stringify(root)).toBe(true)
      const page = services.certificates.list({ sort: { field: 'createdAt', direction: 'desc' }, limit: 10 })
      const cert = page.ok ? page.value.items.find((c) => c.isCa) : undefined
      expect(cert?.hasKey).toBe(true)
      if (root.ok && !root.value.unlocked) expect((await services.authorities.unlock(root.value.id, PASSPHRASE)).ok).toBe(true)

      const refused = await services.certificates.export(cert!.id, 'pfx-modern', 'pfx export passphrase 42', true)
      expect(refused.ok).toBe(false)
      if (!refused.ok) {
        expect(refused.error.code).toBe('CA_KEY_EXPORT_NOT_CONFIRMED')
        expect(refused.error.field).toBe('includeCaKey')
        expect(refused.error.message).toContain('--include-ca-key')
      }
      // Certificates only is fine without the opt-in.
      const noKey = await services.certificates.export(cert!.id, 'pfx-modern', 'pfx export passphrase 42', false)
      expect(noKey.ok && noKey.value.containsKey).toBe(false)

      // The opt-in carries the CA key's passphrase again, checked even though the key is unlocked.
      const noPassphrase = await services.certificates.export(cert!.id, 'pfx-modern', 'pfx export passphrase 42', true, {})
      expect(!noPassphrase.ok && noPassphrase.error).toMatchObject({ code: 'PASSPHRASE_REQUIRED', field: 'caKeyPassphrase' })
      const wrong = await services.certificates.export(cert!.id, 'pfx-modern', 'pfx export passphrase 42', true, { passphrase: 'not the CA passphrase' })
      expect(!wrong.ok && wrong.error).toMatchObject({ code: 'PASSPHRASE_WRONG', field: 'caKeyPassphrase' })
      const done = await services.certificates.export(cert!.id, 'pfx-modern', 'pfx export passphrase 42', true, { passphrase: PASSPHRASE })
      expect(done.ok).toBe(true)
      if (!done.ok) return
      expect(done.value.containsKey).toBe(true)
      const pfx = join(dir, 'root.pfx')
      writeFileSync(pfx, Buffer.from(done.value.base64, 'base64'))
      const keyPem = execFileSync('openssl', ['pkcs12', '-in', pfx, '-nocerts', '-passin', 'pass:pfx export passphrase 42', '-passout', 'pass:x', '-nodes'], { encoding: 'utf8' })
      expect(keyPem).toContain('PRIVATE KEY')
      const audit = services.audit.list({ offset: 0, limit: 5, action: 'certificate.export' })
      expect(audit.ok && audit.value.entries.map((e) => JSON.parse(e.details) as { caKey?: boolean; containsKey: boolean })[0]).toEqual({ format: 'pfx-modern', containsKey: true, caKey: true, confirmedWith: 'passphrase' })
      const refusals = services.audit.list({ offset: 0, limit: 5, action: 'vault.confirm-failed' })
      expect(refusals.ok && refusals.value.entries.map((e) => (JSON.parse(e.details) as { code: string }).code)).toEqual(['PASSPHRASE_WRONG', 'PASSPHRASE_REQUIRED'])
    })
  })
})
