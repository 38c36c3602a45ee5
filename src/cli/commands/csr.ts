// pkidesk csr inspect|generate
import { Option, type Command } from 'commander'
import type { Runner } from '../program'
import type { CsrInfo } from '../../shared/domain/csr'
import type { GeneralName } from '../../shared/domain/names'
import type { KeyProtection, KeySpec } from '../../shared/domain/keys'
import { parseKeySpec, parseProtection } from '../parse'
import { collectSan, parseDnText } from '../names'
import { EXIT_FAILED, expectOk, operationError, requireSecret } from '../context'
import { formatRecord } from '../output'
import { readInput, toPem, writeOutput } from './common'
import { defaultHash } from './ca'

export function csrRows(c: CsrInfo): [string, string | readonly string[] | undefined][] {
  const key = `${c.publicKey.family}${c.publicKey.curve ? ` ${c.publicKey.curve}` : ` ${c.publicKey.size} bits`}`
  return [
    ['subject', c.subjectText || '(empty)'],
    ['SANs', c.sans.map((s) => `${s.type}:${s.value}`)],
    ['key', key],
    ['key SHA-256', c.publicKey.sha256],
    ['signature', c.signatureAlgorithm],
    ['signature valid', c.signatureValid ? 'yes' : 'NO'],
    ['requested key usage', c.requestedKeyUsage ? [...c.requestedKeyUsage] : undefined],
    ['requested EKU', c.requestedExtKeyUsage ? [...c.requestedExtKeyUsage] : undefined],
    ['requested extensions', c.requestedExtensions.map((e) => `${e.name}${e.critical ? ' (critical)' : ''}`)]
  ]
}

interface GenerateOptions {
  key: KeySpec
  subject: string
  san?: GeneralName[]
  outCsr: string
  outKey?: string
  protection?: KeyProtection
  passphraseFile?: string
  exportPassphraseFile?: string
}

export function registerCsrCommands(program: Command, run: Runner): void {
  const csr = program.command('csr').description('certificate signing requests: inspect, generate')

  csr
    .command('inspect')
    .description('show subject, SANs, key and whether the signature is valid (exit 1 if a request is refused or its signature is bad)')
    .argument('<file>', 'CSR file: PEM (one or more requests) or DER')
    .action(
      run(({ ctx, out, args }) => {
        const file = String(args[0])
        const bytes = readInput(file, 'CSR')
        const inspected = ctx.services().issuance.inspect({ encoding: 'base64', data: bytes.toString('base64') })
        if (!inspected.ok) failWithFile(inspected.error, file)
        const items = inspected.value.items
        const data = items.map((i) => (i.ok ? { file, index: i.index, ok: true, csr: i.csr } : { file, index: i.index, ok: false, error: i.error }))
        out.result(data, () =>
          items
            .map((i) => {
              const head = items.length > 1 ? `request ${i.index + 1}:\n` : ''
              return i.ok ? head + formatRecord(csrRows(i.csr)) : `${head}refused: error[${i.error.code}]: ${i.error.message}`
            })
            .join('\n\n')
        )
        let failed = false
        for (const i of items) {
          if (!i.ok) {
            out.errorLine({ code: i.error.code, message: `${file}${items.length > 1 ? ` (request ${i.index + 1})` : ''}: ${i.error.message}` })
            failed = true
          } else if (!i.csr.signatureValid) {
            out.errorLine({ code: 'CSR_SIGNATURE_INVALID', message: `${file}: the request's signature does not verify (no proof of possession).` })
            failed = true
          }
        }
        return failed ? EXIT_FAILED : undefined
      })
    )

  csr
    .command('generate')
    .description('generate a key pair (kept in the vault, used when the CSR is issued, exportable as PFX) and a CSR')
    .addOption(new Option('--key <spec>', 'key type: rsa-2048|rsa-3072|rsa-4096|ec-p256|ec-p384|ec-p521|ed25519').argParser(parseKeySpec).makeOptionMandatory())
    .requiredOption('--subject <dn>', 'subject, e.g. "CN=host.example,O=Example"')
    .option('--san <type:value>', 'subject alternative name: dns:a.example, ip:10.0.0.1, email:a@example, uri:…, upn:… (repeatable)', collectSan)
    .requiredOption('--out-csr <file>', 'where to write the CSR (PEM)')
    .option('--out-key <file>', 'also write the private key, encrypted PKCS#8 PEM under the export passphrase')
    .addOption(new Option('--protection <how>', 'how the vault keeps the key: keychain (default), passphrase or both').argParser(parseProtection))
    .option('--passphrase-file <file>', 'passphrase protecting the key in the vault (else $PKIDESK_PASSPHRASE)')
    .option('--export-passphrase-file <file>', 'passphrase for --out-key, 12+ characters (else $PKIDESK_EXPORT_PASSPHRASE)')
    .action(
      run<GenerateOptions>(async ({ ctx, out, opts }) => {
        const subject = parseDnText(opts.subject)
        const protection = opts.protection ?? 'keychain'
        const passphrase = protection === 'keychain' ? undefined : requireSecret('passphrase', opts.passphraseFile, ctx.io.env, `A key protected by ${protection}`)
        // Asked for before anything is generated, so a missing secret leaves no orphan key.
        const exportPassphrase = opts.outKey !== undefined ? requireSecret('export-passphrase', opts.exportPassphraseFile, ctx.io.env, 'Writing the private key with --out-key') : undefined
        const services = ctx.services()
        const generated = expectOk(
          await services.issuance.generateCsr({
            subject,
            sans: opts.san ?? [],
            keySpec: opts.key,
            protection,
            ...(passphrase !== undefined ? { passphrase } : {}),
            hash: defaultHash(opts.key)
          })
        )
        writeOutput(opts.outCsr, generated.pem)
        if (opts.outKey !== undefined && exportPassphrase !== undefined) {
          const der = expectOk(await services.vault.exportKey(generated.keyId, exportPassphrase, 'modern', 'csr generate --out-key'))
          writeOutput(opts.outKey, toPem('ENCRYPTED PRIVATE KEY', der), { secret: true })
        }
        out.result({ keyId: generated.keyId, csrFile: opts.outCsr, keyFile: opts.outKey ?? null, csr: generated.csr }, () =>
          [`Wrote the CSR to ${opts.outCsr}${opts.outKey ? ` and the encrypted key to ${opts.outKey}` : ''}; the vault keeps the key as ${generated.keyId}.`, formatRecord(csrRows(generated.csr))].join('\n')
        )
      })
    )
}

/** A refusal of the whole file, reported with the file's name. */
function failWithFile(error: { readonly code: string; readonly message: string }, file: string): never {
  throw operationError(error.code, `${file}: ${error.message}`, file)
}
