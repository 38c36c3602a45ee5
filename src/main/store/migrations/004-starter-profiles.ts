// The starter issuance profiles (resources/profiles/*.json), seeded once into every store:
// TLS server 90 days, TLS client, code signing, S/MIME, IoT device 30 days, intermediate CA
// 5 years. A profile whose id or name is already taken is skipped, so the migration never
// overwrites an operator's profile. Rows carry source 'starter'; like the schema itself the
// seed is not an operator action and writes no audit entry.
import type { Migration } from './index'
import { profileBody } from '../../../shared/domain/profile'
import tlsServer from '../../../../resources/profiles/tls-server.json'
import tlsClient from '../../../../resources/profiles/tls-client.json'
import codeSigning from '../../../../resources/profiles/code-signing.json'
import smime from '../../../../resources/profiles/smime.json'
import iotDevice from '../../../../resources/profiles/iot-device.json'
import intermediateCa from '../../../../resources/profiles/intermediate-ca.json'

export const STARTER_PROFILE_DOCUMENTS: readonly { readonly id: string; readonly profile: unknown }[] = [tlsServer, tlsClient, codeSigning, smime, iotDevice, intermediateCa]

export const m004StarterProfiles: Migration = {
  version: 4,
  name: 'starter-profiles',
  up(db) {
    const at = new Date().toISOString()
    const taken = db.prepare('SELECT 1 FROM profiles WHERE id = ? OR lower(name) = lower(?)')
    const insert = db.prepare(
      `INSERT INTO profiles (id, name, description, sign_as_ca, archived, body, source, remote_etag, created_at, updated_at)
       VALUES (?, ?, ?, ?, 0, ?, 'starter', NULL, ?, ?)`
    )
    for (const doc of STARTER_PROFILE_DOCUMENTS) {
      const body = profileBody.parse(doc.profile)
      if (taken.get(doc.id, body.name)) continue
      insert.run(doc.id, body.name, body.description, body.signAsCa ? 1 : 0, JSON.stringify(body), at, at)
    }
  }
}
