// Profile patterns (subject attribute `pattern`) run against CSR-supplied text, so they run on
// a linear-time engine: RE2 (re2-wasm), which has no backtracking and refuses the constructs
// that need it (back-references, look-around). `(a+)+b` against 10,000 characters answers in
// tens of milliseconds instead of never. Values are length-capped before any matching.
//
// Why re2-wasm and not the native `re2` package (measured on this 2-core machine): `re2` is a
// NAN addon, not N-API; its install downloads a prebuilt binary from GitHub (unreachable here
// and on air-gapped build machines) and otherwise compiles RE2 with node-gyp for minutes, and
// it must be rebuilt for Electron's ABI. re2-wasm is one WebAssembly file inside the npm
// package: no install script, the same module in Node, Electron main and worker threads.
import { RE2 } from 're2-wasm'
import { fail, ok, type Result } from '../../../shared/errors'

/** Longer values are refused before matching (RFC 5280 upper bounds are 64–255 characters). */
export const MAX_PATTERN_VALUE_LENGTH = 1024

export interface Pattern {
  readonly source: string
  /** Whether the whole value matches. Callers cap the value at MAX_PATTERN_VALUE_LENGTH first. */
  test(value: string): boolean
}

const cache = new Map<string, Result<Pattern>>()

/**
 * Compiles a profile pattern, anchored to the whole value, on RE2. A pattern RE2 cannot run
 * (a back-reference, a look-around: constructs that need backtracking) fails with a message
 * that says which construct; the profile is refused when it is saved.
 */
export function compilePattern(source: string): Result<Pattern> {
  const hit = cache.get(source)
  if (hit) return hit
  let result: Result<Pattern>
  try {
    const re = new RE2(`^(?:${source})$`, 'u')
    result = ok({ source, test: (value: string) => re.test(value) })
  } catch (e) {
    const why = (e instanceof Error ? e.message : String(e)).replace(/^Invalid regular expression: \/.*\/u: /, '')
    result = fail(
      'PATTERN_NOT_LINEAR',
      `The pattern ${source} cannot run on the linear-time engine (${why}); rewrite it without back-references or look-around.`,
      'pattern'
    )
  }
  if (cache.size > 500) cache.clear()
  cache.set(source, result)
  return result
}

/** Refuses, at save, a profile whose subject patterns cannot run on the linear-time engine. */
export function checkProfilePatterns(body: { readonly subjectAttributes: readonly { readonly type: string; readonly pattern?: string | undefined }[] }): Result<void> {
  for (const [i, rule] of body.subjectAttributes.entries()) {
    if (rule.pattern === undefined) continue
    const compiled = compilePattern(rule.pattern)
    if (!compiled.ok) return fail('PATTERN_NOT_LINEAR', `The pattern of subject attribute ${rule.type} cannot be used: ${compiled.error.message}`, `subjectAttributes.${i}.pattern`)
  }
  return ok(undefined)
}
