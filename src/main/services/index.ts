// Builds every service over one store. The Electron main process, the CLI and the renderer
// test harness all call createServices, so they run the same code.
import { openStore, databaseFile } from '../store'
import type { EventSink } from '../../shared/ipc/events'
import { createSettingsService, type DesktopPort, type SettingsService } from './settings-service'
import { createVaultService, type VaultService } from './vault-service'
import { createAuditService, type AuditService } from './audit-service'
import { createFilesService, type DialogsPort, type FilesService } from './files-service'
import { createSyncService, type SyncService } from './sync-service'
import { createConnectorsService, type ConnectorsService } from './connectors-service'
import { createCertificateBridge } from './sync-inventory'
import { createProfileBridge, createProfilesService, type ProfilesService } from './profiles-service'
import { createAuthoritiesService, type AuthoritiesService } from './authorities-service'
import { createCaLifecycleService, type CaLifecycleService } from './ca-lifecycle-service'
import { createCsrService, type CsrService } from './csr-service'
import { createIssuanceService, type IssuanceOptions, type IssuanceService } from './issuance-service'
import { createCertificatesService, type CertificatesService } from './certificates-service'
import { createRenewalService, type RenewalService } from './renewal-service'
import { createBulkService, type BulkService } from './bulk-service'
import { createExportsService, type ExportsService } from './exports-service'
import { createPreparePool } from './issuance-workers/pool'
import { createNapiKeychain, type KeychainBackend, type ScryptParams } from '../vault'
import { createBackupService, type BackupService } from './backup-service'
import { createRunsService, type RunsService } from './runs-service'
import { createPkcs11Service, type Pkcs11Service } from './pkcs11-service'
import { createStructureService, type StructureService } from './structure-service'

/** A backlog this large reports its indexing at close as progress (the CLI prints it). */
const SEARCH_PROGRESS_FROM = 5000

export interface ServicesOptions {
  readonly dataDir: string
  /** Where main pushes events; the CLI passes one that writes progress to stderr or nothing. */
  readonly emit?: EventSink
  readonly now?: () => Date
  readonly version?: string
  /** The OS keychain by default; tests and the harness may pass createMemoryKeychain(). */
  readonly keychain?: KeychainBackend
  /** scrypt cost for new passphrase-protected keys (tests lower it; stored per key). */
  readonly scrypt?: ScryptParams
  /** Where "save" asks the operator for a place: Electron's dialogs in the app, a folder in the harness; absent in the CLI. */
  readonly dialogs?: DialogsPort
  /** "Reveal" and "Copy path" of the data directory: Electron's shell and clipboard in the app, a recorder in the harness; absent in the CLI. */
  readonly desktop?: DesktopPort
  /** Tuning and test seams of batch issuance (the renderer harness paces runs to cancel them). */
  readonly issuance?: Omit<IssuanceOptions, 'pool'>
}

export interface AppInfoService {
  info(): { name: string; version: string; dataDir: string; platform: string; schemaVersion: number }
}

export interface Services {
  readonly app: AppInfoService
  readonly settings: SettingsService
  /** Issuance profiles (the starters are seeded by migration 004). */
  readonly profiles: ProfilesService
  readonly vault: VaultService
  readonly audit: AuditService
  readonly files: FilesService
  readonly authorities: AuthoritiesService
  /** A CA's next certificate: renewal (same key) and re-key (new key, the old CA retired). */
  readonly caLifecycle: CaLifecycleService
  /** CSR intake (inspect, the preview's request) and generation with a new vault key. */
  readonly csr: CsrService
  readonly issuance: IssuanceService
  /** Recorded issuance runs: the list (interrupted ones marked) and resume. */
  readonly runs: RunsService
  readonly certificates: CertificatesService
  /** The ASN.1 structure view of a certificate, CSR or CRL. */
  readonly structure: StructureService
  /** Revocation and export of many certificates at once (picked, by serial list, or by filter). */
  readonly bulk: BulkService
  /** Files main writes itself (anything that may carry a private key) and the PKCS#7 bundle. */
  readonly exports: ExportsService
  /** Renewal with the same profile, for certificates whose key the vault holds. */
  readonly renewal: RenewalService
  /** Connectors to remote CA platforms and the outbox; offline unless a sync runs. */
  /** Connectors to remote CA platforms: CRUD, credentials, connection tests. */
  readonly connectors: ConnectorsService
  /** The outbox of remote actions; offline unless a sync runs. */
  readonly sync: SyncService
  /** Encrypted backups of the whole store, verify, restore into an empty store, the reminder. */
  readonly backup: BackupService
  /** PKCS#11 modules (found and added in Settings), their tokens and the keys on them. */
  readonly pkcs11: Pkcs11Service
  /** The OS locked the screen or is suspending: lock every unlocked key. */
  onSystemLock?(): void
  close(): void
}

export function createServices(options: ServicesOptions): Services {
  const store = openStore(databaseFile(options.dataDir))
  const emit: EventSink = options.emit ?? (() => undefined)
  const version = options.version ?? '0.1.0'
  const now = options.now ?? (() => new Date())
  // The vault caches the auto-lock minutes; a settings change tells it to read them again.
  const settings = createSettingsService({
    store,
    dataDir: options.dataDir,
    databaseFile: databaseFile(options.dataDir),
    now,
    desktop: options.desktop,
    emit: (event, payload) => {
      if (event === 'changed' && (payload as { domain?: string }).domain === 'settings') vault.idleLockChanged()
      emit(event, payload)
    }
  })
  // One keychain for the vault and the connectors' credentials.
  const keychain = options.keychain ?? createNapiKeychain()
  const vault = createVaultService({
    store,
    keychain,
    emit,
    now,
    autoLockMinutes: () => settings.get().autoLockMinutes,
    ...(options.scrypt ? { scrypt: options.scrypt } : {})
  })
  const audit = createAuditService(store, keychain, now)
  const csr = createCsrService(store, vault, emit, now)
  const profiles = createProfilesService(store, csr, emit, now)
  const authorities = createAuthoritiesService(store, vault, emit, now)
  // One worker pool for this Services' batches; its workers start on the first large batch.
  const pool = createPreparePool()
  const issuance = createIssuanceService(store, vault, authorities, emit, now, { ...options.issuance, pool })
  const sync = createSyncService({ store, keychain, emit, now, profiles: createProfileBridge(store, profiles), certificates: createCertificateBridge(store, now) })
  const files = createFilesService(options.dialogs)
  const certificates = createCertificatesService(store, vault, authorities, emit, now)
  return {
    app: {
      info: () => ({ name: 'PKI Desk', version, dataDir: options.dataDir, platform: process.platform, schemaVersion: store.schemaVersion() })
    },
    settings,
    profiles,
    vault,
    audit,
    files,
    authorities,
    caLifecycle: createCaLifecycleService(store, vault, authorities, emit, now),
    csr,
    issuance,
    runs: createRunsService(store, issuance, now),
    renewal: createRenewalService(store, vault, issuance, profiles, now),
    certificates,
    structure: createStructureService(store, certificates),
    exports: createExportsService({ store, vault, certificates, files }),
    backup: createBackupService({
      store,
      vault: vault.backupKeys,
      emit,
      now,
      appVersion: version,
      reminder: () => {
        const s = settings.get()
        return { days: s.backupReminderDays, issuances: s.backupReminderIssuances }
      },
      ...(options.scrypt ? { scrypt: options.scrypt } : {})
    }),
    bulk: createBulkService(store, emit, now),
    connectors: createConnectorsService({ store, keychain, emit, now, syncRunning: () => sync.isRunning() }),
    sync,
    pkcs11: createPkcs11Service(store, vault, files, emit, now),
    onSystemLock: () => vault.lockAll('system'),
    close: () => {
      vault.lockAll('shutdown')
      void pool.close()
      // What the store had not yet indexed for search (a CLI batch exits right after it) is
      // indexed before it closes, with progress past a few thousand rows (~0.1 s). Another
      // process writing, a kill or a failure here leave the rest for the next open; search
      // finds those rows meanwhile, so closing goes on either way.
      try {
        if (store.open)
          store.indexForSearch((done, total) => {
            if (total >= SEARCH_PROGRESS_FROM) emit('progress', { operationId: 'search-index', done, total, label: 'indexing certificates for search', finished: done === total })
          })
      } catch (e) {
        process.stderr.write(`pkidesk: indexing certificates for search is left for the next start: ${(e as Error).message}\n`)
      }
      store.close()
    }
  }
}
