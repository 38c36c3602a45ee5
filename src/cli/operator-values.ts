// What the operator enters at `pkidesk issue`: `--set ATTR=VALUE`, `--san TYPE:VALUE`,
// `--validity-days N` / `--not-after DATE`, `--hash` for the whole batch, and `--values FILE`
// (a JSON object or a CSV table keyed by CSR file name) for per-request values that override
// the batch's field by field. Only the syntax is checked here; whether the profile lets the
// operator set a field is policy (evaluate), which refuses such a value by name.
import { basename } from 'node:path'
import { InvalidArgumentError } from 'commander'
import type { GeneralName } from '../shared/domain/names'
import type { OperatorInputPatch } from '../shared/domain/profile'
import { parseJson } from '../shared/safe-json'
import { parseCsv } from './csv'
import { parseSan } from './names'
import { CliError, EXIT_USAGE, usageError } from './context'
import { readInput } from './commands/common'

/** The largest --values file read (a 100,000-request batch with a few short values each). */
export const MAX_VALUES_FILE_BYTES = 16 * 1024 * 1024
const MAX_VALUES_ROWS = 100_000
const MAX_VALUE_LENGTH = 4096
const ATTRIBUTE = /^([A-Za-z][A-Za-z0-9-]*|\d+(\.\d+)+)$/
/** Longest validity an operator can enter (the profile's own ceiling applies first). */
const MAX_VALIDITY_DAYS = 36_500

export const HASH_CHOICES = ['SHA-256', 'SHA-384', 'SHA-512'] as const

/** `--set CN=web1.example.com`: the attribute (short name or OID) and its value. */
export function parseSetOption(text: string): { type: string; value: string } {
  const i = text.indexOf('=')
  const type = i > 0 ? text.slice(0, i).trim() : ''
  const value = i > 0 ? text.slice(i + 1) : ''
  if (!ATTRIBUTE.test(type) || value.trim() === '')
    throw new InvalidArgumentError(`"${text}" is not ATTR=VALUE; write for example --set CN=web1.example.com (a short name such as CN, OU, O, or an OID).`)
  return { type, value }
}

export function collectSet(text: string, previous: readonly { type: string; value: string }[] | undefined): { type: string; value: string }[] {
  return [...(previous ?? []), parseSetOption(text)]
}

export function parseValidityDays(text: string): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_VALIDITY_DAYS) throw new InvalidArgumentError(`"${text}" is not a number of days from 1 to ${MAX_VALIDITY_DAYS}.`)
  return n
}

/**
 * `--not-after 2026-12-31` (the certificate is valid through that day: 23:59:59 UTC) or an
 * instant with its offset (`2026-12-31T12:00:00Z`).
 */
export function parseNotAfter(text: string): string {
  const t = text.trim()
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t)
  const iso = day ? `${t}T23:59:59Z` : t
  const d = new Date(iso)
  const wellFormed = day || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(t)
  // new Date accepts 2026-02-30 (as March 2): the day must survive the round trip.
  if (!wellFormed || Number.isNaN(d.getTime()) || (day && d.toISOString().slice(0, 10) !== t))
    throw new InvalidArgumentError(`"${text}" is not a date; write YYYY-MM-DD (valid through that day, UTC) or an instant such as 2026-12-31T12:00:00Z.`)
  return d.toISOString().replace('.000Z', 'Z')
}

export function parseHash(text: string): (typeof HASH_CHOICES)[number] {
  const norm = text.trim().toUpperCase().replace(/^SHA-?/, 'SHA-')
  const hit = HASH_CHOICES.find((h) => h === norm)
  if (!hit) throw new InvalidArgumentError(`"${text}" is not one of ${HASH_CHOICES.join(', ')}.`)
  return hit
}

export interface BatchValueOptions {
  readonly set?: readonly { type: string; value: string }[]
  readonly san?: readonly GeneralName[]
  readonly validityDays?: number
  readonly notAfter?: string
  readonly hash?: string
}

function subjectOf(pairs: readonly { type: string; value: string }[]): Record<string, string | string[]> {
  const out: Record<string, string[]> = Object.create(null) as Record<string, string[]>
  for (const p of pairs) out[p.type] = [...(out[p.type] ?? []), p.value]
  const flat: Record<string, string | string[]> = {}
  for (const [k, v] of Object.entries(out)) flat[k] = v.length === 1 ? v[0]! : v
  return flat
}

/** The batch's input from the command line's flags; undefined when none was given. */
export function batchInput(opts: BatchValueOptions): OperatorInputPatch | undefined {
  if (opts.validityDays !== undefined && opts.notAfter !== undefined)
    throw usageError('CONFLICTING_OPTIONS', 'Give either --validity-days or --not-after, not both.', '--not-after')
  const input: OperatorInputPatch = {
    ...(opts.set?.length ? { subject: subjectOf(opts.set) } : {}),
    ...(opts.san?.length ? { sans: [...opts.san] } : {}),
    ...(opts.validityDays !== undefined ? { validityDays: opts.validityDays } : {}),
    ...(opts.notAfter !== undefined ? { notAfter: opts.notAfter } : {}),
    ...(opts.hash !== undefined ? { signatureHash: opts.hash } : {})
  }
  return Object.keys(input).length ? input : undefined
}

// ---------------------------------------------------------------------------------------
// --values FILE

/** Column (CSV) or key (JSON) names with a meaning of their own; any other name is a subject attribute. */
const RESERVED = ['file', 'san', 'validity-days', 'not-after', 'hash'] as const

function valuesError(file: string, where: string, why: string): CliError {
  return usageError('VALUES_INVALID', `The values file ${file} (--values) is refused at ${where}: ${why}`, '--values')
}

/** Applies a parser that throws InvalidArgumentError, naming the file and place on failure. */
function parsed<T>(file: string, where: string, parse: (text: string) => T, text: string): T {
  try {
    return parse(text)
  } catch (e) {
    if (e instanceof InvalidArgumentError) throw valuesError(file, where, e.message)
    throw e
  }
}

/** One request's values from a record of name → text (or text list); empty cells mean "not given". */
function patchOf(file: string, where: string, record: ReadonlyMap<string, readonly string[]>): OperatorInputPatch {
  const subject: Record<string, string | string[]> = {}
  let sans: GeneralName[] | undefined
  let validityDays: number | undefined
  let notAfter: string | undefined
  let hash: string | undefined
  for (const [name, rawValues] of record) {
    const values = rawValues.map((v) => v.trim()).filter((v) => v !== '')
    if (values.length === 0) continue
    for (const v of values) if (v.length > MAX_VALUE_LENGTH) throw valuesError(file, `${where} ${name}`, `a value is longer than ${MAX_VALUE_LENGTH} characters.`)
    const single = (): string => {
      if (values.length > 1) throw valuesError(file, `${where} ${name}`, 'takes one value.')
      return values[0]!
    }
    switch (name.toLowerCase()) {
      case 'file':
        break
      case 'san':
        // CSV: several names in one cell separated by spaces; JSON: a list (or one string).
        sans = values.flatMap((v) => v.split(/\s+/)).map((v) => parsed(file, `${where} san`, parseSan, v))
        break
      case 'validity-days':
        validityDays = parsed(file, `${where} validity-days`, parseValidityDays, single())
        break
      case 'not-after':
        notAfter = parsed(file, `${where} not-after`, parseNotAfter, single())
        break
      case 'hash':
        hash = parsed(file, `${where} hash`, parseHash, single())
        break
      default:
        if (!ATTRIBUTE.test(name)) throw valuesError(file, where, `"${name}" is neither a subject attribute (CN, OU, an OID…) nor one of ${RESERVED.join(', ')}.`)
        subject[name] = values.length === 1 ? values[0]! : [...values]
    }
  }
  if (validityDays !== undefined && notAfter !== undefined) throw valuesError(file, where, 'give either validity-days or not-after, not both.')
  return {
    ...(Object.keys(subject).length ? { subject } : {}),
    ...(sans ? { sans } : {}),
    ...(validityDays !== undefined ? { validityDays } : {}),
    ...(notAfter !== undefined ? { notAfter } : {}),
    ...(hash !== undefined ? { signatureHash: hash } : {})
  }
}

function jsonRecords(file: string, text: string): Map<string, Map<string, string[]>> {
  const doc = parseJson(text, { maxBytes: MAX_VALUES_FILE_BYTES, maxDepth: 4, what: `The values file ${file}`, field: '--values' })
  if (!doc.ok) throw new CliError(doc.error, EXIT_USAGE)
  const top = doc.value
  if (top === null || typeof top !== 'object' || Array.isArray(top))
    throw valuesError(file, 'the document', 'is not an object keyed by CSR file name ({"web1.csr": {"CN": "web1.example.com", "san": ["dns:web1.example.com"]}}).')
  const out = new Map<string, Map<string, string[]>>()
  const entries = Object.entries(top as Record<string, unknown>)
  if (entries.length > MAX_VALUES_ROWS) throw valuesError(file, 'the document', `has more than ${MAX_VALUES_ROWS} entries; split the batch.`)
  for (const [key, row] of entries) {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) throw valuesError(file, `"${key}"`, 'is not an object of values ({"CN": "…"}).')
    const fields = new Map<string, string[]>()
    for (const [name, v] of Object.entries(row as Record<string, unknown>)) {
      const list = Array.isArray(v) ? v : [v]
      const texts = list.map((x) => {
        if (typeof x === 'string') return x
        if (typeof x === 'number' && Number.isFinite(x)) return String(x)
        throw valuesError(file, `"${key}" ${name}`, 'must be text (or a list of text).')
      })
      fields.set(name, texts)
    }
    out.set(key, fields)
  }
  return out
}

function csvRecords(file: string, text: string): Map<string, Map<string, string[]>> {
  const rows = parseCsv(text.replace(/^\uFEFF/, ''), { maxRows: MAX_VALUES_ROWS + 1, maxColumns: 64, maxFieldLength: MAX_VALUE_LENGTH, what: `The values file ${file}`, field: '--values' })
  if (!rows.ok) throw new CliError(rows.error, EXIT_USAGE)
  const [header, ...body] = rows.value
  const names = (header ?? []).map((h) => h.trim())
  const fileCol = names.findIndex((n) => n.toLowerCase() === 'file')
  if (fileCol < 0) throw valuesError(file, 'the header', 'has no "file" column; the first row names the columns: file,CN,san,… (file: the CSR file name).')
  const seenNames = new Set<string>()
  for (const n of names) {
    if (seenNames.has(n.toLowerCase()) && (RESERVED as readonly string[]).includes(n.toLowerCase())) throw valuesError(file, 'the header', `names "${n}" twice.`)
    seenNames.add(n.toLowerCase())
  }
  const out = new Map<string, Map<string, string[]>>()
  body.forEach((cells, i) => {
    const key = cells[fileCol]!.trim()
    if (key === '') throw valuesError(file, `row ${i + 2}`, 'has no file name.')
    if (out.has(key)) throw valuesError(file, `row ${i + 2}`, `names ${key} a second time.`)
    const fields = new Map<string, string[]>()
    // A repeated attribute column (OU,OU) gives a multi-valued attribute.
    names.forEach((n, c) => fields.set(n, [...(fields.get(n) ?? []), cells[c]!]))
    out.set(key, fields)
  })
  return out
}

/**
 * Per-request values from `--values FILE`, by the index of each request. A key matches a
 * request by the path as given or its base name, with `#N` for the Nth request of a file
 * holding several (a key without `#N` applies to each of them). A key that matches no request,
 * or more than one file, is a usage error: a value is never silently dropped.
 */
export function readValuesFile(file: string, requests: readonly { readonly file: string }[]): Map<number, OperatorInputPatch> {
  const bytes = readInput(file, 'values', { maxBytes: MAX_VALUES_FILE_BYTES, emptyHint: 'give a JSON object or a CSV table keyed by CSR file name' })
  const text = bytes.toString('utf8')
  const records = /^\s*[{[]/.test(text) ? jsonRecords(file, text) : csvRecords(file, text)
  const byKey = new Map<string, number[]>()
  requests.forEach((r, index) => {
    const hash = r.file.lastIndexOf('#')
    const path = hash > 0 && /^\d+$/.test(r.file.slice(hash + 1)) ? r.file.slice(0, hash) : r.file
    const suffix = path === r.file ? '' : r.file.slice(hash)
    const keys = new Set([path, basename(path), ...(suffix ? [`${path}${suffix}`, `${basename(path)}${suffix}`] : [])])
    for (const k of keys) byKey.set(k, [...(byKey.get(k) ?? []), index])
  })
  const out = new Map<number, { patch: OperatorInputPatch; key: string; specific: boolean }>()
  for (const [key, record] of records) {
    const indexes = byKey.get(key)
    if (!indexes) throw valuesError(file, `"${key}"`, 'matches none of the CSR files given; check the name (the path as given or its base name, #N for the Nth request of a file).')
    const files = new Set(indexes.map((i) => requests[i]!.file.replace(/#\d+$/, '')))
    if (files.size > 1) throw valuesError(file, `"${key}"`, `matches ${files.size} CSR files (${[...files].join(', ')}); key them by their path.`)
    const patch = patchOf(file, `"${key}"`, record)
    const specific = /#\d+$/.test(key)
    for (const i of indexes) {
      const prev = out.get(i)
      if (prev && prev.specific === specific) throw valuesError(file, `"${key}"`, `gives values for ${requests[i]!.file} that "${prev.key}" gives too; keep one.`)
      if (!prev || specific) out.set(i, { patch, key, specific })
    }
  }
  return new Map([...out].map(([i, v]) => [i, v.patch]))
}
