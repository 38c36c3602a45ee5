// Where a coded error belongs on a form: beside the input its `field` names.
import type { AppError } from '../../../shared/errors'

/**
 * The message of `error` when it concerns `field` (or one of its sub-fields), for an input's
 * `error` prop, so the message appears beside the input it is about.
 */
export function fieldError(error: AppError | null | undefined, field: string): string | undefined {
  if (!error?.field) return undefined
  return error.field === field || error.field.startsWith(`${field}.`) ? error.message : undefined
}

/** An error that no input on the form shows beside itself. */
export function unplacedError(error: AppError | null | undefined, fields: readonly string[]): AppError | null {
  if (!error) return null
  return fields.some((f) => fieldError(error, f)) ? null : error
}
