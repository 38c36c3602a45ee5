// pkidesk pkcs11 tokens --pkcs11-module PATH: the tokens in a PKCS#11 module's slots; and the
// options every command that makes or finds a CA key on a token shares (module, token, key
// label, the user PIN from PKIDESK_PKCS11_PIN or --pin-file).
import type { Command } from 'commander'
import type { Runner } from '../program'
import type { Pkcs11TokenDto, TokenKeyInput } from '../../shared/domain/pkcs11'
import { expectOk, requireSecret, usageError, type CliIo } from '../context'
import { formatTable } from '../output'

export interface TokenOptions {
  pkcs11Module?: string
  token?: string
  keyLabel?: string
  keyId?: string
  pinFile?: string
}

/** The module, token, key and PIN the options name; usage errors say which option is missing. */
export function tokenKeyInput(opts: TokenOptions, io: CliIo, why: string): TokenKeyInput {
  if (opts.pkcs11Module === undefined) throw usageError('MISSING_INPUT', `${why} needs the token's module: pass --pkcs11-module PATH (e.g. /usr/lib/softhsm/libsofthsm2.so).`, '--pkcs11-module')
  if (opts.token === undefined) throw usageError('MISSING_INPUT', `${why} needs the token: pass --token LABEL (\`pkidesk pkcs11 tokens --pkcs11-module ${opts.pkcs11Module}\` lists them).`, '--token')
  if (opts.keyId !== undefined && !/^([0-9a-fA-F]{2})+$/.test(opts.keyId)) throw usageError('INVALID_ARGUMENT', `The key id ${opts.keyId} (--key-id) is not hex: give the token key's CKA_ID, for example 01 or a1b2c3.`, '--key-id')
  const pin = requireSecret('pin', opts.pinFile, io.env, why, io.stderr)
  return {
    module: opts.pkcs11Module,
    token: opts.token,
    pin,
    ...(opts.keyLabel !== undefined ? { keyLabel: opts.keyLabel } : {}),
    ...(opts.keyId !== undefined ? { keyId: opts.keyId.toLowerCase() } : {})
  }
}

const bytes = (n: number | null): string => (n === null ? 'not reported' : `${n.toLocaleString('en')} bytes`)

function pinState(t: Pkcs11TokenDto): string {
  if (t.pinLocked) return 'LOCKED'
  if (t.pinFinalTry) return 'final try'
  if (t.pinCountLow) return 'tries low'
  return 'ok'
}

export function registerPkcs11Commands(program: Command, run: Runner): void {
  const group = program.command('pkcs11').description('PKCS#11 tokens and HSMs that hold CA keys')
  group
    .command('tokens')
    .description('list the tokens in the slots of a PKCS#11 module: label, serial, manufacturer, free space')
    .requiredOption('--pkcs11-module <path>', 'path of the PKCS#11 module (shared library), e.g. /usr/lib/softhsm/libsofthsm2.so')
    .action(
      run<{ pkcs11Module: string }>(async ({ ctx, out, opts }) => {
        const tokens = expectOk(await ctx.services().vault.tokens(opts.pkcs11Module))
        out.result(tokens, () =>
          tokens.length === 0
            ? `No initialised token is present in ${opts.pkcs11Module}.`
            : formatTable(
                ['SLOT', 'LABEL', 'SERIAL', 'MANUFACTURER', 'MODEL', 'FREE PUBLIC', 'FREE PRIVATE', 'PIN'],
                tokens.map((t) => [t.slotId, t.label, t.serial, t.manufacturer, t.model, bytes(t.freePublicBytes), bytes(t.freePrivateBytes), pinState(t)])
              )
        )
      })
    )
}
