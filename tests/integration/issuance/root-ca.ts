// The root CA the issuance tests sign with: one self-signed CA, created through the real
// authorities service, with its certificate as PEM for OpenSSL and node:crypto to verify against.
import type { Services } from '../../../src/main/services'
import type { CreateAuthorityInput } from '../../../src/shared/domain/authority'
import { toPem } from '../../../src/main/engine'

/** A self-signed P-256 root valid ten years, its key in the vault under the keychain; `over` changes any of it. */
export function rootCaInput(name: string, over: Partial<CreateAuthorityInput> = {}): CreateAuthorityInput {
  return {
    name,
    parentId: null,
    subject: [[{ type: 'CN', value: name }]],
    keySpec: 'ec-p256',
    protection: 'keychain',
    validityDays: 3650,
    pathLength: 0,
    nameConstraints: null,
    signature: { hash: 'SHA-256', rsaPss: false },
    crlDistributionPoints: [],
    ocspUrls: [],
    caIssuersUrls: [],
    ...over
  }
}

export async function createRootCa(services: Services, name: string, over: Partial<CreateAuthorityInput> = {}): Promise<{ id: string; pem: string }> {
  const r = await services.authorities.create(rootCaInput(name, over))
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`)
  const row = services.authorities.requireActive(r.value.id)
  if (!row.ok) throw new Error(row.error.message)
  return { id: r.value.id, pem: toPem('CERTIFICATE', row.value.certDer) }
}
