// A profile's patterns said in words, for the Sign screen's fields and the profile editor:
// subject value patterns ("2 capital letters", "ends with .example.com", "one of Ops, Dev";
// the common shapes are recognized, anything else is quoted as it is; a pattern always
// matches the whole value, RE2 full match) and allowed DNS names (exact, one label, any depth).

const META = /[\\^$.|?*+()[\]{}]/

/** The literal text of a pattern without operators (escapes undone), or null. */
function literal(p: string): string | null {
  let out = ''
  for (let i = 0; i < p.length; i++) {
    const ch = p[i]!
    if (ch === '\\') {
      const next = p[i + 1]
      if (next === undefined || /[A-Za-z0-9]/.test(next)) return null // \d, \w, \b… are classes, not literals
      out += next
      i++
    } else if (META.test(ch)) return null
    else out += ch
  }
  return out
}

const CLASS_WORDS: Readonly<Record<string, string>> = {
  'A-Z': 'capital letters',
  'a-z': 'small letters',
  '0-9': 'digits',
  '\\d': 'digits',
  'A-Za-z': 'letters',
  'a-zA-Z': 'letters',
  'A-Za-z0-9': 'letters and digits',
  'a-zA-Z0-9': 'letters and digits',
  'a-z0-9': 'small letters and digits',
  'A-Z0-9': 'capital letters and digits'
}

function classWords(body: string): string {
  return CLASS_WORDS[body] ?? `characters from ${body.replace(/\\(.)/g, '$1')}`
}

function countWords(q: string): string | null {
  if (q === '+') return '1 or more'
  if (q === '*') return 'any number of'
  const exact = /^\{(\d+)\}$/.exec(q)
  if (exact) return exact[1]!
  const range = /^\{(\d+),(\d+)\}$/.exec(q)
  if (range) return `${range[1]} to ${range[2]}`
  const min = /^\{(\d+),\}$/.exec(q)
  if (min) return `at least ${min[1]}`
  return null
}

export function patternInWords(pattern: string): string {
  const p = pattern.replace(/^\^/, '').replace(/\$$/, '')
  const lit = literal(p)
  if (lit !== null) return `exactly "${lit}"`
  const alternatives = p.replace(/^\((?:\?:)?(.*)\)$/, '$1').split('|')
  if (alternatives.length > 1 && alternatives.every((a) => literal(a) !== null)) return `one of ${alternatives.map((a) => `"${literal(a)!}"`).join(', ')}`
  const suffix = /^\.[*+](.+)$/.exec(p)
  if (suffix && literal(suffix[1]!) !== null) return `ends with "${literal(suffix[1]!)!}"`
  const prefix = /^(.+?)\.[*+]$/.exec(p)
  if (prefix && literal(prefix[1]!) !== null) return `starts with "${literal(prefix[1]!)!}"`
  const cls = /^(?:\[([^\]]+)\]|(\\d))(\+|\*|\{\d+(?:,\d*)?\})$/.exec(p)
  if (cls) {
    const n = countWords(cls[3]!)
    if (n) return `${n} ${classWords(cls[1] ?? cls[2]!)}`
  }
  return `matches the pattern ${pattern} (the whole value)`
}

/**
 * A profile's allowed DNS name (san.dnsPatterns) in words, as the policy matches it
 * (engine/policy/san-match.ts dnsMatches): `example.com` exactly, `*.example.com` one label
 * under it (or that wildcard name itself), `.example.com` any name under it at any depth.
 */
export function dnsPatternInWords(pattern: string): string {
  if (pattern.startsWith('*.')) {
    const base = pattern.slice(2)
    return `one label under ${base} (such as www.${base}, not a.b.${base}) or the wildcard ${pattern}`
  }
  if (pattern.startsWith('.')) {
    const base = pattern.slice(1)
    return `any name under ${base} at any depth (such as a.b.${base}), not ${base} itself`
  }
  return `exactly ${pattern}`
}

/** Every allowed DNS name in words; none listed: any name is allowed. */
export function dnsPatternsInWords(patterns: readonly string[] | undefined): string {
  if (!patterns?.length) return 'Any DNS name is allowed (no list).'
  return `Allowed: ${patterns.map(dnsPatternInWords).join('; ')}.`
}
