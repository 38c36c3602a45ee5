// A CA's next certificate: renewal (same key, new validity) and re-key (new key, same name).
//
// Data model. A renewal replaces the certificate of the CA's row: the id, key, CRL counter
// and everything it issued stay; the previous CA certificate stays in `certificates` (leaves
// issued before chain to either, same subject and key). A re-key gives the new key and
// certificate a row of their own under the CA's name, and retires the old row — renamed
// "NAME (key N)", linked to its successor: it keeps its id, its certificate and what it issued,
// issues nothing more, and goes on signing CRLs for its certificates (one CRL number sequence
// per CA name, see certificates-service). Intermediates it signed stay under it until renewed,
// which moves them under the successor.
//
// Atomicity: the new certificate is signed before anything is written, then the row change,
// the certificate row and the audit entries commit in one transaction that first checks the CA
// still has the certificate it was read with (AUTHORITY_CHANGED otherwise). A root's re-key
// is signed by its own new key, which the vault gives a Signer for only once saved: its key
// row is committed first (audited), and removed again (audited) if signing or the final
// transaction fails.
import { randomUUID } from 'node:crypto'
import { AppFailure, attempt, fail, ok, type Result } from '../../shared/errors'
import type { EventSink } from '../../shared/ipc/events'
import type { AuthoritySummary, RekeyAuthorityInput, RenewAuthorityInput } from '../../shared/domain/authority'
import type { KeySpec, SignatureHash } from '../../shared/domain/keys'
import type { Store, WriteTx } from '../store/database'
import { appendAudit } from '../store/audit-log'
import { activateAuthority, authorityNameTaken, currentAuthorityId, getAuthority, insertAuthority, linkSuccessor, replaceAuthorityCertificate, retireAuthority, setExtensionUrls, type AuthorityRow } from '../store/authorities-repo'
import { findCertificateBySha256, insertCertificate } from '../store/certificates-repo'
import { buildCertificate, certificateFacts, describeCertificate, pathLengthOf, type BuiltCertificate, type IssuerInfo, type Signer } from '../engine'
import { successorTemplate } from '../engine/ca-successor'
import { pairedHash, signingHashFor, signingKeyOfSpec } from '../engine/signing-rules'
import type { PreparedKey } from '../vault'
import type { AuthoritiesService, OnToken } from './authorities-service'
import type { VaultPort } from './vault-service'
import { recordFromDer, sha256Hex, tokenDetails } from './certificate-records'

export interface CaLifecycleService {
  renew(input: RenewAuthorityInput): Promise<Result<AuthoritySummary>>
  /** The new CA under the name, and the retired one that keeps signing CRLs for what it issued. */
  /** `input.token` (main side only: CLI, services): the new key is generated on that PKCS#11 token, not in the vault. */
  rekey(input: RekeyAuthorityInput & OnToken): Promise<Result<{ authority: AuthoritySummary; retired: AuthoritySummary }>>
}

const DAY = 86_400_000
const NAME_MAX = 200

/** Who signs the next certificate: the CA itself (a root), or its parent held here. */
type Signing = { readonly parent: null } | { readonly parent: AuthorityRow; readonly signer: Signer; readonly issuer: IssuerInfo }

export function createCaLifecycleService(store: Store, vault: VaultPort, authorities: AuthoritiesService, emit: EventSink, now: () => Date): CaLifecycleService {
  const read = store.read
  const summary = (id: string): AuthoritySummary => authorities.list().find((a) => a.id === id)!
  const changed = (): void => {
    emit('changed', { domain: 'authorities' })
    emit('changed', { domain: 'certificates' })
    emit('changed', { domain: 'audit' })
  }

  /** The CA to renew or re-key: active, with its certificate and its key here. */
  function current(id: string, action: 'renew' | 're-key'): Result<{ row: AuthorityRow; certDer: Uint8Array }> {
    const row = read((tx) => getAuthority(tx, id))
    if (!row) return fail('AUTHORITY_NOT_FOUND', `No certificate authority ${id}: choose one from the list.`, 'authorityId')
    if (row.state === 'retired') {
      const successor = row.successorId ? read((tx) => getAuthority(tx, currentAuthorityId(tx, row.successorId!))) : null
      return fail('AUTHORITY_RETIRED', `"${row.name}" is retired${successor ? ` (re-keyed: "${successor.name}" replaced it)` : ''}; ${action} ${successor ? `"${successor.name}"` : 'the CA that replaced it'} instead.`, 'authorityId')
    }
    if (row.state !== 'active' || !row.certDer)
      return fail('AUTHORITY_PENDING', `"${row.name}" has no certificate yet: install its certificate before you ${action} it.`, 'authorityId')
    if (!row.keyId) return fail('AUTHORITY_NO_KEY', `"${row.name}" has no key in this app, so it cannot be ${action === 'renew' ? 'renewed' : 're-keyed'} here.`, 'authorityId')
    return ok({ row, certDer: row.certDer })
  }

  /**
   * Who signs the next certificate: a root itself; an intermediate its parent, or the CA that
   * replaced the parent when that was re-keyed. An intermediate whose parent is not held here
   * cannot be renewed here.
   */
  function signingFor(row: AuthorityRow, certDer: Uint8Array): Result<Signing> {
    const facts = certificateFacts(certDer)
    const ownKeyId = (id: Uint8Array | null): boolean => !id || !facts.subjectKeyId || Buffer.compare(Buffer.from(id), Buffer.from(facts.subjectKeyId)) === 0
    if (facts.selfIssued && ownKeyId(facts.authorityKeyId)) return ok({ parent: null })
    if (!row.parentId || row.parentId === row.id)
      return fail('AUTHORITY_PARENT_EXTERNAL', `"${row.name}" was signed by ${describeCertificate(certDer).issuerText}, a CA outside PKI Desk: send that CA a request for the new certificate.`, 'authorityId')
    const parentId = read((tx) => currentAuthorityId(tx, row.parentId!))
    const p = authorities.requireIssuing(parentId)
    if (!p.ok) return { ok: false, error: { ...p.error, field: 'parentId' } }
    const parent = p.value.row
    if (pathLengthOf(certificateFacts(p.value.certDer)) === 0)
      return fail('ISSUER_PATH_LENGTH_EXHAUSTED', `"${parent.name}" has path length 0 and may not sign a CA certificate.`, 'parentId')
    if (!parent.keyId) return fail('AUTHORITY_NO_KEY', `"${parent.name}" has no key in this app and cannot sign "${row.name}".`, 'parentId')
    const s = vault.signer(parent.keyId)
    if (!s.ok) return fail('AUTHORITY_LOCKED', `"${parent.name}" signs "${row.name}" and is locked: unlock it, then try again.`, 'parentId')
    return ok({ parent, signer: s.value, issuer: p.value.issuer })
  }

  /** From now (whole seconds) for the days asked, or as long as the current certificate. */
  function validity(certDer: Uint8Array, days: number | undefined, issuer: IssuerInfo | null, parent: AuthorityRow | null): Result<{ notBefore: Date; notAfter: Date }> {
    const notBefore = new Date(Math.floor(now().getTime() / 1000) * 1000)
    const facts = certificateFacts(certDer)
    const span = days !== undefined ? days * DAY : facts.notAfter.getTime() - facts.notBefore.getTime()
    const notAfter = new Date(notBefore.getTime() + span)
    if (issuer && parent && notAfter > issuer.notAfter)
      return fail('NOT_AFTER_BEYOND_ISSUER', `The certificate would outlive "${parent.name}" (until ${issuer.notAfter.toISOString()}): give a shorter validity.`, 'validityDays')
    return ok({ notBefore, notAfter })
  }

  function signatureOf(signerSpec: KeySpec, input: RenewAuthorityInput): { hash: SignatureHash; rsaPss: boolean; note?: string } {
    const requested = input.signature?.hash ?? pairedHash(signingKeyOfSpec(signerSpec)) ?? 'SHA-256'
    const d = signingHashFor(signingKeyOfSpec(signerSpec), requested, false)
    const rsaPss = (input.signature?.rsaPss ?? false) && signerSpec.startsWith('rsa')
    return d.ok ? { hash: d.hash, rsaPss, ...(d.note ? { note: d.note } : {}) } : { hash: requested, rsaPss }
  }

  /** The next free "NAME (key N)" for a retired CA. */
  function retiredName(tx: WriteTx, name: string): string {
    for (let n = 1; ; n++) {
      const suffix = ` (key ${n})`
      const candidate = `${name.slice(0, NAME_MAX - suffix.length)}${suffix}`
      if (!authorityNameTaken(tx, candidate)) return candidate
    }
  }

  const eddsa = (spec: KeySpec): boolean => spec === 'ed25519' || spec === 'ed448'
  const hashDetails = (spec: KeySpec, sig: ReturnType<typeof signatureOf>) => ({ signatureHash: eddsa(spec) ? 'none (EdDSA)' : sig.hash, ...(sig.note ? { signatureHashNote: sig.note } : {}) })

  function changedMeanwhile(name: string): never {
    throw new AppFailure({ code: 'AUTHORITY_CHANGED', message: `"${name}" was renewed or re-keyed meanwhile: nothing was saved; look at it again and retry.`, field: 'authorityId' })
  }

  return {
    async renew(input) {
      const cur = current(input.authorityId, 'renew')
      if (!cur.ok) return cur
      const { row, certDer } = cur.value
      const record = read((tx) => findCertificateBySha256(tx, sha256Hex(certDer)))
      if (record?.status === 'revoked')
        return fail('AUTHORITY_REVOKED', `The certificate of "${row.name}" is revoked (${record.revocationReason ?? 'unspecified'}): a renewal would certify its key again; re-key it instead.`, 'authorityId')
      const keyId = row.keyId!
      const signing = signingFor(row, certDer)
      if (!signing.ok) return signing
      const by = signing.value
      let signer: Signer
      if (by.parent) signer = by.signer
      else {
        const own = vault.signer(keyId)
        if (!own.ok) return fail('AUTHORITY_LOCKED', `"${row.name}" signs its own renewal and is locked: unlock it, then try again.`, 'authorityId')
        signer = own.value
      }
      const issuer = by.parent ? by.issuer : null
      const parent = by.parent
      const dates = validity(certDer, input.validityDays, issuer, parent)
      if (!dates.ok) return dates
      const sig = signatureOf(signer.spec, input)
      const template = successorTemplate(certDer, { subjectPublicKeySpki: vault.key(keyId)!.spki, ...dates.value, signature: { hash: sig.hash, rsaPss: sig.rsaPss } })
      const built = await buildCertificate(template, issuer, signer)
      if (!built.ok) return built
      const der = built.value.der
      const view = describeCertificate(der)
      const issuingId = parent ? parent.id : row.id
      const done = await attempt(() =>
        store.write((tx) => {
          const at = now().toISOString()
          const replaced = replaceAuthorityCertificate(tx, row.id, certDer, {
            certDer: der,
            subject: view.subjectText,
            ski: Buffer.from(built.value.ski).toString('hex'),
            notBefore: view.notBefore,
            notAfter: view.notAfter,
            parentId: parent ? parent.id : row.parentId
          })
          if (!replaced) changedMeanwhile(row.name)
          insertCertificate(tx, recordFromDer(der, { authorityId: issuingId, profileId: null, keyId, source: 'local', createdAt: at }))
          appendAudit(
            tx,
            {
              action: 'authority.renew',
              subject: `authority:${row.id}`,
              details: {
                name: row.name,
                serial: built.value.serial,
                sha256: view.fingerprints.sha256,
                notBefore: view.notBefore,
                notAfter: view.notAfter,
                previousSerial: describeCertificate(certDer).serial,
                previousSha256: sha256Hex(certDer),
                signedBy: parent ? parent.id : row.id,
                ...hashDetails(signer.spec, sig)
              }
            },
            now()
          )
        })
      )
      if (!done.ok) return done
      changed()
      return ok(summary(row.id))
    },

    async rekey(input) {
      const cur = current(input.authorityId, 're-key')
      if (!cur.ok) return cur
      const { row, certDer } = cur.value
      const oldKey = vault.key(row.keyId!)
      const signing = signingFor(row, certDer)
      if (!signing.ok) return signing
      const by = signing.value
      const { token } = input
      const prepared = token
        ? await vault.prepareTokenKey({ module: token.module, token: token.token, pin: token.pin, spec: input.keySpec, purpose: 'ca', keyLabel: token.keyLabel ?? `PKI Desk ${row.name} ${now().toISOString().slice(0, 10)}` })
        : await vault.prepareKey({ spec: input.keySpec, purpose: 'ca', protection: input.protection, ...(input.passphrase !== undefined ? { passphrase: input.passphrase } : {}) })
      if (!prepared.ok) return prepared
      const key = prepared.value
      const newId = randomUUID()

      /** The final transaction: retire the old row, the new CA with its certificate, both audited. */
      const commit = (built: BuiltCertificate, signerSpec: KeySpec, sig: ReturnType<typeof signatureOf>, parent: AuthorityRow | null, saveKey: boolean): Result<void> => {
        const der = built.der
        const view = describeCertificate(der)
        return attemptSync(() =>
          store.write((tx) => {
            const at = now().toISOString()
            const latest = getAuthority(tx, row.id)
            if (!latest) changedMeanwhile(row.name)
            const retiredAs = retiredName(tx, row.name)
            if (!retireAuthority(tx, row.id, { name: retiredAs, certDer })) changedMeanwhile(row.name)
            if (saveKey) vault.saveKey(tx, key)
            insertAuthority(tx, {
              id: newId,
              name: row.name,
              parentId: parent ? parent.id : null,
              keyId: key.keyId,
              state: 'pending-certificate',
              certDer: null,
              csrDer: null,
              subject: view.subjectText,
              ski: null,
              notBefore: null,
              notAfter: null,
              crlSettings: row.crlSettings,
              // One CRL number sequence per CA name: the retired CA now takes its numbers from here.
              nextCrlNumber: latest!.nextCrlNumber,
              createdAt: at
            })
            // The URLs it places in what it issues go on with the name.
            if (latest!.extensionUrls) setExtensionUrls(tx, newId, latest!.extensionUrls)
            activateAuthority(tx, newId, { certDer: der, subject: view.subjectText, ski: Buffer.from(built.ski).toString('hex'), notBefore: view.notBefore, notAfter: view.notAfter, parentId: parent ? parent.id : null })
            insertCertificate(tx, recordFromDer(der, { authorityId: parent ? parent.id : newId, profileId: null, keyId: key.keyId, source: 'local', createdAt: at }))
            linkSuccessor(tx, row.id, newId)
            appendAudit(tx, { action: 'authority.retire', subject: `authority:${row.id}`, details: { name: row.name, retiredAs, successorId: newId, keyId: row.keyId, sha256: sha256Hex(certDer) } }, now())
            appendAudit(
              tx,
              {
                action: 'authority.rekey',
                subject: `authority:${newId}`,
                details: {
                  name: row.name,
                  previousId: row.id,
                  previousKeyId: row.keyId,
                  previousSpec: oldKey?.spec ?? null,
                  keyId: key.keyId,
                  spec: key.spec,
                  spkiSha256: key.spkiSha256,
                  ...tokenDetails(key),
                  serial: built.serial,
                  sha256: view.fingerprints.sha256,
                  notBefore: view.notBefore,
                  notAfter: view.notAfter,
                  signedBy: parent ? parent.id : newId,
                  ...hashDetails(signerSpec, sig)
                }
              },
              now()
            )
          })
        )
      }

      if (by.parent) {
        // An intermediate: its parent signs, everything commits in one transaction.
        const { signer, issuer, parent } = by
        const dates = validity(certDer, input.validityDays, issuer, parent)
        const sig = signatureOf(signer.spec, input)
        const built = dates.ok ? await buildCertificate(successorTemplate(certDer, { subjectPublicKeySpki: key.spki, ...dates.value, signature: { hash: sig.hash, rsaPss: sig.rsaPss } }), issuer, signer) : dates
        let done: Result<void>
        try {
          done = built.ok ? commit(built.value, signer.spec, sig, parent, true) : built
        } catch (e) {
          await vault.discardKey(key)
          throw e
        }
        if (!done.ok) {
          await vault.discardKey(key)
          return done
        }
      } else {
        // A root: (1) the new key's row, (2) its self-signed certificate and the switch-over.
        const saved = attemptSync(() =>
          store.write((tx) => {
            vault.saveKey(tx, key)
            appendAudit(tx, { action: 'authority.rekey.key', subject: `authority:${row.id}`, details: { name: row.name, keyId: key.keyId, spec: key.spec, spkiSha256: key.spkiSha256, ...tokenDetails(key) } }, now())
          })
        )
        if (!saved.ok) {
          await vault.discardKey(key)
          return saved
        }
        // A root's new certificate is signed by its new key: that Signer exists only once the key is saved.
        const newSigner = vault.signer(key.keyId)
        const dates = validity(certDer, input.validityDays, null, null)
        const sig = signatureOf(key.spec, input)
        let done: Result<void>
        try {
          const built = !dates.ok ? dates : newSigner.ok ? await buildCertificate(successorTemplate(certDer, { subjectPublicKeySpki: key.spki, ...dates.value, signature: { hash: sig.hash, rsaPss: sig.rsaPss } }), null, newSigner.value) : newSigner
          done = built.ok ? commit(built.value, key.spec, sig, null, false) : built
        } catch (e) {
          // Not a coded refusal (the store failed): the key row still goes, then the failure surfaces.
          await undoKey(key, row, e instanceof Error ? e.message : String(e))
          changed()
          throw e
        }
        if (!done.ok) {
          await undoKey(key, row, done.error.message)
          changed()
          return done
        }
      }
      changed()
      return ok({ authority: summary(newId), retired: summary(row.id) })
    }
  }

  /** Step 1 of a root's re-key undone: its key row goes, audited. */
  async function undoKey(key: PreparedKey, row: AuthorityRow, reason: string): Promise<void> {
    const finish = store.write((tx) => {
      const f = vault.removeKeyRow(tx, key.keyId)
      appendAudit(tx, { action: 'authority.rekey.undone', subject: `authority:${row.id}`, details: { name: row.name, keyId: key.keyId, reason } }, now())
      return f.ok ? f.value : null
    })
    if (finish) await finish()
  }
}

/** A synchronous body whose AppFailure becomes its Result (store.write is synchronous). */
function attemptSync(body: () => void): Result<void> {
  try {
    body()
    return ok(undefined)
  } catch (e) {
    if (e instanceof AppFailure) return { ok: false, error: e.error }
    throw e
  }
}
