// Exports main writes to disk itself, so that nothing carrying a private key crosses IPC:
// certificates (any format, PFX included), end-entity keys as encrypted PKCS#8 or PFX, and
// deleting an end-entity key on request. Also the certificates-only PKCS#7 bundle of many
// certificates (for the Sign screen's saved results), whose bytes may cross IPC.
// Composes the certificates, vault and files services: the export itself (and its audit
// entry) stays in certificates-service / vault-service, which the CLI calls too.
import { createHash } from 'node:crypto'
import { fail, ok, type Result } from '../../shared/errors'
import type { ExportedFile, ExportFormat } from '../../shared/domain/certificate'
import type { ExportCertificateRequest, ExportKeyRequest, SaveOutcome } from '../../shared/ipc/files'
import { getCertificate, profileIdsOfKey, type CertificateRow } from '../store/certificates-repo'
import { listAuthorities } from '../store/authorities-repo'
import type { Store } from '../store/database'
import { buildPkcs7, describeCertificate, findPemBlocks, toPem } from '../engine'
import type { CertificatesService } from './certificates-service'
import { MIN_PFX_PASSWORD } from './certificates-service'
import { keyExportBlocked, keyExportBlockedBy } from './certificate-records'
import type { FilesService } from './files-service'
import { tokenKeyNotExportable, type VaultPort } from './vault-service'
import type { KeySecrets } from '../vault'

export interface ExportsServiceDeps {
  readonly store: Store
  readonly vault: VaultPort
  readonly certificates: CertificatesService
  readonly files: FilesService
}

export interface ExportsService {
  /** certificates:export written by main into a file the operator picks. */
  certificateToFile(req: Readonly<ExportCertificateRequest>): Promise<Result<SaveOutcome>>
  /** An end-entity key, encrypted under `password`, written by main. */
  keyToFile(req: Readonly<ExportKeyRequest>): Promise<Result<SaveOutcome>>
  /** Deletes the vault key of a certificate (end-entity keys only); the certificate stays, without a key. */
  deleteCertificateKey(certificateId: number): Promise<Result<{ certificateId: number; keyId: string }>>
  /** One PKCS#7 of the given certificates (and their chains), certificates only. */
  bundle(ids: readonly number[], includeChain: boolean, encoding: 'der' | 'pem'): Promise<Result<ExportedFile>>
}

const SUFFIX: Record<ExportFormat, string> = {
  pem: '.pem',
  der: '.cer',
  'pem-chain': '-chain.pem',
  'p7b-der': '.p7b',
  // PEM and DER bundles side by side must not share a name; .p7b stays the binary one Windows opens.
  'p7b-pem': '-pkcs7.pem',
  'pfx-modern': '.pfx',
  'pfx-legacy': '-legacy.pfx'
}

const isPfx = (f: ExportFormat): boolean => f === 'pfx-modern' || f === 'pfx-legacy'

/** The same stem certificates:export names its files with: the CN, else the serial. */
function stemOf(row: CertificateRow): string {
  const view = describeCertificate(row.der)
  const base = view.subject.length ? (/(?:^|, )CN=([^,]+)/.exec(view.subjectText)?.[1] ?? view.serial) : view.serial
  return base.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 80) || 'certificate'
}

export function createExportsService({ store, vault, certificates, files }: ExportsServiceDeps): ExportsService {
  const certificate = (id: number): CertificateRow | null => store.read((tx) => getCertificate(tx, id))
  const notFound = (id: number, field = 'id'): Result<never> => fail('CERTIFICATE_NOT_FOUND', `No certificate ${id}: it may have been removed; refresh the list.`, field)
  const shortPassword = (): Result<never> =>
    fail('PASSPHRASE_TOO_SHORT', `The password is shorter than ${MIN_PFX_PASSWORD} characters, the minimum for a file that carries the private key: choose a longer one.`, 'password')

  /** Runs `body` with the key unlocked for this export only (no key: runs it as it is). */
  const withUnlocked = <T>(keyId: string | null, keyPassphrase: string | undefined, body: () => Promise<Result<T>>): Promise<Result<T>> =>
    keyId ? vault.withUnlocked(keyId, keyPassphrase, 'keyPassphrase', body) : body()

  const service: ExportsService = {
    async certificateToFile(req) {
      const row = certificate(req.id)
      if (!row) return notFound(req.id)
      const withKey = isPfx(req.format) && req.includeKey && row.keyId !== null
      const holder = withKey ? store.read((tx) => listAuthorities(tx).find((a) => a.keyId === row.keyId)) : undefined
      const caKey = withKey && (row.isCa || holder !== undefined || vault.key(row.keyId!)?.purpose === 'ca')
      if (isPfx(req.format)) {
        // Checked before the dialog so the operator is not asked where to save a file that cannot be made.
        const blockedBy = withKey ? store.read((tx) => keyExportBlockedBy(tx, row)) : null
        if (blockedBy) return keyExportBlocked(row, blockedBy, 'includeKey')
        // Before main's CA key confirmation: a key on a token is never asked for, it cannot leave it.
        const onToken = withKey ? vault.tokenKeyPlace(row.keyId!) : null
        if (onToken) return tokenKeyNotExportable(onToken, `A PFX of certificate ${row.serial.toUpperCase()}`, 'includeKey')
        if (caKey && !req.includeCaKey)
          return fail(
            'CA_KEY_EXPORT_NOT_CONFIRMED',
            `Certificate ${row.serial.toUpperCase()} belongs to a CA: putting its private key into a PFX needs the explicit includeCaKey option; export without the key otherwise.`,
            'includeCaKey'
          )
        if (!req.password) return fail('PASSPHRASE_REQUIRED', 'A PFX needs a password: enter one.', 'password')
        if (withKey && req.password.length < MIN_PFX_PASSWORD) return shortPassword()
      }
      // The renderer's includeCaKey only starts it: main asks for the CA key's secrets itself.
      let consent: KeySecrets | undefined
      if (caKey) {
        const ref = vault.key(row.keyId!)
        if (!ref) return fail('KEY_NOT_FOUND', `The key of certificate ${row.serial.toUpperCase()} is no longer in the vault: refresh the view.`, 'includeKey')
        const custodians = ref.protection === 'custodians' ? vault.custodiansOf(ref.keyId) : null
        const answer = await files.confirmCaKeyExport({
          authority: holder?.name ?? describeCertificate(row.der).subjectText,
          serial: row.serial.toUpperCase(),
          protection: ref.protection,
          ...(custodians ? { custodians } : {})
        })
        if (!answer.ok) return answer
        if (!answer.value) return ok({ saved: false, paths: [] })
        consent = answer.value
      }
      const name = `${stemOf(row)}${SUFFIX[req.format]}`
      return files.saveProduced(withKey ? 'Export certificate and private key' : 'Export certificate', name, () =>
        withUnlocked(withKey ? row.keyId : null, req.keyPassphrase ?? consent?.passphrase, async () => {
          const r = await certificates.export(req.id, req.format, req.password, req.includeKey, consent)
          return r.ok ? ok(new Uint8Array(Buffer.from(r.value.base64, 'base64'))) : r
        })
      )
    },

    async keyToFile(req) {
      let row: CertificateRow | null = null
      let keyId: string
      if ('certificateId' in req.key) {
        row = certificate(req.key.certificateId)
        if (!row) return notFound(req.key.certificateId, 'key')
        if (!row.keyId) return fail('KEY_NOT_HELD', `PKI Desk does not hold the private key of certificate ${row.serial.toUpperCase()}: there is nothing to export.`, 'key')
        keyId = row.keyId
        const blockedBy = store.read((tx) => keyExportBlockedBy(tx, row as CertificateRow))
        if (blockedBy) return keyExportBlocked(row, blockedBy, 'key')
      } else {
        keyId = req.key.keyId
        // A key exported by its id is still the key of the certificates issued for it.
        const id = keyId
        const blockedBy = store.read((tx) => profileIdsOfKey(tx, id).map((profileId) => keyExportBlockedBy(tx, { profileId })).find((n) => n !== null) ?? null)
        if (blockedBy) return fail('PRIVATE_KEY_EXPORT_BLOCKED', `This key has a certificate issued under profile "${blockedBy}", which blocks private key export: the key stays in PKI Desk.`, 'key')
      }
      const ref = vault.key(keyId)
      if (!ref) return fail('KEY_NOT_FOUND', `No key ${keyId} in the vault: it may have been deleted; refresh the view.`, 'key')
      const onToken = vault.tokenKeyPlace(keyId)
      if (onToken) return tokenKeyNotExportable(onToken, 'A key file', 'key')
      if (ref.purpose === 'ca')
        return fail(
          'CA_KEY_EXPORT_NOT_CONFIRMED',
          'This is a CA key: export it from the certificate as a PFX with the explicit "include the CA key" option (--include-ca-key in the CLI), not as an end-entity key.',
          'key'
        )
      if ([...req.password].length < MIN_PFX_PASSWORD) return shortPassword()
      if (req.format !== 'pkcs8-pem') {
        if (!row) return fail('KEY_EXPORT_NEEDS_CERTIFICATE', 'A PFX holds the key with its certificate: export it from the issued certificate, or choose encrypted PKCS#8.', 'format')
        return service.certificateToFile({ id: row.id, format: req.format, password: req.password, includeKey: true, includeCaKey: false, ...(req.keyPassphrase !== undefined ? { keyPassphrase: req.keyPassphrase } : {}) })
      }
      const stem = row ? stemOf(row) : `key-${keyId.replace(/[^A-Za-z0-9_-]+/g, '').slice(0, 16)}`
      return files.saveProduced('Export private key (encrypted PKCS#8)', `${stem}.key.pem`, () =>
        withUnlocked(keyId, req.keyPassphrase, async () => {
          const der = await vault.exportKey(keyId, req.password, 'modern', row ? `pkcs8 export of the key of certificate ${row.id}` : 'pkcs8 export')
          if (!der.ok) return der
          const pem = Buffer.from(toPem('ENCRYPTED PRIVATE KEY', der.value))
          der.value.fill(0)
          return ok(new Uint8Array(pem))
        })
      )
    },

    async deleteCertificateKey(certificateId) {
      const row = certificate(certificateId)
      if (!row) return notFound(certificateId, 'certificateId')
      if (!row.keyId) return fail('KEY_NOT_HELD', `PKI Desk does not hold the private key of certificate ${row.serial.toUpperCase()}: there is nothing to delete.`, 'certificateId')
      if (vault.key(row.keyId)?.purpose === 'ca')
        return fail('IN_USE', 'This is a CA key: retire the authority instead of deleting its key.', 'certificateId')
      const r = await vault.deleteKey(row.keyId)
      return r.ok ? ok({ certificateId, keyId: row.keyId }) : r
    },

    async bundle(ids, includeChain, encoding) {
      const leaves: Uint8Array[] = []
      const chain: Uint8Array[] = []
      const seen = new Set<string>()
      const add = (to: Uint8Array[], der: Uint8Array): void => {
        const sha = createHash('sha256').update(der).digest('hex')
        if (seen.has(sha)) return
        seen.add(sha)
        to.push(der)
      }
      for (const id of ids) {
        const row = certificate(id)
        if (!row) return notFound(id, 'ids')
        add(leaves, row.der)
        if (!includeChain) continue
        // The chain as certificates:export resolves it (the issuing CAs up to the root).
        const r = await certificates.export(id, 'pem-chain', undefined, false)
        if (!r.ok) return r
        for (const b of findPemBlocks(Buffer.from(r.value.base64, 'base64').toString('latin1')).slice(1)) if (b.kind === 'block') add(chain, b.der)
      }
      const built = buildPkcs7([...leaves, ...chain])
      if (!built.ok) return built
      const p7 = built.value
      const bytes = encoding === 'pem' ? Buffer.from(toPem('PKCS7', p7)) : Buffer.from(p7)
      return ok({
        fileName: `certificates-${leaves.length}${SUFFIX[encoding === 'pem' ? 'p7b-pem' : 'p7b-der']}`,
        mediaType: encoding === 'pem' ? 'application/x-pem-file' : 'application/pkcs7-mime',
        base64: bytes.toString('base64'),
        containsKey: false
      })
    }
  }
  return service
}
