// connectors:* and sync:* — remote CA platforms and the outbox. Adding, testing and listing
// connectors never touches a queued action; enqueueing never touches the network; only
// `sync:run` (and `connectors:test`, an explicit operator action) go online.
// Credentials travel in requests only (to be put in the keychain); responses never carry them.
import { z } from 'zod'
import { channel } from './define'
import {
  connectorDto,
  connectorName,
  connectorSettingsDto,
  connectorSettingsPatch,
  connectorTestDto,
  connectorType,
  enqueueRequestDto,
  outboxItemDto,
  outboxState,
  syncRunReportDto,
  syncStatusDto
} from '../domain/sync'

const nameRequest = z.object({ name: z.string().min(1).max(64) }).strict()

export const connectorsChannels = {
  'connectors:list': channel(z.object({}).strict(), z.object({ connectors: z.array(connectorDto) })),
  'connectors:add': channel(
    z
      .object({
        name: connectorName,
        type: connectorType,
        /** https://…; plain http only for 127.0.0.1/localhost. */
        baseUrl: z.string().min(1).max(2000),
        /** API key or bearer token; stored in the OS keychain, never in the database. */
        credential: z.string().min(1).max(10_000).optional(),
        settings: connectorSettingsDto.partial().optional(),
        enabled: z.boolean().optional()
      })
      .strict(),
    connectorDto
  ),
  'connectors:update': channel(
    z
      .object({
        name: z.string().min(1).max(64),
        baseUrl: z.string().min(1).max(2000).optional(),
        /** A new credential replaces the stored one; `null` removes it. */
        credential: z.string().min(1).max(10_000).nullable().optional(),
        settings: connectorSettingsPatch.strict().optional(),
        enabled: z.boolean().optional()
      })
      .strict(),
    connectorDto
  ),
  /** Refused while the connector has queued or running items unless `discardQueued`. */
  'connectors:remove': channel(
    z.object({ name: z.string().min(1).max(64), discardQueued: z.boolean().optional() }).strict(),
    z.object({ removed: z.string() })
  ),
  /** One authenticated read (or a reachability check where the platform has none); audited. */
  'connectors:test': channel(nameRequest, connectorTestDto)
} as const

export const syncChannels = {
  /** Executes queued items (all, or one connector's); the only way outbox items reach the network. */
  'sync:run': channel(
    z.object({ connector: z.string().min(1).max(64).optional(), itemIds: z.array(z.number().int()).max(1000).optional() }).strict(),
    syncRunReportDto
  ),
  'sync:status': channel(z.object({}).strict(), syncStatusDto),
  'sync:outbox': channel(
    z
      .object({
        connector: z.string().min(1).max(64).optional(),
        states: z.array(outboxState).optional(),
        limit: z.number().int().min(1).max(1000).optional()
      })
      .strict(),
    z.object({ items: z.array(outboxItemDto) })
  ),
  /** Puts a failed item back in the queue with its attempts reset; it runs on the next sync. */
  'sync:retry': channel(z.object({ id: z.number().int() }).strict(), outboxItemDto),
  /** Removes a queued or failed item that the operator no longer wants sent. */
  'sync:discard': channel(z.object({ id: z.number().int() }).strict(), z.object({ discarded: z.number().int() })),
  /** Writes a remote action to the outbox; nothing is sent until `sync:run`. */
  'sync:enqueue': channel(enqueueRequestDto, outboxItemDto)
} as const
