// Codes about certificate profiles and their import from other platforms' dialects.
import type { Catalog } from './catalog'

export const profileErrors = {
  PROFILE_NOT_FOUND: 'No profile has this id or name.',
  PROFILE_INVALID: 'The stored profile cannot be read; open and save it again.',
  PROFILE_STALE: 'The profile was changed after it was opened; reload it and apply the edit again.',
  PROFILE_ARCHIVED: 'The profile is archived; unarchive it to use it.',
  PROFILE_NOT_CONVERTIBLE: "The profile cannot be expressed in the remote platform's terms.",
  PATTERN_NOT_LINEAR: 'A profile pattern needs back-references or look-around, which the linear-time engine refuses.',
  UNKNOWN_DIALECT: 'The profile document matches no known dialect; name the dialect.'
} as const satisfies Catalog

export type ProfileErrorCode = keyof typeof profileErrors
