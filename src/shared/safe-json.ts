// JSON from outside (profile files, remote platforms) read without letting it reach a
// prototype: `__proto__`, `constructor` and `prototype` keys are refused wherever they sit,
// objects are built without a prototype, and the size and nesting are checked before
// JSON.parse runs (a 200,000-deep document otherwise ends in a stack overflow).
import { fail, ok, type Result } from './errors'

/** Keys that name or reach an object's prototype when used as a property path. */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype'])

export function isForbiddenKey(key: string): boolean {
  return FORBIDDEN_KEYS.has(key)
}

export interface JsonLimits {
  readonly maxBytes: number
  readonly maxDepth: number
  /** How the refusal names the input: "The profile document", "The response from Lamassu". */
  readonly what: string
  readonly field?: string
}

/** UTF-8 length of `text` without encoding it (the renderer has no Buffer). */
export function utf8Length(text: string): number {
  let n = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x80) n += 1
    else if (c < 0x800) n += 2
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4
      i++
    } else n += 3
  }
  return n
}

/** The deepest nesting of arrays and objects in JSON text, in one pass (strings skipped). */
export function jsonTextDepth(text: string): number {
  let depth = 0
  let max = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++ // backslash: skip the escaped character
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) max = depth
    } else if (c === 0x7d || c === 0x5d) depth--
  }
  return max
}

/**
 * JSON.parse with limits: too large (JSON_TOO_LARGE), too deep (JSON_TOO_DEEP), a key that
 * reaches a prototype (JSON_FORBIDDEN_KEY, naming its path), or not JSON (INVALID_JSON).
 * Every object in the result has a null prototype.
 */
export function parseJson(text: string, limits: JsonLimits): Result<unknown> {
  const field = limits.field
  if (text.length > limits.maxBytes || utf8Length(text) > limits.maxBytes)
    return fail('JSON_TOO_LARGE', `${limits.what} is ${utf8Length(text)} bytes, over the ${limits.maxBytes}-byte limit: check that it is the right file.`, field)
  if (jsonTextDepth(text) > limits.maxDepth)
    return fail('JSON_TOO_DEEP', `${limits.what} nests arrays and objects more than ${limits.maxDepth} levels deep: no real document does; check the file.`, field)
  let forbidden: string | null = null
  let value: unknown
  try {
    value = JSON.parse(text, function (this: unknown, key: string, v: unknown) {
      if (forbidden === null && isForbiddenKey(key)) forbidden = key
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return v
      const bare = Object.create(null) as Record<string, unknown>
      for (const k of Object.keys(v)) bare[k] = (v as Record<string, unknown>)[k]
      return bare
    })
  } catch (e) {
    return fail('INVALID_JSON', `${limits.what} is not valid JSON: ${e instanceof Error ? e.message : String(e)}.`, field ?? 'json')
  }
  if (forbidden !== null) return forbiddenKey(limits.what, forbidden, field)
  return ok(value)
}

function forbiddenKey<T>(what: string, key: string, field: string | undefined, path?: string): Result<T> {
  return fail('JSON_FORBIDDEN_KEY', `${what} has a "${key}" key${path ? ` at ${path}` : ''}, which PKI Desk never reads (it could reach an object's prototype): remove it and try again.`, field)
}

/**
 * Checks an already-parsed value (a remote body, a stored row) the way parseJson checks text:
 * nesting at most `maxDepth`, no forbidden key anywhere. Iterative, so depth cannot overflow it.
 */
export function checkJsonTree(value: unknown, limits: Omit<JsonLimits, 'maxBytes'>): Result<void> {
  const stack: { v: unknown; depth: number; path: string }[] = [{ v: value, depth: 0, path: '' }]
  while (stack.length) {
    const { v, depth, path } = stack.pop()!
    if (v === null || typeof v !== 'object') continue
    if (depth + 1 > limits.maxDepth)
      return fail('JSON_TOO_DEEP', `${limits.what} nests arrays and objects more than ${limits.maxDepth} levels deep: no real document does; check its source.`, limits.field)
    if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push({ v: item, depth: depth + 1, path: `${path}[${i}]` }))
      continue
    }
    for (const k of Object.keys(v)) {
      const at = path ? `${path}.${k}` : k
      if (isForbiddenKey(k)) return forbiddenKey(limits.what, k, limits.field, at)
      stack.push({ v: (v as Record<string, unknown>)[k], depth: depth + 1, path: at })
    }
  }
  return ok(undefined)
}

/**
 * True only when `obj` itself holds `key` set to true: a flag that grants something (confirm
 * warnings, overwrite) is never read through a prototype someone may have polluted.
 */
export function ownTrue(obj: object, key: string): boolean {
  return Object.hasOwn(obj, key) && (obj as Record<string, unknown>)[key] === true
}

/**
 * A copy of structured data with only own enumerable properties, every object without a
 * prototype and every forbidden key dropped: what an IPC request is validated from, so a
 * schema default (confirmWarnings: false) cannot be replaced by an inherited value.
 */
export function ownData(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > 256) return value
  if (Array.isArray(value)) return value.map((v) => ownData(v, depth + 1))
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof Date) return value
  const out = Object.create(null) as Record<string, unknown>
  for (const k of Object.keys(value)) if (!isForbiddenKey(k)) out[k] = ownData((value as Record<string, unknown>)[k], depth + 1)
  return out
}
