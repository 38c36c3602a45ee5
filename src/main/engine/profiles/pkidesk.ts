// PKI Desk's own profile JSON: the model itself, versioned. Lossless by construction.
import type { Result } from '../../../shared/errors'
import { profileBody, type ProfileBody } from '../../../shared/domain/profile'
import { documentOf, finish, invalid, isObject, Notes, type Exported, type ExportSource, type Imported, type JsonObject } from './common'

export const PKIDESK_FORMAT = 'pkidesk-profile'
export const PKIDESK_FORMAT_VERSION = 1

export function fromPkiDesk(input: unknown): Result<Imported> {
  const checked = documentOf('pkidesk', input)
  if (!checked.ok) return checked
  const json = checked.value
  if (json.format !== PKIDESK_FORMAT) return invalid('pkidesk', 'format', `must be "${PKIDESK_FORMAT}"`)
  if (json.version !== PKIDESK_FORMAT_VERSION) return invalid('pkidesk', 'version', `must be ${PKIDESK_FORMAT_VERSION}`)
  if (!isObject(json.profile)) return invalid('pkidesk', 'profile', 'must be a profile object')
  return finish('pkidesk', json.profile as ProfileBody, new Notes(), typeof json.id === 'string' ? json.id : undefined)
}

export function toPkiDesk(profile: ExportSource): Exported {
  const { id, ...rest } = profile as ExportSource & Record<string, unknown>
  // Only the body's own fields: a stored profile's archived/source/timestamps stay here.
  const body = profileBody.parse(rest)
  const json: JsonObject = { format: PKIDESK_FORMAT, version: PKIDESK_FORMAT_VERSION, ...(id !== undefined ? { id } : {}), profile: JSON.parse(JSON.stringify(body)) as JsonObject }
  return { json, notes: [] }
}
