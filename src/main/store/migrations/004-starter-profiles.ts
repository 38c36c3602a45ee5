// The starter issuance profiles, seeded once into every store: TLS server 90 days, TLS client,
// code signing, S/MIME, IoT device 30 days, intermediate CA 5 years. A profile whose id or name
// is already taken is skipped, so the migration never overwrites an operator's profile. Rows
// carry source 'starter'; like the schema itself the seed is not an operator action and writes
// no audit entry.
//
// The data is frozen here: the bodies are the exact text this migration wrote when it was frozen
// (resources/profiles/*.json of 2026-12-03, parsed by that day's profile schema, defaults filled
// in), so a shipped migration no longer changes when a resource file or the profile schema does.
// Changing a starter for existing stores is a new migration, never an edit here.
import type { Migration } from './index'

interface StarterRow {
  readonly id: string
  readonly name: string
  readonly description: string
  readonly signAsCa: boolean
  /** The profile body as stored (JSON text). */
  readonly body: string
}

export const STARTER_PROFILE_ROWS: readonly StarterRow[] = [
  {
    id: "tls-server",
    name: "TLS server (90 days)",
    description: "Web and service TLS server certificates: serverAuth, 90 days, never more than the CA/Browser Forum's 397 days. Names come from the CSR and must be DNS names or IP addresses; the CN is copied into the SANs. Lint level public-tls: the CA/Browser Forum TLS rules are errors, as for a publicly trusted certificate.",
    signAsCa: false,
    body: "{\"name\":\"TLS server (90 days)\",\"description\":\"Web and service TLS server certificates: serverAuth, 90 days, never more than the CA/Browser Forum's 397 days. Names come from the CSR and must be DNS names or IP addresses; the CN is copied into the SANs. Lint level public-tls: the CA/Browser Forum TLS rules are errors, as for a publicly trusted certificate.\",\"lintLevel\":\"public-tls\",\"validity\":{\"type\":\"Duration\",\"duration\":\"90d\"},\"maxValidityDays\":397,\"issuerCeiling\":\"reject\",\"allowValidityOverride\":false,\"signAsCa\":false,\"honorKeyUsage\":false,\"keyUsage\":[\"digitalSignature\",\"keyEncipherment\"],\"keyUsageCritical\":true,\"honorExtendedKeyUsages\":false,\"extendedKeyUsages\":[\"1.3.6.1.5.5.7.3.1\"],\"extendedKeyUsageCritical\":false,\"honorSubject\":false,\"subjectAttributes\":[{\"type\":\"CN\",\"mandatory\":false,\"multiple\":false,\"sources\":[\"csr\"],\"maxLength\":64},{\"type\":\"O\",\"mandatory\":false,\"multiple\":false,\"sources\":[\"csr\",\"entered\"]},{\"type\":\"L\",\"mandatory\":false,\"multiple\":false,\"sources\":[\"csr\",\"entered\"]},{\"type\":\"ST\",\"mandatory\":false,\"multiple\":false,\"sources\":[\"csr\",\"entered\"]},{\"type\":\"C\",\"mandatory\":false,\"multiple\":false,\"sources\":[\"csr\",\"entered\"],\"pattern\":\"[A-Z]{2}\"}],\"san\":{\"fromCsr\":true,\"includeCommonName\":true,\"critical\":\"auto\",\"allowedTypes\":[\"dns\",\"ip\"],\"allowWildcards\":true,\"maxCount\":100,\"rules\":[{\"type\":\"dns\",\"mandatory\":false,\"multiple\":true,\"sources\":[\"csr\",\"entered\"]}]},\"honorExtensions\":false,\"allowedExtensionOids\":[],\"crypto\":{\"enabled\":true,\"allowRsa\":true,\"rsaKeySizes\":[2048,3072,4096],\"allowEcdsa\":true,\"ecdsaCurves\":[\"P-256\",\"P-384\"],\"allowEd25519\":false,\"allowEd448\":false},\"signature\":{\"hash\":\"SHA-256\",\"rsaPss\":false},\"crlDistributionPoints\":[],\"ocspUrls\":[],\"caIssuersUrls\":[],\"certificatePolicies\":[],\"isDefault\":false,\"renewal\":{\"autoReplace\":false,\"automated\":false},\"contacts\":[],\"blockPrivateKeyExport\":false,\"extras\":{}}"
  },
  {
    id: "tls-client",
    name: "TLS client (1 year)",
    description: "Client authentication for users, services and mutual TLS: clientAuth, one year. The subject comes from the CSR.",
    signAsCa: false,
    body: "{\"name\":\"TLS client (1 year)\",\"description\":\"Client authentication for users, services and mutual TLS: clientAuth, one year. The subject comes from the CSR.\",\"lintLevel\":\"private\",\"validity\":{\"type\":\"Duration\",\"duration\":\"1y\"},\"issuerCeiling\":\"reject\",\"allowValidityOverride\":false,\"signAsCa\":false,\"honorKeyUsage\":false,\"keyUsage\":[\"digitalSignature\"],\"keyUsageCritical\":true,\"honorExtendedKeyUsages\":false,\"extendedKeyUsages\":[\"1.3.6.1.5.5.7.3.2\"],\"extendedKeyUsageCritical\":false,\"honorSubject\":true,\"subjectAttributes\":[{\"type\":\"CN\",\"mandatory\":true,\"multiple\":false,\"sources\":[\"csr\",\"entered\"],\"maxLength\":64}],\"san\":{\"fromCsr\":true,\"critical\":\"auto\",\"allowedTypes\":[\"dns\",\"ip\",\"email\",\"uri\",\"upn\"],\"allowWildcards\":false,\"maxCount\":20,\"rules\":[]},\"honorExtensions\":false,\"allowedExtensionOids\":[],\"crypto\":{\"enabled\":true,\"allowRsa\":true,\"rsaKeySizes\":[2048,3072,4096],\"allowEcdsa\":true,\"ecdsaCurves\":[\"P-256\",\"P-384\",\"P-521\"],\"allowEd25519\":true,\"allowEd448\":false},\"signature\":{\"hash\":\"SHA-256\",\"rsaPss\":false},\"crlDistributionPoints\":[],\"ocspUrls\":[],\"caIssuersUrls\":[],\"certificatePolicies\":[],\"isDefault\":false,\"renewal\":{\"autoReplace\":false,\"automated\":false},\"contacts\":[],\"blockPrivateKeyExport\":false,\"extras\":{}}"
  },
  {
    id: "code-signing",
    name: "Code signing (3 years)",
    description: "Software signing certificates: codeSigning, digitalSignature only, RSA 3072 or 4096 (or ECDSA P-256/P-384). The subject names the publisher: CN and O are mandatory.",
    signAsCa: false,
    body: "{\"name\":\"Code signing (3 years)\",\"description\":\"Software signing certificates: codeSigning, digitalSignature only, RSA 3072 or 4096 (or ECDSA P-256/P-384). The subject names the publisher: CN and O are mandatory.\",\"lintLevel\":\"private\",\"validity\":{\"type\":\"Duration\",\"duration\":\"3y\"},\"issuerCeiling\":\"reject\",\"allowValidityOverride\":false,\"signAsCa\":false,\"honorKeyUsage\":false,\"keyUsage\":[\"digitalSignature\"],\"keyUsageCritical\":true,\"honorExtendedKeyUsages\":false,\"extendedKeyUsages\":[\"1.3.6.1.5.5.7.3.3\"],\"extendedKeyUsageCritical\":false,\"honorSubject\":false,\"subjectAttributes\":[{\"type\":\"CN\",\"mandatory\":true,\"multiple\":false,\"sources\":[\"csr\",\"entered\"],\"maxLength\":64},{\"type\":\"O\",\"mandatory\":true,\"multiple\":false,\"sources\":[\"csr\",\"entered\"]},{\"type\":\"L\",\"mandatory\":false,\"multiple\":false,\"sources\":[\"csr\",\"entered\"]},{\"type\":\"ST\",\"mandatory\":false,\"multiple\":false,\"sources\":[\"csr\",\"entered\"]},{\"type\":\"C\",\"mandatory\":true,\"multiple\":false,\"sources\":[\"csr\",\"entered\"],\"pattern\":\"[A-Z]{2}\"}],\"san\":{\"fromCsr\":false,\"critical\":\"auto\",\"allowedTypes\":[],\"allowWildcards\":false,\"rules\":[]},\"honorExtensions\":false,\"allowedExtensionOids\":[],\"crypto\":{\"enabled\":true,\"allowRsa\":true,\"rsaKeySizes\":[3072,4096],\"allowEcdsa\":true,\"ecdsaCurves\":[\"P-256\",\"P-384\"],\"allowEd25519\":false,\"allowEd448\":false},\"signature\":{\"hash\":\"SHA-256\",\"rsaPss\":false},\"crlDistributionPoints\":[],\"ocspUrls\":[],\"caIssuersUrls\":[],\"certificatePolicies\":[],\"isDefault\":false,\"renewal\":{\"autoReplace\":false,\"automated\":false},\"contacts\":[],\"blockPrivateKeyExport\":false,\"extras\":{}}"
  },
  {
    id: "smime",
    name: "S/MIME e-mail (1 year)",
    description: "Signed and encrypted e-mail: emailProtection, one year; at least one e-mail address in the SANs, from the CSR or entered at issuance.",
    signAsCa: false,
    body: "{\"name\":\"S/MIME e-mail (1 year)\",\"description\":\"Signed and encrypted e-mail: emailProtection, one year; at least one e-mail address in the SANs, from the CSR or entered at issuance.\",\"lintLevel\":\"private\",\"validity\":{\"type\":\"Duration\",\"duration\":\"1y\"},\"maxValidityDays\":825,\"issuerCeiling\":\"reject\",\"allowValidityOverride\":false,\"signAsCa\":false,\"honorKeyUsage\":false,\"keyUsage\":[\"digitalSignature\",\"keyEncipherment\"],\"keyUsageCritical\":true,\"honorExtendedKeyUsages\":false,\"extendedKeyUsages\":[\"1.3.6.1.5.5.7.3.4\"],\"extendedKeyUsageCritical\":false,\"honorSubject\":true,\"subjectAttributes\":[],\"san\":{\"fromCsr\":true,\"critical\":\"auto\",\"allowedTypes\":[\"email\"],\"allowWildcards\":false,\"maxCount\":10,\"rules\":[{\"type\":\"email\",\"mandatory\":true,\"multiple\":true,\"sources\":[\"csr\",\"entered\"]}]},\"honorExtensions\":false,\"allowedExtensionOids\":[],\"crypto\":{\"enabled\":true,\"allowRsa\":true,\"rsaKeySizes\":[2048,3072,4096],\"allowEcdsa\":true,\"ecdsaCurves\":[\"P-256\",\"P-384\"],\"allowEd25519\":false,\"allowEd448\":false},\"signature\":{\"hash\":\"SHA-256\",\"rsaPss\":false},\"crlDistributionPoints\":[],\"ocspUrls\":[],\"caIssuersUrls\":[],\"certificatePolicies\":[],\"isDefault\":false,\"renewal\":{\"autoReplace\":false,\"automated\":false},\"contacts\":[],\"blockPrivateKeyExport\":false,\"extras\":{}}"
  },
  {
    id: "iot-device",
    name: "IoT device (30 days)",
    description: "Short-lived device identity (Lamassu's IoT device example): 30 days, RSA 2048 or ECDSA P-256, clientAuth, subject from the CSR. Clamped to the issuing CA's end of life.",
    signAsCa: false,
    body: "{\"name\":\"IoT device (30 days)\",\"description\":\"Short-lived device identity (Lamassu's IoT device example): 30 days, RSA 2048 or ECDSA P-256, clientAuth, subject from the CSR. Clamped to the issuing CA's end of life.\",\"lintLevel\":\"private\",\"validity\":{\"type\":\"Duration\",\"duration\":\"30d\"},\"issuerCeiling\":\"clamp\",\"allowValidityOverride\":false,\"signAsCa\":false,\"honorKeyUsage\":false,\"keyUsage\":[\"digitalSignature\",\"keyEncipherment\"],\"keyUsageCritical\":true,\"honorExtendedKeyUsages\":false,\"extendedKeyUsages\":[\"1.3.6.1.5.5.7.3.2\"],\"extendedKeyUsageCritical\":false,\"honorSubject\":true,\"subjectAttributes\":[{\"type\":\"CN\",\"mandatory\":true,\"multiple\":false,\"sources\":[\"csr\"],\"maxLength\":64}],\"san\":{\"fromCsr\":true,\"critical\":\"auto\",\"allowedTypes\":[\"dns\",\"ip\",\"uri\"],\"allowWildcards\":false,\"maxCount\":5,\"rules\":[]},\"honorExtensions\":false,\"allowedExtensionOids\":[],\"crypto\":{\"enabled\":true,\"allowRsa\":true,\"rsaKeySizes\":[2048],\"allowEcdsa\":true,\"ecdsaCurves\":[\"P-256\"],\"allowEd25519\":false,\"allowEd448\":false},\"signature\":{\"hash\":\"SHA-256\",\"rsaPss\":false},\"crlDistributionPoints\":[],\"ocspUrls\":[],\"caIssuersUrls\":[],\"certificatePolicies\":[],\"isDefault\":false,\"renewal\":{\"autoReplace\":false,\"automated\":false},\"contacts\":[],\"blockPrivateKeyExport\":false,\"extras\":{}}"
  },
  {
    id: "intermediate-ca",
    name: "Intermediate CA (5 years)",
    description: "Subordinate CA certificates (Lamassu's CA example): 5 years, CA:TRUE with path length 0, keyCertSign and cRLSign. CN and O are mandatory; key usage and extensions are never taken from the CSR.",
    signAsCa: true,
    body: "{\"name\":\"Intermediate CA (5 years)\",\"description\":\"Subordinate CA certificates (Lamassu's CA example): 5 years, CA:TRUE with path length 0, keyCertSign and cRLSign. CN and O are mandatory; key usage and extensions are never taken from the CSR.\",\"lintLevel\":\"private\",\"validity\":{\"type\":\"Duration\",\"duration\":\"5y\"},\"issuerCeiling\":\"reject\",\"allowValidityOverride\":false,\"signAsCa\":true,\"pathLength\":0,\"honorKeyUsage\":false,\"keyUsage\":[\"keyCertSign\",\"cRLSign\",\"digitalSignature\"],\"keyUsageCritical\":true,\"honorExtendedKeyUsages\":false,\"extendedKeyUsages\":[],\"extendedKeyUsageCritical\":false,\"honorSubject\":false,\"subjectAttributes\":[{\"type\":\"CN\",\"mandatory\":true,\"multiple\":false,\"sources\":[\"csr\",\"entered\"],\"maxLength\":64},{\"type\":\"O\",\"mandatory\":true,\"multiple\":false,\"sources\":[\"csr\",\"entered\"]},{\"type\":\"OU\",\"mandatory\":false,\"multiple\":false,\"sources\":[\"csr\",\"entered\"]},{\"type\":\"C\",\"mandatory\":false,\"multiple\":false,\"sources\":[\"csr\",\"entered\"],\"pattern\":\"[A-Z]{2}\"}],\"san\":{\"fromCsr\":false,\"critical\":\"auto\",\"allowedTypes\":[],\"allowWildcards\":false,\"rules\":[]},\"honorExtensions\":false,\"allowedExtensionOids\":[],\"crypto\":{\"enabled\":true,\"allowRsa\":true,\"rsaKeySizes\":[3072,4096],\"allowEcdsa\":true,\"ecdsaCurves\":[\"P-256\",\"P-384\",\"P-521\"],\"allowEd25519\":false,\"allowEd448\":false},\"signature\":{\"hash\":\"SHA-384\",\"rsaPss\":false},\"crlDistributionPoints\":[],\"ocspUrls\":[],\"caIssuersUrls\":[],\"certificatePolicies\":[],\"isDefault\":false,\"renewal\":{\"autoReplace\":false,\"automated\":false},\"contacts\":[],\"blockPrivateKeyExport\":false,\"extras\":{}}"
  }
]

export const m004StarterProfiles: Migration = {
  version: 4,
  name: 'starter-profiles',
  up(db) {
    const at = new Date().toISOString()
    const taken = db.prepare('SELECT 1 FROM profiles WHERE id = ? OR lower(name) = lower(?)')
    const insert = db.prepare(
      `INSERT INTO profiles (id, name, description, sign_as_ca, archived, body, source, remote_etag, created_at, updated_at)
       VALUES (?, ?, ?, ?, 0, ?, 'starter', NULL, ?, ?)`
    )
    for (const row of STARTER_PROFILE_ROWS) {
      if (taken.get(row.id, row.name)) continue
      insert.run(row.id, row.name, row.description, row.signAsCa ? 1 : 0, row.body, at, at)
    }
  }
}
