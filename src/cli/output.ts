// Everything the CLI prints. Results go to stdout (text for people, JSON with --json for
// scripts); errors are one line on stderr, `error[CODE]: message`, and with --json the
// same error as JSON on stdout; progress goes to stderr so it never mixes with results.
import type { AppError } from '../shared/errors'
import type { CliIo } from './context'

/**
 * The services name the request field at fault (`validityDays`, `passphrase`, `data`); an
 * operator at the command line knows options. Fields with a CLI option become that option;
 * the rest (`id`, `data`, …) mean nothing on a command line and are not printed.
 */
export const SERVICE_FIELD_OPTIONS: Readonly<Record<string, string>> = {
  validityDays: '--validity',
  subject: '--subject',
  keySpec: '--key',
  spec: '--key',
  protection: '--protection',
  passphrase: '--passphrase-file',
  filePassphrase: '--export-passphrase-file',
  password: '--export-passphrase-file',
  exportPassphrase: '--export-passphrase-file',
  pfxPassword: '--export-passphrase-file',
  parentId: '--parent',
  pathLength: '--path-length',
  name: '--name',
  authorityId: '--ca',
  profileId: '--profile',
  includeCaKey: '--include-ca-key',
  reason: '--reason',
  invalidityDate: '--invalidity-date',
  hash: '--hash',
  signature: '--hash'
}

/** The option (or file, or variable) a field names on the command line, or undefined. */
export function cliField(field: string | undefined): string | undefined {
  if (field === undefined) return undefined
  if (field.startsWith('-') || /^[A-Z][A-Z0-9_]+$/.test(field) || /[/\\.]/.test(field)) return field
  return SERVICE_FIELD_OPTIONS[field]
}

/** One line, always: a multi-line message from a library would break `grep error[`. */
export function formatError(error: Readonly<AppError>): string {
  const message = error.message.replace(/\s*\r?\n\s*/g, ' ').trim()
  const field = cliField(error.field)
  const names = field !== undefined && !message.includes(field) ? ` (${field})` : ''
  return `error[${error.code}]: ${message}${names}`
}

export function errorJson(error: Readonly<AppError>): { error: AppError } {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.field !== undefined ? { field: error.field } : {}),
      ...(error.details !== undefined ? { details: error.details } : {})
    }
  }
}

/** JSON for stdout: Uint8Array becomes hex, Dates ISO strings, bigint decimal text. */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (v instanceof Uint8Array) return Buffer.from(v).toString('hex')
      if (typeof v === 'bigint') return v.toString()
      return v
    },
    2
  )
}

export type Cell = string | number | boolean | null | undefined

function cellText(c: Cell): string {
  if (c === null || c === undefined || c === '') return '-'
  return String(c)
}

/** Label/value lines, labels aligned; rows whose value is undefined are left out. */
export function formatRecord(rows: readonly (readonly [string, Cell | readonly string[]])[]): string {
  const shown = rows.filter(([, v]) => v !== undefined)
  const width = Math.max(0, ...shown.map(([k]) => k.length))
  const lines: string[] = []
  for (const [k, v] of shown) {
    if (Array.isArray(v)) {
      const list = v as readonly string[]
      if (list.length === 0) lines.push(`${`${k}:`.padEnd(width + 1)} -`)
      else list.forEach((item, i) => lines.push(`${(i === 0 ? `${k}:` : '').padEnd(width + 1)} ${item}`))
    } else lines.push(`${`${k}:`.padEnd(width + 1)} ${cellText(v as Cell)}`)
  }
  return lines.join('\n')
}

/** A plain aligned table with a header; `(none)` when empty. */
export function formatTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  if (rows.length === 0) return '(none)'
  const text = rows.map((r) => r.map(cellText))
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((r) => (r[i] ?? '').length)))
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd()
  return [line(headers), ...text.map(line)].join('\n')
}

export interface Output {
  readonly json: boolean
  /** The command's result: `data` as JSON with --json, otherwise `text()`. */
  result(data: unknown, text: () => string): void
  error(error: Readonly<AppError>): void
  /** Only the stderr line, for per-item failures of a batch whose JSON is the batch result. */
  errorLine(error: Readonly<AppError>): void
  /** A progress or note line on stderr. */
  note(text: string): void
}

export function createOutput(io: CliIo, json: boolean): Output {
  const line = (write: (s: string) => void, s: string): void => write(s.endsWith('\n') ? s : `${s}\n`)
  return {
    json,
    result(data, text) {
      if (json) line(io.stdout, toJson(data))
      else {
        const t = text()
        if (t.length > 0) line(io.stdout, t)
      }
    },
    error(error) {
      line(io.stderr, formatError(error))
      if (json) line(io.stdout, toJson(errorJson(error)))
    },
    errorLine(error) {
      line(io.stderr, formatError(error))
    },
    note(text) {
      line(io.stderr, text)
    }
  }
}

/** `[3/10] label` for batches; nothing for a single item. */
export function formatProgress(done: number, total: number, label: string): string | null {
  if (total <= 1) return null
  return `[${done}/${total}] ${label}`
}
