// Finding what the operator named: a CA or profile by id or by name, a certificate by its
// serial (with or without colons; `--ca` settles a serial two CAs happen to share), and
// unlocking a CA with the passphrase from the environment or a file.
import type { Services } from '../main/services'
import type { AuthoritySummary } from '../shared/domain/authority'
import type { CertificateSummary } from '../shared/domain/certificate'
import type { Profile } from '../shared/domain/profile'
import { expectOk, operationError, requireSecret, usageError } from './context'
import { formatSerial } from './parse'

export function resolveAuthority(services: Services, ref: string, option = '--ca'): AuthoritySummary {
  const all = services.authorities.list()
  const byId = all.find((a) => a.id === ref)
  if (byId) return byId
  const byName = all.filter((a) => a.name === ref)
  if (byName.length === 1) return byName[0]!
  const ci = all.filter((a) => a.name.toLowerCase() === ref.toLowerCase())
  if (ci.length === 1) return ci[0]!
  throw operationError('AUTHORITY_NOT_FOUND', `No CA has the id or name "${ref}" (${option}); run \`pkidesk ca list\` to see them.`, option)
}

export function resolveProfile(services: Services, ref: string, option = '--profile'): Profile {
  const byId = services.profiles.get(ref)
  if (byId.ok) return byId.value
  const page = services.profiles.list({ limit: 500, filter: [], sortBy: 'name', sortMode: 'asc', includeArchived: true })
  if (page.ok) {
    const byName = page.value.items.filter((p) => p.name === ref)
    if (byName.length === 1) return byName[0]!
  }
  throw operationError('PROFILE_NOT_FOUND', `No profile has the id or name "${ref}" (${option}); run \`pkidesk profile list\` to see them.`, option)
}

/** Hex digits without leading zero octets: how two spellings of one serial compare. */
function serialKey(serial: string): string {
  return formatSerial(serial).replace(/^(00)+(?=..)/, '')
}

export function resolveCertificate(services: Services, serial: string, caRef?: string): CertificateSummary {
  const authorityId = caRef !== undefined ? resolveAuthority(services, caRef).id : undefined
  const wanted = serialKey(serial)
  const search = wanted.toLowerCase()
  const matches: CertificateSummary[] = []
  let cursor: string | undefined
  do {
    const page = expectOk(
      services.certificates.list({
        search,
        ...(authorityId ? { authorityId } : {}),
        sort: { field: 'createdAt', direction: 'desc' },
        limit: 1000,
        ...(cursor ? { cursor } : {})
      })
    )
    matches.push(...page.items.filter((c) => serialKey(c.serial) === wanted))
    cursor = page.nextCursor ?? undefined
  } while (cursor)
  if (matches.length === 0)
    throw operationError('CERTIFICATE_NOT_FOUND', `No certificate has serial ${formatSerial(serial)}${caRef ? ` under CA "${caRef}"` : ''}; run \`pkidesk cert list\` to see them.`, 'serial')
  if (matches.length > 1)
    throw usageError('SERIAL_AMBIGUOUS', `${matches.length} certificates have serial ${formatSerial(serial)} (issued by different CAs); say which CA with --ca.`, '--ca')
  return matches[0]!
}

/**
 * Makes sure the CA can sign: unlocked already, or unlocked now with the passphrase from
 * PKIDESK_PASSPHRASE / --passphrase-file (keychain-only keys need none).
 */
export async function unlockAuthority(services: Services, ca: AuthoritySummary, passphraseFile: string | undefined, env: NodeJS.ProcessEnv, why: string): Promise<AuthoritySummary> {
  if (ca.unlocked) return ca
  if (!ca.keyId) throw operationError('AUTHORITY_NO_KEY', `The CA "${ca.name}" has no key in this store and cannot sign.`, '--ca')
  const needsPassphrase = ca.keyProtection === 'passphrase' || ca.keyProtection === 'both'
  const passphrase = needsPassphrase ? requireSecret('passphrase', passphraseFile, env, `${why} with the CA "${ca.name}"`) : undefined
  return expectOk(await services.authorities.unlock(ca.id, passphrase))
}
