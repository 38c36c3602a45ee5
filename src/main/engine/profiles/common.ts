// Helpers shared by the dialect converters: reading loosely typed JSON, the conversion notes,
// keeping a dialect's unmodelled fields verbatim in `extras`, and the final validation.
import { fail, ok, type Result } from '../../../shared/errors'
import { LIMITS } from '../../../shared/limits'
import { checkJsonTree, isForbiddenKey } from '../../../shared/safe-json'
import {
  durationSeconds,
  profileBody,
  type ConversionNote,
  type ProfileBody,
  type ProfileBodyInput,
  type ProfileDialect
} from '../../../shared/domain/profile'
import type { KeyUsageName } from '../../../shared/domain/names'

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
export type JsonObject = { [key: string]: Json }

export interface Imported {
  readonly profile: ProfileBody
  /** The id the remote service gave the profile, when the document carries one. */
  readonly remoteId?: string
  /**
   * The source says the profile cannot be used to issue (TLM: status not Active, or an
   * enrollment method other than rest_api): it is saved archived, with a note saying why.
   */
  readonly archived?: boolean
  readonly notes: readonly ConversionNote[]
}

export interface Exported {
  readonly json: JsonObject
  readonly notes: readonly ConversionNote[]
}

/** A profile to export: a body, and the id it has here (sent where the dialect carries one). */
export type ExportSource = Readonly<ProfileBody> & { readonly id?: string }

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export class Notes {
  readonly list: ConversionNote[] = []
  add(kind: ConversionNote['kind'], field: string, message: string): void {
    this.list.push({ kind, field, message })
  }
}

/** Reads fields of a source document and remembers which ones were used. */
export class Reader {
  private readonly used = new Set<string>()
  constructor(readonly doc: JsonObject, private readonly prefix = '') {}
  has(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.doc, key) && this.doc[key] !== undefined
  }
  raw(key: string): Json | undefined {
    this.used.add(key)
    return this.doc[key]
  }
  str(key: string): string | undefined {
    const v = this.raw(key)
    return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined
  }
  bool(key: string): boolean | undefined {
    const v = this.raw(key)
    return typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : undefined
  }
  num(key: string): number | undefined {
    const v = this.raw(key)
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : undefined
    return n
  }
  obj(key: string): Reader | undefined {
    const v = this.raw(key)
    return isObject(v) ? new Reader(v, `${this.path(key)}.`) : undefined
  }
  arr(key: string): Json[] | undefined {
    const v = this.raw(key)
    return Array.isArray(v) ? v : undefined
  }
  path(key: string): string {
    return `${this.prefix}${key}`
  }
  /** Marks a key consumed without reading it (e.g. a duplicate spelling). */
  use(key: string): void {
    this.used.add(key)
  }
  /** The fields no mapping consumed, keyed by their dotted path from the document root. */
  leftovers(): Record<string, Json> {
    const out: Record<string, Json> = {}
    for (const [k, v] of Object.entries(this.doc)) if (!this.used.has(k) && v !== undefined) out[this.path(k)] = v
    return out
  }
}

/**
 * Writes `value` at a dotted path unless something is already there (mapped fields win).
 * A path with a `__proto__`, `constructor` or `prototype` segment is never written (stored
 * extras from before imports refused them); nodes it creates have no prototype, and only own
 * properties are followed, so no write can reach Object.prototype. False when skipped.
 */
export function setPath(target: JsonObject, path: string, value: Json): boolean {
  const parts = path.split('.')
  if (parts.some(isForbiddenKey)) return false
  let node: JsonObject = target
  for (const p of parts.slice(0, -1)) {
    const next = Object.hasOwn(node, p) ? node[p] : undefined
    if (!isObject(next)) node[p] = Object.create(null) as JsonObject
    node = node[p] as JsonObject
  }
  const last = parts[parts.length - 1]!
  if (!Object.hasOwn(node, last) || node[last] === undefined) node[last] = value
  return true
}

export function restoreExtras(target: JsonObject, extras: Readonly<Record<string, unknown>> | undefined): void {
  for (const [path, value] of Object.entries(extras ?? {})) setPath(target, path, value as Json)
}

/**
 * The start of every importer: the document must be an object, nested at most LIMITS.jsonDepth
 * deep, with no key that reaches a prototype (a pulled remote profile never went through parseJson).
 */
export function documentOf(dialect: ProfileDialect, json: unknown): Result<JsonObject> {
  if (!isObject(json)) return invalid(dialect, 'document', 'must be a JSON object')
  const checked = checkJsonTree(json, { maxDepth: LIMITS.jsonDepth, what: `The ${dialect} profile document` })
  return checked.ok ? ok(json) : checked
}

/** Validates the mapped body; an invalid result names the model field and the source dialect. */
export function finish(dialect: ProfileDialect, input: ProfileBodyInput, notes: Notes, remoteId?: string, archived = false): Result<Imported> {
  const parsed = profileBody.safeParse(input)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const field = issue.path.map(String).join('.')
    return fail('INVALID_OBJECT', `The ${dialect} profile does not map to a valid profile: ${field || 'profile'} ${issue.message}.`, field || undefined)
  }
  return ok({ profile: parsed.data, ...(remoteId !== undefined ? { remoteId } : {}), ...(archived ? { archived } : {}), notes: notes.list })
}

export function invalid<T>(dialect: ProfileDialect, field: string, why: string): Result<T> {
  return fail('INVALID_OBJECT', `The ${dialect} document's ${field} ${why}.`, field)
}

const DEFAULTS: ProfileBody = profileBody.parse({ name: 'defaults' })

function get(o: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((n, k) => (isObject(n) ? (n as Record<string, unknown>)[k] : undefined), o)
}

/** Notes a model field the target dialect cannot carry, when the profile sets it away from the default. */
export function notCarried(profile: ExportSource, notes: Notes, paths: readonly string[], target: string): void {
  for (const path of paths) {
    const value = get(profile, path)
    if (JSON.stringify(value) === JSON.stringify(get(DEFAULTS, path))) continue
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue
    notes.add('dropped', path, `${target} has no field for ${path} (${JSON.stringify(value)}); it is not exported.`)
  }
}

// ---------------------------------------------------------------------------------------
// Key usage spellings across the seeds.

const KU_BY_ALIAS: Readonly<Record<string, KeyUsageName>> = {
  digitalsignature: 'digitalSignature',
  nonrepudiation: 'nonRepudiation',
  contentcommitment: 'nonRepudiation',
  keyencipherment: 'keyEncipherment',
  dataencipherment: 'dataEncipherment',
  keyagreement: 'keyAgreement',
  keycertsign: 'keyCertSign',
  certsign: 'keyCertSign',
  crlsign: 'cRLSign',
  encipheronly: 'encipherOnly',
  decipheronly: 'decipherOnly'
}

/** `digital_signature`, `DigitalSignature`, `digitalSignature`, `CertSign`… → the model's name. */
export function keyUsageFromAlias(name: string): KeyUsageName | undefined {
  return KU_BY_ALIAS[name.replace(/[_\s-]/g, '').toLowerCase()]
}

/** Lamassu's wire names (Go x509.KeyUsage names without the prefix). */
export const LAMASSU_KU_NAMES: Readonly<Record<KeyUsageName, string>> = {
  digitalSignature: 'DigitalSignature',
  nonRepudiation: 'ContentCommitment',
  keyEncipherment: 'KeyEncipherment',
  dataEncipherment: 'DataEncipherment',
  keyAgreement: 'KeyAgreement',
  keyCertSign: 'CertSign',
  cRLSign: 'CRLSign',
  encipherOnly: 'EncipherOnly',
  decipherOnly: 'DecipherOnly'
}

/** The seed's flag-object spelling. */
export const LAMASSU_KU_FLAGS: Readonly<Record<KeyUsageName, string>> = {
  digitalSignature: 'digital_signature',
  nonRepudiation: 'content_commitment',
  keyEncipherment: 'key_encipherment',
  dataEncipherment: 'data_encipherment',
  keyAgreement: 'key_agreement',
  keyCertSign: 'cert_sign',
  cRLSign: 'crl_sign',
  encipherOnly: 'encipher_only',
  decipherOnly: 'decipher_only'
}

/** Whole days of a model validity when it is a duration of whole days, else undefined. */
export function wholeDays(profile: ExportSource): number | undefined {
  if (profile.validity.type !== 'Duration') return undefined
  const seconds = durationSeconds(profile.validity.duration)
  return seconds !== undefined && seconds % 86400 === 0 ? seconds / 86400 : undefined
}
