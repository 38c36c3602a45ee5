// The CA hierarchy: create a root or an intermediate (signed by a CA held here), create an
// intermediate's CSR for an external parent and import its certificate, import an existing
// CA (certificate + key, or PFX), unlock/lock, CRL settings.
//
// Atomicity: a CA signed by a parent held here commits key row + authority + certificate
// row + audit entry in one transaction. A self-signed root (and a CSR for an external parent)
// must be signed by its *own* new key, and the vault gives a Signer only for a saved key, so
// those commit in two steps: (1) key row + authority in state 'pending-certificate' + audit,
// (2) certificate or CSR + audit; if step 2 fails, step 1 is undone (authority and key row
// removed, audited).
import { randomUUID, X509Certificate } from 'node:crypto'
import { AppFailure, attempt, fail, ok, unwrap, type Result } from '../../shared/errors'
import type { EventSink } from '../../shared/ipc/events'
import {
  DEFAULT_CRL_SETTINGS,
  type AuthorityDetail,
  type AuthoritySummary,
  type CreateAuthorityCsrInput,
  type CreateAuthorityInput,
  type CrlSettings,
  type FileInput,
  type ImportAuthorityInput
} from '../../shared/domain/authority'
import type { Store, WriteTx } from '../store/database'
import { appendAudit } from '../store/audit-log'
import {
  activateAuthority,
  authorityChain,
  authorityNameTaken,
  deleteAuthority,
  getAuthority,
  insertAuthority,
  lastIssuedNotAfter,
  listAuthorities,
  setAuthorityCsr,
  setCrlSettings,
  setExtensionUrls,
  type AuthorityRow
} from '../store/authorities-repo'
import { findCertificateBySha256, insertCertificate, isEndEntityKey } from '../store/certificates-repo'
import { saveDeliveredChain } from '../store/chains-repo'
import { checkChain } from '../sync/delivery'
import { buildCertificate, buildCsr, certificateFacts, describeCertificate, dnToText, checkBinaryInput, looksLikePem, pathLengthOf, readPemBlocks, readPkcs7Certificates, toPem, type IssuerInfo } from '../engine'
import type { CertificateTemplate } from '../engine'
import { checkDistinguishedName } from '../engine/names'
import { authorityMayIssue, signingHashFor, signingKeyOfSpec } from '../engine/signing-rules'
import { chainNameConstraints, checkNameConstraintsInput, namesWithinChain } from '../engine/policy'
import type { DistinguishedName } from '../../shared/domain/names'
import type { KeySpec, SignatureHash } from '../../shared/domain/keys'
import type { UnlockOptions, VaultPort } from './vault-service'
import type { TokenKeyInput } from '../../shared/domain/pkcs11'
import type { CustodianInput, CustodianSecret, KeySecrets, PreparedKey } from '../vault'
import { authoritySummary, fileBytes, issuerInfoOf, parseExtensionUrls, recordFromDer, sha256Hex, signedBy, tokenDetails } from './certificate-records'
import { checkExtensionUrls, resolveExtensionUrls, type ExtensionUrls } from '../../shared/domain/extension-urls'

/** Main-side only (CLI, services): the new CA's key is generated on a PKCS#11 token instead of the vault. */
export interface OnToken {
  readonly token?: TokenKeyInput
}

/** A CA whose key is already on a token: its certificate, and the key by label or id. */
export interface AdoptAuthorityInput {
  readonly name: string
  readonly certificate: FileInput
  readonly token: TokenKeyInput
}

export interface AuthoritiesService {
  list(): AuthoritySummary[]
  get(id: string): Result<AuthorityDetail>
  create(input: CreateAuthorityInput & OnToken): Promise<Result<AuthoritySummary>>
  createCsr(input: CreateAuthorityCsrInput & OnToken): Promise<Result<{ authority: AuthoritySummary; csrPem: string }>>
  /**
   * Installs the certificate an external parent issued for a pending CA (PEM, DER or PKCS#7, with
   * or without its chain): it must be for the pending key (CERTIFICATE_KEY_MISMATCH) and a CA
   * certificate (AUTHORITY_NOT_CA); the chain that comes with it must be its issuers
   * (AUTHORITY_CHAIN_INVALID) and is kept for chain exports. One transaction.
   */
  importCertificate(id: string, certificate: FileInput): Promise<Result<AuthoritySummary>>
  /** Removes a CA still waiting for its certificate, with its key (audited): the undo when its CSR could not be delivered. */
  discardPending(id: string, reason: string): Promise<Result<void>>
  import(input: ImportAuthorityInput): Promise<Result<AuthoritySummary>>
  /** Adopts a key already on a PKCS#11 token for a CA certificate (its public key must be the token key's). */
  adopt(input: AdoptAuthorityInput): Promise<Result<AuthoritySummary>>
  /** With the keychain entry, `passphrase`, or — for a custodian-protected key — `custodians` present together. */
  /** `options.rememberPin`: a CA on a token keeps the PIN given in the OS keychain (VaultService.unlock). */
  unlock(id: string, passphrase?: string, custodians?: readonly CustodianSecret[], options?: UnlockOptions): Promise<Result<AuthoritySummary>>
  /** Moves the CA key to M-of-N custodians, or replaces them (see VaultService.setCustodians). */
  setCustodians(id: string, threshold: number, custodians: readonly CustodianInput[], present: KeySecrets): Promise<Result<AuthoritySummary>>
  lock(id: string): Result<AuthoritySummary>
  updateCrlSettings(id: string, settings: CrlSettings): Result<AuthoritySummary>
  /** The CRL distribution point, OCSP and caIssuers URLs placed in what the CA issues (each kind unless the profile sets its own); audited. */
  setUrls(id: string, urls: ExtensionUrls): Result<AuthoritySummary>
  /** For the other services: a CA with its certificate (active, or retired after a re-key), its issuer info. CRL signing uses this. */
  requireActive(id: string): Result<{ row: AuthorityRow; issuer: IssuerInfo; certDer: Uint8Array }>
  /**
   * requireActive, and the CA may issue certificates now: refuses AUTHORITY_REVOKED (its own
   * certificate is revoked here), AUTHORITY_EXPIRED, AUTHORITY_NOT_YET_VALID, AUTHORITY_RETIRED, AUTHORITY_PENDING.
   */
  requireIssuing(id: string): Result<{ row: AuthorityRow; issuer: IssuerInfo; certDer: Uint8Array }>
}

/** RFC 5280 limits on a new CA's subject (countryName, ub-* lengths, string alphabets), as a validation error on `subject`. */
export function checkCaSubject(subject: DistinguishedName): Result<void> {
  const problem = checkDistinguishedName(subject)[0]
  return problem ? fail(problem.code, problem.message, 'subject') : ok(undefined)
}

/** The hash a new CA certificate or CSR is signed with: the signing key's pairing wins for ECDSA. */
function caSigningHash(signingSpec: KeySpec, requested: SignatureHash): { hash: SignatureHash; note?: string } {
  const d = signingHashFor(signingKeyOfSpec(signingSpec), requested, false)
  return d.ok ? { hash: d.hash, ...(d.note ? { note: d.note } : {}) } : { hash: requested }
}

const DAY = 86_400_000

export function createAuthoritiesService(store: Store, vault: VaultPort, emit: EventSink, now: () => Date): AuthoritiesService {
  /** The CA's own certificate row, when the app holds it (its revocation lives there). */
  const read = store.read
  const authority = (id: string): AuthorityRow | null => read((tx) => getAuthority(tx, id))
  const nameTaken = (name: string): boolean => read((tx) => authorityNameTaken(tx, name))
  const ownCertificate = (a: AuthorityRow) => (a.certDer ? read((tx) => findCertificateBySha256(tx, sha256Hex(a.certDer!))) : null)
  const factsOf = (a: AuthorityRow, own = ownCertificate(a)) => ({
    name: a.name,
    state: a.state,
    notBefore: a.notBefore,
    notAfter: a.notAfter,
    revocation: own?.status === 'revoked' ? { revokedAt: own.revokedAt ?? '', reason: own.revocationReason } : null
  })
  const summarize = (a: AuthorityRow): AuthoritySummary => {
    const key = a.keyId ? vault.key(a.keyId) : null
    const own = ownCertificate(a)
    const may = authorityMayIssue(factsOf(a, own), now())
    return {
      ...authoritySummary(a, key, a.keyId ? vault.isUnlocked(a.keyId) : false, own?.id ?? null),
      revoked: own?.status === 'revoked',
      revokedAt: own?.status === 'revoked' ? own.revokedAt : null,
      revocationReason: own?.status === 'revoked' ? own.revocationReason : null,
      canIssue: may.ok,
      cannotIssueReason: may.ok ? null : { code: may.error.code, message: may.error.message },
      crlsNeededUntil: a.state === 'retired' ? read((tx) => lastIssuedNotAfter(tx, a.id, a.certDer ? sha256Hex(a.certDer) : null)) : null,
      custodians: a.keyId ? vault.custodiansOf(a.keyId) : null,
      token: a.keyId ? vault.tokenKeyPlace(a.keyId) : null
    }
  }
  const notFound = (id: string): Result<never> => fail('AUTHORITY_NOT_FOUND', `No certificate authority ${id}: choose one from the list.`, 'authorityId')
  const changed = (): void => {
    emit('changed', { domain: 'authorities' })
    emit('changed', { domain: 'certificates' })
    emit('changed', { domain: 'audit' })
  }

  function requireActive(id: string): Result<{ row: AuthorityRow; issuer: IssuerInfo; certDer: Uint8Array }> {
    const row = authority(id)
    if (!row) return notFound(id)
    // A retired (re-keyed) CA stays here with its certificate: it signs CRLs for what it issued.
    if ((row.state !== 'active' && row.state !== 'retired') || !row.certDer)
      return fail('AUTHORITY_PENDING', `"${row.name}" is pending: it has no certificate yet; install the certificate its parent issued for its CSR first.`, 'authorityId')
    return ok({ row, issuer: issuerInfoOf(row.certDer), certDer: row.certDer })
  }

  function requireIssuing(id: string): Result<{ row: AuthorityRow; issuer: IssuerInfo; certDer: Uint8Array }> {
    const active = requireActive(id)
    if (!active.ok) return active
    const may = authorityMayIssue(factsOf(active.value.row), now())
    return may.ok ? active : may
  }

  /** `parentUrls`: the signing CA's URLs, for each kind the input leaves empty (as for any certificate that CA issues). */
  function caTemplate(input: CreateAuthorityInput, spki: Uint8Array, notBefore: Date, hash: SignatureHash, parentUrls?: ExtensionUrls): CertificateTemplate {
    const urls = resolveExtensionUrls(input, parentUrls)
    return {
      subject: input.subject,
      subjectPublicKeySpki: spki,
      notBefore,
      notAfter: new Date(notBefore.getTime() + input.validityDays * DAY),
      signature: { hash, rsaPss: input.signature.rsaPss },
      basicConstraints: { ca: true, critical: true, ...(input.pathLength !== null ? { pathLength: input.pathLength } : {}) },
      keyUsage: { usages: ['keyCertSign', 'cRLSign'], critical: true },
      ...(urls.crlDistributionPoints.urls.length ? { crlDistributionPoints: urls.crlDistributionPoints.urls } : {}),
      ...(urls.ocspUrls.urls.length || urls.caIssuersUrls.urls.length ? { authorityInfoAccess: { ocsp: urls.ocspUrls.urls, caIssuers: urls.caIssuersUrls.urls } } : {}),
      ...(input.nameConstraints ? { nameConstraints: input.nameConstraints } : {})
    }
  }

  function newRow(id: string, name: string, key: PreparedKey, subject: string, parentId: string | null, createdAt: string): AuthorityRow {
    return {
      id,
      name,
      parentId,
      keyId: key.keyId,
      state: 'pending-certificate',
      certDer: null,
      csrDer: null,
      subject,
      ski: null,
      notBefore: null,
      notAfter: null,
      crlSettings: JSON.stringify(DEFAULT_CRL_SETTINGS),
      nextCrlNumber: 1,
      createdAt
    }
  }

  /** Records a CA certificate: activates the authority and adds its certificates row. */
  function commitCaCertificate(tx: WriteTx, a: { id: string }, certDer: Uint8Array, issuingAuthorityId: string | null, keyId: string | null, at: string): void {
    const view = describeCertificate(certDer)
    activateAuthority(tx, a.id, {
      certDer,
      subject: view.subjectText,
      ski: issuerInfoHex(certDer),
      notBefore: view.notBefore,
      notAfter: view.notAfter,
      parentId: issuingAuthorityId && issuingAuthorityId !== a.id ? issuingAuthorityId : null
    })
    if (!findCertificateBySha256(tx, view.fingerprints.sha256))
      insertCertificate(tx, recordFromDer(certDer, { authorityId: issuingAuthorityId, profileId: null, keyId, source: 'local', createdAt: at }))
  }

  /** Step 1 of a self-signed/CSR flow: key row + pending authority. Returns the undo. */
  function commitPending(id: string, name: string, prepared: PreparedKey, subject: string, action: string): void {
    const at = now().toISOString()
    store.write((tx) => {
      if (authorityNameTaken(tx, name)) throw new AppFailure({ code: 'NAME_TAKEN', message: `A CA named "${name}" already exists: choose another name.`, field: 'name', details: { entity: 'authority' } })
      vault.saveKey(tx, prepared)
      insertAuthority(tx, newRow(id, name, prepared, subject, null, at))
      appendAudit(tx, { action, subject: `authority:${id}`, details: { name, keyId: prepared.keyId, spec: prepared.spec, spkiSha256: prepared.spkiSha256, ...tokenDetails(prepared) } }, now())
    })
  }

  async function undoPending(id: string, keyId: string, reason: string): Promise<void> {
    const finish = store.write((tx) => {
      deleteAuthority(tx, id)
      const f = vault.removeKeyRow(tx, keyId)
      appendAudit(tx, { action: 'authority.create.undone', subject: `authority:${id}`, details: { reason } }, now())
      return f.ok ? f.value : null
    })
    if (finish) await finish()
  }

  async function prepareCaKey(input: Pick<CreateAuthorityInput, 'name' | 'keySpec' | 'protection' | 'passphrase'> & OnToken): Promise<Result<PreparedKey>> {
    const { keySpec: spec, protection, passphrase, token } = input
    if (token) return vault.prepareTokenKey({ module: token.module, token: token.token, pin: token.pin, spec, purpose: 'ca', keyLabel: token.keyLabel ?? `PKI Desk ${input.name}` })
    return vault.prepareKey({ spec, purpose: 'ca', protection, ...(passphrase !== undefined ? { passphrase } : {}) })
  }

  /** An imported or adopted CA key with its certificate: checked against it, then key row + authority + certificate + audit in one transaction. */
  async function commitImported(name: string, prepared: PreparedKey, certDer: Uint8Array, source: string): Promise<Result<AuthoritySummary>> {
    let view
    try {
      view = describeCertificate(certDer)
    } catch {
      await vault.discardKey(prepared)
      return fail('CERTIFICATE_CORRUPT', 'The CA certificate cannot be read.', 'certificate')
    }
    if (view.publicKey.sha256 !== prepared.spkiSha256) {
      await vault.discardKey(prepared)
      return fail('CERTIFICATE_KEY_MISMATCH', 'The key does not belong to the certificate: choose the key file of this CA.', 'key')
    }
    if (!view.isCa) {
      await vault.discardKey(prepared)
      return fail('AUTHORITY_NOT_CA', 'This certificate is not a CA certificate (basicConstraints CA is not true).', 'certificate')
    }
    if (read((tx) => isEndEntityKey(tx, prepared.spkiSha256))) {
      await vault.discardKey(prepared)
      return fail('KEY_USED_BY_END_ENTITY', 'This key was certified for an end entity here; a CA must have a key of its own.', 'key')
    }
    const id = randomUUID()
    const parentId = view.selfSigned ? id : findParentId(certDer)
    const done = await attempt(() =>
      store.write((tx) => {
        const at = now().toISOString()
        vault.saveKey(tx, prepared)
        insertAuthority(tx, newRow(id, name, prepared, view.subjectText, null, at))
        commitCaCertificate(tx, { id }, certDer, parentId, prepared.keyId, at)
        appendAudit(tx, { action: 'authority.import', subject: `authority:${id}`, details: { name, sha256: view.fingerprints.sha256, keyId: prepared.keyId, source, ...tokenDetails(prepared) } }, now())
      })
    )
    if (!done.ok) {
      await vault.discardKey(prepared)
      return done
    }
    changed()
    return ok(summarize(authority(id)!))
  }

  return {
    requireActive,
    requireIssuing,
    list: () => read(listAuthorities).map(summarize),

    get(id) {
      const a = authority(id)
      if (!a) return notFound(id)
      const chain: AuthorityDetail['chain'] = []
      const seen = new Set<string>()
      let cur: AuthorityRow | null = a
      while (cur && !seen.has(cur.id)) {
        seen.add(cur.id)
        chain.push({ authorityId: cur.id, subjectText: cur.subject })
        cur = cur.parentId ? authority(cur.parentId) : null
      }
      return ok({
        ...summarize(a),
        certificatePem: a.certDer ? toPem('CERTIFICATE', a.certDer) : null,
        csrPem: a.csrDer ? toPem('CERTIFICATE REQUEST', a.csrDer) : null,
        chain
      })
    },

    async create(input) {
      if (nameTaken(input.name)) return fail('NAME_TAKEN', `A CA named "${input.name}" already exists: choose another name.`, 'name', { entity: 'authority' })
      const subjectOk = checkCaSubject(input.subject)
      if (!subjectOk.ok) return subjectOk
      const urlsOk = checkExtensionUrls(input)
      if (!urlsOk.ok) return urlsOk
      if (input.nameConstraints) {
        const constraintsOk = checkNameConstraintsInput(input.nameConstraints)
        if (!constraintsOk.ok) return constraintsOk
      }
      const notBefore = input.notBefore ? new Date(input.notBefore) : new Date(Math.floor(now().getTime() / 1000) * 1000)
      let parent: { row: AuthorityRow; issuer: IssuerInfo } | null = null
      let parentSigner = null
      if (input.parentId) {
        const p = requireIssuing(input.parentId)
        if (!p.ok) return p
        parent = p.value
        // From the parent certificate's DER (basicConstraints pathLenConstraint), never from display text.
        const pathLen = pathLengthOf(certificateFacts(p.value.certDer))
        if (pathLen === 0)
          return fail('ISSUER_PATH_LENGTH_EXHAUSTED', `"${p.value.row.name}" has path length 0 and may not sign another CA.`, 'parentId')
        if (pathLen !== null && input.pathLength !== null && input.pathLength >= pathLen)
          return fail('ISSUER_PATH_LENGTH_EXHAUSTED', `The path length must be below the parent's (${pathLen}).`, 'pathLength')
        // The parent's chain binds the new CA's own names (its subject, CN, emailAddress) too.
        const within = namesWithinChain(chainNameConstraints(read((tx) => authorityChain(tx, p.value.row.id))), { subject: input.subject, sans: [] })
        if (!within.ok) return within
        if (!p.value.row.keyId) return fail('AUTHORITY_NO_KEY', `"${p.value.row.name}" has no key in this app and cannot sign.`, 'parentId')
        const s = vault.signer(p.value.row.keyId)
        if (!s.ok) return fail('AUTHORITY_LOCKED', `"${p.value.row.name}" is locked: unlock it, then create the intermediate.`, 'parentId')
        parentSigner = s.value
        const notAfter = new Date(notBefore.getTime() + input.validityDays * DAY)
        if (notAfter > p.value.issuer.notAfter)
          return fail('NOT_AFTER_BEYOND_ISSUER', `The CA would outlive its parent (until ${p.value.issuer.notAfter.toISOString()}): shorten the validity.`, 'validityDays')
      }
      const prepared = await prepareCaKey(input)
      if (!prepared.ok) return prepared
      const key = prepared.value
      const id = randomUUID()
      // The signing key decides the hash: the parent's, or a root's own.
      const signing = caSigningHash(parentSigner ? parentSigner.spec : input.keySpec, input.signature.hash)
      const template = caTemplate(input, key.spki, notBefore, signing.hash, parent ? parseExtensionUrls(parent.row.extensionUrls) : undefined)
      const signingSpec = parentSigner ? parentSigner.spec : input.keySpec
      const eddsa = signingSpec === 'ed25519' || signingSpec === 'ed448'
      const hashDetails = { signatureHash: eddsa ? 'none (EdDSA)' : signing.hash, ...(signing.note ? { signatureHashNote: signing.note } : {}) }
      if (parent && parentSigner) {
        // Signed by a parent held here: everything in one transaction.
        const built = await buildCertificate(template, parent.issuer, parentSigner)
        if (!built.ok) {
          await vault.discardKey(key)
          return built
        }
        const parentId = parent.row.id
        const done = await attempt(() =>
          store.write((tx) => {
            if (authorityNameTaken(tx, input.name)) throw new AppFailure({ code: 'NAME_TAKEN', message: `A CA named "${input.name}" already exists: choose another name.`, field: 'name', details: { entity: 'authority' } })
            const at = now().toISOString()
            vault.saveKey(tx, key)
            insertAuthority(tx, newRow(id, input.name, key, dnToText(input.subject), parentId, at))
            commitCaCertificate(tx, { id }, built.value.der, parentId, key.keyId, at)
            appendAudit(tx, { action: 'authority.create', subject: `authority:${id}`, details: { name: input.name, parentId, keyId: key.keyId, spec: key.spec, serial: built.value.serial, sha256: sha256Hex(built.value.der), ...hashDetails, ...tokenDetails(key), ...signedBy(parentSigner) } }, now())
          })
        )
        if (!done.ok) {
          await vault.discardKey(key)
          return done
        }
        changed()
        return ok(summarize(authority(id)!))
      }
      // Self-signed root: two steps (see the header).
      const pending = await attempt(() => commitPending(id, input.name, key, dnToText(input.subject), 'authority.create.key'))
      if (!pending.ok) {
        await vault.discardKey(key)
        return pending
      }
      const signer = vault.signer(key.keyId)
      const built = signer.ok ? await buildCertificate(template, null, signer.value) : signer
      if (!built.ok) {
        await undoPending(id, key.keyId, built.error.message)
        changed()
        return built
      }
      store.write((tx) => {
        commitCaCertificate(tx, { id }, built.value.der, id, key.keyId, now().toISOString())
        appendAudit(tx, { action: 'authority.create', subject: `authority:${id}`, details: { name: input.name, parentId: null, keyId: key.keyId, serial: built.value.serial, sha256: sha256Hex(built.value.der), ...hashDetails, ...signedBy(signer.ok ? signer.value : null) } }, now())
      })
      changed()
      return ok(summarize(authority(id)!))
    },

    async createCsr(input) {
      if (nameTaken(input.name)) return fail('NAME_TAKEN', `A CA named "${input.name}" already exists: choose another name.`, 'name', { entity: 'authority' })
      const subjectOk = checkCaSubject(input.subject)
      if (!subjectOk.ok) return subjectOk
      const prepared = await prepareCaKey(input)
      if (!prepared.ok) return prepared
      const key = prepared.value
      const id = randomUUID()
      const pending = await attempt(() => commitPending(id, input.name, key, dnToText(input.subject), 'authority.create.key'))
      if (!pending.ok) {
        await vault.discardKey(key)
        return pending
      }
      const signer = vault.signer(key.keyId)
      const csr = signer.ok ? await buildCsr({ subject: input.subject, sans: [], ca: true, hash: caSigningHash(input.keySpec, input.signature.hash).hash, rsaPss: input.signature.rsaPss }, signer.value) : signer
      if (!csr.ok) {
        await undoPending(id, key.keyId, csr.error.message)
        changed()
        return csr
      }
      store.write((tx) => {
        setAuthorityCsr(tx, id, csr.value)
        appendAudit(tx, { action: 'authority.csr', subject: `authority:${id}`, details: { name: input.name, csrSha256: sha256Hex(csr.value), ...signedBy(signer.ok ? signer.value : null) } }, now())
      })
      changed()
      return ok({ authority: summarize(authority(id)!), csrPem: toPem('CERTIFICATE REQUEST', csr.value) })
    },

    async importCertificate(id, certificate) {
      const a = authority(id)
      if (!a) return notFound(id)
      if (a.state !== 'pending-certificate' || !a.keyId) return fail('AUTHORITY_NOT_PENDING', `"${a.name}" is not waiting for a certificate.`, 'authorityId')
      const certs = readInstallable(fileBytes(certificate))
      if (!certs.ok) return certs
      const key = vault.key(a.keyId)
      // The file may hold the chain in any order: the CA's certificate is the one for the pending key.
      const der = key ? certs.value.find((c) => certificateFacts(c).key.spkiSha256 === key.spkiSha256) : undefined
      if (!key || !der) {
        const found = certs.value.map((c) => describeCertificate(c).subjectText).join('; ')
        return fail('CERTIFICATE_KEY_MISMATCH', `No certificate in the file is for the key of "${a.name}"'s request (found: ${found}): install the certificate its parent issued for this CSR.`, 'certificate')
      }
      const facts = certificateFacts(der)
      if (!facts.basicConstraints?.ca)
        return fail('AUTHORITY_NOT_CA', `The certificate for "${a.name}"'s key is not a CA certificate (basicConstraints CA is not true): ask the parent to issue it with a CA profile.`, 'certificate')
      if (facts.keyUsage && !facts.keyUsage.usages.includes('keyCertSign'))
        return fail('AUTHORITY_NOT_CA', `The certificate for "${a.name}"'s key does not allow certificate signing (keyUsage lacks keyCertSign): ask the parent to issue it with keyCertSign and cRLSign.`, 'certificate')
      // What came with it must be its issuers (any order, each signing the one before); they are kept as its chain.
      const chain = checkChain(der, certs.value, `the certificate of "${a.name}"`)
      if (!chain.ok)
        return fail('AUTHORITY_CHAIN_INVALID', `The other certificates in the file are not the issuers of "${a.name}"'s certificate (each must sign the one before): install the certificate alone, or with the chain its parent sent.`, 'certificate')
      const view = describeCertificate(der)
      const parentId = findParentId(der)
      const installed = await attempt(() =>
        store.write((tx) => {
          const current = getAuthority(tx, id)
          if (current?.state !== 'pending-certificate') throw new AppFailure({ code: 'AUTHORITY_NOT_PENDING', message: `"${a.name}" is not waiting for a certificate.`, field: 'authorityId' })
          commitCaCertificate(tx, a, der, parentId, a.keyId, now().toISOString())
          const own = findCertificateBySha256(tx, view.fingerprints.sha256)
          if (own && chain.value.issuers.length) saveDeliveredChain(tx, own.id, chain.value.issuers)
          appendAudit(tx, { action: 'authority.certificate.import', subject: `authority:${id}`, details: { sha256: view.fingerprints.sha256, issuer: view.issuerText, chain: chain.value.issuers.length } }, now())
        })
      )
      if (!installed.ok) return installed
      changed()
      return ok(summarize(authority(id)!))
    },

    async discardPending(id, reason) {
      const a = authority(id)
      if (!a) return notFound(id)
      if (a.state !== 'pending-certificate' || !a.keyId) return fail('AUTHORITY_NOT_PENDING', `"${a.name}" is not waiting for a certificate; it is not discarded.`, 'authorityId')
      await undoPending(id, a.keyId, reason)
      changed()
      return ok(undefined)
    },

    async adopt(input) {
      if (nameTaken(input.name)) return fail('NAME_TAKEN', `A CA named "${input.name}" already exists: choose another name.`, 'name', { entity: 'authority' })
      const certs = readCertificates(fileBytes(input.certificate))
      if (!certs.ok) return certs
      const certDer = certs.value[0]!
      let spki: Uint8Array
      try {
        spki = new Uint8Array(new X509Certificate(Buffer.from(certDer)).publicKey.export({ type: 'spki', format: 'der' }))
      } catch {
        return fail('CERTIFICATE_CORRUPT', 'The CA certificate cannot be read.', 'certificate')
      }
      const { token } = input
      const p = await vault.prepareTokenAdopt({
        module: token.module,
        token: token.token,
        pin: token.pin,
        purpose: 'ca',
        expectedSpki: spki,
        ...(token.keyLabel !== undefined ? { keyLabel: token.keyLabel } : {}),
        ...(token.keyId !== undefined ? { ckaId: token.keyId } : {})
      })
      if (!p.ok) return p
      return commitImported(input.name, p.value, certDer, 'pkcs11')
    },

    async import(input) {
      if (nameTaken(input.name)) return fail('NAME_TAKEN', `A CA named "${input.name}" already exists: choose another name.`, 'name', { entity: 'authority' })
      let prepared: PreparedKey
      let certDer: Uint8Array
      const secrets = input.passphrase !== undefined ? { passphrase: input.passphrase } : {}
      if (input.source.kind === 'pem') {
        const certs = readCertificates(fileBytes(input.source.certificate))
        if (!certs.ok) return certs
        certDer = certs.value[0]!
        const p = await vault.prepareImport({
          data: fileBytes(input.source.key),
          ...(input.source.keyPassword !== undefined ? { filePassphrase: input.source.keyPassword } : {}),
          purpose: 'ca',
          protection: input.protection,
          ...secrets
        })
        if (!p.ok) return p
        prepared = p.value
      } else {
        const p = await vault.preparePfxImport({ data: fileBytes(input.source.pfx), pfxPassword: input.source.pfxPassword, purpose: 'ca', protection: input.protection, ...secrets })
        if (!p.ok) return p
        if (!p.value.key) return fail('PFX_NO_KEY', 'The PFX holds no private key: a CA needs its key to sign.', 'pfx')
        prepared = p.value.key
        const match = p.value.certificates.find((c) => describeCertificate(c).publicKey.sha256 === prepared.spkiSha256)
        if (!match) {
          await vault.discardKey(prepared)
          return fail('CERTIFICATE_KEY_MISMATCH', 'The PFX holds no certificate for its key.', 'pfx')
        }
        certDer = match
      }
      return commitImported(input.name, prepared, certDer, input.source.kind)
    },

    async unlock(id, passphrase, custodians, options) {
      const a = authority(id)
      if (!a) return notFound(id)
      if (!a.keyId) return fail('AUTHORITY_NO_KEY', `"${a.name}" has no key in this app.`, 'authorityId')
      const r = await vault.unlock(a.keyId, passphrase, custodians, options)
      if (!r.ok) return r
      emit('changed', { domain: 'authorities' })
      return ok(summarize(a))
    },

    async setCustodians(id, threshold, custodians, present) {
      const a = authority(id)
      if (!a) return notFound(id)
      if (!a.keyId) return fail('AUTHORITY_NO_KEY', `"${a.name}" has no key in this app.`, 'authorityId')
      const r = await vault.setCustodians(a.keyId, threshold, custodians, present)
      if (!r.ok) return r
      emit('changed', { domain: 'authorities' })
      return ok(summarize(a))
    },

    lock(id) {
      const a = authority(id)
      if (!a) return notFound(id)
      if (a.keyId) unwrap(vault.lock(a.keyId))
      emit('changed', { domain: 'authorities' })
      return ok(summarize(a))
    },

    updateCrlSettings(id, settings) {
      const a = authority(id)
      if (!a) return notFound(id)
      store.write((tx) => {
        setCrlSettings(tx, id, JSON.stringify(settings))
        appendAudit(tx, { action: 'authority.crl-settings', subject: `authority:${id}`, details: { ...settings } }, now())
      })
      emit('changed', { domain: 'authorities' })
      return ok(summarize(authority(id)!))
    },

    setUrls(id, urls) {
      const a = authority(id)
      if (!a) return notFound(id)
      const checked = checkExtensionUrls(urls)
      if (!checked.ok) return checked
      const next: ExtensionUrls = { crlDistributionPoints: [...urls.crlDistributionPoints], ocspUrls: [...urls.ocspUrls], caIssuersUrls: [...urls.caIssuersUrls] }
      store.write((tx) => {
        setExtensionUrls(tx, id, JSON.stringify(next))
        appendAudit(tx, { action: 'authority.urls', subject: `authority:${id}`, details: { name: a.name, before: parseExtensionUrls(a.extensionUrls), after: next } }, now())
      })
      emit('changed', { domain: 'authorities' })
      emit('changed', { domain: 'audit' })
      return ok(summarize(authority(id)!))
    }
  }

  /** The active CA whose SKI is this certificate's AKI keyIdentifier (both read from DER). */
  function findParentId(certDer: Uint8Array): string | null {
    const akiBytes = certificateFacts(certDer).authorityKeyId
    if (!akiBytes) return null
    const aki = Buffer.from(akiBytes).toString('hex')
    const parent = read(listAuthorities).find((x) => x.ski === aki && x.state === 'active')
    return parent?.id ?? null
  }
}

function issuerInfoHex(certDer: Uint8Array): string {
  return Buffer.from(issuerInfoOf(certDer).ski).toString('hex')
}

/** Certificates from a file (PEM blocks labelled CERTIFICATE, or one DER), in order. */
export function readCertificates(bytes: Uint8Array): Result<Uint8Array[]> {
  const pem = looksLikePem(bytes)
  const limits = checkBinaryInput(bytes, pem ? { limit: 'certificateBundleBytes', prefix: 'CERTIFICATE', what: 'The certificate file', field: 'certificate' } : { limit: 'certificateBytes', prefix: 'CERTIFICATE', what: 'The certificate', field: 'certificate' }, !pem)
  if (!limits.ok) return limits
  const text = Buffer.from(bytes).toString('latin1')
  if (pem) {
    const read = readPemBlocks(text)
    if (!read.ok) return read
    const blocks = read.value.filter((b) => b.kind === 'block' && b.label === 'CERTIFICATE')
    if (!blocks.length) return fail('CERTIFICATE_NOT_FOUND', 'The file holds no "BEGIN CERTIFICATE" block: choose the certificate file.', 'certificate')
    const ders = blocks.map((b) => (b as { der: Uint8Array }).der)
    for (const d of ders) {
      const one = checkBinaryInput(d, { limit: 'certificateBytes', prefix: 'CERTIFICATE', what: 'A certificate in the file', field: 'certificate' })
      if (!one.ok) return one
    }
    for (const d of ders) if (!isCertificate(d)) return fail('CERTIFICATE_CORRUPT', 'A certificate in the file cannot be read: the file is damaged.', 'certificate')
    return ok(ders)
  }
  if (!isCertificate(bytes)) return fail('CERTIFICATE_CORRUPT', 'The file is not a certificate (PEM or DER).', 'certificate')
  return ok([bytes])
}

/** What an external parent sends back: readCertificates, or a PKCS#7 bundle (DER, or PEM labelled PKCS7). */
function readInstallable(bytes: Uint8Array): Result<Uint8Array[]> {
  const plain = readCertificates(bytes)
  if (plain.ok || (plain.error.code !== 'CERTIFICATE_NOT_FOUND' && plain.error.code !== 'CERTIFICATE_CORRUPT')) return plain
  const pem = looksLikePem(bytes)
  let der: Uint8Array | null = pem ? null : bytes
  if (pem) {
    const blocks = readPemBlocks(Buffer.from(bytes).toString('latin1'))
    const p7 = blocks.ok ? blocks.value.find((b) => b.kind === 'block' && (b.label === 'PKCS7' || b.label === 'CMS')) : undefined
    der = p7 ? (p7 as { der: Uint8Array }).der : null
  }
  const certs = der ? readPkcs7Certificates(der) : null
  if (!certs?.length || !certs.every(isCertificate)) return plain
  return ok(certs)
}

function isCertificate(der: Uint8Array): boolean {
  try {
    return describeCertificate(der).version > 0
  } catch {
    return false
  }
}
