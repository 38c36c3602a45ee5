// A profile's value pattern said in words for the field an operator types into ("2 capital
// letters", "ends with .example.com", "one of Ops, Dev"). The common shapes are recognized;
// anything else is quoted as it is. The pattern always matches the whole value (RE2, full match).

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
