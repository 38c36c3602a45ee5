// A sync service over a temp database and an in-memory keychain, with the runner's waits
// shortened, and in-memory stand-ins for the profile and inventory ports that record what
// sync hands them.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { X509Certificate } from 'node:crypto'
import { openDatabase, storeOf, type Db } from '../../../src/main/store'
import { createMemoryKeychain, type MemoryKeychain } from '../../../src/main/vault'
import { createSyncService, type SyncService, type SyncServiceDeps } from '../../../src/main/services/sync-service'
import { ok, fail } from '../../../src/shared/errors'
import type { CertificateBridge, ProfileBridge } from '../../../src/main/sync/local-bridge'
import type { PaloAltoFields } from '../../../src/main/sync/connectors/paloalto'

export interface Harness {
  readonly db: Db
  readonly dbFile: string
  readonly keychain: MemoryKeychain
  readonly sync: SyncService
  readonly pulled: Map<string, { platform: string; body: Record<string, unknown>; connectorName: string; updates: number }>
  readonly inventory: Map<string, { pem: string; source: string; chain: readonly string[] }>
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
      return p ? ok(structuredClone(p)) : fail('PROFILE_NOT_FOUND', `no local profile ${id}`, 'profileId')
    },
    toCertCentral: (id) => {
      const p = localProfiles.get(id)?.certCentral
      return p ? ok(structuredClone(p)) : fail('PROFILE_NOT_FOUND', `no local profile ${id}`, 'profileId')
    },
    toPaloAlto: (id) => {
      const p = localProfiles.get(id)?.paloAlto
      return p ? ok(p) : fail('PROFILE_NOT_FOUND', `no local profile ${id}`, 'profileId')
    },
    importPulled: ({ platform, connectorName, profile, existingLocalId }) => {
      const localId = existingLocalId ?? `local-${profile.remoteId}`
      const prev = pulled.get(localId)
      pulled.set(localId, { platform, body: { ...profile.body }, connectorName, updates: (prev?.updates ?? -1) + 1 })
      return ok({ localId })
    }
  }
  const certificates: CertificateBridge = {
    findBySerial: (serial) => {
      for (const [s, c] of inventory) if (s.toLowerCase() === serial.toLowerCase()) return ok({ pem: c.pem, serial: s })
      return fail('CERTIFICATE_NOT_FOUND', `no certificate with serial ${serial}`, 'serial')
    },
    importIssued: ({ pem, chainPems, source }) => {
      const serial = new X509Certificate(pem).serialNumber
      inventory.set(serial, { pem, source, chain: chainPems })
      return ok({ id: serial })
    }
  }
  const sync = createSyncService({
    store: storeOf(db),
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
  return { db, dbFile, keychain, sync, pulled, inventory, localProfiles, slept }
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
