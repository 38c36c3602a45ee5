// Events main pushes to the renderer. The renderer's stores refresh on `changed`; long work
// (batch issuance, sync runs) reports `progress` with the operation id it returned.
import { z } from 'zod'

export const dataDomain = z.enum(['authorities', 'certificates', 'profiles', 'audit', 'vault', 'sync', 'settings', 'backup', 'runs'])
export type DataDomain = z.infer<typeof dataDomain>

export const events = {
  progress: z.object({
    operationId: z.string(),
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
    label: z.string(),
    finished: z.boolean()
  }),
  changed: z.object({ domain: dataDomain })
} as const

export type EventName = keyof typeof events
export type EventPayload<N extends EventName> = z.output<(typeof events)[N]>
export type EventSink = <N extends EventName>(name: N, payload: EventPayload<N>) => void
