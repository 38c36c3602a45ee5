// Errors as values: every expected failure is a catalogued code, a sentence for the operator
// (what is wrong, then what to do) and, where one field is at fault, that field's name in
// `field` (never at the start of the sentence). Services return Result<T>; the IPC layer,
// the CLI and the renderer show `message` beside `field`.
import type { ErrorCode } from './index'

export interface AppError {
  readonly code: ErrorCode
  readonly message: string
  readonly field?: string
  readonly details?: Readonly<Record<string, unknown>>
}

export type Result<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: AppError }

export function ok<T>(value: T): Result<T> {
  return { ok: true, value }
}

export function fail<T = never>(
  code: ErrorCode,
  message: string,
  field?: string,
  details?: Record<string, unknown>
): Result<T> {
  const error: AppError = { code, message, ...(field ? { field } : {}), ...(details ? { details } : {}) }
  return { ok: false, error }
}

/** Thrown only to unwind a transaction; caught at the service edge and turned back into a value. */
export class AppFailure extends Error {
  constructor(readonly error: AppError) {
    super(`${error.code}: ${error.message}`)
    this.name = 'AppFailure'
  }
}

export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value
  throw new AppFailure(result.error)
}

/** Run `body`; an AppFailure thrown inside becomes a failed Result, anything else propagates. */
export async function attempt<T>(body: () => Promise<T> | T): Promise<Result<T>> {
  try {
    return ok(await body())
  } catch (e) {
    if (e instanceof AppFailure) return { ok: false, error: e.error }
    throw e
  }
}

export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`)
}
