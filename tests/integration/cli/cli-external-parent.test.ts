// pkidesk ca create --external-parent / ca install-cert / ca export: an intermediate whose key
// stays in the vault and whose CSR an OpenSSL root signs (`openssl x509 -req`); pending until
// installed (it signs nothing: issue, CRL and export refused with AUTHORITY_PENDING); a
// certificate for another key, a non-CA certificate and a chain that is not its issuers are
// refused with their codes and leave it pending; installed with its chain, it issues a leaf
// `openssl verify` accepts against the OpenSSL root alone. The CA's certificate exported as
// PEM, DER, PEM chain and PKCS#7 (alone and with the chain) is read back by OpenSSL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inProcessCli } from './in-process'

const PASS = 'correct horse battery staple'
let work: string
let dataDir: string
const f = (name: string): string => join(work, name)
const openssl = (args: readonly string[]): string => execFileSync('openssl', [...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })

const { pk, pkJson } = inProcessCli(() => dataDir, { PKIDESK_PASSPHRASE: PASS })
interface Listed {
  name: string
  state: string
  canIssue?: boolean
}
const listed = async (name: string): Promise<Listed | undefined> => (await pkJson<Listed[]>(['ca', 'list'])).find((a) => a.name === name)

/** The external parent: an OpenSSL root and the extension files it signs with. */
function makeOpenSslRoot(): void {
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('ext-root.key'), '-subj', '/O=Elsewhere/CN=External Root', '-days', '3650', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', f('ext-root.pem')])
  writeFileSync(f('ca.cnf'), 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n')
  writeFileSync(f('leaf.cnf'), 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n')
  // A second, unrelated root: its certificate is no issuer of anything here.
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('other-root.key'), '-subj', '/CN=Unrelated Root', '-days', '30', '-out', f('other-root.pem')])
}
const signByRoot = (csr: string, ext: string, out: string): void => void openssl(['x509', '-req', '-in', csr, '-CA', f('ext-root.pem'), '-CAkey', f('ext-root.key'), '-days', '730', '-extfile', f(ext), '-out', out])

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'pkidesk-cli-extparent-'))
  dataDir = f('store')
  makeOpenSslRoot()
})
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true })
})

const CREATE = ['ca', 'create', '--key', 'ec-p256', '--protection', 'passphrase', '--external-parent']

describe('pkidesk ca create --external-parent, install-cert', { timeout: 60_000 }, () => {
  it('refuses options the external parent decides, a missing --out-csr and a missing folder, creating nothing', async () => {
    const base = [...CREATE, '--name', 'Refused', '--subject', 'CN=Refused']
    const noCsr = await pk(base)
    expect(noCsr.code).toBe(2)
    expect(noCsr.stderr).toMatch(/^error\[MISSING_INPUT\]: A CA with an external parent starts as a CSR: give the file to write it to with --out-csr FILE/)
    const withValidity = await pk([...base, '--out-csr', f('r.csr'), '--validity', '5y'])
    expect(withValidity.code).toBe(2)
    expect(withValidity.stderr).toMatch(/^error\[CONFLICTING_OPTIONS\]: The option --validity does not go with --external-parent/)
    expect((await pk([...base, '--out-csr', f('r.csr'), '--parent', 'x'])).stderr).toMatch(/^error\[CONFLICTING_OPTIONS\]: The option --parent does not go/)
    const noFolder = await pk([...base, '--out-csr', f('missing/r.csr')])
    expect(noFolder.code).toBe(2)
    expect(noFolder.stderr).toMatch(/^error\[OUTPUT_FOLDER_MISSING\]/)
    const stray = await pk(['ca', 'create', '--name', 'Refused', '--subject', 'CN=Refused', '--key', 'ec-p256', '--validity', '1y', '--out-csr', f('r.csr')])
    expect(stray.stderr).toMatch(/^error\[CONFLICTING_OPTIONS\]: The option --out-csr goes with --external-parent/)
    expect(await listed('Refused')).toBeUndefined()
    expect(existsSync(f('r.csr'))).toBe(false)
  })

  it('writes a CSR OpenSSL verifies; the CA is listed as pending and signs nothing until installed', async () => {
    const made = await pkJson<{ state: string; csrFile: string }>([...CREATE, '--name', 'Ext Issuing', '--subject', 'CN=Ext Issuing CA,O=PKI Desk Tests', '--out-csr', f('ext.csr')])
    expect(made.state).toBe('pending-certificate')
    expect(openssl(['req', '-in', f('ext.csr'), '-verify', '-noout', '-subject'])).toMatch(/CN ?= ?Ext Issuing CA/)
    expect(await listed('Ext Issuing')).toMatchObject({ state: 'pending-certificate', canIssue: false })
    const table = await pk(['ca', 'list'])
    expect(table.stdout).toMatch(/Ext Issuing\s+pending-certificate \(cannot issue\)/)

    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('leaf.key'), '-subj', '/CN=leaf.example.com', '-addext', 'subjectAltName=DNS:leaf.example.com', '-out', f('leaf.csr')])
    const issue = await pk(['issue', '--ca', 'Ext Issuing', '--profile', 'tls-server', f('leaf.csr')])
    expect(issue.code).toBe(1)
    expect(issue.stderr + issue.stdout).toMatch(/AUTHORITY_PENDING/)
    const crl = await pk(['crl', 'generate', '--ca', 'Ext Issuing', '--out', f('pending.crl')])
    expect(crl.code).toBe(1)
    expect(crl.stderr).toMatch(/^error\[AUTHORITY_PENDING\]: "Ext Issuing" is pending: it has no certificate yet; install the certificate its parent issued/)
    const exported = await pk(['ca', 'export', 'Ext Issuing', '--format', 'pem', '--out', f('pending.pem')])
    expect(exported.code).toBe(1)
    expect(exported.stderr).toMatch(/^error\[AUTHORITY_PENDING\]: "Ext Issuing" is pending: it has no certificate to export yet; .*`pkidesk ca install-cert`/)
    expect(existsSync(f('pending.crl')) || existsSync(f('pending.pem'))).toBe(false)
  })

  it('refuses a certificate for another key, a non-CA certificate and a chain that is not its issuers; it stays pending', async () => {
    const mismatch = await pk(['ca', 'install-cert', 'Ext Issuing', f('ext-root.pem')])
    expect(mismatch.code).toBe(1)
    expect(mismatch.stderr).toMatch(/^error\[CERTIFICATE_KEY_MISMATCH\]: No certificate in the file is for the key of "Ext Issuing"'s request \(found: .*External Root/)

    signByRoot(f('ext.csr'), 'leaf.cnf', f('not-ca.pem'))
    const notCa = await pk(['ca', 'install-cert', 'Ext Issuing', f('not-ca.pem')])
    expect(notCa.code).toBe(1)
    expect(notCa.stderr).toMatch(/^error\[AUTHORITY_NOT_CA\]: The certificate for "Ext Issuing"'s key is not a CA certificate/)

    signByRoot(f('ext.csr'), 'ca.cnf', f('ext-ca.pem'))
    writeFileSync(f('wrong-chain.pem'), readFileSync(f('ext-ca.pem'), 'utf8') + readFileSync(f('other-root.pem'), 'utf8'))
    const chain = await pk(['ca', 'install-cert', 'Ext Issuing', f('wrong-chain.pem')])
    expect(chain.code).toBe(1)
    expect(chain.stderr).toMatch(/^error\[AUTHORITY_CHAIN_INVALID\]/)

    const missing = await pk(['ca', 'install-cert', 'Ext Issuing', f('nothing.pem')])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/^error\[FILE_UNREADABLE\]/)
    expect(await listed('Ext Issuing')).toMatchObject({ state: 'pending-certificate', canIssue: false })
  })

  it('installs the certificate with its chain (root first), then issues a leaf OpenSSL verifies against the OpenSSL root', async () => {
    // The chain in the "wrong" order: the CA's certificate is found by its key, the root checked as its issuer.
    writeFileSync(f('ext-bundle.pem'), readFileSync(f('ext-root.pem'), 'utf8') + readFileSync(f('ext-ca.pem'), 'utf8'))
    const installed = await pk(['ca', 'install-cert', 'Ext Issuing', f('ext-bundle.pem')])
    expect(installed.code, installed.stderr).toBe(0)
    expect(installed.stdout).toMatch(/^Installed the certificate of CA "Ext Issuing" .*; it may sign now\./)
    expect(await listed('Ext Issuing')).toMatchObject({ state: 'active', canIssue: true })
    const again = await pk(['ca', 'install-cert', 'Ext Issuing', f('ext-ca.pem')])
    expect(again.stderr).toMatch(/^error\[AUTHORITY_NOT_PENDING\]/)

    const issued = await pkJson<{ serial?: string }[]>(['issue', '--ca', 'Ext Issuing', '--profile', 'tls-server', f('leaf.csr')])
    const serial = issued[0]!.serial!
    expect((await pk(['cert', 'export', serial, '--format', 'pem', '--chain', '--out', f('leaf-chain.pem')])).code).toBe(0)
    // The delivered chain travels with the leaf: leaf, Ext Issuing, External Root.
    const chain = readFileSync(f('leaf-chain.pem'), 'utf8')
    expect(chain.match(/BEGIN CERTIFICATE/g)).toHaveLength(3)
    expect(openssl(['verify', '-x509_strict', '-CAfile', f('ext-root.pem'), '-untrusted', f('leaf-chain.pem'), f('leaf-chain.pem')])).toContain(': OK')
  })

  it('installs a DER certificate alone and a PKCS#7 bundle from OpenSSL', async () => {
    await pkJson([...CREATE, '--name', 'Ext DER', '--subject', 'CN=Ext DER CA', '--out-csr', f('der.csr')])
    signByRoot(f('der.csr'), 'ca.cnf', f('der-ca.pem'))
    openssl(['x509', '-in', f('der-ca.pem'), '-outform', 'DER', '-out', f('der-ca.cer')])
    expect((await pk(['ca', 'install-cert', 'Ext DER', f('der-ca.cer')])).code).toBe(0)
    await pkJson([...CREATE, '--name', 'Ext P7', '--subject', 'CN=Ext P7 CA', '--out-csr', f('p7.csr')])
    signByRoot(f('p7.csr'), 'ca.cnf', f('p7-ca.pem'))
    openssl(['crl2pkcs7', '-nocrl', '-certfile', f('p7-ca.pem'), '-certfile', f('ext-root.pem'), '-outform', 'DER', '-out', f('p7-ca.p7b')])
    expect((await pk(['ca', 'install-cert', 'Ext P7', f('p7-ca.p7b')])).code).toBe(0)
    expect(await listed('Ext DER')).toMatchObject({ state: 'active' })
    expect(await listed('Ext P7')).toMatchObject({ state: 'active' })
  })
})

describe('pkidesk ca export', { timeout: 60_000 }, () => {
  it('writes PEM, DER, the PEM chain and PKCS#7 alone and with the chain, read back by OpenSSL', async () => {
    const fp = new X509Certificate(readFileSync(f('ext-ca.pem'))).fingerprint256
    const rootFp = new X509Certificate(readFileSync(f('ext-root.pem'))).fingerprint256
    const ex = (format: string, out: string, ...more: string[]) => pk(['ca', 'export', 'Ext Issuing', '--format', format, '--out', f(out), ...more])
    expect((await ex('pem', 'ca.pem')).code).toBe(0)
    expect(new X509Certificate(readFileSync(f('ca.pem'))).fingerprint256).toBe(fp)
    expect(openssl(['x509', '-in', f('ca.pem'), '-noout', '-subject'])).toMatch(/CN ?= ?Ext Issuing CA/)
    expect((await ex('der', 'ca.cer')).code).toBe(0)
    expect(openssl(['x509', '-inform', 'DER', '-in', f('ca.cer'), '-noout', '-fingerprint', '-sha256'])).toContain(fp)
    expect((await ex('pem', 'ca-chain.pem', '--chain')).code).toBe(0)
    expect(openssl(['verify', '-x509_strict', '-CAfile', f('ext-root.pem'), f('ca-chain.pem')])).toContain(': OK')
    expect(readFileSync(f('ca-chain.pem'), 'utf8').match(/BEGIN CERTIFICATE/g)).toHaveLength(2)
    expect((await ex('p7b', 'ca.p7b')).code).toBe(0)
    const alone = openssl(['pkcs7', '-inform', 'DER', '-in', f('ca.p7b'), '-print_certs', '-noout'])
    expect(alone.match(/subject=/g)).toHaveLength(1)
    expect((await ex('p7b', 'ca-chain.p7b', '--chain')).code).toBe(0)
    const both = openssl(['pkcs7', '-inform', 'DER', '-in', f('ca-chain.p7b'), '-print_certs'])
    expect(both).toMatch(/subject=.*CN ?= ?Ext Issuing CA/)
    expect(both).toMatch(/subject=.*CN ?= ?External Root/)
    writeFileSync(f('from-p7.pem'), both)
    const certs = both.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)!.map((p) => new X509Certificate(p).fingerprint256)
    expect(certs.sort()).toEqual([fp, rootFp].sort())
  })

  it('a root made here: its chain is itself; DER with --chain and an existing file without --force are refused', async () => {
    await pkJson(['ca', 'create', '--name', 'Local Root', '--subject', 'CN=Local Root', '--key', 'ec-p256', '--validity', '2y', '--protection', 'passphrase'])
    expect((await pk(['ca', 'export', 'Local Root', '--format', 'p7b', '--chain', '--out', f('local.p7b')])).code).toBe(0)
    expect(openssl(['pkcs7', '-inform', 'DER', '-in', f('local.p7b'), '-print_certs', '-noout']).match(/subject=/g)).toHaveLength(1)
    const der = await pk(['ca', 'export', 'Local Root', '--format', 'der', '--chain', '--out', f('local-chain.cer')])
    expect(der.code).toBe(2)
    expect(der.stderr).toMatch(/^error\[CONFLICTING_OPTIONS\]: A DER file holds one certificate/)
    const exists = await pk(['ca', 'export', 'Local Root', '--format', 'pem', '--out', f('local.p7b')])
    expect(exists.code).toBe(2)
    expect(exists.stderr).toMatch(/--force/)
    expect((await pk(['ca', 'export', 'Local Root', '--format', 'pem', '--out', f('local.p7b'), '--force'])).code).toBe(0)
    expect(openssl(['x509', '-in', f('local.p7b'), '-noout', '-subject'])).toMatch(/CN ?= ?Local Root/)
  })
})
