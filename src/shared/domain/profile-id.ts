// Readable profile ids: derived from the profile's name when it is created ("TLS server (90
// days)" → "tls-server-90-days"), then stable — a rename keeps the id, since certificates,
// CAs' defaults, exports and remote copies name the profile by it. Shared so the editor shows
// the id a new profile will get as the name is typed; main makes it unique.
import { PROFILE_ID_PATTERN } from './profile'

/** Ids derived here stay short enough to read in a table and on a command line. */
export const DERIVED_PROFILE_ID_CHARS = 48

/**
 * The id a name gives: lower case, accents dropped, every run of other characters one dash,
 * at most DERIVED_PROFILE_ID_CHARS characters. A name with no letter or digit in the Latin
 * alphabet (e.g. only Cyrillic) gives 'profile'.
 */
export function profileIdFromName(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, DERIVED_PROFILE_ID_CHARS)
    .replace(/-+$/, '')
  return slug && PROFILE_ID_PATTERN.test(slug) ? slug : 'profile'
}

/** `base`, or `base-2`, `base-3`, … : the first that `taken` does not hold. */
export function uniqueProfileId(base: string, taken: (id: string) => boolean): string {
  if (!taken(base)) return base
  for (let n = 2; ; n++) {
    const id = `${base}-${n}`
    if (!taken(id)) return id
  }
}
