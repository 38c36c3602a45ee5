// A strength hint for passphrases: a rough entropy estimate from length and character
// classes. A hint, not a gate: main enforces the minimum length.

export interface Strength {
  readonly score: 0 | 1 | 2 | 3
  readonly label: 'too short' | 'weak' | 'fair' | 'strong'
  readonly bits: number
}

export function passphraseStrength(p: string, minLength = 12): Strength {
  let pool = 0
  if (/[a-z]/.test(p)) pool += 26
  if (/[A-Z]/.test(p)) pool += 26
  if (/[0-9]/.test(p)) pool += 10
  if (/[^A-Za-z0-9]/.test(p)) pool += 33
  // Repeated characters add little: count distinct characters beyond the first few.
  const distinct = new Set(p).size
  const effective = Math.min(p.length, distinct + Math.floor((p.length - distinct) / 3))
  const bits = Math.round(effective * Math.log2(Math.max(pool, 1)))
  if (p.length < minLength) return { score: 0, label: 'too short', bits }
  if (bits < 60) return { score: 1, label: 'weak', bits }
  if (bits < 80) return { score: 2, label: 'fair', bits }
  return { score: 3, label: 'strong', bits }
}
