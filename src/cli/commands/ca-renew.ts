// pkidesk ca renew — a CA's next certificate: the same key for a new validity, or with
// --rekey a new key and certificate under the same name (the old CA is retired as
// "NAME (key N)": it issues nothing more and goes on signing CRLs for what it issued).
// A root signs its own renewal (its key is unlocked for it) and its re-key (with the new key);
// an intermediate's parent signs (unlocked for it; the parent's successor if it was re-keyed).
import { Option, type Command } from 'commander'
import type { Runner } from '../program'
import type { AuthoritySummary } from '../../shared/domain/authority'
import type { KeyProtection, KeySpec } from '../../shared/domain/keys'
import { keySpec } from '../../shared/domain/keys'
import { parseDuration, parseKeySpec, parseProtection, type ParsedDuration } from '../parse'
import { expectOk, requireSecret, usageError } from '../context'
import { formatRecord } from '../output'
import { resolveAuthority, unlockAuthority } from '../resolve'
import { addPassphraseFileOption } from './common'
import { authorityRows, parseHash, validityDays } from './ca'
import { warnIfAuditBroken } from '../audit-guard'
import { tokenKeyInput } from './pkcs11'

interface RenewOptions {
  validity?: ParsedDuration
  rekey?: boolean
  key?: KeySpec
  protection?: KeyProtection
  hash?: string
  passphraseFile?: string
  custodianPassphraseFile?: string[]
  parentPassphraseFile?: string
  keyStore?: 'vault' | 'pkcs11'
  pkcs11Module?: string
  token?: string
  keyLabel?: string
  pinFile?: string
}

/** The CA that signs `ca`'s next certificate: its parent, or the parent's successor after a re-key; null for a root. */
function signingParent(all: readonly AuthoritySummary[], ca: AuthoritySummary): AuthoritySummary | null {
  if (ca.selfSigned || !ca.parentId) return null
  let parent = all.find((a) => a.id === ca.parentId) ?? null
  const seen = new Set<string>()
  while (parent?.successorId && !seen.has(parent.id)) {
    seen.add(parent.id)
    parent = all.find((a) => a.id === parent!.successorId) ?? parent
  }
  return parent
}

export function registerCaRenewCommand(program: Command, run: Runner): void {
  const ca = program.commands.find((c) => c.name() === 'ca')
  if (!ca) throw new Error('the ca command group must be registered first')
  addPassphraseFileOption(
    ca
      .command('renew')
      .description('renew a CA: the same key for a new validity, or --rekey: a new key and certificate under the same name')
      .argument('<caId>', 'CA id or name')
      .addOption(new Option('--validity <duration>', 'validity from now, e.g. 5y or 1825d (default: as long as the current certificate)').argParser(parseDuration))
      .option('--rekey', 'a new key and certificate; the old CA is retired and keeps signing CRLs for what it issued')
      .addOption(new Option('--key <spec>', `with --rekey: the new key type, ${keySpec.options.join('|')} (default: the current key's)`).argParser(parseKeySpec))
      .addOption(new Option('--protection <how>', "with --rekey: how the new key is kept, keychain, passphrase or both (default: the current key's)").argParser(parseProtection))
      .option('--hash <hash>', "signature hash: SHA-256, SHA-384, SHA-512 (default: the signing key's, SHA-256 for RSA)")
      .option('--parent-passphrase-file <file>', "passphrase of the parent CA that signs an intermediate's certificate, when it differs from --passphrase-file")
      .addOption(new Option('--key-store <store>', 'with --rekey: where the new key is generated, vault or pkcs11 (on a token; the PIN from $PKIDESK_PKCS11_PIN or --pin-file). Default: where the current key is; a token CA needs --pkcs11-module and --token').choices(['vault', 'pkcs11']))
      .option('--pkcs11-module <path>', 'with --key-store pkcs11: the PKCS#11 module (shared library) path')
      .option('--token <label>', 'with --key-store pkcs11: the label of the token')
      .option('--key-label <label>', 'with --key-store pkcs11: the label of the new key on the token (default "PKI Desk NAME DATE")')
  ).action(
    run<RenewOptions>(async ({ ctx, out, opts, args }) => {
      const newKeyOption = opts.key !== undefined ? '--key' : opts.protection !== undefined ? '--protection' : opts.keyStore !== undefined ? '--key-store' : opts.pkcs11Module !== undefined ? '--pkcs11-module' : opts.token !== undefined ? '--token' : opts.keyLabel !== undefined ? '--key-label' : null
      if (!opts.rekey && newKeyOption)
        throw usageError('CONFLICTING_OPTIONS', `${newKeyOption} is for a new key: add --rekey, or leave it out to renew with the same key.`, newKeyOption)
      const services = ctx.services()
      warnIfAuditBroken(services, ctx.io)
      const found = resolveAuthority(services, String(args[0]), 'caId')
      const days = opts.validity ? validityDays(opts.validity, new Date()) : undefined
      const hash = opts.hash !== undefined ? parseHash(opts.hash) : undefined
      const common = { authorityId: found.id, ...(days !== undefined ? { validityDays: days } : {}), ...(hash ? { signature: { hash, rsaPss: false } } : {}) }
      const parent = signingParent(services.authorities.list(), found)
      if (parent) await unlockAuthority(services, parent, opts.parentPassphraseFile ?? opts.passphraseFile, ctx.io.env, `Signing the certificate of "${found.name}"`, ctx.io.stderr, opts.custodianPassphraseFile)

      if (!opts.rekey) {
        // A root signs its own renewal.
        if (!parent && found.selfSigned) await unlockAuthority(services, found, opts.passphraseFile, ctx.io.env, 'Renewing the root', ctx.io.stderr, opts.custodianPassphraseFile)
        const renewed = expectOk(await services.caLifecycle.renew(common))
        out.result(renewed, () => `Renewed CA "${renewed.name}" (same key): serial ${renewed.serial ?? ''}, valid until ${renewed.notAfter ?? ''}.\n${formatRecord(authorityRows(renewed))}`)
        return
      }

      const spec = opts.key ?? found.keySpec
      if (!spec) throw usageError('MISSING_INPUT', `The key type of "${found.name}" is not known here: give the new one with --key.`, '--key')
      const current = found.keyProtection
      // A token CA's new key goes on a token too unless --key-store vault says otherwise.
      const onToken = opts.keyStore === 'pkcs11' || (opts.keyStore === undefined && current === 'pkcs11')
      if (!onToken && (opts.pkcs11Module !== undefined || opts.token !== undefined || opts.keyLabel !== undefined))
        throw usageError('CONFLICTING_OPTIONS', 'The options --pkcs11-module, --token and --key-label go with --key-store pkcs11: add it, or leave them out for a vault key.', '--key-store')
      if (onToken && opts.protection !== undefined)
        throw usageError('CONFLICTING_OPTIONS', 'The option --protection is for vault keys; a key on a token is protected by the token and its PIN: leave --protection out, or add --key-store vault.', '--protection')
      if (onToken && opts.keyStore === undefined && (opts.pkcs11Module === undefined || opts.token === undefined))
        throw usageError('MISSING_INPUT', `The key of "${found.name}" is on a PKCS#11 token, and so is its new key: pass --pkcs11-module PATH and --token LABEL (or --key-store vault with --protection for a vault key).`, opts.pkcs11Module === undefined ? '--pkcs11-module' : '--token')
      const token = onToken ? tokenKeyInput(opts, ctx.io, 'A new CA key on a PKCS#11 token') : undefined
      const protection = onToken ? 'keychain' : opts.protection ?? (current === 'keychain' || current === 'passphrase' || current === 'both' ? current : undefined)
      if (!protection) throw usageError('MISSING_INPUT', `The key of "${found.name}" is kept by ${current ?? 'an unknown store'}: say how the new key is kept with --protection keychain|passphrase|both.`, '--protection')
      const passphrase = protection === 'keychain' || onToken ? undefined : requireSecret('passphrase', opts.passphraseFile, ctx.io.env, `A CA key protected by ${protection}`, ctx.io.stderr)
      const r = expectOk(await services.caLifecycle.rekey({ ...common, keySpec: spec, protection, ...(passphrase !== undefined ? { passphrase } : {}), ...(token ? { token } : {}) }))
      out.result(r, () =>
        [
          `Re-keyed CA "${r.authority.name}": new ${r.authority.keySpec ?? ''} key, serial ${r.authority.serial ?? ''}, valid until ${r.authority.notAfter ?? ''}.`,
          `The previous CA is retired as "${r.retired.name}" (${r.retired.id}): it issues nothing more and signs CRLs for what it issued${r.retired.crlsNeededUntil ? ` (until ${r.retired.crlsNeededUntil})` : ''}.`,
          formatRecord(authorityRows(r.authority))
        ].join('\n')
      )
    })
  )
}
