// Connector credentials live in the keychain backend only: never in the database file, its
// WAL, the audit trail or an IPC response; an unavailable keychain fails closed.
import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createHandlers } from '../../../src/main/ipc/handlers'
import { dispatch } from '../../../src/main/ipc/dispatch'
import { SYNC_KEYCHAIN_SERVICE } from '../../../src/main/sync/credentials'
import { createHarness, unwrapOk } from '../../integration/sync/helpers'
import type { Services } from '../../../src/main/services'

const SECRET = 'sk-live-7f3a9c1e-DO-NOT-LEAK'

function fileHas(path: string, needle: string): boolean {
  return existsSync(path) && readFileSync(path).includes(Buffer.from(needle))
}

describe('connector credentials', () => {
  it('are stored in the keychain backend and nowhere in the database', async () => {
    const h = createHarness()
    const c = unwrapOk(await h.connectors.addConnector({ name: 'lab', type: 'lamassu', baseUrl: 'https://lamassu.example.com', credential: SECRET }))
    expect(c.hasCredential).toBe(true)
    expect(JSON.stringify(c)).not.toContain(SECRET)
    const stored = h.keychain.entries.get(`${SYNC_KEYCHAIN_SERVICE}\u0000connector:${c.id}`)
    expect(new TextDecoder().decode(stored)).toBe(SECRET)
    h.db.pragma('wal_checkpoint(FULL)')
    expect(fileHas(h.dbFile, SECRET) || fileHas(`${h.dbFile}-wal`, SECRET)).toBe(false)
    const audit = h.db.prepare('SELECT details FROM audit_log').all() as { details: string }[]
    expect(audit.map((a) => a.details).join()).not.toContain(SECRET)
    expect(audit.map((a) => a.details).join()).toContain('"credential":"keychain"')
    // Removing the connector removes the keychain entry.
    unwrapOk(await h.connectors.removeConnector('lab'))
    expect(h.keychain.entries.size).toBe(0)
  })

  it('fail closed when the keychain is unavailable: no connector is half-created', async () => {
    const h = createHarness()
    h.keychain.setAvailable(false)
    const r = await h.connectors.addConnector({ name: 'lab', type: 'lamassu', baseUrl: 'https://lamassu.example.com', credential: SECRET })
    expect(r).toMatchObject({ ok: false, error: { code: 'KEYCHAIN_UNAVAILABLE', field: 'credential' } })
    expect(r.ok ? '' : r.error.message).toMatch(/could not be stored in the OS keychain/)
    expect(await h.connectors.listConnectors()).toHaveLength(0)
  })

  it('can come from an environment variable read at run time instead', async () => {
    const h = createHarness({ env: { LAMASSU_TOKEN: SECRET } })
    const c = unwrapOk(await h.connectors.addConnector({ name: 'lab', type: 'lamassu', baseUrl: 'https://l.example.com', settings: { credentialEnv: 'LAMASSU_TOKEN' } }))
    expect(c).toMatchObject({ hasCredential: true, settings: { credentialEnv: 'LAMASSU_TOKEN' } })
    expect(h.keychain.entries.size).toBe(0)
    const h2 = createHarness({ env: {} })
    const c2 = unwrapOk(await h2.connectors.addConnector({ name: 'lab', type: 'lamassu', baseUrl: 'https://l.example.com', settings: { credentialEnv: 'LAMASSU_TOKEN' } }))
    expect(c2.hasCredential).toBe(false)
  })

  it('never cross IPC: connectors:list answers with hasCredential only', async () => {
    const h = createHarness()
    unwrapOk(await h.connectors.addConnector({ name: 'lab', type: 'lamassu', baseUrl: 'https://lamassu.example.com', credential: SECRET }))
    const handlers = createHandlers({ sync: h.sync, connectors: h.connectors } as unknown as Services)
    const r = await dispatch(handlers, 'connectors:list', {})
    expect(r.ok).toBe(true)
    expect(JSON.stringify(r)).not.toContain(SECRET)
    expect(JSON.stringify(r)).toContain('"hasCredential":true')
    const added = await dispatch(handlers, 'connectors:add', { name: 'bad name!', type: 'lamassu', baseUrl: 'https://x.example.com' })
    expect(added).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', field: 'name' } })
  })
})

describe('credentials go only where they were given for', () => {
  it('refuses PKIDESK_* environment variables as a credential source, on add and on update', async () => {
    const h = createHarness({ env: { PKIDESK_PASSPHRASE: SECRET, LAMASSU_TOKEN: 't' } })
    for (const name of ['PKIDESK_PASSPHRASE', 'pkidesk_export_passphrase', 'PKIDESK_SYNC_TOKEN']) {
      const r = await h.connectors.addConnector({ name: 'lab', type: 'lamassu', baseUrl: 'https://l.example.com', settings: { credentialEnv: name } })
      expect(r).toMatchObject({ ok: false, error: { code: 'CONNECTOR_CREDENTIAL_ENV_REFUSED', field: 'settings.credentialEnv' } })
      expect(r.ok ? '' : r.error.message).toMatch(/PKIDESK_\* variables are PKI Desk's own/)
    }
    expect(await h.connectors.listConnectors()).toHaveLength(0)
    unwrapOk(await h.connectors.addConnector({ name: 'lab', type: 'lamassu', baseUrl: 'https://l.example.com', settings: { credentialEnv: 'LAMASSU_TOKEN' } }))
    expect(await h.connectors.updateConnector({ name: 'lab', settings: { credentialEnv: 'PKIDESK_PASSPHRASE' } })).toMatchObject({ ok: false, error: { code: 'CONNECTOR_CREDENTIAL_ENV_REFUSED' } })
    expect((await h.connectors.listConnectors())[0]?.settings.credentialEnv).toBe('LAMASSU_TOKEN')
  })

  it('asks for the credential again when the URL moves to another origin; a path change on the same origin keeps it', async () => {
    const h = createHarness({ env: { LAMASSU_TOKEN: 't' } })
    unwrapOk(await h.connectors.addConnector({ name: 'lab', type: 'lamassu', baseUrl: 'https://lamassu.example.com', credential: SECRET }))
    unwrapOk(await h.connectors.updateConnector({ name: 'lab', baseUrl: 'https://lamassu.example.com/proxy/api/ca/v1' }))
    const moved = await h.connectors.updateConnector({ name: 'lab', baseUrl: 'https://attacker.example.net' })
    expect(moved).toMatchObject({ ok: false, error: { code: 'CONNECTOR_CREDENTIAL_REQUIRED', field: 'credential' } })
    expect(moved.ok ? '' : moved.error.message).toMatch(/https:\/\/attacker\.example\.net is not https:\/\/lamassu\.example\.com/)
    expect((await h.connectors.listConnectors())[0]?.baseUrl).toBe('https://lamassu.example.com/proxy/api/ca/v1')
    // With the credential given again the move is accepted.
    unwrapOk(await h.connectors.updateConnector({ name: 'lab', baseUrl: 'https://lamassu2.example.com', credential: 'new-secret' }))
    // An environment-variable credential must be named again too.
    unwrapOk(await h.connectors.addConnector({ name: 'env', type: 'lamassu', baseUrl: 'https://a.example.com', settings: { credentialEnv: 'LAMASSU_TOKEN' } }))
    expect(await h.connectors.updateConnector({ name: 'env', baseUrl: 'https://b.example.com' })).toMatchObject({ ok: false, error: { code: 'CONNECTOR_CREDENTIAL_REQUIRED' } })
    unwrapOk(await h.connectors.updateConnector({ name: 'env', baseUrl: 'https://b.example.com', settings: { credentialEnv: 'LAMASSU_TOKEN' } }))
    // Without any credential there is nothing to protect.
    unwrapOk(await h.connectors.addConnector({ name: 'none', type: 'lamassu', baseUrl: 'https://c.example.com' }))
    unwrapOk(await h.connectors.updateConnector({ name: 'none', baseUrl: 'https://d.example.com' }))
  })
})
