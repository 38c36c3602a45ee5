// pkidesk csr inspect|generate
import { rmSync } from 'node:fs'
import { resolve as resolvePath } from 'node:path'
import { Option, type Command } from 'commander'
import type { Runner } from '../program'
import type { AppError } from '../../shared/errors'
import type { CsrDescription, CsrInfo } from '../../shared/domain/csr'
import type { GeneralName } from '../../shared/domain/names'
import type { KeyProtection, KeySpec } from '../../shared/domain/keys'
import { keySpec } from '../../shared/domain/keys'
import { MIN_PASSPHRASE_LENGTH, keySpecLabel, publicKeyText, protectionLabel } from '../../shared/domain/keys'
import type { Services } from '../../main/services'
import { parseKeySpec, parseProtection } from '../parse'
import { collectSan, parseDnOption } from '../names'
import { CliError, EXIT_FAILED, expectOk, operationError, requireSecret, usageError } from '../context'
import { formatRecord } from '../output'
import { addForceOption, checkOutputFile, toPem, writeOutput } from './common'
import { defaultHash } from './ca'
import { readCsrFile } from './issue'
import { csrDefaultFindings, findingLines } from './findings'

export function csrRows(c: CsrInfo): [string, string | readonly string[] | undefined][] {
  const key = publicKeyText(c.publicKey)
  return [
    ['subject', c.subjectText || '(empty)'],
    ['SANs', c.sans.map((s) => `${s.type}:${s.value}`)],
    ['key', key],
    ['key SHA-256', c.publicKey.sha256],
    ['signature', c.signatureAlgorithm],
    ['signature valid', c.signatureValid ? 'yes' : 'NO'],
    ['requested key usage', c.requestedKeyUsage ? [...c.requestedKeyUsage] : undefined],
    ['requested EKU', c.requestedExtKeyUsage ? [...c.requestedExtKeyUsage] : undefined],
    ['requested extensions', c.requestedExtensions.map((e) => `${e.name}${e.critical ? ' (critical)' : ''}`)],
    ['default policy', findingsOrNone(c)]
  ]
}

/** A well-formed request PKI Desk will not sign: what it is, then why it cannot be signed. */
export function describedRows(d: CsrDescription, refusal: AppError): [string, string | readonly string[] | undefined][] {
  return [
    ['subject', d.subjectText || '(empty)'],
    ['SANs', d.sans.map((s) => `${s.type}:${s.value}`)],
    ['key', d.key],
    ['signature', d.signatureAlgorithm],
    ['signature valid', d.signatureValid === null ? 'cannot be checked here' : d.signatureValid ? 'yes' : 'NO'],
    ['requested extensions', d.requestedExtensions.map((e) => `${e.name}${e.critical ? ' (critical)' : ''}`)],
    ['can be signed', `no: ${refusal.message} (${refusal.code})`]
  ]
}

function findingsOrNone(c: CsrInfo): string[] {
  const lines = findingLines(csrDefaultFindings(c))
  return lines.length ? lines : ['no findings']
}

interface GenerateOptions {
  key: KeySpec
  subject: string
  san?: GeneralName[]
  outCsr: string
  outKey?: string
  protection?: KeyProtection
  keyPassphraseFile?: string
  /** The old name of --key-passphrase-file, still read. */
  passphraseFile?: string
  exportPassphraseFile?: string
  force?: boolean
}

export function registerCsrCommands(program: Command, run: Runner): void {
  const csr = program.command('csr').description('certificate signing requests: inspect, generate')

  csr
    .command('inspect')
    .description('show subject, SANs, key, signature validity and the default-policy findings; a well-formed request PKI Desk cannot sign (DSA, other curves) is described with the reason (exit 1 only if a request cannot be read or its signature is bad)')
    .argument('<file>', 'CSR file: PEM (one or more requests) or DER, at most 1 MiB')
    .action(
      run(({ ctx, out, args }) => {
        const file = String(args[0])
        const bytes = readCsrFile(file)
        const inspected = ctx.services().csr.inspect({ encoding: 'base64', data: bytes.toString('base64') })
        if (!inspected.ok) failWithFile(inspected.error, file)
        const items = inspected.value.items
        // One request that cannot be read: an error like any other (once on stderr; {"error":…} with --json).
        // A well-formed one PKI Desk will not sign is described (describe before refusing).
        if (items.length === 1 && !items[0]!.ok && !items[0]!.described) failWithFile(items[0]!.error, file)
        const data = items.map((i) =>
          i.ok
            ? { file, index: i.index, ok: true, csr: i.csr, findings: csrDefaultFindings(i.csr) }
            : { file, index: i.index, ok: false, error: i.error, ...(i.described ? { described: i.described } : {}) }
        )
        // Refusals are printed once, on stderr; stdout only says which request it was.
        out.result(data, () =>
          items
            .map((i) => {
              const head = items.length > 1 ? `request ${i.index + 1}:\n` : ''
              if (i.ok) return head + formatRecord(csrRows(i.csr))
              return i.described ? head + formatRecord(describedRows(i.described, i.error)) : `${head}refused (${i.error.code}; see stderr)`
            })
            .join('\n\n')
        )
        let failed = false
        for (const i of items) {
          if (!i.ok && i.described) {
            // Described, not failed: signing refuses it with this code.
            if (i.described.signatureValid === false) {
              out.errorLine({ code: 'CSR_SIGNATURE_INVALID', message: `${file}: the request's signature does not verify (no proof of possession).` })
              failed = true
            }
          } else if (!i.ok) {
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

  addForceOption(
    csr
      .command('generate')
      .description(
        'generate a new key pair and a CSR for it, written to --out-csr as PEM; the vault keeps the key, so the certificate issued for this CSR can be exported with its key (cert export --format pfx) and renewed (cert renew)'
      )
      .addOption(new Option('--key <spec>', `key type (required): ${keySpec.options.join('|')}; the CSR is signed with SHA-256 (SHA-384 for ec-p384, SHA-512 for ec-p521; Ed25519 and Ed448 hash as they define)`).argParser(parseKeySpec).makeOptionMandatory())
      .requiredOption('--subject <dn>', 'subject, comma-separated as PKI Desk prints it, e.g. "CN=host.example,O=Example"')
      .option('--san <type:value>', 'subject alternative name: dns:a.example, ip:10.0.0.1, email:a@example, uri:…, upn:… (repeatable; none by default)', collectSan)
      .requiredOption('--out-csr <file>', 'where the CSR is written, as PEM (its folder must exist; an existing file only with --force)')
      .option('--out-key <file>', `also write the private key to this file: encrypted PKCS#8 PEM under the export passphrase, mode 0600 (without it the key stays in the vault only)`)
      .addOption(new Option('--protection <how>', 'how the vault keeps the key: keychain (the OS keychain, the default), passphrase, or both').argParser(parseProtection))
      .option(
        '--key-passphrase-file <file>',
        `file holding the passphrase of the new key, ${MIN_PASSPHRASE_LENGTH}+ characters, for --protection passphrase or both (else $PKIDESK_KEY_PASSPHRASE; cert export and cert renew read the same)`
      )
      .addOption(new Option('--passphrase-file <file>', 'the old name of --key-passphrase-file').hideHelp())
      .option('--export-passphrase-file <file>', `file holding the passphrase that encrypts --out-key, ${MIN_PASSPHRASE_LENGTH}+ characters (else $PKIDESK_EXPORT_PASSPHRASE)`)
  ).action(
    run<GenerateOptions>(async ({ ctx, out, opts }) => {
      // Everything that can be refused is refused before the key exists: no orphan keys.
      const subject = parseDnOption(opts.subject)
      const force = opts.force === true
      checkOutputFile(opts.outCsr, { force, option: '--out-csr' })
      if (opts.outKey !== undefined) {
        checkOutputFile(opts.outKey, { force, option: '--out-key' })
        if (resolvePath(opts.outKey) === resolvePath(opts.outCsr)) throw usageError('CONFLICTING_OPTIONS', 'The key and the CSR would go to the same file (--out-key, --out-csr): give two files.', '--out-key')
      }
      const protection = opts.protection ?? 'keychain'
      if (opts.keyPassphraseFile !== undefined && opts.passphraseFile !== undefined)
        throw usageError('CONFLICTING_OPTIONS', 'The options --key-passphrase-file and --passphrase-file (its old name) both name the new key\'s passphrase: give --key-passphrase-file only.', '--passphrase-file')
      const passphrase =
        protection === 'keychain' ? undefined : newKeyPassphrase(opts.keyPassphraseFile ?? opts.passphraseFile, ctx.io.env, `A new key protected by ${protectionLabel(protection)}`, ctx.io.stderr)
      if (passphrase !== undefined && [...passphrase].length < MIN_PASSPHRASE_LENGTH)
        throw usageError(
          'PASSPHRASE_TOO_SHORT',
          `The new key's passphrase has ${[...passphrase].length} characters; use at least ${MIN_PASSPHRASE_LENGTH} (PKIDESK_KEY_PASSPHRASE or --key-passphrase-file).`,
          '--key-passphrase-file'
        )
      const exportPassphrase =
        opts.outKey !== undefined ? requireSecret('export-passphrase', opts.exportPassphraseFile, ctx.io.env, 'Writing the private key with --out-key', ctx.io.stderr) : undefined
      if (exportPassphrase !== undefined && [...exportPassphrase].length < MIN_PASSPHRASE_LENGTH)
        throw usageError(
          'PASSPHRASE_TOO_SHORT',
          `The export passphrase for --out-key has ${[...exportPassphrase].length} characters; use at least ${MIN_PASSPHRASE_LENGTH} (PKIDESK_EXPORT_PASSPHRASE or --export-passphrase-file).`,
          '--export-passphrase-file'
        )
      const services = ctx.services()
      const generated = expectOk(
        await services.csr.generate({
          subject,
          sans: opts.san ?? [],
          keySpec: opts.key,
          protection,
          ...(passphrase !== undefined ? { passphrase } : {}),
          hash: defaultHash(opts.key)
        })
      )
      // Past this point a failure takes the key (and a CSR already written) back out.
      let csrWritten = false
      try {
        writeOutput(opts.outCsr, generated.pem, { force, option: '--out-csr' })
        csrWritten = true
        if (opts.outKey !== undefined && exportPassphrase !== undefined) {
          const der = expectOk(await services.vault.exportKey(generated.keyId, exportPassphrase, 'modern', 'csr generate --out-key'))
          writeOutput(opts.outKey, toPem('ENCRYPTED PRIVATE KEY', der), { secret: true, force, option: '--out-key' })
        }
      } catch (e) {
        await discardGenerated(services, generated.keyId, csrWritten ? opts.outCsr : undefined, e)
      }
      out.result({ keyId: generated.keyId, csrFile: opts.outCsr, keyFile: opts.outKey ?? null, csr: generated.csr }, () =>
        [
          `Wrote the CSR for "${generated.csr.subjectText}" to ${opts.outCsr} (PEM)${opts.outKey ? ` and its private key to ${opts.outKey} (encrypted PKCS#8 PEM)` : ''}; the vault keeps the ${keySpecLabel(opts.key)} key (${protectionLabel(protection)}) for the certificate issued from it.`,
          formatRecord(csrRows(generated.csr))
        ].join('\n')
      )
    })
  )
}

/**
 * The new key's passphrase: --key-passphrase-file or $PKIDESK_KEY_PASSPHRASE, the names cert
 * export and cert renew read it by; $PKIDESK_PASSPHRASE (the CA key's) is still read when
 * neither is given, with a warning, for scripts written before.
 */
function newKeyPassphrase(file: string | undefined, env: NodeJS.ProcessEnv, why: string, warn: (line: string) => void): string {
  if (file === undefined && env.PKIDESK_KEY_PASSPHRASE === undefined && env.PKIDESK_PASSPHRASE !== undefined) {
    warn('warning[PASSPHRASE_ENV_RENAMED]: csr generate reads the new key\'s passphrase from PKIDESK_KEY_PASSPHRASE (or --key-passphrase-file); PKIDESK_PASSPHRASE is for CA keys. Using PKIDESK_PASSPHRASE this time.\n')
    return requireSecret('key-passphrase', undefined, { PKIDESK_KEY_PASSPHRASE: env.PKIDESK_PASSPHRASE }, why)
  }
  return requireSecret('key-passphrase', file, env, why, warn)
}

/** Undoes a half-done `csr generate`: deletes the new key and the CSR file, then rethrows. */
async function discardGenerated(services: Services, keyId: string, csrFile: string | undefined, cause: unknown): Promise<never> {
  if (csrFile !== undefined) rmSync(csrFile, { force: true })
  const removed = await services.vault.deleteKey(keyId)
  const error = cause instanceof CliError ? cause.error : { code: 'INTERNAL' as const, message: `Unexpected failure: ${(cause as Error).message ?? String(cause)}` }
  const note = removed.ok ? 'the new key was deleted again, nothing was kept' : `the new key ${keyId} could not be deleted (${removed.error.message}); delete it by hand`
  throw new CliError({ ...error, message: `${error.message.replace(/\.$/, '')}; ${note}.` }, cause instanceof CliError ? cause.exitCode : EXIT_FAILED)
}

/** A refusal of the whole file, reported with the file's name. */
function failWithFile(error: Pick<AppError, 'code' | 'message'>, file: string): never {
  throw operationError(error.code, `${file}: ${error.message}`, file)
}
