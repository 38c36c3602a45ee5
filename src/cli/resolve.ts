// Finding what the operator named: a CA or profile by id or by name, a certificate by its
// serial (with or without colons; `--ca` settles a serial two CAs happen to share), and
// unlocking a CA with the passphrase from the environment or a file.
import type { Services } from '../main/services'
import type { AuthoritySummary } from '../shared/domain/authority'
import type { CertificateSummary } from '../shared/domain/certificate'
import type { Profile } from '../shared/domain/profile'
import type { AppError } from '../shared/errors'
import { CliError, EXIT_FAILED, SECRET_SOURCES, operationError, readSecret, requireSecret, usageError, type SecretKind } from './context'
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

/**
 * The certificate with this serial: an exact lookup on the serial index, tolerant of leading
 * zeros (`0A3F`, `A3F` and `00:0A:3F` are one INTEGER). `--ca` settles a serial two CAs share.
 */
export function resolveCertificate(services: Services, serial: string, caRef?: string): CertificateSummary {
  const authorityId = caRef !== undefined ? resolveAuthority(services, caRef).id : undefined
  const matches = services.certificates.findBySerial(serial, authorityId)
  if (matches.length === 0)
    throw operationError('CERTIFICATE_NOT_FOUND', `No certificate has serial ${formatSerial(serial)}${caRef ? ` under CA "${caRef}"` : ''}; run \`pkidesk cert list\` to see them.`, 'serial')
  if (matches.length > 1)
    throw usageError('CERTIFICATE_SERIAL_AMBIGUOUS', `${matches.length} certificates have serial ${formatSerial(serial)} (issued by different CAs); say which CA with --ca.`, '--ca')
  return matches[0]!
}

/**
 * Makes sure the CA can sign: unlocked already, or unlocked now with the passphrase from
 * PKIDESK_PASSPHRASE / --passphrase-file (keychain-only keys need none), the custodians'
 * files, or for a key on a token its user PIN from PKIDESK_PKCS11_PIN / --pin-file.
 */
export async function unlockAuthority(
  services: Services,
  ca: AuthoritySummary,
  passphraseFile: string | undefined,
  env: NodeJS.ProcessEnv,
  why: string,
  warn?: (line: string) => void,
  custodianPassphraseFiles: readonly string[] = [],
  pinFile?: string
): Promise<AuthoritySummary> {
  if (ca.unlocked) return ca
  if (!ca.keyId) throw operationError('AUTHORITY_NO_KEY', `The CA "${ca.name}" has no key in this store and cannot sign.`, '--ca')
  if (ca.keyProtection === 'pkcs11') {
    // The key is on a token: unlocking logs the token in with its user PIN, from the
    // environment or --pin-file, else the one the operator chose to remember in the OS keychain.
    const pin = readSecret('pin', pinFile, env, warn)
    const r = await services.authorities.unlock(ca.id, pin)
    if (!r.ok && r.error.code === 'PKCS11_PIN_REQUIRED')
      throw usageError(
        'PKCS11_PIN_REQUIRED',
        `${why} with the CA "${ca.name}" (its key is on a PKCS#11 token) needs the token user PIN: set PKIDESK_PKCS11_PIN or pass --pin-file FILE (no PIN is remembered for it in the OS keychain).`,
        'PKIDESK_PKCS11_PIN'
      )
    const source = pin === undefined ? 'keychain' : pinFile !== undefined ? '--pin-file' : 'PKIDESK_PKCS11_PIN'
    if (!r.ok) throw new CliError({ ...r.error, message: r.error.message.replace(/\bkey [0-9a-f-]{36}\b/gi, `the key of the CA "${ca.name}"`), field: r.error.field === 'pin' ? source : (r.error.field ?? '--ca') }, EXIT_FAILED)
    return r.value
  }
  if (ca.keyProtection === 'custodians') {
    if (custodianPassphraseFiles.length === 0)
      throw usageError('CUSTODIANS_REQUIRED', `${why} with the CA "${ca.name}" needs its custodians: pass --custodian-passphrase-file FILE once for each custodian present.`, '--custodian-passphrase-file')
    const custodians = custodianPassphraseFiles.map((f) => ({ passphrase: readSecret('custodian-passphrase', f, env, warn)! }))
    const r = await services.authorities.unlock(ca.id, undefined, custodians)
    if (!r.ok) throw new CliError({ ...r.error, message: r.error.message.replace(/\bkey [0-9a-f-]{36}\b/gi, `the CA "${ca.name}"`).replace(/^the /, 'The '), field: '--custodian-passphrase-file' }, EXIT_FAILED)
    return r.value
  }
  const needsPassphrase = ca.keyProtection === 'passphrase' || ca.keyProtection === 'both'
  const passphrase = needsPassphrase ? requireSecret('passphrase', passphraseFile, env, `${why} with the CA "${ca.name}"`, warn) : undefined
  const unlocked = await services.authorities.unlock(ca.id, passphrase)
  if (!unlocked.ok) throw new CliError(unlockFailure(unlocked.error, `the CA "${ca.name}"`, passphraseFile), EXIT_FAILED)
  return unlocked.value
}

/**
 * The vault does not know which CA or certificate holds a key; the operator knows the CA by
 * name or the certificate by serial, and gave the passphrase (of `kind`: the CA's, or the
 * certificate's own key's) through a file or the environment. Say it in those terms.
 */
export function unlockFailure(error: AppError, holder: string, passphraseFile: string | undefined, kind: SecretKind = 'passphrase'): AppError {
  const { env, flag } = SECRET_SOURCES[kind]
  const source = passphraseFile !== undefined ? `the passphrase in ${passphraseFile}` : env
  const option = passphraseFile !== undefined ? flag : env
  if (error.code === 'PASSPHRASE_WRONG')
    return { code: error.code, message: `The passphrase is wrong for ${holder}: check ${source}${error.message.includes('keychain') ? ', then its keychain entry' : ''}.`, field: option }
  if (error.code === 'PASSPHRASE_REQUIRED')
    return { code: error.code, message: `${holder.charAt(0).toUpperCase()}${holder.slice(1)} is protected by a passphrase; set ${env} or pass ${flag} FILE.`, field: option }
  const keyOfHolder = holder.startsWith('the key of') ? holder : `the key of ${holder}`
  const message = error.message.replace(/\bkey [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, keyOfHolder).replace(/\bthis key\b/gi, keyOfHolder)
  // A message that began with the key ("Key … is locked") begins with the holder now: keep its capital.
  return { ...error, message: `${message.charAt(0).toUpperCase()}${message.slice(1)}` }
}
