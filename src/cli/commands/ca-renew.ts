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

interface RenewOptions {
  validity?: ParsedDuration
  rekey?: boolean
  key?: KeySpec
  protection?: KeyProtection
  hash?: string
  passphraseFile?: string
  custodianPassphraseFile?: string[]
  parentPassphraseFile?: string
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
  ).action(
    run<RenewOptions>(async ({ ctx, out, opts, args }) => {
      if (!opts.rekey && (opts.key !== undefined || opts.protection !== undefined))
        throw usageError('CONFLICTING_OPTIONS', `${opts.key !== undefined ? '--key' : '--protection'} is for a new key: add --rekey, or leave it out to renew with the same key.`, opts.key !== undefined ? '--key' : '--protection')
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
      const protection = opts.protection ?? (current === 'keychain' || current === 'passphrase' || current === 'both' ? current : undefined)
      if (!protection) throw usageError('MISSING_INPUT', `The key of "${found.name}" is kept by ${current ?? 'an unknown store'}: say how the new key is kept with --protection keychain|passphrase|both.`, '--protection')
      const passphrase = protection === 'keychain' ? undefined : requireSecret('passphrase', opts.passphraseFile, ctx.io.env, `A CA key protected by ${protection}`, ctx.io.stderr)
      const r = expectOk(await services.caLifecycle.rekey({ ...common, keySpec: spec, protection, ...(passphrase !== undefined ? { passphrase } : {}) }))
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
