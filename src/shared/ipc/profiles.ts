// profiles:* — issuance profiles: CRUD, list with cursor/filter/sort, duplicate, archive,
// dialect import/export, and the policy preview of a CSR against a profile.
import { z } from 'zod'
import { channel } from './define'
import {
  conversionNote,
  finding,
  operatorInput,
  previewRow,
  profileDto,
  profileDialect,
  profileId,
  type ProfileBodyInput
} from '../domain/profile'

/**
 * A profile body as submitted. Typed for the caller but checked by the service (not by the
 * request schema), so a bad field comes back as INVALID_OBJECT naming that field.
 */
const profileBodyRequest = z.custom<ProfileBodyInput>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), {
  message: 'must be a profile object'
})

/**
 * Filter expressions in the seed's form `<field>[<op>]<value>`, ANDed. Fields are columns
 * (`id`, `name`, `description`, `sign_as_ca`/`signAsCa`, `archived`, `source`, `created_at`,
 * `updated_at`) or dotted body paths (`validity.duration`, `crypto.allowRsa`). Ops:
 * eq ne gt ge lt le contains/ct nc, and `_ic` variants (case-insensitive).
 */
export const profileFilter = z.string().regex(/^[A-Za-z_][\w.]*\[[a-z_]+\].*$/s, 'must look like field[op]value, e.g. sign_as_ca[eq]=true or name[contains]web')

export const profileSortField = z.enum(['name', 'id', 'created_at', 'updated_at', 'sign_as_ca'])

export const profileListRequest = z
  .object({
    limit: z.number().int().min(1).max(500).default(50),
    /** The `next` bookmark of the previous page; absent or empty for the first page. */
    next: z.string().optional(),
    filter: z.array(profileFilter).default([]),
    sortBy: profileSortField.default('name'),
    sortMode: z.enum(['asc', 'desc']).default('asc'),
    includeArchived: z.boolean().default(false)
  })
  .strict()

export const profileListResponse = z.object({
  items: z.array(profileDto),
  /** Bookmark for the following page; empty when this is the last one. */
  next: z.string()
})

export const previewResponse = z.object({
  rows: z.array(previewRow),
  findings: z.array(finding),
  /** No error findings: signing may proceed (after confirming any warnings). */
  canSign: z.boolean(),
  needsConfirm: z.boolean(),
  /** The template summary: notBefore/notAfter as ISO strings. */
  notBefore: z.string().nullable(),
  notAfter: z.string().nullable()
})
export type PreviewResponse = z.infer<typeof previewResponse>

export const profilesChannels = {
  'profiles:list': channel(profileListRequest, profileListResponse),
  'profiles:get': channel(z.object({ id: z.string().min(1) }).strict(), profileDto),
  'profiles:create': channel(z.object({ id: profileId.optional(), profile: profileBodyRequest }).strict(), profileDto),
  'profiles:update': channel(
    z
      .object({
        id: z.string().min(1),
        profile: profileBodyRequest,
        /** Optimistic concurrency: refuse with PROFILE_STALE if the stored updatedAt differs. */
        expectedUpdatedAt: z.string().optional()
      })
      .strict(),
    profileDto
  ),
  'profiles:delete': channel(z.object({ id: z.string().min(1) }).strict(), z.object({ id: z.string() })),
  'profiles:archive': channel(z.object({ id: z.string().min(1), archived: z.boolean().default(true) }).strict(), profileDto),
  'profiles:duplicate': channel(
    z.object({ id: z.string().min(1), newId: profileId.optional(), name: z.string().trim().min(1).max(128).optional() }).strict(),
    profileDto
  ),
  'profiles:import': channel(
    z
      .object({
        /** The dialect's JSON text (one profile; a Lamassu `{list:[…]}` or TLM array takes its first element). */
        json: z.string().min(2).max(1_000_000),
        dialect: z.union([profileDialect, z.literal('auto')]).default('auto'),
        /** Overrides for the created profile. */
        id: profileId.optional(),
        name: z.string().trim().min(1).max(128).optional()
      })
      .strict(),
    z.object({ profile: profileDto, dialect: profileDialect, notes: z.array(conversionNote) })
  ),
  'profiles:export': channel(
    z.object({ id: z.string().min(1), dialect: profileDialect }).strict(),
    z.object({ json: z.string(), notes: z.array(conversionNote) })
  ),
  'profiles:preview': channel(
    z
      .object({
        /** A stored profile id, or an unsaved profile body from the editor; neither: the built-in minimal profile. */
        id: z.string().min(1).optional(),
        profile: profileBodyRequest.optional(),
        csrPem: z.string().min(1).max(200_000),
        input: operatorInput.optional(),
        /** The issuing CA whose notAfter caps the validity; the profile's default CA otherwise. */
        authorityId: z.string().min(1).optional()
      })
      .strict(),
    previewResponse
  )
} as const
