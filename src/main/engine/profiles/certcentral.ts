// DigiCert CertCentral automation profile (seed 000, createProfile) ⇄ the model.
//
// Carried both ways: name, validityPeriod (`1D`…`397D`, `1Y` = 365 days) with the 397-day
// ceiling as maxValidityDays, signatureHash, keySizeAndAlgorithm (RSA 2048/4096/8192, ECC
// P256/P384), organizationId/organizationName, emailAddresses and contacts, autoRenewSettings
// (daysBeforeExpiry, isAutoReplace), isDefault. productType, productName, profileType,
// accountId, divisionId, ctLogOption, customFields, canSignHttpExchangesExtension, caCertId
// and caCertName are kept verbatim in extras.certcentral and sent back. caCertId names a CA
// certificate on the platform: it is a remote value, never a local CA id — the local default
// CA (defaultAuthorityId) is never sent as caCertId (noted); the sync connector may set one.
//
// Not carried: a SHA-1 signatureHash (refused by hash policy; SHA-256 is used). On export the
// automation profile has no subject, SAN, key usage, EKU, CA, extension, URL or policy
// fields (each noted when set); one key size and algorithm is sent; a Time validity and
// validities above 397 days cannot be sent as they are.
import type { Result } from '../../../shared/errors'
import type { ProfileBodyInput } from '../../../shared/domain/profile'
import { documentOf, finish, invalid, isObject, Notes, notCarried, Reader, restoreExtras, wholeDays, type Exported, type ExportSource, type Imported, type Json, type JsonObject } from './common'

const CEILING_DAYS = 397
const REQUIRED = ['productType', 'organizationName', 'divisionId', 'accountId'] as const

export function fromCertCentral(input: unknown): Result<Imported> {
  const checked = documentOf('certcentral', input)
  if (!checked.ok) return checked
  const json = checked.value
  const r = new Reader(json)
  const notes = new Notes()
  const remoteId = r.str('id')
  const body: ProfileBodyInput = { name: r.str('name') ?? '' }
  body.maxValidityDays = CEILING_DAYS

  const vp = r.str('validityPeriod')
  if (vp !== undefined) {
    const m = /^(\d+)\s*([DY])$/i.exec(vp.trim())
    if (!m) return invalid('certcentral', 'validityPeriod', `must be a number of days or years such as 397D or 1Y (${vp})`)
    const days = Number(m[1]) * (m[2]!.toUpperCase() === 'Y' ? 365 : 1)
    if (days > CEILING_DAYS) return invalid('certcentral', 'validityPeriod', `is ${days} days; CertCentral allows at most ${CEILING_DAYS}`)
    body.validity = { type: 'Duration', duration: m[2]!.toUpperCase() === 'Y' ? `${m[1]}y` : `${m[1]}d` }
  } else notes.add('defaulted', 'validityPeriod', 'No validityPeriod; the model default of 90 days applies.')

  const hash = r.str('signatureHash')
  if (hash !== undefined) {
    const h = hash.toLowerCase().replace(/[-_]/g, '')
    if (h === 'sha256' || h === 'sha384' || h === 'sha512') body.signature = { hash: `SHA-${h.slice(3)}` as 'SHA-256' }
    else if (h === 'sha1' || h === 'md5') notes.add('approximated', 'signatureHash', `${hash} is refused by hash policy; SHA-256 is used.`)
    else return invalid('certcentral', 'signatureHash', `is not a known hash type (${hash})`)
  }

  const ka = r.str('keySizeAndAlgorithm')
  if (ka !== undefined) {
    const m = /^(RSA|ECC)\s*P?(\d+)$/i.exec(ka.trim())
    if (!m) return invalid('certcentral', 'keySizeAndAlgorithm', `must be one of RSA 2048, RSA 4096, RSA 8192, ECC P256, ECC P384 (${ka})`)
    if (m[1]!.toUpperCase() === 'RSA') body.crypto = { enabled: true, allowRsa: true, rsaKeySizes: [Number(m[2])], allowEcdsa: false }
    else {
      if (m[2] !== '256' && m[2] !== '384') return invalid('certcentral', 'keySizeAndAlgorithm', `names an unsupported curve (${ka})`)
      body.crypto = { enabled: true, allowRsa: false, allowEcdsa: true, ecdsaCurves: [`P-${m[2]}` as 'P-256'] }
    }
  }

  const orgId = r.num('organizationId')
  const orgName = r.str('organizationName')
  if (orgId !== undefined || orgName !== undefined) body.organization = { ...(orgId !== undefined ? { id: orgId } : {}), ...(orgName !== undefined ? { name: orgName } : {}) }

  const contacts: NonNullable<ProfileBodyInput['contacts']> = []
  const emails = r.str('emailAddresses')
  if (emails) for (const e of emails.split(/[,;\s]+/).filter(Boolean)) contacts.push({ email: e })
  for (const [i, c] of (r.arr('contacts') ?? []).entries()) {
    if (!isObject(c)) return invalid('certcentral', `contacts[${i}]`, 'must be an object')
    contacts.push({
      ...(typeof c.contactId === 'number' ? { id: c.contactId } : {}),
      ...(typeof c.contactType === 'string' ? { type: c.contactType } : {}),
      ...(typeof c.contactName === 'string' ? { name: c.contactName } : {})
    })
  }
  if (contacts.length) body.contacts = contacts

  const ar = r.obj('autoRenewSettings')
  if (ar) {
    const days = ar.num('daysBeforeExpiry')
    body.renewal = { ...(days !== undefined ? { windowDays: days } : {}), autoReplace: ar.bool('isAutoReplace') ?? false, automated: true }
  }
  const isDefault = r.bool('isDefault')
  if (isDefault !== undefined) body.isDefault = isDefault
  r.use('id')
  body.extras = { certcentral: r.leftovers() }
  // CertCentral automation issues TLS server certificates.
  body.extendedKeyUsages = ['1.3.6.1.5.5.7.3.1']
  body.san = { includeCommonName: true }
  // Publicly trusted TLS: the CA/Browser Forum rules stay errors.
  body.lintLevel = 'public-tls'
  notes.add('defaulted', 'productType', 'CertCentral automation profiles issue publicly trusted TLS server certificates: serverAuth, CN copied into the SANs, 397-day ceiling, lint level public-tls.')
  return finish('certcentral', body, notes, remoteId)
}

export function toCertCentral(profile: ExportSource): Exported {
  const notes = new Notes()
  const json: JsonObject = { name: profile.name }
  const days = wholeDays(profile)
  if (days === undefined) notes.add('dropped', 'validity', 'CertCentral validityPeriod is whole days or years; this validity cannot be sent.')
  else if (days > CEILING_DAYS) {
    json.validityPeriod = `${CEILING_DAYS}D`
    notes.add('approximated', 'validity', `${days} days exceed CertCentral's ${CEILING_DAYS}-day maximum; ${CEILING_DAYS}D is sent.`)
  } else json.validityPeriod = profile.validity.type === 'Duration' && /^\d+y$/.test(profile.validity.duration) ? profile.validity.duration.toUpperCase() : `${days}D`
  json.signatureHash = profile.signature.hash.replace('-', '').toLowerCase()
  if (profile.signature.rsaPss) notes.add('dropped', 'signature.rsaPss', 'CertCentral has no RSA-PSS choice; it is not exported.')
  const c = profile.crypto
  if (c.enabled) {
    const rsa = c.allowRsa ? c.rsaKeySizes.find((s) => s === 2048 || s === 4096 || s === 8192) : undefined
    const ec = c.allowEcdsa ? c.ecdsaCurves.find((cv) => cv === 'P-256' || cv === 'P-384') : undefined
    if (rsa !== undefined) json.keySizeAndAlgorithm = `RSA ${rsa}`
    else if (ec !== undefined) json.keySizeAndAlgorithm = `ECC ${ec.replace('-', '')}`
    const allowed = (c.allowRsa ? c.rsaKeySizes.length : 0) + (c.allowEcdsa ? c.ecdsaCurves.length : 0)
    if (allowed > 1 || (rsa === undefined && ec === undefined))
      notes.add('approximated', 'crypto', `CertCentral names one key size and algorithm; ${String(json.keySizeAndAlgorithm ?? 'none')} is sent.`)
  }
  if (profile.organization?.id !== undefined) json.organizationId = profile.organization.id
  if (profile.organization?.name !== undefined) json.organizationName = profile.organization.name
  const emails = profile.contacts.filter((x) => x.email && x.id === undefined && x.type === undefined && x.name === undefined).map((x) => x.email!)
  if (emails.length) json.emailAddresses = emails.join(',')
  const others = profile.contacts.filter((x) => !(x.email && x.id === undefined && x.type === undefined && x.name === undefined))
  if (others.length)
    json.contacts = others.map((x) => ({ ...(x.id !== undefined ? { contactId: x.id } : {}), ...(x.type ? { contactType: x.type } : {}), ...(x.name ? { contactName: x.name } : {}) }))
  if (profile.renewal.windowDays !== undefined || profile.renewal.autoReplace || profile.renewal.automated)
    json.autoRenewSettings = { ...(profile.renewal.windowDays !== undefined ? { daysBeforeExpiry: profile.renewal.windowDays } : {}), isAutoReplace: profile.renewal.autoReplace }
  json.isDefault = profile.isDefault
  restoreExtras(json, profile.extras.certcentral as Record<string, Json> | undefined)
  if (profile.defaultAuthorityId)
    notes.add(
      'dropped',
      'defaultAuthorityId',
      `The default CA "${profile.defaultAuthorityId}" is a CA of this desk, not a CertCentral CA certificate id; it is not sent as caCertId${json.caCertId !== undefined ? ` (the remote caCertId ${JSON.stringify(json.caCertId)} kept with the profile is)` : '; set the remote caCertId on the connector'}.`
    )
  for (const k of REQUIRED)
    if (json[k] === undefined) notes.add('missing', k, `CertCentral requires ${k}; the profile has none, so set it before sending.`)
  notCarried(
    profile,
    notes,
    [
      'lintLevel', 'maxValidityDays', 'keyUsageCritical', 'extendedKeyUsages', 'extendedKeyUsageCritical', 'allowedExtensionOids', 'san.fromCsr',
      'description',
      'issuerCeiling',
      'allowValidityOverride',
      'signAsCa',
      'pathLength',
      'honorKeyUsage',
      'keyUsage',
      'honorExtendedKeyUsages',
      'honorSubject',
      'subjectAttributes',
      'san.dnsPatterns',
      'san.ipCidrs',
      'san.emailDomains',
      'san.uriPrefixes',
      'san.maxCount',
      'san.rules',
      'honorExtensions',
      'crlDistributionPoints',
      'ocspUrls',
      'caIssuersUrls',
      'certificatePolicies',
      'blockPrivateKeyExport'
    ],
    'CertCentral'
  )
  return { json, notes: notes.list }
}
