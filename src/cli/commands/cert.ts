// pkidesk cert list|show|export|revoke|release|renew. Certificates are named by serial (uppercase hex,
// colons optional); --ca settles a serial that two CAs happen to share.
import { join } from 'node:path'
import { Option, type Command } from 'commander'
import type { Runner } from '../program'
import type { CertificateDetail, CertificateSummary, ExportFormat, RevocationReason } from '../../shared/domain/certificate'
import { ACCEPTED_REVOCATION_REASONS } from '../../shared/domain/certificate'
import { tokenKeyStays } from '../../shared/domain/pkcs11'
import { durationDays, formatSerial, normalizeSerial, parseDuration, parseIsoDate, type ParsedDuration } from '../parse'
import { CliError, EXIT_FAILED, expectOk, operationError, readSecret, requireSecret, usageError } from '../context'
import { formatRecord, formatTable } from '../output'
import { resolveAuthority, resolveCertificate, resolveProfile, unlockAuthority, unlockFailure } from '../resolve'
import { findingLines, type FindingLike } from './findings'
import { warnIfAuditBroken } from '../audit-guard'
import { addExportPassphraseFileOption, addForceOption, addKeyPassphraseFileOption, addPassphraseFileOption, checkOutputDir, checkOutputFile, readInputText, writeOutput } from './common'
import type { Services } from '../../main/services'
import type { CaKeyConsent } from '../../main/services/certificates-service'
import type { CertificateSelection, SkippedCertificate } from '../../shared/ipc/certificates'
import { publicKeyText } from '../../shared/domain/keys'

// removeFromCRL belongs to delta CRLs and is not offered; certificateHold is lifted by `cert release`.
export const REVOCATION_REASONS: readonly RevocationReason[] = ACCEPTED_REVOCATION_REASONS

/** What --json prints for a certificate: the service's view with the serial as the CLI prints it. */
export function certificateJson<T extends CertificateSummary>(c: T): T {
  return { ...c, serial: formatSerial(c.serial) }
}

export function certificateRows(c: CertificateSummary): [string, string | number | readonly string[] | null | undefined][] {
  return [
    ['serial', formatSerial(c.serial)],
    ['status', c.status],
    ['subject', c.subjectText],
    ['issuer', c.issuerText],
    ['SANs', c.sans],
    ['not before', c.notBefore],
    ['not after', c.notAfter],
    ['revoked at', c.revokedAt ?? undefined],
    ['reason', c.revocationReason ?? undefined],
    ['SHA-256', c.sha256],
    ['CA certificate', c.isCa ? 'yes' : 'no'],
    ['key held here', c.hasKey ? 'yes' : 'no'],
    ['profile', c.profileId],
    ['source', c.source]
  ]
}

export type CliExportFormat = 'pem' | 'der' | 'p7b' | 'pfx'

/** The service's export format for the CLI's --format/--chain/--legacy. */
export function exportFormatOf(format: CliExportFormat, chain: boolean, legacy: boolean): ExportFormat {
  if (legacy && format !== 'pfx') throw usageError('CONFLICTING_OPTIONS', 'The option --legacy applies to --format pfx only: leave it out, or export a PFX.', '--legacy')
  switch (format) {
    case 'pem':
      return chain ? 'pem-chain' : 'pem'
    case 'der':
      if (chain) throw usageError('CONFLICTING_OPTIONS', 'A DER file holds one certificate; use --format pem or p7b with --chain.', '--chain')
      return 'der'
    case 'p7b':
      return 'p7b-der'
    case 'pfx':
      return legacy ? 'pfx-legacy' : 'pfx-modern'
  }
}

async function allCertificates(services: Services, q: { status?: 'issued' | 'revoked' | 'expired'; authorityId?: string; expiringWithinDays?: number }): Promise<CertificateSummary[]> {
  const items: CertificateSummary[] = []
  let cursor: string | undefined
  do {
    const page = expectOk(services.certificates.list({ ...q, sort: { field: 'notAfter', direction: 'asc' }, limit: 1000, ...(cursor ? { cursor } : {}) }))
    items.push(...page.items)
    cursor = page.nextCursor ?? undefined
  } while (cursor)
  return items
}

interface ListOptions {
  status?: 'issued' | 'revoked' | 'expired'
  ca?: string
  expiringWithin?: ParsedDuration
}

interface ExportOptions {
  serialsFile?: string
  format: CliExportFormat
  chain?: boolean
  legacy?: boolean
  out: string
  force?: boolean
  ca?: string
  key: boolean
  includeCaKey?: boolean
  passphraseFile?: string
  pinFile?: string
  custodianPassphraseFile?: string[]
  keyPassphraseFile?: string
  exportPassphraseFile?: string
}

interface RenewOptions {
  ca?: string
  signingCa?: string
  confirmWarnings?: boolean
  passphraseFile?: string
  pinFile?: string
  custodianPassphraseFile?: string[]
  keyPassphraseFile?: string
}

interface SelectionOptions {
  ca?: string
  serialsFile?: string
  profile?: string
  issuedAfter?: Date
  issuedBefore?: Date
  subjectMatch?: string
}

interface RevokeOptions extends SelectionOptions {
  reason: RevocationReason
  invalidityDate?: Date
  dryRun?: boolean
  yes?: boolean
}

const SKIP_WORDS: Record<SkippedCertificate['why'], string> = {
  'not-found': 'no certificate with this serial here',
  'already-revoked': 'already revoked',
  'on-hold': 'on hold (release it, or revoke it alone for a final reason: pkidesk cert revoke SERIAL --reason R)',
  'not-issued-here': 'not issued by a CA held here'
}

/** The serials of a --serials-file: one a line, # comments and blank lines ignored, each checked as a serial. */
function readSerialsFile(file: string): string[] {
  const serials: string[] = []
  readInputText(file, 'serials')
    .split(/\r?\n/)
    .forEach((raw, i) => {
      const text = raw.replace(/#.*$/, '').trim()
      if (!text) return
      try {
        serials.push(normalizeSerial(text))
      } catch (e) {
        throw usageError('SERIALS_FILE_INVALID', `Line ${i + 1} of ${file}: ${e instanceof Error ? e.message : String(e)}`, '--serials-file')
      }
    })
  if (serials.length === 0) throw usageError('SERIALS_FILE_INVALID', `${file} lists no serial: put one serial a line.`, '--serials-file')
  return serials
}

/** --serials-file, or every certificate of --ca matching the filters. */
function bulkSelection(services: Services, opts: SelectionOptions, filtered: boolean): CertificateSelection {
  const authorityId = opts.ca !== undefined ? resolveAuthority(services, opts.ca).id : undefined
  if (opts.serialsFile) {
    if (filtered) throw usageError('CONFLICTING_OPTIONS', 'A serials file names the certificates itself: leave out --profile, --issued-after, --issued-before and --subject-match.', '--serials-file')
    return { serials: readSerialsFile(opts.serialsFile), ...(authorityId ? { authorityId } : {}) }
  }
  if (!authorityId) throw usageError('MISSING_INPUT', 'Name the certificates: a serial, --serials-file FILE, or --ca CA with optional --profile, --issued-after, --issued-before, --subject-match.', '--ca')
  return {
    filter: {
      authorityId,
      ...(opts.profile !== undefined ? { profileId: resolveProfile(services, opts.profile).id } : {}),
      ...(opts.issuedAfter ? { issuedAfter: opts.issuedAfter.toISOString() } : {}),
      ...(opts.issuedBefore ? { issuedBefore: opts.issuedBefore.toISOString() } : {}),
      ...(opts.subjectMatch !== undefined ? { subjectMatch: opts.subjectMatch } : {})
    }
  }
}

export function registerCertificateCommands(program: Command, run: Runner): void {
  const cert = program.command('cert').description('issued certificates: list, show, export, revoke, release, renew')

  cert
    .command('list')
    .description('list certificates, soonest to expire first')
    .addOption(new Option('--status <status>', 'issued|revoked|expired').choices(['issued', 'revoked', 'expired']))
    .option('--ca <caId>', 'only those issued by this CA (id or name)')
    .addOption(new Option('--expiring-within <duration>', 'only unrevoked ones expiring within, e.g. 30d').argParser(parseDuration))
    .action(
      run<ListOptions>(async ({ ctx, out, opts }) => {
        const services = ctx.services()
        const authorityId = opts.ca !== undefined ? resolveAuthority(services, opts.ca).id : undefined
        const items = await allCertificates(services, {
          ...(opts.status ? { status: opts.status } : {}),
          ...(authorityId ? { authorityId } : {}),
          ...(opts.expiringWithin ? { expiringWithinDays: Math.ceil(durationDays(opts.expiringWithin)) } : {})
        })
        out.result(items.map(certificateJson), () =>
          formatTable(
            ['SERIAL', 'STATUS', 'NOT AFTER', 'SUBJECT'],
            items.map((c) => [formatSerial(c.serial), c.revocationReason === 'certificateHold' ? 'on hold' : c.status, c.notAfter, c.subjectText])
          )
        )
      })
    )

  cert
    .command('show')
    .description('show one certificate: fields, extensions, chain and PEM')
    .argument('<serial>', 'serial, hex with or without colons', normalizeSerial)
    .option('--ca <caId>', 'the issuing CA, when two CAs issued the same serial')
    .action(
      run<{ ca?: string }>(({ ctx, out, opts, args }) => {
        const services = ctx.services()
        const found = resolveCertificate(services, String(args[0]), opts.ca)
        const d: CertificateDetail = expectOk(services.certificates.get(found.id))
        out.result({ ...certificateJson(d), view: { ...d.view, serial: formatSerial(d.view.serial) } }, () =>
          [
            formatRecord([
              ...certificateRows(d),
              ['invalidity date', d.invalidityDate ?? undefined],
              ['signature', d.view.signatureAlgorithm],
              ['key', publicKeyText(d.view.publicKey)],
              ['chain', d.chain.map((c) => c.subjectText)]
            ]),
            'extensions:',
            ...d.view.extensions.map((e) => `  ${e.name}${e.critical ? ' (critical)' : ''}\n${e.lines.map((l) => `      ${l}`).join('\n')}`),
            d.view.pem.trimEnd()
          ].join('\n')
        )
      })
    )

  const exportCommand = cert
    .command('export')
    .description('export as PEM, DER, PKCS#7 (.p7b, always with the chain) or PKCS#12 (.pfx, with the chain and, when the vault holds it, the key); with --serials-file, many into a folder')
    .argument('[serial]', 'serial, hex with or without colons (omit with --serials-file)', normalizeSerial)
    .addOption(new Option('--format <format>', 'pem|der|p7b|pfx').choices(['pem', 'der', 'p7b', 'pfx']).makeOptionMandatory())
    .option('--chain', 'PEM: append the issuing CAs up to the root')
    .option('--legacy', 'PFX for old Windows and Java: 3DES and SHA-1 MAC instead of AES-256 and PBKDF2-SHA-256')
    .option('--no-key', 'PFX: leave the private key out even when the vault holds it')
    .option('--include-ca-key', "PFX: allow a CA's own private key into the file (refused without it; the CA key's passphrase or custodians are asked again even when it is unlocked; audited)")
    .requiredOption('--out <file>', 'output file (its folder must exist); with --serials-file, the folder to write into')
    .option('--ca <caId>', 'the issuing CA, when two CAs issued the same serial')
    .option('--serials-file <file>', 'export the certificates listed in this file (one serial a line): one file each, named by serial, plus bundle.pem or bundle.p7b')
  // The PFX password; the certificate's own key passphrase; a CA key's passphrase (with --include-ca-key).
  addForceOption(addPassphraseFileOption(addKeyPassphraseFileOption(addExportPassphraseFileOption(exportCommand))))
  exportCommand.action(
    run<ExportOptions>(async ({ ctx, out, opts, args }) => {
      if (opts.serialsFile !== undefined || args[0] === undefined) {
        if (args[0] !== undefined) throw usageError('CONFLICTING_OPTIONS', 'Give a serial or --serials-file, not both.', '--serials-file')
        if (opts.serialsFile === undefined) throw usageError('MISSING_INPUT', 'Name the certificate to export (its serial), or many with --serials-file FILE.', '--serials-file')
        if (opts.format === 'pfx' || opts.chain || opts.legacy)
          throw usageError('CONFLICTING_OPTIONS', 'Exporting many writes certificates only: use --format pem, der or p7b, without --chain or --legacy.', '--format')
        checkOutputDir(opts.out)
        const services = ctx.services()
        const r = expectOk(await services.bulk.exportFiles(bulkSelection(services, { serialsFile: opts.serialsFile, ...(opts.ca !== undefined ? { ca: opts.ca } : {}) }, false), opts.format))
        const paths = r.files.map((f) => join(opts.out, f.name))
        if (opts.force !== true) for (const p of paths) checkOutputFile(p, { force: false })
        r.files.forEach((f, i) => writeOutput(paths[i]!, f.bytes, { force: opts.force === true }))
        out.result({ format: opts.format, certificates: r.certificates, folder: opts.out, files: paths }, () => `Wrote ${r.certificates} certificate${r.certificates === 1 ? '' : 's'} as ${opts.format} to ${opts.out} (one file each, named by serial, and ${r.files[r.files.length - 1]!.name}).`)
        return
      }
      const format = exportFormatOf(opts.format, opts.chain === true, opts.legacy === true)
      const isPfx = opts.format === 'pfx'
      if (opts.includeCaKey && (!isPfx || !opts.key)) throw usageError('CONFLICTING_OPTIONS', 'The option --include-ca-key applies only to --format pfx with the key: leave it out, or drop --no-key.', '--include-ca-key')
      checkOutputFile(opts.out, { force: opts.force === true })
      const password = isPfx ? requireSecret('export-passphrase', opts.exportPassphraseFile, ctx.io.env, 'A PFX', ctx.io.stderr) : undefined
      const services = ctx.services()
      const found = resolveCertificate(services, String(args[0]), opts.ca)
      const includeKey = isPfx && opts.key && found.hasKey
      let caKeyConsent: CaKeyConsent | undefined
      if (includeKey) {
        // A key on a token never leaves it: say so before asking for --include-ca-key or a secret.
        const onToken = expectOk(services.certificates.get(found.id)).heldKey?.token
        if (onToken)
          throw operationError('PKCS11_KEY_NOT_EXPORTABLE', `A PFX of ${formatSerial(found.serial)} cannot carry its private key: ${tokenKeyStays(onToken)}. Pass --no-key for the certificate and its chain alone.`, '--no-key')
        const serial = formatSerial(found.serial)
        if (found.isCa && opts.includeCaKey !== true)
          throw usageError(
            'CA_KEY_EXPORT_NOT_CONFIRMED',
            `${serial} is a CA certificate: its private key goes into a PFX only with --include-ca-key (the export is audited); use --no-key for the certificates alone.`,
            '--include-ca-key'
          )
        warnIfAuditBroken(services, ctx.io)
        const detail = expectOk(services.certificates.get(found.id))
        const key = services.vault.keyForPublicKey(detail.view.publicKey.sha256)
        if (key && key.purpose === 'ca' && opts.includeCaKey === true) {
          // A CA key leaves the vault only on its secrets given again, even when it is unlocked.
          if (key.protection === 'custodians') {
            if (!opts.custodianPassphraseFile?.length)
              throw usageError('CUSTODIANS_REQUIRED', `Exporting the CA key of ${serial} needs its custodians again: pass --custodian-passphrase-file FILE once for each custodian present.`, '--custodian-passphrase-file')
            caKeyConsent = { custodians: opts.custodianPassphraseFile.map((f) => ({ passphrase: readSecret('custodian-passphrase', f, ctx.io.env, ctx.io.stderr)! })) }
          } else if (key.protection === 'passphrase' || key.protection === 'both')
            caKeyConsent = { passphrase: requireSecret('passphrase', opts.passphraseFile, ctx.io.env, `Exporting the CA key of ${serial} (asked again even when the key is unlocked)`, ctx.io.stderr) }
          else caKeyConsent = {} // keychain only: --include-ca-key is the confirmation
        }
        if (key && !services.vault.isUnlocked(key.keyId)) {
          // A CA's key has the CA passphrase; an end-entity key its own (as for cert renew).
          const kind = found.isCa ? 'passphrase' : 'key-passphrase'
          const file = found.isCa ? opts.passphraseFile : opts.keyPassphraseFile
          const needs = key.protection === 'passphrase' || key.protection === 'both'
          const passphrase = needs ? (caKeyConsent?.passphrase ?? requireSecret(kind, file, ctx.io.env, 'Putting the private key into the PFX', ctx.io.stderr)) : undefined
          const unlocked = await services.vault.unlock(key.keyId, passphrase, caKeyConsent?.custodians)
          if (!unlocked.ok) throw new CliError(unlockFailure(unlocked.error, `the key of ${found.isCa ? 'CA certificate' : 'certificate'} ${serial}`, file, kind), EXIT_FAILED)
        }
      }
      const exported = await services.certificates.export(found.id, format, password, includeKey, opts.includeCaKey === true ? (caKeyConsent ?? {}) : undefined)
      if (!exported.ok && exported.error.code === 'CA_KEY_EXPORT_NOT_CONFIRMED')
        throw usageError(exported.error.code, `${formatSerial(found.serial)} holds a CA's key: it goes into a PFX only with --include-ca-key; use --no-key for the certificates alone.`, '--include-ca-key')
      if (!exported.ok && exported.error.field === 'caKeyPassphrase') {
        const file = caKeyConsent?.custodians ? undefined : opts.passphraseFile
        throw new CliError(caKeyConsent?.custodians ? { ...exported.error, field: '--custodian-passphrase-file' } : unlockFailure(exported.error, `the CA key of ${formatSerial(found.serial)}`, file), EXIT_FAILED)
      }
      const file = expectOk(exported)
      writeOutput(opts.out, Buffer.from(file.base64, 'base64'), { secret: file.containsKey, force: opts.force === true })
      const serial = formatSerial(found.serial)
      out.result({ serial, format, file: opts.out, containsKey: file.containsKey }, () =>
        `Wrote ${serial} as ${format} to ${opts.out}${isPfx ? (file.containsKey ? ' (with its private key)' : ' (certificates only)') : ''}.`
      )
    })
  )

  cert
    .command('revoke')
    .description("revoke a certificate, or many: --serials-file, or every certificate of --ca matching the filters (it appears on the CA's next CRL)")
    .argument('[serial]', 'serial, hex with or without colons (omit with --serials-file or a --ca filter)', normalizeSerial)
    .addOption(new Option('--reason <reason>', REVOCATION_REASONS.join('|')).choices(REVOCATION_REASONS).makeOptionMandatory())
    .addOption(new Option('--invalidity-date <iso>', 'when the key is known or suspected to have been compromised').argParser(parseIsoDate))
    .option('--ca <caId>', 'the issuing CA: settles a serial two CAs share; without a serial or --serials-file, revoke what this CA issued that matches the filters')
    .option('--serials-file <file>', 'revoke the certificates listed in this file, one serial a line (# comments and blank lines ignored)')
    .option('--profile <profileId>', 'filter: issued with this profile')
    .addOption(new Option('--issued-after <date>', 'filter: notBefore at or after this ISO date').argParser(parseIsoDate))
    .addOption(new Option('--issued-before <date>', 'filter: notBefore before this ISO date').argParser(parseIsoDate))
    .option('--subject-match <text>', 'filter: subject contains this text (case-insensitive)')
    .option('--dry-run', 'many: list what would be revoked and how many; change nothing')
    .option('--yes', 'many: revoke them (required unless --dry-run)')
    .action(
      run<RevokeOptions>(async ({ ctx, out, opts, args }) => {
        const services = ctx.services()
        const filtered = opts.profile !== undefined || opts.issuedAfter !== undefined || opts.issuedBefore !== undefined || opts.subjectMatch !== undefined
        if (args[0] !== undefined) {
          if (opts.serialsFile || filtered || opts.dryRun || opts.yes)
            throw usageError('CONFLICTING_OPTIONS', 'A serial revokes that one certificate: leave out --serials-file, the filters, --dry-run and --yes (or give no serial to revoke many).', '--serials-file')
          const found = resolveCertificate(services, String(args[0]), opts.ca)
          // A hold may be made final with another reason; anything else revoked stays as it is.
          const held = found.revocationReason === 'certificateHold' && opts.reason !== 'certificateHold'
          if ((found.status === 'revoked' || found.revokedAt) && !held)
            throw operationError('ALREADY_REVOKED', `Certificate ${formatSerial(found.serial)} was already revoked on ${found.revokedAt ?? 'an earlier date'} (${found.revocationReason ?? 'unspecified'}${found.revocationReason === 'certificateHold' ? ': release it with pkidesk cert release, or revoke it for a final reason' : ''}).`, 'serial')
          warnIfAuditBroken(services, ctx.io)
          const revoked = expectOk(services.certificates.revoke(found.id, opts.reason, opts.invalidityDate?.toISOString()))
          out.result(certificateJson(revoked), () =>
            opts.reason === 'certificateHold'
              ? `Put ${formatSerial(revoked.serial)} on hold at ${revoked.revokedAt}; generate a CRL to publish it (pkidesk cert release lifts the hold).`
              : `Revoked ${formatSerial(revoked.serial)} (${opts.reason}) at ${revoked.revokedAt}; generate a CRL to publish it.`
          )
          return
        }
        const selection = bulkSelection(services, opts, filtered)
        if (!opts.dryRun && !opts.yes)
          throw usageError('CONFIRMATION_REQUIRED', 'Revoking many certificates needs --yes; run with --dry-run first to see what would be revoked.', '--yes')
        if (opts.dryRun && opts.yes) throw usageError('CONFLICTING_OPTIONS', 'The options --dry-run (change nothing) and --yes (revoke) contradict each other: give one of them.', '--yes')
        if (!opts.dryRun) warnIfAuditBroken(services, ctx.io)
        const r = expectOk(
          await services.bulk.revokeMany({ selection, reason: opts.reason, dryRun: opts.dryRun === true, listLimit: 1_000_000, ...(opts.invalidityDate ? { invalidityDate: opts.invalidityDate.toISOString() } : {}) })
        )
        const skipped = r.skipped.map((k) => ({ ...k, serial: formatSerial(k.serial) }))
        out.result({ ...r, items: r.items.map((c) => ({ ...c, serial: formatSerial(c.serial) })), skipped }, () =>
          [
            ...(r.dryRun ? [formatTable(['SERIAL', 'SUBJECT'], r.items.map((c) => [formatSerial(c.serial), c.subjectText]))] : []),
            ...skipped.map((k) => `skipped ${k.serial}: ${SKIP_WORDS[k.why]}`),
            r.dryRun
              ? `${r.matched} certificate${r.matched === 1 ? '' : 's'} would be revoked (${opts.reason}); run again with --yes instead of --dry-run to revoke ${r.matched === 1 ? 'it' : 'them'}.`
              : `Revoked ${r.revoked} certificate${r.revoked === 1 ? '' : 's'} (${opts.reason}); generate a CRL to publish ${r.revoked === 1 ? 'it' : 'them'}.`
          ].join('\n')
        )
      })
    )

  cert
    .command('release')
    .description('lift a hold: a certificate revoked with reason certificateHold is valid again and the CA\'s next CRL omits it (audited)')
    .argument('<serial>', 'serial, hex with or without colons', normalizeSerial)
    .option('--ca <caId>', 'the issuing CA, when two CAs issued the same serial')
    .action(
      run<{ ca?: string }>(({ ctx, out, opts, args }) => {
        const services = ctx.services()
        const found = resolveCertificate(services, String(args[0]), opts.ca)
        warnIfAuditBroken(services, ctx.io)
        const released = expectOk(services.certificates.release(found.id))
        out.result(certificateJson(released), () => `Released ${formatSerial(released.serial)} from hold; generate a CRL to publish it without the certificate.`)
      })
    )

  const renewCommand = cert
    .command('renew')
    .description('a new certificate for the same key, subject and names, with the same profile as it is now (the vault must hold the key)')
    .argument('<serial>', 'serial, hex with or without colons', normalizeSerial)
    .option('--ca <caId>', 'the issuing CA, when two CAs issued the same serial')
    .option('--signing-ca <caId>', 'sign the renewal with this CA instead of the one that signed the certificate')
    .option('--confirm-warnings', 'renew even when the profile raises warnings (errors always refuse)')
  addKeyPassphraseFileOption(addPassphraseFileOption(renewCommand))
  renewCommand.action(
    run<RenewOptions>(async ({ ctx, out, opts, args }) => {
      const services = ctx.services()
      const found = resolveCertificate(services, String(args[0]), opts.ca)
      const serial = formatSerial(found.serial)
      const signingId = opts.signingCa !== undefined ? resolveAuthority(services, opts.signingCa).id : found.authorityId
      if (!found.hasKey || !signingId) {
        // Said by the service in the same words; checked first so no passphrase is asked for.
        expectOk(await services.renewal.renew({ id: found.id, confirmWarnings: false }))
      }
      warnIfAuditBroken(services, ctx.io)
      const ca = expectOk(services.authorities.get(signingId!))
      await unlockAuthority(services, ca, opts.passphraseFile, ctx.io.env, `Renewing ${serial}`, ctx.io.stderr, opts.custodianPassphraseFile, opts.pinFile)
      const detail = expectOk(services.certificates.get(found.id))
      const key = services.vault.keyForPublicKey(detail.view.publicKey.sha256)
      const keyNeedsPassphrase = key !== null && !services.vault.isUnlocked(key.keyId) && (key.protection === 'passphrase' || key.protection === 'both')
      const keyPassphrase = keyNeedsPassphrase ? requireSecret('key-passphrase', opts.keyPassphraseFile, ctx.io.env, `Renewing ${serial} with its own key`, ctx.io.stderr) : undefined
      const r = await services.renewal.renew({ id: found.id, authorityId: signingId!, confirmWarnings: opts.confirmWarnings === true, ...(keyPassphrase !== undefined ? { keyPassphrase } : {}) })
      if (!r.ok) {
        const findings = (r.error.details as { findings?: readonly FindingLike[] } | undefined)?.findings ?? []
        if (findings.length > 1) {
          out.errorLine({ code: r.error.code, message: `Renewing ${serial} was refused with ${findings.length} findings:` })
          for (const line of findingLines(findings)) ctx.io.stderr(`  ${line}\n`)
          throw new CliError({ ...r.error, message: `${findings.length} findings (listed above)${r.error.code === 'POLICY_WARNINGS_UNCONFIRMED' ? '; add --confirm-warnings to renew anyway' : ''}.` }, EXIT_FAILED)
        }
        if (r.error.field === 'keyPassphrase') throw new CliError(unlockFailure(r.error, `the key of certificate ${serial}`, opts.keyPassphraseFile, 'key-passphrase'), EXIT_FAILED)
        if (r.error.code === 'POLICY_WARNINGS_UNCONFIRMED') throw new CliError({ ...r.error, message: `${r.error.message.replace(/\.$/, '')}; add --confirm-warnings to renew anyway.` }, EXIT_FAILED)
      }
      const renewed = expectOk(r)
      const old =
        found.status === 'revoked'
          ? `the old certificate was already revoked (${found.revocationReason ?? 'unspecified'})`
          : found.status === 'expired'
            ? `the old certificate expired on ${found.notAfter}`
            : `the old certificate stays valid until ${found.notAfter}; revoke it (--reason superseded) once the new one is deployed`
      out.result({ ...renewed, serial: formatSerial(renewed.serial), renewedFromSerial: serial }, () => `Renewed ${serial} as ${formatSerial(renewed.serial)} (${renewed.subjectText}); ${old}.`)
    })
  )
}
