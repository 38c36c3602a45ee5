// Certificate signing requests: the one intake that reads them (the CSR screen's inspect and
// the profile preview's request), and generating a key pair in the vault with its CSR.
// Issuance reads the CSRs of a batch itself, in the prepare step (engine/batch), where a
// refusal is an item's result rather than the request's.
import { fail, ok, type Result } from '../../shared/errors'
import type { EventSink } from '../../shared/ipc/events'
import type { CsrInspectItem } from '../../shared/ipc/csr'
import type { CsrInfo } from '../../shared/domain/csr'
import type { DistinguishedName, GeneralName } from '../../shared/domain/names'
import type { KeyProtection, KeySpec, SignatureHash } from '../../shared/domain/keys'
import type { Store } from '../store/database'
import { appendAudit } from '../store/audit-log'
import { buildCsr, dnToText, readCsrInput, toPem, type ParsedCsr } from '../engine'
import type { VaultPort } from './vault-service'
import { fileBytes } from './certificate-records'

export interface GenerateCsrInput {
  readonly subject: DistinguishedName
  readonly sans: GeneralName[]
  readonly keySpec: KeySpec
  readonly protection: KeyProtection
  readonly passphrase?: string
  readonly hash: SignatureHash
}

export interface CsrService {
  /**
   * Every request in a file (PEM with one or more, or DER), each read or refused on its own.
   * A request whose signature fails is read too, marked as not verifying: the operator sees
   * whose it is.
   */
  inspect(file: { encoding: 'pem' | 'base64'; data: string }): Result<{ items: CsrInspectItem[] }>
  /**
   * The first request of a PEM text, refused (with `field`) when it cannot be read or its
   * signature fails: what a policy preview evaluates.
   */
  request(csrPem: string, field: string): Result<ParsedCsr>
  /** A new end-entity key in the vault and a CSR signed by it; a failure leaves no key behind. */
  generate(input: GenerateCsrInput): Promise<Result<{ keyId: string; pem: string; csr: CsrInfo }>>
}

function csrInfoOf(c: ParsedCsr): CsrInfo {
  return {
    subject: c.subject,
    subjectText: c.subjectText,
    sans: c.sans,
    ...(c.requestedKeyUsage ? { requestedKeyUsage: c.requestedKeyUsage } : {}),
    ...(c.requestedExtKeyUsage ? { requestedExtKeyUsage: c.requestedExtKeyUsage } : {}),
    requestedExtensions: c.requestedExtensions,
    publicKey: c.publicKey,
    signatureAlgorithm: c.signatureAlgorithm,
    signatureValid: c.signatureValid
  }
}

export function createCsrService(store: Store, vault: VaultPort, emit: EventSink, now: () => Date): CsrService {
  /** The first request of `bytes`, refused when it does not verify. */
  const first = (bytes: Uint8Array, field: string): Result<ParsedCsr> => {
    const items = readCsrInput(bytes)
    if (!items.ok) return fail(items.error.code, items.error.message, field)
    const item = items.value[0]
    if (!item) return fail('CSR_NOT_FOUND', 'The text holds no certificate request: paste the PEM block (BEGIN CERTIFICATE REQUEST).', field)
    if (!item.ok) return fail(item.error.code, item.error.message, field)
    return ok(item.csr)
  }

  return {
    inspect(file) {
      const items = readCsrInput(fileBytes(file), { badSignature: 'report' })
      if (!items.ok) return items
      return ok({
        items: items.value.map((i) =>
          i.ok ? { ok: true as const, index: i.index, csr: csrInfoOf(i.csr), pem: toPem('CERTIFICATE REQUEST', i.csr.der) } : { ok: false as const, index: i.index, error: { code: i.error.code, message: i.error.message }, ...(i.described ? { described: i.described } : {}) }
        )
      })
    },

    request: (csrPem, field) => first(new TextEncoder().encode(csrPem), field),

    async generate(input) {
      const prepared = await vault.prepareKey({ spec: input.keySpec, purpose: 'end-entity', protection: input.protection, ...(input.passphrase !== undefined ? { passphrase: input.passphrase } : {}) })
      if (!prepared.ok) return prepared
      const key = prepared.value
      // The key row commits first: the vault signs only with a saved key.
      store.write((tx) => {
        vault.saveKey(tx, key)
        appendAudit(tx, { action: 'csr.generate', subject: `key:${key.keyId}`, details: { spec: key.spec, spkiSha256: key.spkiSha256, subject: dnToText(input.subject) } }, now())
      })
      emit('changed', { domain: 'vault' })
      // A key whose request could not be made serves nothing: remove it again, audited, so a
      // failed generation leaves no orphan key behind.
      const undo = async <T>(failure: Result<T>): Promise<Result<T>> => {
        store.write((tx) => {
          const removed = vault.removeKeyRow(tx, key.keyId)
          appendAudit(tx, { action: 'csr.generate.undone', subject: `key:${key.keyId}`, details: { removed: removed.ok } }, now())
          if (removed.ok) void Promise.resolve().then(removed.value)
        })
        emit('changed', { domain: 'vault' })
        return failure
      }
      const signer = vault.signer(key.keyId)
      if (!signer.ok) return undo(signer)
      const der = await buildCsr({ subject: input.subject, sans: input.sans, ca: false, hash: input.hash, rsaPss: false }, signer.value)
      if (!der.ok) return undo(der)
      const read = first(der.value, 'csr')
      if (!read.ok) return undo(fail('INTERNAL', 'The generated request did not verify.'))
      return ok({ keyId: key.keyId, pem: toPem('CERTIFICATE REQUEST', der.value), csr: csrInfoOf(read.value) })
    }
  }
}
