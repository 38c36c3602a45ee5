// A bounded fuzz test: mutated CSRs (DER and PEM), PFX files, PEM bundles and profile JSON,
// derived from the fixtures with a seeded PRNG (the same cases on every run, so a failure
// reproduces), fed to the parsers the app and the CLI use. Every answer must be a Result —
// never a throw — and a refusal must carry a catalogued code other than INTERNAL; none may
// take a second (the hostile-input bound, kept generous for a loaded CI machine).
import { describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseCsrDer, readCsrInput, readPemBlocks } from '../../../src/main/engine'
import { parsePfx } from '../../../src/main/engine/pkcs12/pfx'
import { importProfileText } from '../../../src/main/engine/profiles'
import { isErrorCode, type AppError } from '../../../src/shared/errors'

/** A Result, or a per-item answer shaped like one (the CSR intake's items). */
type Answer = { readonly ok: true } | { readonly ok: false; readonly error: AppError }

const CASES_PER_KIND = 100
const BOUND_MS = 1000
const fixtures = join(__dirname, '../../fixtures')

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** One to four byte-level mutations: flip, set to a boundary value, truncate, delete, duplicate or insert. */
function mutate(input: Uint8Array, rnd: () => number): Uint8Array {
  let b = Uint8Array.from(input)
  const at = (n: number): number => Math.floor(rnd() * Math.max(1, n))
  for (let k = 0, n = 1 + at(4); k < n; k++) {
    const op = at(7)
    const i = at(b.length)
    if (op === 0 && b.length) b[i] = b[i]! ^ (1 << at(8))
    else if (op === 1 && b.length) b[i] = [0x00, 0xff, 0x80, 0x7f, 0x30, 0x84][at(6)]!
    else if (op === 2) b = b.slice(0, i)
    else if (op === 3) b = Uint8Array.from([...b.slice(0, i), ...b.slice(i + 1 + at(16))])
    else if (op === 4) b = Uint8Array.from([...b.slice(0, i), ...b.slice(i, i + at(64)), ...b.slice(i)])
    else if (op === 5) b = Uint8Array.from([...b.slice(0, i), ...Array.from({ length: 1 + at(8) }, () => at(256)), ...b.slice(i)])
    else if (b.length) b[i] = at(256)
  }
  return b
}

/** Text mutations on top of the byte ones: structural tokens a hostile file would carry. */
function mutateText(text: string, rnd: () => number): string {
  const tokens = ['{', '}', '[', ']', '"', ',', ':', '\\u0000', '"__proto__":{"x":1},', '"constructor":', '-----BEGIN CERTIFICATE REQUEST-----\n', '-----END CERTIFICATE REQUEST-----\n', '[[[[[[[[', '1e999', 'null', '\u202e']
  let t = text
  for (let k = 0, n = 1 + Math.floor(rnd() * 3); k < n; k++) {
    const i = Math.floor(rnd() * (t.length + 1))
    t = rnd() < 0.5 ? t.slice(0, i) + tokens[Math.floor(rnd() * tokens.length)]! + t.slice(i) : t.slice(0, i) + t.slice(i + 1 + Math.floor(rnd() * 8))
  }
  return rnd() < 0.3 ? Buffer.from(mutate(Buffer.from(t), rnd)).toString('utf8') : t
}

/** Codes seen per kind: each kind must reach several refusals, or the mutations never got past the first check. */
const seen = new Map<string, Set<string>>()

async function expectCoded(label: string, call: () => Answer | Promise<Answer>): Promise<void> {
  const started = performance.now()
  let r: Answer
  try {
    r = await call()
  } catch (e) {
    throw new Error(`${label}: threw instead of answering a Result: ${e instanceof Error ? e.stack : String(e)}`, { cause: e })
  }
  const ms = performance.now() - started
  expect(ms, `${label} took ${ms.toFixed(0)} ms`).toBeLessThan(BOUND_MS)
  expect(typeof r.ok, label).toBe('boolean')
  const kind = label.replace(/ case \d+$/, '')
  if (!seen.has(kind)) seen.set(kind, new Set())
  seen.get(kind)!.add(r.ok ? 'ok' : r.error.code)
  if (!r.ok) {
    expect(isErrorCode(r.error.code), `${label}: uncatalogued code ${r.error.code}`).toBe(true)
    expect(r.error.code, label).not.toBe('INTERNAL')
    expect(r.error.message.length, label).toBeGreaterThan(10)
  }
}

const csrDer = (): Uint8Array[] => [readFileSync(join(fixtures, 'engine/csr-rsa2048.der')), ...['csr-p256.pem', 'csr-ed25519.pem', 'csr-multivalued.pem'].map((f) => {
  const blocks = readPemBlocks(readFileSync(join(fixtures, 'engine', f), 'utf8'))
  const first = blocks.ok ? blocks.value[0] : undefined
  if (first?.kind !== 'block') throw new Error(`fixture ${f} holds no PEM block`)
  return first.der
})]

describe('bounded fuzz: every mutated input answers a coded Result', () => {
  it(`${CASES_PER_KIND} mutated CSRs (DER)`, async () => {
    const rnd = prng(0xc5a)
    const seeds = csrDer()
    for (let n = 0; n < CASES_PER_KIND; n++) {
      const der = mutate(seeds[n % seeds.length]!, rnd)
      await expectCoded(`CSR case ${n}`, () => parseCsrDer(der))
    }
  })

  it(`${CASES_PER_KIND} mutated PEM files (CSR bundles and intake)`, async () => {
    const rnd = prng(0x9e3)
    const dir = join(fixtures, 'engine')
    const seeds = readdirSync(dir).filter((f) => f.endsWith('.pem')).map((f) => readFileSync(join(dir, f), 'utf8'))
    for (let n = 0; n < CASES_PER_KIND; n++) {
      const text = mutateText(seeds[n % seeds.length]! + (n % 3 === 0 ? seeds[(n + 1) % seeds.length]! : ''), rnd)
      await expectCoded(`PEM case ${n}`, () => readPemBlocks(text))
      // The intake answers per request in the file: each item must be a coded Result too.
      await expectCoded(`CSR intake case ${n}`, () => readCsrInput(Buffer.from(text)))
      const items = readCsrInput(Buffer.from(text))
      for (const item of items.ok ? items.value : []) await expectCoded(`CSR item case ${n}`, () => item)
    }
  })

  it(`${CASES_PER_KIND} mutated PFX files`, async () => {
    const work = mkdtempSync(join(tmpdir(), 'pkidesk-fuzz-'))
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=Fuzz CA', '-days', '30', '-keyout', join(work, 'k.pem'), '-out', join(work, 'c.pem')], { stdio: 'ignore' })
      execFileSync('openssl', ['pkcs12', '-export', '-inkey', join(work, 'k.pem'), '-in', join(work, 'c.pem'), '-passout', 'pass:fuzz', '-out', join(work, 'a.pfx')], { stdio: 'ignore' })
      execFileSync('openssl', ['pkcs12', '-export', '-legacy', '-inkey', join(work, 'k.pem'), '-in', join(work, 'c.pem'), '-passout', 'pass:fuzz', '-out', join(work, 'b.pfx')], { stdio: 'ignore' })
      const seeds = [readFileSync(join(work, 'a.pfx')), readFileSync(join(work, 'b.pfx'))]
      // The unmutated files open: the mutations start from real PFX files.
      for (const s of seeds) expect((await parsePfx(s, 'fuzz')).ok).toBe(true)
      const rnd = prng(0x9f4)
      for (let n = 0; n < CASES_PER_KIND; n++) {
        const der = mutate(seeds[n % seeds.length]!, rnd)
        await expectCoded(`PFX case ${n}`, () => parsePfx(der, n % 4 === 0 ? 'wrong' : 'fuzz'))
      }
    } finally {
      rmSync(work, { recursive: true, force: true })
    }
  })

  it(`${CASES_PER_KIND} mutated profile JSON documents`, async () => {
    const dir = join(fixtures, 'profiles')
    const seeds = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => readFileSync(join(dir, f), 'utf8'))
    const rnd = prng(0x7a0)
    for (let n = 0; n < CASES_PER_KIND; n++) {
      const text = mutateText(seeds[n % seeds.length]!, rnd)
      await expectCoded(`profile case ${n}`, () => importProfileText(text))
    }
    // Nothing reached a prototype along the way.
    expect(({} as Record<string, unknown>).x).toBeUndefined()
  })

  it('the mutations reached past the first check of every parser (several distinct answers each)', () => {
    // (readPemBlocks only finds blocks and answers ok for any text under its caps; the CSR intake decodes them.)
    for (const kind of ['CSR', 'CSR item', 'PFX', 'profile']) expect(seen.get(kind)?.size ?? 0, `${kind}: ${[...(seen.get(kind) ?? [])].join(', ')}`).toBeGreaterThanOrEqual(3)
  })
})
