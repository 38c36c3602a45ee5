// Turning DER into the rows and DTOs the stores and screens use, shared by the authority,
// issuance and certificate services. The DER stays the truth; these are views.
import 'reflect-metadata'
import { createHash } from 'node:crypto'
import { AsnConvert } from '@peculiar/asn1-schema'
import { Certificate } from '@peculiar/asn1-x509'
import { certificateFacts, describeCertificate, generalNameText, pathLengthOf, commonName as cnOf } from '../engine'
import type { GeneralSubtreeFact, IssuerInfo } from '../engine'
import type { CertificateSummary, RevocationReason } from '../../shared/domain/certificate'
import type { CertificateRow, NewCertificateRow } from '../store/certificates-repo'
import type { AuthorityRow } from '../store/authorities-repo'
import { DEFAULT_CRL_SETTINGS, crlSettings as crlSettingsSchema, type AuthoritySummary, type CrlSettings } from '../../shared/domain/authority'
import { extensionUrls, NO_EXTENSION_URLS, type ExtensionUrls } from '../../shared/domain/extension-urls'
import type { KeyRef, PreparedKey, Signer } from '../vault'
import { fail, type Result } from '../../shared/errors'
import type { ReadTx } from '../store/database'
import { getProfileRow } from '../store/profiles-repo'

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

export function recordFromDer(
  der: Uint8Array,
  v: { authorityId: string | null; profileId: string | null; keyId: string | null; source: string; createdAt: string }
): NewCertificateRow {
  const view = describeCertificate(der)
  return {
    authorityId: v.authorityId,
    profileId: v.profileId,
    keyId: v.keyId,
    serial: view.serial,
    der,
    subject: view.subjectText,
    issuer: view.issuerText,
    sans: view.sans.map(generalNameText).join('\n'),
    notBefore: view.notBefore,
    notAfter: view.notAfter,
    sha256: view.fingerprints.sha256,
    spkiSha256: view.publicKey.sha256,
    source: v.source,
    isCa: view.isCa,
    createdAt: v.createdAt
  }
}

export function issuerInfoOf(certDer: Uint8Array): IssuerInfo {
  const cert = AsnConvert.parse(certDer, Certificate)
  const tbs = cert.tbsCertificate
  const ski = certificateFacts(certDer).subjectKeyId ?? new Uint8Array(0)
  return { subjectDer: new Uint8Array(AsnConvert.serialize(tbs.subject)), ski, notAfter: tbs.validity.notAfter.getTime() }
}

export function parseCrlSettings(json: string): CrlSettings {
  const r = crlSettingsSchema.safeParse({ ...DEFAULT_CRL_SETTINGS, ...(JSON.parse(json) as object) })
  return r.success ? r.data : DEFAULT_CRL_SETTINGS
}

/** The URLs a CA places in what it issues (stored JSON; a damaged value reads as none). */
export function parseExtensionUrls(json: string | undefined): ExtensionUrls {
  if (!json) return NO_EXTENSION_URLS
  try {
    const r = extensionUrls.safeParse(JSON.parse(json))
    return r.success ? r.data : NO_EXTENSION_URLS
  } catch {
    return NO_EXTENSION_URLS
  }
}

/** What policy needs of a CA's URLs: the set, and the CA's name for the preview's "set on the CA". */
export function issuerUrlsOf(a: AuthorityRow): ExtensionUrls & { authorityName: string } {
  return { ...parseExtensionUrls(a.extensionUrls), authorityName: a.name }
}

export function authoritySummary(a: AuthorityRow, key: KeyRef | null, unlocked: boolean, certificateId: number | null): AuthoritySummary {
  let pathLength: number | null = null
  let selfSigned = false
  let identity: Pick<AuthoritySummary, 'serial' | 'sha256' | 'issuerText' | 'nameConstraints'> = { serial: null, sha256: null, issuerText: null, nameConstraints: null }
  if (a.certDer) {
    const view = describeCertificate(a.certDer)
    const facts = certificateFacts(a.certDer)
    selfSigned = view.selfSigned
    pathLength = pathLengthOf(facts)
    const nc = facts.nameConstraints
    identity = {
      serial: view.serial.toUpperCase(),
      sha256: view.fingerprints.sha256,
      issuerText: view.issuerText,
      nameConstraints: nc ? { critical: nc.critical, permitted: nc.permitted.map(subtreeText), excluded: nc.excluded.map(subtreeText) } : null
    }
  }
  return {
    id: a.id,
    name: a.name,
    parentId: a.parentId,
    state: a.state,
    subjectText: a.subject,
    selfSigned,
    keyId: a.keyId,
    keySpec: key?.spec ?? null,
    keyProtection: key?.protection ?? null,
    unlocked,
    notBefore: a.notBefore,
    notAfter: a.notAfter,
    ski: a.ski,
    pathLength,
    certificateId,
    crlSettings: parseCrlSettings(a.crlSettings),
    nextCrlNumber: a.nextCrlNumber,
    urls: parseExtensionUrls(a.extensionUrls),
    createdAt: a.createdAt,
    ...identity,
    successorId: a.successorId ?? null
  }
}

const SUBTREE_FORM: Record<GeneralSubtreeFact['base']['form'], string> = {
  dns: 'DNS',
  email: 'email',
  uri: 'URI',
  ip: 'IP',
  directoryName: 'dirName',
  otherName: 'otherName',
  registeredID: 'registeredID',
  x400Address: 'x400Address',
  ediPartyName: 'ediPartyName'
}

/** One subtree of a name constraint as the screens show it: "DNS example.com", "IP 10.0.0.0/8". */
function subtreeText(s: GeneralSubtreeFact): string {
  return `${SUBTREE_FORM[s.base.form]} ${s.base.value}`
}

export function certificateSummary(r: CertificateRow, now: Date): CertificateSummary {
  const expired = r.status === 'issued' && r.notAfter < now.toISOString()
  const cn = /(?:^|, )CN=((?:\\.|[^,\\])*)/.exec(r.subject)?.[1]?.replace(/\\(.)/g, '$1') ?? ''
  return {
    id: r.id,
    authorityId: r.authorityId,
    profileId: r.profileId,
    serial: r.serial,
    subjectText: r.subject,
    commonName: cn,
    issuerText: r.issuer,
    sans: r.sans ? r.sans.split('\n') : [],
    notBefore: r.notBefore,
    notAfter: r.notAfter,
    status: r.status === 'revoked' ? 'revoked' : expired ? 'expired' : 'issued',
    revokedAt: r.revokedAt,
    revocationReason: (r.revocationReason as RevocationReason | null) ?? null,
    sha256: r.sha256,
    hasKey: r.keyId !== null,
    isCa: r.isCa,
    source: r.source,
    createdAt: r.createdAt,
    renewalOf: r.renewalOf,
    renewedBy: r.renewedBy
  }
}

export { cnOf }

/** Bytes from a fileInput: PEM text as UTF-8, base64 decoded. */
export function fileBytes(f: { encoding: 'pem' | 'base64'; data: string }): Uint8Array {
  return f.encoding === 'pem' ? new Uint8Array(Buffer.from(f.data, 'utf8')) : new Uint8Array(Buffer.from(f.data, 'base64'))
}

/**
 * The name of the profile that issued this certificate when that profile blocks private key
 * export (blockPrivateKeyExport, Palo Alto's is_block_private_key), else null: then no PFX
 * with the key and no key export, in the app and the CLI.
 */
export function keyExportBlockedBy(tx: ReadTx, row: Pick<CertificateRow, 'profileId'>): string | null {
  if (!row.profileId) return null
  const p = getProfileRow(tx, row.profileId)
  if (!p) return null
  try {
    const body = JSON.parse(p.body) as { blockPrivateKeyExport?: unknown }
    return body.blockPrivateKeyExport === true ? p.name : null
  } catch {
    return null
  }
}

/** The coded refusal of a key export under such a profile. */
export function keyExportBlocked(row: Pick<CertificateRow, 'serial'>, profileName: string, field: string): Result<never> {
  return fail(
    'PRIVATE_KEY_EXPORT_BLOCKED',
    `Certificate ${row.serial.toUpperCase()} was issued under profile "${profileName}", which blocks private key export: its key stays in PKI Desk. Export the certificate without the key (a PFX without it, --no-key in the CLI).`,
    field
  )
}

/** For a signature made on a token: which token and key signed (the audit trail records it with every signature). */
export function signedBy(signer: Pick<Signer, 'origin'> | null): { signedOnToken?: { serial: string; label: string; keyId: string } } {
  return signer?.origin ? { signedOnToken: { serial: signer.origin.tokenSerial, label: signer.origin.tokenLabel, keyId: signer.origin.tokenKeyId } } : {}
}

/** The token and key id of a new token CA key (its row's reference), for the audit entry; nothing for a vault key. */
export function tokenDetails(prepared: PreparedKey): Record<string, string> {
  if (prepared.protection !== 'pkcs11') return {}
  const t = JSON.parse(prepared.envelope) as { tokenSerial: string; tokenLabel: string; ckaId: string; keyLabel: string }
  return { tokenSerial: t.tokenSerial, tokenLabel: t.tokenLabel, tokenKeyId: t.ckaId, tokenKeyLabel: t.keyLabel }
}
