// The signing engine: pure certificate logic over bytes. No fs, no db, no electron; keys
// only through a Signer.
import 'reflect-metadata'
export { readCsrInput, parseCsrDer, MAX_CSR_INPUT_BYTES, type CsrItem } from './csr'
export { buildCertificate, checkTemplate, encodeTbs, newSerial, type IssuerInfo, type BuiltCertificate } from './certificate-builder'
export { buildCsr, type CsrBuildInput } from './csr-builder'
export { buildCrl, crlEntryCount, type CrlInput, type CrlEntry, type CrlBuildErrorCode } from './crl-builder'
export { buildPkcs7 } from './pkcs7'
export { describeCertificate, describeExtension, hexColon } from './describe'
export { toPem, findPemBlocks, readPemBlocks, looksLikePem, derFraming } from './pem'
export { checkBinaryInput, berDepth, type BinaryInputRule } from './input-limits'
export { dnToText, commonName, toAsnName, fromAsnName, generalNameText } from './names'
export { readPublicKey, keyIdentifier, signatureAlgorithm, familyOf } from './algorithms'
export type { CertificateTemplate, ParsedCsr, RawExtension } from './template'
