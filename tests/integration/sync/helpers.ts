// A sync service over a temp database and an in-memory keychain, with the runner's waits
// shortened, and in-memory stand-ins for the profile and inventory ports that record what
// sync hands them.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHash, X509Certificate } from 'node:crypto'
import { openDatabase, storeOf, type Db } from '../../../src/main/store'
import { createMemoryKeychain, type MemoryKeychain } from '../../../src/main/vault'
import { createSyncService, type SyncService, type SyncServiceDeps } from '../../../src/main/services/sync-service'
import { createConnectorsService, type ConnectorsService } from '../../../src/main/services/connectors-service'
import { describeCertificate } from '../../../src/main/engine'
import { ok, fail } from '../../../src/shared/errors'
import type { CertificateBridge, ProfileBridge } from '../../../src/main/sync/local-bridge'
import type { PaloAltoFields } from '../../../src/main/sync/connectors/paloalto'

export interface Harness {
  readonly db: Db
  readonly dbFile: string
  readonly keychain: MemoryKeychain
  readonly sync: SyncService
  readonly connectors: ConnectorsService
  readonly pulled: Map<string, { platform: string; body: Record<string, unknown>; connectorName: string; updates: number }>
  readonly inventory: Map<string, { pem: string; source: string; chain: readonly Uint8Array[] }>
  readonly localProfiles: Map<string, { lamassu?: Record<string, unknown>; certCentral?: Record<string, unknown>; paloAlto?: PaloAltoFields }>
  readonly slept: number[]
}

export function createHarness(overrides: Partial<SyncServiceDeps> = {}): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'pkidesk-sync-'))
  const dbFile = join(dir, 'pkidesk.sqlite3')
  const db = openDatabase(dbFile)
  const keychain = createMemoryKeychain()
  const pulled: Harness['pulled'] = new Map()
  const inventory: Harness['inventory'] = new Map()
  const localProfiles: Harness['localProfiles'] = new Map()
  const slept: number[] = []
  const profiles: ProfileBridge = {
    toLamassu: (id) => {
      const p = localProfiles.get(id)?.lamassu
      return p ? ok({ body: structuredClone(p), notes: [] }) : fail('PROFILE_NOT_FOUND', `no local profile ${id}`, 'profileId')
    },
    toCertCentral: (id) => {
      const p = localProfiles.get(id)?.certCentral
      return p ? ok({ body: structuredClone(p), notes: [] }) : fail('PROFILE_NOT_FOUND', `no local profile ${id}`, 'profileId')
    },
    toPaloAlto: (id) => {
      const p = localProfiles.get(id)?.paloAlto
      return p ? ok({ body: p, notes: [] }) : fail('PROFILE_NOT_FOUND', `no local profile ${id}`, 'profileId')
    },
    importPulled: ({ platform, connectorName, profile, existingLocalId }) => {
      if (profile.body.unconvertible === true) return fail('INVALID_OBJECT', `remote profile ${profile.remoteId} does not convert`, 'profile')
      const localId = existingLocalId ?? `local-${profile.remoteId}`
      const prev = pulled.get(localId)
      pulled.set(localId, { platform, body: { ...profile.body }, connectorName, updates: (prev?.updates ?? -1) + 1 })
      return ok({ localId, notes: [] })
    }
  }
  const certificates: CertificateBridge = {
    findBySerial: (serial) => {
      for (const [s, c] of inventory)
        if (s.toLowerCase() === serial.toLowerCase()) {
          const der = new Uint8Array(new X509Certificate(c.pem).raw)
          return ok({ id: s, pem: c.pem, serial: s, sha256: createHash('sha256').update(der).digest('hex'), subject: describeCertificate(der).subject })
        }
      return fail('CERTIFICATE_NOT_FOUND', `no certificate with serial ${serial}`, 'serial')
    },
    importIssued: ({ der, issuers, source }) => {
      const cert = new X509Certificate(der)
      inventory.set(cert.serialNumber, { pem: cert.toString(), source, chain: issuers })
      return ok({ id: cert.serialNumber, notes: [] })
    }
  }
  const store = storeOf(db)
  const sync = createSyncService({
    store,
    keychain,
    profiles,
    certificates,
    runner: {
      backoffBaseMs: 5,
      backoffMaxMs: 40,
      inRunWaitLimitMs: 1000,
      inRunRetries: 2,
      pickup: { attempts: 2, intervalMs: 1 },
      sleep: async (ms) => {
        slept.push(ms)
        await new Promise((r) => setTimeout(r, 1))
      }
    },
    ...overrides
  })
  const connectors = createConnectorsService({ store, keychain, ...(overrides.env ? { env: overrides.env } : {}), ...(overrides.now ? { now: overrides.now } : {}), syncRunning: () => sync.isRunning() })
  return { db, dbFile, keychain, sync, connectors, pulled, inventory, localProfiles, slept }
}

export function auditActions(db: Db): string[] {
  return (db.prepare('SELECT action FROM audit_log ORDER BY seq').all() as { action: string }[]).map((r) => r.action)
}

export function outboxRows(db: Db): { id: number; state: string; attempts: number; last_error: string | null }[] {
  return db.prepare('SELECT id, state, attempts, last_error FROM outbox ORDER BY id').all() as { id: number; state: string; attempts: number; last_error: string | null }[]
}

export function unwrapOk<T>(r: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`)
  return r.value
}
