// Issuance profiles: CRUD with field-precise errors, list with filters/sort/cursor (the query
// grammar is profiles/list-query.ts), duplicate, archive, dialect import/export, and the policy
// preview (its request read by the CSR service). Every change is audited in the
// same transaction. (The starter profiles are seeded by store migration 004.)
import { createHash } from 'node:crypto'
import type { ZodError } from 'zod'
import { profileIdFromName, uniqueProfileId } from '../../shared/domain/profile-id'
import { AppFailure, fail, ok, type Result } from '../../shared/errors'
import {
  canonicalAttributeType,
  operatorInput,
  profile as profileSchema,
  profileBody,
  PROFILE_ID_PATTERN,
  type ConversionNote,
  type Finding,
  type Profile,
  type ProfileBody,
  type ProfileDialect
} from '../../shared/domain/profile'
import type { PreviewResponse } from '../../shared/ipc/profiles'
import type { EventSink } from '../../shared/ipc/events'
import { appendAudit } from '../store/audit-log'
import type { ReadTx, Store, WriteTx } from '../store/database'
import { authorityChain, getAuthority } from '../store/authorities-repo'
import {
  certificatesIssuedWith,
  deleteProfileRow,
  getProfileRow,
  insertProfile,
  listProfileRows,
  profileIdByName,
  sortValue,
  updateProfileRow,
  type ProfileRow,
  type SortColumn
} from '../store/profiles-repo'
import { fromDigicertTlm, fromLamassu, importProfileText, paloAltoFields, toDialect } from '../engine/profiles'
import type { Converted, ProfileBridge, PulledProfileImport } from '../sync/local-bridge'
import { noteLines } from '../sync/connector'
import { issuerUrlsOf } from './certificate-records'
import { checkExtensionUrls } from '../../shared/domain/extension-urls'
import { checkProfilePatterns, evaluate, hasErrors, issuerContextFromChain, type IssuerContext } from '../engine/policy'
import type { CsrService } from './csr-service'
import { decodeBookmark, encodeBookmark, parseFilters } from './profiles/list-query'
import { MINIMAL_PROFILE } from '../engine/batch'

export interface ListRequest {
  readonly limit: number
  readonly next?: string | undefined
  readonly filter: readonly string[]
  readonly sortBy: SortColumn
  readonly sortMode: 'asc' | 'desc'
  readonly includeArchived: boolean
}

export interface PreviewRequest {
  readonly id?: string | undefined
  readonly profile?: unknown
  readonly csrPem: string
  readonly input?: unknown
  readonly authorityId?: string | undefined
}

export interface CreateOptions {
  readonly id?: string | undefined
  /** `local` unless given: `import:<dialect>`, `starter`, or a connector's name for pulled profiles. */
  readonly source?: string
  readonly remoteEtag?: string | null
}

export interface ProfilesService {
  list(req: ListRequest): Result<{ items: Profile[]; next: string }>
  get(id: string): Result<Profile>
  create(body: unknown, options?: CreateOptions): Result<Profile>
  update(id: string, body: unknown, expectedUpdatedAt?: string, options?: { source?: string; remoteEtag?: string | null }): Result<Profile>
  delete(id: string): Result<{ id: string }>
  archive(id: string, archived: boolean): Result<Profile>
  duplicate(id: string, newId?: string, name?: string): Result<Profile>
  import(json: string, dialect: ProfileDialect | 'auto', overrides?: { id?: string | undefined; name?: string | undefined }): Result<{ profile: Profile; dialect: ProfileDialect; notes: ConversionNote[] }>
  export(id: string, dialect: ProfileDialect): Result<{ json: string; notes: ConversionNote[] }>
  /** A dialect's JSON converted to the model, saving nothing (an update from a file sends the result to `update`). */
  convert(json: string, dialect: ProfileDialect | 'auto'): ReturnType<typeof importProfileText>
  preview(req: PreviewRequest): Result<PreviewResponse>
  /** The issuer facts policy needs, read from an authority's certificate. */
  issuerContext(authorityId: string): Result<IssuerContext>
}

// ---------------------------------------------------------------------------------------

function invalidObject(error: ZodError, prefix = ''): Result<never> {
  const issue = error.issues[0]!
  const field = `${prefix}${issue.path.map(String).join('.')}`
  return fail('INVALID_OBJECT', `The profile is not valid${field ? '' : ' as a whole'}: ${issue.message}; correct it and save again.`, field || undefined, {
    issues: error.issues.slice(0, 20).map((i) => ({ field: `${prefix}${i.path.map(String).join('.')}`, message: i.message }))
  })
}

function toProfile(row: ProfileRow): Profile {
  const body = JSON.parse(row.body) as Record<string, unknown>
  return profileSchema.parse({ ...body, id: row.id, archived: row.archived, source: row.source, createdAt: row.createdAt, updatedAt: row.updatedAt })
}

function bodyOf(p: Profile): ProfileBody {
  const { id: _id, archived: _a, source: _s, createdAt: _c, updatedAt: _u, ...body } = p
  return body
}

/**
 * The IPC DTO leaves out `extras` and rules' `foreignSources` (verbatim remote JSON). An
 * update that does not send them keeps the stored ones, so editing a pulled or imported
 * profile in the app does not lose what a later export must send back.
 */
function keepRoundTripData(next: ProfileBody, raw: unknown, stored: ProfileBody): ProfileBody {
  const sent = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>
  const extras = 'extras' in sent ? next.extras : stored.extras
  const keepForeign = <R extends { type: string; foreignSources?: Record<string, unknown>[] | undefined }>(rules: R[], old: readonly R[]): R[] =>
    rules.map((r) => {
      if (r.foreignSources !== undefined) return r
      const before = old.find((o) => canonicalAttributeType(o.type) === canonicalAttributeType(r.type))
      return before?.foreignSources ? { ...r, foreignSources: before.foreignSources } : r
    })
  return {
    ...next,
    extras,
    subjectAttributes: keepForeign(next.subjectAttributes, stored.subjectAttributes),
    san: { ...next.san, rules: keepForeign(next.san.rules, stored.san.rules) }
  }
}

// ---------------------------------------------------------------------------------------

/** `requests`: the CSR intake the preview reads its request with. */
export function createProfilesService(store: Store, requests: Pick<CsrService, 'request'>, emit: EventSink, now: () => Date = () => new Date()): ProfilesService {
  const changed = (): void => emit('changed', { domain: 'profiles' })

  const read = store.read
  const checkUnique = (tx: ReadTx, id: string, name: string, selfId?: string): Result<void> => {
    if (selfId === undefined && getProfileRow(tx, id)) return fail('ID_TAKEN', `A profile with id "${id}" already exists: choose another id.`, 'id')
    const holder = profileIdByName(tx, name)
    if (holder && holder !== selfId) return fail('NAME_TAKEN', `A profile named "${name}" already exists: choose another name.`, 'name', { entity: 'profile' })
    return ok(undefined)
  }

  const insert = (tx: WriteTx, body: ProfileBody, id: string, source: string, remoteEtag: string | null, action: string, details: Record<string, unknown> = {}): Profile => {
    const at = now().toISOString()
    const row: ProfileRow = {
      id,
      name: body.name,
      description: body.description,
      signAsCa: body.signAsCa,
      archived: false,
      body: JSON.stringify(body),
      source,
      remoteEtag,
      createdAt: at,
      updatedAt: at
    }
    insertProfile(tx, row)
    appendAudit(tx, { action, subject: `profile:${id}`, details: { name: body.name, source, ...details } }, now())
    return toProfile(row)
  }

  /** One write transaction; a failed Result rolls it back. */
  const run = <T>(body: (tx: WriteTx) => Result<T>): Result<T> => {
    try {
      return store.write((tx) => {
        const r = body(tx)
        if (!r.ok) throw new AppFailure(r.error)
        return r
      })
    } catch (e) {
      if (e instanceof AppFailure) return { ok: false, error: e.error }
      throw e
    }
  }

  const getRow = (tx: ReadTx, id: string): Result<ProfileRow> => {
    const row = getProfileRow(tx, id)
    return row ? ok(row) : fail('PROFILE_NOT_FOUND', `No profile has id "${id}": it may have been deleted; refresh the list.`, 'id')
  }

  const service: ProfilesService = {
    list(req) {
      const parsedFilters = parseFilters(req.filter)
      if (!parsedFilters.ok) return parsedFilters
      const filters = parsedFilters.value
      let after: { value: string | number; id: string } | undefined
      if (req.next) {
        const b = decodeBookmark(req.next, req.sortBy, req.sortMode)
        if (!b.ok) return b
        after = b.value
      }
      const rows = read((tx) => listProfileRows(tx, {
        filters,
        includeArchived: req.includeArchived || filters.some((f) => f.column === 'archived'),
        sortBy: req.sortBy,
        sortMode: req.sortMode,
        limit: req.limit + 1,
        ...(after ? { after } : {})
      }))
      const page = rows.slice(0, req.limit)
      const last = page[page.length - 1]
      const next = rows.length > req.limit && last ? encodeBookmark({ v: sortValue(last, req.sortBy), id: last.id, s: req.sortBy, m: req.sortMode }) : ''
      return ok({ items: page.map(toProfile), next })
    },

    get(id) {
      const row = read((tx) => getRow(tx, id))
      return row.ok ? ok(toProfile(row.value)) : row
    },

    create(input, options = {}) {
      const parsed = profileBody.safeParse(input)
      if (!parsed.success) return invalidObject(parsed.error)
      const body = parsed.data
      const linear = checkProfilePatterns(body)
      if (!linear.ok) return linear
      const urls = checkExtensionUrls(body)
      if (!urls.ok) return urls
      if (options.id !== undefined && !PROFILE_ID_PATTERN.test(options.id))
        return fail('INVALID_OBJECT', 'The profile id is not valid: use 1-128 letters, digits, dots, dashes or underscores, starting with a letter or digit.', 'id')
      const result = run((tx) => {
        // No id given: one read from the name, made unique in this transaction.
        const id = options.id ?? uniqueProfileId(profileIdFromName(body.name), (candidate) => getProfileRow(tx, candidate) !== null)
        const u = checkUnique(tx, id, body.name)
        if (!u.ok) return u
        return ok(insert(tx, body, id, options.source ?? 'local', options.remoteEtag ?? null, 'profile.create'))
      })
      if (result.ok) changed()
      return result
    },

    update(id, input, expectedUpdatedAt, options = {}) {
      const parsed = profileBody.safeParse(input)
      if (!parsed.success) return invalidObject(parsed.error)
      const linear = checkProfilePatterns(parsed.data)
      if (!linear.ok) return linear
      const urls = checkExtensionUrls(parsed.data)
      if (!urls.ok) return urls
      const result = run((tx) => {
        const row = getRow(tx, id)
        if (!row.ok) return row
        const body = keepRoundTripData(parsed.data, input, bodyOf(toProfile(row.value)))
        if (expectedUpdatedAt !== undefined && row.value.updatedAt !== expectedUpdatedAt)
          return fail('PROFILE_STALE', `The profile "${row.value.name}" was changed at ${row.value.updatedAt} after you opened it; reload it and apply your edit again.`, 'expectedUpdatedAt')
        const u = checkUnique(tx, id, body.name, id)
        if (!u.ok) return u
        const before = toProfile(row.value)
        const next: ProfileRow = {
          ...row.value,
          name: body.name,
          description: body.description,
          signAsCa: body.signAsCa,
          body: JSON.stringify(body),
          ...(options.source !== undefined ? { source: options.source } : {}),
          ...(options.remoteEtag !== undefined ? { remoteEtag: options.remoteEtag } : {}),
          updatedAt: now().toISOString()
        }
        updateProfileRow(tx, next)
        const changedFields = Object.keys(body).filter((k) => JSON.stringify((body as Record<string, unknown>)[k]) !== JSON.stringify((bodyOf(before) as Record<string, unknown>)[k]))
        appendAudit(tx, { action: 'profile.update', subject: `profile:${id}`, details: { name: body.name, changed: changedFields } }, now())
        return ok(toProfile(next))
      })
      if (result.ok) changed()
      return result
    },

    delete(id) {
      const result = run((tx) => {
        const row = getRow(tx, id)
        if (!row.ok) return row
        const issued = certificatesIssuedWith(tx, id)
        if (issued > 0)
          return fail('IN_USE', `The profile "${row.value.name}" issued ${issued} certificate${issued === 1 ? '' : 's'} and cannot be deleted; archive it instead.`, 'id', { certificates: issued })
        deleteProfileRow(tx, id)
        appendAudit(tx, { action: 'profile.delete', subject: `profile:${id}`, details: { name: row.value.name } }, now())
        return ok({ id })
      })
      if (result.ok) changed()
      return result
    },

    archive(id, archived) {
      const result = run((tx) => {
        const row = getRow(tx, id)
        if (!row.ok) return row
        if (row.value.archived === archived) return ok(toProfile(row.value))
        const next: ProfileRow = { ...row.value, archived, updatedAt: now().toISOString() }
        updateProfileRow(tx, next)
        appendAudit(tx, { action: archived ? 'profile.archive' : 'profile.unarchive', subject: `profile:${id}`, details: { name: row.value.name } }, now())
        return ok(toProfile(next))
      })
      if (result.ok) changed()
      return result
    },

    duplicate(id, newId, name) {
      const row = read((tx) => getRow(tx, id))
      if (!row.ok) return row
      const original = toProfile(row.value)
      let copyName = name
      if (copyName === undefined) {
        copyName = `${original.name} (copy)`
        for (let n = 2; read((tx) => profileIdByName(tx, copyName!)); n++) copyName = `${original.name} (copy ${n})`
      }
      return service.create({ ...bodyOf(original), name: copyName, isDefault: false }, { id: newId, source: 'local' })
    },

    import(json, dialect, overrides = {}) {
      const imported = importProfileText(json, dialect)
      if (!imported.ok) return imported
      const body = { ...imported.value.profile, ...(overrides.name ? { name: overrides.name } : {}) }
      const id = overrides.id ?? (imported.value.remoteId && PROFILE_ID_PATTERN.test(imported.value.remoteId) && !read((tx) => getProfileRow(tx, imported.value.remoteId!)) ? imported.value.remoteId : undefined)
      const created = service.create(body, { id, source: `import:${imported.value.dialect}` })
      if (!created.ok) return created
      // The source says this profile cannot issue (a TLM profile not Active or not REST enrollment): kept archived, the notes say why.
      const saved = imported.value.archived ? service.archive(created.value.id, true) : created
      if (!saved.ok) return saved
      return ok({ profile: saved.value, dialect: imported.value.dialect, notes: [...imported.value.notes] })
    },

    convert: (json, dialect) => importProfileText(json, dialect, now()),

    export(id, dialect) {
      const p = service.get(id)
      if (!p.ok) return p
      const { json, notes } = toDialect(dialect, { ...bodyOf(p.value), id })
      return ok({ json: JSON.stringify(json, null, 2), notes: [...notes] })
    },

    issuerContext(authorityId) {
      const a = read((tx) => getAuthority(tx, authorityId))
      if (!a) return fail('AUTHORITY_NOT_FOUND', `No CA has id "${authorityId}": choose a CA from the list.`, 'authorityId')
      if (!a.certDer) return fail('AUTHORITY_PENDING', `The CA "${a.name}" has no certificate yet and cannot issue.`, 'authorityId')
      try {
        return ok({ ...issuerContextFromChain(read((tx) => authorityChain(tx, a.id))), urls: issuerUrlsOf(a) })
      } catch (e) {
        return fail('AUTHORITY_CERTIFICATE_UNREADABLE', `The certificate of CA "${a.name}" cannot be read: ${e instanceof Error ? e.message : String(e)}.`, 'authorityId')
      }
    },

    preview(req) {
      let body: ProfileBody & { archived?: boolean }
      if (req.profile !== undefined) {
        const parsed = profileBody.safeParse(req.profile)
        if (!parsed.success) return invalidObject(parsed.error, 'profile.')
        body = parsed.data
      } else if (req.id !== undefined) {
        const p = service.get(req.id)
        if (!p.ok) return p
        body = { ...bodyOf(p.value), archived: p.value.archived }
      } else body = MINIMAL_PROFILE // no profile: the built-in one issuance applies then
      const input = operatorInput.safeParse(req.input ?? {})
      if (!input.success) return invalidObject(input.error, 'input.')
      const csr = requests.request(req.csrPem, 'csrPem')
      if (!csr.ok) return csr
      let issuer: IssuerContext | undefined
      const extra: Finding[] = []
      if (req.authorityId !== undefined) {
        const ctx = service.issuerContext(req.authorityId)
        if (!ctx.ok) return ctx
        issuer = ctx.value
      } else if (body.defaultAuthorityId !== undefined) {
        // An imported profile may name a remote CA (CertCentral caCertId, Palo Alto signed_by)
        // that does not exist here: preview without a ceiling and say so.
        const ctx = service.issuerContext(body.defaultAuthorityId)
        if (ctx.ok) issuer = ctx.value
        else
          extra.push({
            code: 'DEFAULT_CA_UNAVAILABLE',
            severity: 'warning',
            field: 'defaultAuthorityId',
            message: `Default CA: "${body.defaultAuthorityId}" is not a usable CA here (${ctx.error.code}); the preview has no issuer ceiling. Choose the issuing CA.`
          })
      }
      const result = evaluate(body, csr.value, input.data, { now: now(), ...(issuer ? { issuer } : {}) })
      const findings = [...extra, ...result.findings]
      const blocked = hasErrors(findings)
      return ok({
        rows: [...result.preview],
        findings,
        canSign: !blocked,
        needsConfirm: !blocked && findings.length > 0,
        notBefore: result.template.notBefore.toISOString(),
        notAfter: result.template.notAfter.toISOString()
      })
    }
  }
  return service
}

// ---------------------------------------------------------------------------------------
// The port sync uses to convert local profiles and save pulled ones.

const bodyHash = (body: string): string => createHash('sha256').update(body).digest('hex')

export function createProfileBridge(store: Store, profiles: ProfilesService): ProfileBridge {
  const exportAs = (id: string, dialect: ProfileDialect): Result<Converted<Record<string, unknown>>> => {
    const p = profiles.get(id)
    if (!p.ok) return p
    const out = toDialect(dialect, { ...bodyOf(p.value), id })
    return ok({ body: out.json, notes: noteLines(out.notes) })
  }
  return {
    toLamassu: (id) => exportAs(id, 'lamassu'),
    toCertCentral: (id) => exportAs(id, 'certcentral'),
    toPaloAlto(id) {
      const p = profiles.get(id)
      if (!p.ok) return p
      const converted = paloAltoFields({ ...bodyOf(p.value), id })
      return converted.ok ? ok({ body: converted.value.fields, notes: noteLines(converted.value.notes) }) : converted
    },
    importPulled(input) {
      const converted = input.platform === 'lamassu' ? fromLamassu(input.profile.body) : fromDigicertTlm(input.profile.body)
      if (!converted.ok) return converted
      const notes = noteLines(converted.value.notes)
      const body = { ...converted.value.profile, name: converted.value.profile.name || input.profile.name }
      // A remote profile that cannot issue (TLM inactive, or not REST enrollment) is kept archived.
      const archive = (localId: string): Result<PulledProfileImport> => {
        if (converted.value.archived && !store.read((tx) => getProfileRow(tx, localId))?.archived) {
          const a = profiles.archive(localId, true)
          if (!a.ok) return a
        }
        return ok({ localId, notes })
      }
      const etag = bodyHash(JSON.stringify(body))
      const existing = input.existingLocalId ? store.read((tx) => getProfileRow(tx, input.existingLocalId!)) : null
      if (existing) {
        if (existing.remoteEtag !== null && bodyHash(existing.body) !== existing.remoteEtag)
          return ok({ localId: existing.id, notes: [`local profile ${existing.id} was edited since the last pull and was kept`] })
        if (existing.remoteEtag === etag) return archive(existing.id)
        const updated = profiles.update(existing.id, body, undefined, { source: input.connectorName, remoteEtag: etag })
        if (!updated.ok) return updated
        const r = archive(existing.id)
        return r.ok && input.remoteChanged ? ok({ ...r.value, notes: [...r.value.notes, `local profile ${existing.id} was updated from the remote`] }) : r
      }
      const idFree = PROFILE_ID_PATTERN.test(input.profile.remoteId) && !store.read((tx) => getProfileRow(tx, input.profile.remoteId))
      const nameFree = !store.read((tx) => profileIdByName(tx, body.name))
      const created = profiles.create(nameFree ? body : { ...body, name: `${body.name} (${input.connectorName})` }, {
        ...(idFree ? { id: input.profile.remoteId } : {}),
        source: input.connectorName,
        remoteEtag: etag
      })
      if (!created.ok) return created
      return archive(created.value.id)
    }
  }
}
