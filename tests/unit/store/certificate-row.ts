// A certificate row for the store tests that write rows directly (no signing): authority
// 'ca1', no profile or key, valid through 2027, with a placeholder DER; `over` sets the rest.
import type { NewCertificateRow } from '../../../src/main/store/certificates-repo'

export const ROW_TIME = '2027-01-01T00:00:00.000Z'

export function certificateRow(over: Pick<NewCertificateRow, 'serial' | 'subject' | 'sans'> & Partial<NewCertificateRow>): NewCertificateRow {
  return {
    authorityId: 'ca1',
    profileId: null,
    keyId: null,
    der: new Uint8Array([0x30, 0]),
    issuer: 'CN=Root',
    notBefore: ROW_TIME,
    notAfter: '2028-01-01T00:00:00.000Z',
    sha256: `ff${over.serial}`,
    spkiSha256: `ee${over.serial}`,
    source: 'local',
    isCa: false,
    createdAt: ROW_TIME,
    ...over
  }
}
