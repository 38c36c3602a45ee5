// Validates a request against its channel's schema, runs the handler, and validates the
// response (zod objects strip unknown keys, so a DTO cannot smuggle extra fields out).
// No electron here: the harness uses the same function over a WebSocket.
import { contract, type ChannelName } from '../../shared/ipc/contract'
import { AppFailure, fail, type Result } from '../../shared/errors'
import { ownData } from '../../shared/safe-json'
import type { Handlers } from './handlers'
import type { z } from 'zod'

export function isChannelName(name: unknown): name is ChannelName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name)
}

/** The first schema issue in words an operator reads beside the field (the field itself goes in `field`). */
export function describeIssue(issue: z.core.$ZodIssue): string {
  const limit = (v: unknown): string => String(v)
  switch (issue.code) {
    case 'too_big':
      return issue.origin === 'string'
        ? `the text is too long: at most ${limit(issue.maximum)} characters are allowed`
        : issue.origin === 'array' || issue.origin === 'set'
          ? `there are too many entries: at most ${limit(issue.maximum)} are allowed`
          : `the value is too big: at most ${limit(issue.maximum)} is allowed`
    case 'too_small':
      return issue.origin === 'string'
        ? `the text is too short: at least ${limit(issue.minimum)} characters are needed`
        : issue.origin === 'array' || issue.origin === 'set'
          ? `there are too few entries: at least ${limit(issue.minimum)} are needed`
          : `the value is too small: at least ${limit(issue.minimum)} is needed`
    case 'invalid_type':
      return `a ${issue.expected} is expected here`
    case 'invalid_value':
      return `the value must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`
    default:
      return issue.message
  }
}

function firstIssue(error: z.ZodError): { message: string; field?: string } {
  const issue = error.issues[0]
  if (!issue) return { message: 'invalid request' }
  const field = issue.path.map(String).join('.')
  return { message: `The request was refused: ${describeIssue(issue)}; correct the value and send it again.`, ...(field ? { field } : {}) }
}

export async function dispatch(handlers: Handlers, name: unknown, raw: unknown): Promise<Result<unknown>> {
  if (!isChannelName(name)) return fail('IPC_UNKNOWN_CHANNEL', `The window asked for ${String(name)}, which is not a channel of the contract: update the app so window and main match.`)
  const def = contract[name]
  // Validated from own data only: a default in the schema never comes from a polluted prototype.
  const parsed = def.request.safeParse(ownData(raw ?? {}))
  if (!parsed.success) {
    const { message, field } = firstIssue(parsed.error)
    return fail('INVALID_REQUEST', message, field)
  }
  let result: Result<unknown>
  try {
    const handler = handlers[name] as (req: unknown) => Promise<Result<unknown>> | Result<unknown>
    result = await handler(parsed.data)
  } catch (e) {
    if (e instanceof AppFailure) return { ok: false, error: e.error }
    console.error(`[ipc] ${name} failed`, e)
    return fail('INTERNAL', `The request ${name} failed unexpectedly (${e instanceof Error ? e.message : String(e)}): try again, and report it if it repeats.`)
  }
  if (!result.ok) return result
  const checked = def.response.safeParse(result.value)
  if (!checked.success) {
    console.error(`[ipc] ${name} produced an invalid response`, checked.error.issues)
    return fail('INTERNAL', `The answer to ${name} does not match the contract, so it was not sent: report this with the log.`)
  }
  return { ok: true, value: checked.data }
}
