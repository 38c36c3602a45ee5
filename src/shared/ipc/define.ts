// The machinery of the typed IPC contract: a channel is `domain:verb` with a request schema
// and a response schema; an event is pushed from main with a payload schema. Everything the
// preload, the IPC registration and the test harness do is derived from these tables.
import type { z } from 'zod'
import type { Result } from '../errors'

export interface ChannelDef<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  readonly request: Req
  readonly response: Res
}

export function channel<Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res): ChannelDef<Req, Res> {
  return { request, response }
}

export type ChannelTable = Readonly<Record<`${string}:${string}`, ChannelDef>>
export type EventTable = Readonly<Record<string, z.ZodType>>

export type RequestOf<C> = C extends ChannelDef<infer Req, z.ZodType> ? z.input<Req> : never
export type ParsedRequestOf<C> = C extends ChannelDef<infer Req, z.ZodType> ? z.output<Req> : never
export type ResponseOf<C> = C extends ChannelDef<z.ZodType, infer Res> ? z.output<Res> : never

type DomainOf<K> = K extends `${infer D}:${string}` ? D : never

/** `window.pki`'s shape: `pki.ca.list(req)`, `pki.on.progress(cb)`. */
export type ApiOf<T extends ChannelTable, E extends EventTable> = {
  readonly [D in DomainOf<keyof T>]: {
    readonly [K in keyof T as K extends `${D}:${infer V}` ? V : never]: (
      request: RequestOf<T[K]>
    ) => Promise<Result<ResponseOf<T[K]>>>
  }
} & {
  readonly on: { readonly [N in keyof E]: (listener: (payload: z.output<E[N]>) => void) => () => void }
}

export type Invoke = (channel: string, request: unknown) => Promise<Result<unknown>>
export type Subscribe = (event: string, listener: (payload: unknown) => void) => () => void

/**
 * Builds the api object from channel and event names. Used by the preload (over ipcRenderer)
 * and by the test harness client (over a WebSocket): one function, so both give the same shape.
 */
export function buildApi(channelNames: readonly string[], eventNames: readonly string[], invoke: Invoke, subscribe: Subscribe): Record<string, Record<string, unknown>> {
  const api: Record<string, Record<string, unknown>> = {}
  for (const name of channelNames) {
    const [domain, verb] = name.split(':') as [string, string]
    api[domain] ??= {}
    api[domain][verb] = (request: unknown) => invoke(name, request)
  }
  api.on = {}
  for (const name of eventNames) api.on[name] = (listener: (payload: unknown) => void) => subscribe(name, listener)
  return api
}
