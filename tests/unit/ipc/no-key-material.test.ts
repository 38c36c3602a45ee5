// No IPC response can carry private key material. Walks every channel of the contract — so
// channels added later are checked without touching this file — and proves two things:
//  1. statically: no response field is named like key material (privateKey, pkcs8, secret,
//     passphrase, d, …) while typed to hold bytes or text, and no response schema accepts
//     arbitrary data (any/unknown, passthrough/catchall objects, records of unknown);
//  2. dynamically: with a real key's PKCS#8 (DER, base64, PEM) and private scalar injected
//     under key-like names into every object of a valid response, parsing strips or rejects
//     it: nothing of the key comes out the other side.
// A schema this walker does not know is itself a failure: teach `sampleOf`/`walk` about it
// rather than let a channel go unchecked.
import { describe, expect, it } from 'vitest'
import { generateKeyPairSync, randomUUID } from 'node:crypto'
import type { z } from 'zod'
import { contract } from '../../../src/shared/ipc/contract'
import { privateKeyForms } from '../vault/key-search'

type AnySchema = z.ZodType
// zod 4 exposes its definition at `_zod.def`; typed loosely here on purpose.
interface Def {
  type: string
  [k: string]: unknown
}
const defOf = (s: AnySchema): Def => (s as unknown as { _zod: { def: Def } })._zod.def

/** Field names that would carry a private key or what protects one. */
const KEY_NAME =
  /^(d|p|q|dp|dq|qi|k|x)$|private|pkcs8|pkcs12|pfx|p12|secret|passphrase|password|passwd|pin$|keyder|keypem|keybytes|keydata|rawkey|seed|scalar|mnemonic|^dek$|^kek$|wrapped|envelope|plaintext/i
/** Schema types that cannot carry bytes or text, whatever they are called. */
const HARMLESS = new Set(['boolean', 'number', 'int', 'bigint', 'enum', 'literal', 'null', 'undefined', 'void', 'never', 'nan', 'date'])

/**
 * Reviewed exceptions: response paths that hold free-form data on purpose. Each needs a reason
 * an auditor would accept; the key-injection check still runs over every object around them.
 */
const REVIEWED_FREE_FORM: readonly { readonly path: RegExp; readonly reason: string }[] = [
  {
    path: /^profiles:[a-zA-Z]+ response(\.items\[\]|\.profile)?\.(extras\{\}\{\}|subjectAttributes\[\]\.foreignSources\[\]\{\})$/,
    reason:
      'a profile keeps fields of a remote dialect it has no model for, verbatim, so an export can send them back; they come from the operator\'s own import file, never from the vault'
  }
]

interface Finding {
  readonly channel: string
  readonly path: string
  readonly problem: string
}

function unwrapHarmless(s: AnySchema): boolean {
  const d = defOf(s)
  if (HARMLESS.has(d.type)) return true
  if (['optional', 'nullable', 'default', 'readonly', 'catch', 'nonoptional', 'prefault'].includes(d.type)) return unwrapHarmless(d.innerType as AnySchema)
  if (d.type === 'union') return (d.options as AnySchema[]).every(unwrapHarmless)
  return false
}

function walk(channel: string, s: AnySchema, path: string, out: Finding[], seen: Set<AnySchema>): void {
  if (seen.has(s)) return
  seen.add(s)
  const d = defOf(s)
  switch (d.type) {
    case 'object': {
      const shape = d.shape as Record<string, AnySchema>
      for (const [name, field] of Object.entries(shape)) {
        if (KEY_NAME.test(name) && !unwrapHarmless(field)) out.push({ channel, path: `${path}.${name}`, problem: 'a field named like key material can carry data' })
        walk(channel, field, `${path}.${name}`, out, seen)
      }
      const catchall = d.catchall as AnySchema | undefined
      if (catchall && defOf(catchall).type !== 'never') out.push({ channel, path, problem: `object keeps unknown keys (catchall ${defOf(catchall).type})` })
      return
    }
    case 'array':
      return walk(channel, d.element as AnySchema, `${path}[]`, out, seen)
    case 'set':
      return walk(channel, d.valueType as AnySchema, `${path}<>`, out, seen)
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return walk(channel, d.innerType as AnySchema, path, out, seen)
    case 'union':
      return (d.options as AnySchema[]).forEach((o, i) => walk(channel, o, `${path}|${i}`, out, seen))
    case 'intersection':
      walk(channel, d.left as AnySchema, path, out, seen)
      return walk(channel, d.right as AnySchema, path, out, seen)
    case 'tuple':
      ;(d.items as AnySchema[]).forEach((o, i) => walk(channel, o, `${path}[${i}]`, out, seen))
      if (d.rest) walk(channel, d.rest as AnySchema, `${path}[…]`, out, seen)
      return
    case 'record':
    case 'map':
      return walk(channel, d.valueType as AnySchema, `${path}{}`, out, seen)
    case 'pipe':
      walk(channel, d.in as AnySchema, path, out, seen)
      return walk(channel, d.out as AnySchema, path, out, seen)
    case 'lazy':
      return walk(channel, (d.getter as () => AnySchema)(), path, out, seen)
    case 'any':
    case 'unknown':
      if (!REVIEWED_FREE_FORM.some((r) => r.path.test(`${channel} ${path}`))) out.push({ channel, path, problem: `${d.type} accepts anything, including a key` })
      return
    case 'custom':
    case 'transform':
    case 'string':
    case 'template_literal':
    default:
      if (!HARMLESS.has(d.type) && !['custom', 'transform', 'string', 'template_literal'].includes(d.type))
        out.push({ channel, path, problem: `schema type "${d.type}" is not known to this test: teach walk() about it` })
  }
}

const STRING_CANDIDATES = (): unknown[] => [
  'x',
  'abc',
  'example',
  '2030-01-01T00:00:00.000Z',
  '2030-01-01',
  randomUUID(),
  'a@example.com',
  'https://example.com/',
  'example.com',
  '0'.repeat(64),
  '01',
  'deadbeef',
  'a'.repeat(12),
  'a'.repeat(64),
  'CN=x',
  'CN',
  'commonName',
  '1.2.3.4',
  '90d',
  'P90D',
  '10.0.0.0/8',
  '*.example.com'
]
const NUMBER_CANDIDATES = [1, 0, 2, 10, 100, 1000, 65535, -1, 0.5]

/** A value `s` accepts, built from the schema's structure; undefined when none was found. */
function sampleOf(s: AnySchema, depth = 0): { value: unknown } | undefined {
  if (depth > 12) return undefined
  const d = defOf(s)
  const firstValid = (candidates: unknown[]): { value: unknown } | undefined => {
    for (const c of candidates) if (s.safeParse(c).success) return { value: c }
    return undefined
  }
  switch (d.type) {
    case 'string':
    case 'template_literal': {
      const checks = (d.checks as { _zod: { def: { check: string; minimum?: number } } }[] | undefined) ?? []
      const min = Math.max(0, ...checks.map((c) => (c._zod.def.check === 'min_length' || c._zod.def.check === 'length_equals' ? (c._zod.def.minimum ?? (c._zod.def as { length?: number }).length ?? 0) : 0)))
      return firstValid([...STRING_CANDIDATES(), 'a'.repeat(min), 'x'.repeat(Math.max(min, 1))])
    }
    case 'number':
    case 'int':
      return firstValid(NUMBER_CANDIDATES)
    case 'bigint':
      return firstValid([1n, 0n])
    case 'boolean':
      return { value: true }
    case 'date':
      return { value: new Date('2030-01-01T00:00:00Z') }
    case 'null':
      return { value: null }
    case 'undefined':
    case 'void':
      return { value: undefined }
    case 'enum':
      return { value: Object.values(d.entries as Record<string, unknown>)[0] }
    case 'literal':
      return { value: (d.values as unknown[])[0] }
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return sampleOf(d.innerType as AnySchema, depth + 1) ?? (d.type === 'nullable' ? { value: null } : d.type === 'optional' ? { value: undefined } : undefined)
    case 'object': {
      const value: Record<string, unknown> = {}
      for (const [name, field] of Object.entries(d.shape as Record<string, AnySchema>)) {
        const v = sampleOf(field, depth + 1)
        if (v === undefined) return undefined
        if (v.value !== undefined) value[name] = v.value
      }
      return { value }
    }
    case 'array': {
      const el = sampleOf(d.element as AnySchema, depth + 1)
      if (el && s.safeParse([el.value]).success) return { value: [el.value] }
      return firstValid([[]])
    }
    case 'tuple':
      return firstValid([(d.items as AnySchema[]).map((i) => sampleOf(i, depth + 1)?.value)])
    case 'record':
    case 'map':
    case 'set':
      return firstValid([{}, new Map(), new Set()])
    case 'union':
      for (const o of d.options as AnySchema[]) {
        const v = sampleOf(o, depth + 1)
        if (v && s.safeParse(v.value).success) return v
      }
      return undefined
    case 'intersection': {
      const l = sampleOf(d.left as AnySchema, depth + 1)
      const r = sampleOf(d.right as AnySchema, depth + 1)
      if (!l || !r) return undefined
      const merged = typeof l.value === 'object' && typeof r.value === 'object' ? { ...(l.value as object), ...(r.value as object) } : l.value
      return firstValid([merged])
    }
    case 'pipe': {
      // The input schema alone does not see the checks after a transform: validate the whole.
      const v = sampleOf(d.in as AnySchema, depth + 1)
      return v && s.safeParse(v.value).success ? v : firstValid([...STRING_CANDIDATES(), ...NUMBER_CANDIDATES])
    }
    case 'lazy':
      return sampleOf((d.getter as () => AnySchema)(), depth + 1)
    case 'custom':
      // 'INTERNAL': a catalogued error code, for errorCodeSchema
      return firstValid([new Uint8Array([1, 2, 3]), Buffer.from([1, 2, 3]), new Date(), {}, 'x', 'INTERNAL', 1])
    default:
      return firstValid(['x', 1, true, {}, []])
  }
}

const WRAPPERS = ['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']

/**
 * A copy of `value` with key material added, under key-like names, to every object that an
 * object schema (z.object) describes — where stripping or rejecting unknown keys is the
 * schema's job. Records are free-form by design and are judged by the static walk instead.
 */
function inject(schema: AnySchema, value: unknown, payload: Record<string, unknown>, depth = 0): unknown {
  if (depth > 40 || value === null || value === undefined) return value
  const d = defOf(schema)
  if (WRAPPERS.includes(d.type)) return inject(d.innerType as AnySchema, value, payload, depth + 1)
  switch (d.type) {
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return value
      const shape = d.shape as Record<string, AnySchema>
      const out: Record<string, unknown> = { ...payload }
      for (const [k, v] of Object.entries(value)) out[k] = shape[k] ? inject(shape[k], v, payload, depth + 1) : v
      return out
    }
    case 'array':
      return Array.isArray(value) ? value.map((v) => inject(d.element as AnySchema, v, payload, depth + 1)) : value
    case 'record':
      return value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inject(d.valueType as AnySchema, v, payload, depth + 1)])) : value
    case 'union': {
      const option = (d.options as AnySchema[]).find((o) => o.safeParse(value).success)
      return option ? inject(option, value, payload, depth + 1) : value
    }
    case 'intersection':
      return inject(d.right as AnySchema, inject(d.left as AnySchema, value, payload, depth + 1), payload, depth + 1)
    case 'pipe':
      return inject(d.in as AnySchema, value, payload, depth + 1)
    case 'lazy':
      return inject((d.getter as () => AnySchema)(), value, payload, depth + 1)
    default:
      return value
  }
}

/** Every z.object inside a schema, with its path. */
function objectNodes(s: AnySchema, path: string, out: [string, AnySchema][], seen: Set<AnySchema>): [string, AnySchema][] {
  if (seen.has(s)) return out
  seen.add(s)
  const d = defOf(s)
  if (WRAPPERS.includes(d.type)) return objectNodes(d.innerType as AnySchema, path, out, seen)
  switch (d.type) {
    case 'object':
      out.push([path, s])
      for (const [k, v] of Object.entries(d.shape as Record<string, AnySchema>)) objectNodes(v, `${path}.${k}`, out, seen)
      break
    case 'array':
      objectNodes(d.element as AnySchema, `${path}[]`, out, seen)
      break
    case 'record':
      objectNodes(d.valueType as AnySchema, `${path}{}`, out, seen)
      break
    case 'union':
      ;(d.options as AnySchema[]).forEach((o, i) => objectNodes(o, `${path}|${i}`, out, seen))
      break
    case 'intersection':
      objectNodes(d.left as AnySchema, path, out, seen)
      objectNodes(d.right as AnySchema, path, out, seen)
      break
    case 'pipe':
      objectNodes(d.in as AnySchema, path, out, seen)
      break
    case 'lazy':
      objectNodes((d.getter as () => AnySchema)(), path, out, seen)
      break
  }
  return out
}

/**
 * A valid value for `s`, or — when cross-field refinements defeat the generic sampler — for
 * the same schema without its refinements (which do not change how unknown keys are handled).
 */
function checkable(s: AnySchema): { schema: AnySchema; value: unknown } | undefined {
  const direct = sampleOf(s)
  if (direct && s.safeParse(direct.value).success) return { schema: s, value: direct.value }
  const d = defOf(s)
  if (!d.checks) return undefined
  const bare = (s as unknown as { clone(def: Def): AnySchema }).clone({ ...d, checks: [] })
  const v = sampleOf(bare)
  return v && bare.safeParse(v.value).success ? { schema: bare, value: v.value } : undefined
}

/** Every byte and string of a parsed value, for the search. */
function flatten(value: unknown, into: Buffer[] = []): Buffer[] {
  if (typeof value === 'string') into.push(Buffer.from(value))
  else if (value instanceof Uint8Array) into.push(Buffer.from(value))
  else if (Array.isArray(value)) value.forEach((v) => flatten(v, into))
  else if (value instanceof Map) [...value.entries()].forEach((e) => flatten(e, into))
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) flatten([k, v], into)
  return into
}

const channels = Object.entries(contract) as [string, { response: AnySchema }][]

describe('no IPC response schema can carry private key material', () => {
  it('the contract has channels to check (including vault:* and audit:*)', () => {
    expect(channels.length).toBeGreaterThan(5)
    expect(channels.map(([n]) => n)).toEqual(expect.arrayContaining(['vault:status', 'vault:unlock', 'audit:list', 'audit:export']))
  })

  it('no response field is named like key material, and no response accepts arbitrary data', () => {
    const findings: Finding[] = []
    for (const [name, def] of channels) walk(name, def.response, 'response', findings, new Set())
    expect(findings).toEqual([])
  })

  it('the static walk catches the shapes it is meant to catch', async () => {
    const { z } = await import('zod')
    const bad = {
      named: z.object({ id: z.string(), privateKeyPem: z.string() }),
      nested: z.object({ items: z.array(z.object({ d: z.string().optional() })) }),
      loose: z.looseObject({ id: z.string() }),
      unknown: z.object({ extra: z.unknown() }),
      record: z.object({ meta: z.record(z.string(), z.any()) })
    }
    for (const [name, schema] of Object.entries(bad)) {
      const findings: Finding[] = []
      walk(name, schema, 'response', findings, new Set())
      expect(findings.length, name).toBeGreaterThan(0)
    }
    const fine: Finding[] = []
    walk('fine', z.object({ hasPrivateKey: z.boolean(), keyId: z.string(), passphraseRequired: z.boolean().optional() }), 'response', fine, new Set())
    expect(fine).toEqual([])
  })

  it('a real key injected under key-like names into every response object is stripped or rejected', () => {
    const keys = [generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, generateKeyPairSync('ed25519').privateKey]
    const unsampled: string[] = []
    const leaks: string[] = []
    for (const key of keys) {
      const forms = privateKeyForms(key)
      const pem = forms.get('PKCS#8 PEM')!.toString()
      const der = forms.get('PKCS#8 DER')!
      const payload: Record<string, unknown> = {
        privateKey: pem,
        privateKeyPem: pem,
        pkcs8: der.toString('base64'),
        pkcs8Der: new Uint8Array(der),
        keyDer: new Uint8Array(der),
        secret: der.toString('base64'),
        passphrase: 'correct horse battery',
        d: forms.get('private scalar d as base64url')!.toString(),
        key: pem
      }
      const leaked = (name: string, schema: AnySchema, value: unknown): void => {
        const parsed = schema.safeParse(inject(schema, value, payload))
        if (!parsed.success) return // rejected: a strict schema
        const bytes = Buffer.concat(flatten(parsed.data))
        const found = [...forms.entries()].filter(([, needle]) => bytes.includes(needle)).map(([f]) => f)
        if (bytes.includes(Buffer.from('correct horse battery'))) found.push('passphrase')
        if (found.length) leaks.push(`${name}: ${found.join(', ')}`)
      }
      for (const [name, def] of channels) {
        // End to end over the whole response when a valid sample can be built…
        const sample = sampleOf(def.response)
        if (sample && def.response.safeParse(sample.value).success) leaked(name, def.response, sample.value)
        // …and object by object, so refinements on the whole cannot hide a part.
        for (const [path, node] of objectNodes(def.response, 'response', [], new Set())) {
          const c = checkable(node)
          if (!c) {
            if (!unsampled.includes(`${name} ${path}`)) unsampled.push(`${name} ${path}`)
            continue
          }
          leaked(`${name} ${path}`, c.schema, c.value)
        }
      }
    }
    // Every object of every response got a valid sample, so every one was really exercised.
    expect(unsampled).toEqual([])
    expect(leaks).toEqual([])
  })

  it('the injection check catches a response schema that would let a key through', async () => {
    const { z } = await import('zod')
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
    const pem = privateKeyForms(key).get('PKCS#8 PEM')!.toString()
    const leaky = z.looseObject({ id: z.string() })
    const parsed = leaky.safeParse(inject(leaky, sampleOf(leaky)!.value, { privateKey: pem }))
    expect(parsed.success && Buffer.concat(flatten(parsed.data)).includes(Buffer.from(pem))).toBe(true)
  })
})
