// The structure view (#18): the ASN.1 tree of a stored certificate or CRL, or of a CSR the
// window holds as PEM. Only those three kinds are ever read here, so no key material can be
// described; the tree itself is engine/asn1-tree.ts (pure, with its limits).
import { fail, ok, type Result } from '../../shared/errors'
import { LIMITS } from '../../shared/limits'
import type { Asn1Bytes, Asn1Page, Asn1Source } from '../../shared/domain/asn1'
import type { Store } from '../store/database'
import { getCrl } from '../store/crls-repo'
import { asn1Bytes, asn1Tree } from '../engine/asn1-tree'
import { readPemBlocks } from '../engine/pem'
import type { CertificatesService } from './certificates-service'

export interface StructureService {
  /** The tree from the outermost element, or (with `at`) the continuation of one element's children. */
  tree(source: Asn1Source, at?: { parent: number; from: number }): Result<Asn1Page>
  /** The encoding of the element at `offset`, cut at engine/asn1-tree.ts's BYTES_SHOWN. */
  bytes(source: Asn1Source, offset: number): Result<Asn1Bytes>
}

const CSR_LABELS = new Set(['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST'])

export function createStructureService(store: Store, certificates: CertificatesService): StructureService {
  function derOf(source: Asn1Source): Result<Uint8Array> {
    switch (source.kind) {
      case 'certificate':
        return certificates.der(source.id)
      case 'crl': {
        const row = store.read((tx) => getCrl(tx, source.id))
        return row ? ok(row.der) : fail('CRL_NOT_FOUND', `No CRL ${source.id}: refresh the list.`, 'id')
      }
      case 'csr': {
        if (source.pem.length > LIMITS.csrFileBytes * 2)
          return fail('CSR_TOO_LARGE', `The request is ${source.pem.length.toLocaleString('en-US')} characters of PEM, over the limit for requests: check that it is the right file.`, 'pem')
        const blocks = readPemBlocks(source.pem)
        if (!blocks.ok) return blocks
        const csr = blocks.value.find((b) => b.kind === 'block' && CSR_LABELS.has(b.label))
        if (!csr || csr.kind !== 'block' || blocks.value.length !== 1)
          return fail('CSR_NOT_FOUND', 'The text is not one certificate request (BEGIN CERTIFICATE REQUEST): only a request\'s structure is shown here.', 'pem')
        return ok(csr.der)
      }
    }
  }
  return {
    tree(source, at) {
      const der = derOf(source)
      return der.ok ? asn1Tree(der.value, at) : der
    },
    bytes(source, offset) {
      const der = derOf(source)
      return der.ok ? asn1Bytes(der.value, offset) : der
    }
  }
}
