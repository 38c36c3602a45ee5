// pkidesk issue --ca ID --profile ID FILE… [--out DIR]: one result per CSR, exit 0 only if
// every one was issued. Each request commits on its own terms (the service's batch is
// atomic per item): a refused CSR adds nothing to the store. Every input file and the output
// folder are checked before anything is signed: a typo must not leave certificates issued
// whose files were never written (a rerun would issue duplicates). Ctrl-C stops the batch
// before its next signature: what was signed is kept, written and listed; the rest is
// reported as not attempted (exit 1). A second Ctrl-C ends the process at once.
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import type { Command } from 'commander'
import type { Runner } from '../program'
import type { ErrorCode } from '../../shared/errors'
import { EXIT_FAILED, expectOk, operationError } from '../context'
import type { Services } from '../../main/services'
import { formatSerial } from '../parse'
import { resolveAuthority, resolveProfile, unlockAuthority } from '../resolve'
import { warnIfAuditBroken } from '../audit-guard'
import { findingLines, type FindingLike } from './findings'
import { collectSan } from '../names'
import { HASH_CHOICES, batchInput, collectSet, parseHash, parseNotAfter, parseValidityDays, readValuesFile } from '../operator-values'
import type { GeneralName } from '../../shared/domain/names'
import { MAX_CSR_FILE_BYTES, addForceOption, addPassphraseFileOption, checkOutputDir, readInput, toPem, writeOutput } from './common'

interface IssueOptions {
  ca: string
  profile: string
  out?: string
  force?: boolean
  confirmWarnings?: boolean
  passphraseFile?: string
  custodianPassphraseFile?: string[]
  set?: { type: string; value: string }[]
  san?: GeneralName[]
  validityDays?: number
  notAfter?: string
  hash?: string
  values?: string
}

/** One line of the batch's result, as `--json` prints it. */
export interface IssueResult {
  readonly file: string
  readonly ok: boolean
  readonly serial?: string
  readonly certificate?: string
  /** Set when the certificate was issued and stored but its --out file could not be written. */
  readonly written?: false
  readonly error?: { readonly code: ErrorCode; readonly message: string; readonly field?: string; readonly details?: unknown }
}

interface Item {
  readonly file: string
  readonly csrPem: string
}

const CSR_BLOCK = /-----BEGIN (NEW )?CERTIFICATE REQUEST-----[\s\S]*?-----END (NEW )?CERTIFICATE REQUEST-----/g

export const CSR_EMPTY_HINT = 'give a certificate signing request, PEM (-----BEGIN CERTIFICATE REQUEST-----) or DER'

/** The requests of one file's bytes: each PEM block, or the DER file as one request. */
export function itemsOfBytes(file: string, bytes: Buffer): Item[] {
  const text = bytes.toString('latin1')
  if (!text.includes('-----BEGIN')) return [{ file, csrPem: toPem('CERTIFICATE REQUEST', bytes) }]
  const blocks = text.match(CSR_BLOCK)
  // Anything that is not a request block (a certificate, a key) goes to the service whole, which says what it is.
  if (!blocks || blocks.length <= 1) return [{ file, csrPem: text }]
  return blocks.map((b, i) => ({ file: `${file}#${i + 1}`, csrPem: `${b}\n` }))
}

/** Reads one CSR file as `csr inspect` does: missing, empty or oversized files are usage errors (exit 2). */
export function readCsrFile(file: string): Buffer {
  return readInput(file, 'CSR', { maxBytes: MAX_CSR_FILE_BYTES, emptyHint: CSR_EMPTY_HINT })
}

function certificatePem(services: Services, id: number): string {
  const der = services.certificates.der(id)
  if (!der.ok) throw operationError('CERTIFICATE_NOT_FOUND', `Certificate ${id} was issued but cannot be read back from the store.`)
  return toPem('CERTIFICATE', der.value)
}

export function registerIssueCommand(program: Command, run: Runner): void {
  addForceOption(
    addPassphraseFileOption(
      program
        .command('issue')
        .description('issue one certificate per CSR; exit 0 only if every CSR was issued')
        .requiredOption('--ca <caId>', 'issuing CA id or name')
        .requiredOption('--profile <profileId>', 'profile id or name')
        .argument('<csr...>', 'CSR files (PEM, several requests per file allowed, or DER; at most 1 MiB each)')
        .option('--out <dir>', 'write each certificate to <dir>/<SERIAL>.pem (the folder must exist)')
        .option('--confirm-warnings', 'issue even when the profile raises warnings (errors always refuse)')
        .option('--set <attr=value>', 'a subject attribute the profile takes from the operator (source entered), for every CSR; repeatable (--set CN=web1.example.com --set OU=Ops)', collectSet)
        .option('--san <type:value>', 'a subject alternative name to add to every CSR: dns:NAME, ip:ADDR, email:ADDR, uri:URI (or upn:NAME); repeatable', collectSan)
        .option('--validity-days <n>', 'shorten the validity to N days from issuance (only where the profile lets the operator shorten it)', parseValidityDays)
        .option('--not-after <date>', 'end date instead: YYYY-MM-DD (valid through that day, UTC) or an ISO instant (only where the profile allows it)', parseNotAfter)
        .option('--hash <hash>', `signature hash: ${HASH_CHOICES.join(', ')} (an ECDSA CA signs with its curve's hash)`, parseHash)
        .option('--values <file>', "per-request values: a JSON object or CSV table keyed by CSR file name (keys/columns: an attribute such as CN, san, validity-days, not-after, hash); they override the flags above for that request")
    )
  ).action(
    run<IssueOptions>(async ({ ctx, out, opts, args }) => {
      const files = args[0] as string[]
      // Inputs and the output folder first: nothing is signed for a batch that cannot complete.
      const items = files.flatMap((f) => itemsOfBytes(f, readCsrFile(f)))
      if (opts.out !== undefined) checkOutputDir(opts.out)
      // Entered values: syntax here (exit 2); whether the profile takes them is policy, which
      // refuses a value for a field the operator may not set by name (exit 1).
      const input = batchInput(opts)
      const perRequest = opts.values !== undefined ? readValuesFile(opts.values, items) : new Map()
      const services = ctx.services()
      const ca = resolveAuthority(services, opts.ca)
      const profile = resolveProfile(services, opts.profile)
      warnIfAuditBroken(services, ctx.io)
      await unlockAuthority(services, ca, opts.passphraseFile, ctx.io.env, 'Issuing', ctx.io.stderr, opts.custodianPassphraseFile)
      const results: IssueResult[] = items.map((i) => ({ file: i.file, ok: false }))
      const operationId = randomUUID()
      const interrupt = (): void => {
        if (services.issuance.cancel(operationId)) ctx.io.stderr('Interrupted: stopping before the next signature; what was signed is kept. Press Ctrl-C again to quit at once.\n')
      }
      process.once('SIGINT', interrupt)
      let batch
      try {
        batch = expectOk(
          await services.issuance.issue({
            operationId,
            authorityId: ca.id,
            profileId: profile.id,
            confirmWarnings: opts.confirmWarnings === true,
            ...(input ? { input } : {}),
            items: items.map((s, i) => {
              const own = perRequest.get(i)
              return { csrPem: s.csrPem, ...(own ? { input: own } : {}) }
            })
          })
        )
      } finally {
        process.removeListener('SIGINT', interrupt)
      }
      const unwritten: { serial: string; file: string; message: string }[] = []
      for (const r of batch.results) {
        const file = items[r.index]!.file
        if (!r.ok) {
          results[r.index] = { file, ok: false, error: r.error }
          continue
        }
        const serial = formatSerial(r.serial)
        // The PEM only when it is printed or written. Read straight from the stored row:
        // certificates.get would decode every extension (most of a large batch's time).
        const pem = out.json || opts.out !== undefined ? certificatePem(services, r.certificateId) : undefined
        let written = true
        if (opts.out !== undefined && pem) {
          const target = join(opts.out, `${serial}.pem`)
          try {
            writeOutput(target, pem, { force: opts.force === true })
          } catch (e) {
            written = false
            unwritten.push({ serial, file: target, message: (e as Error).message.replace(/^[A-Z_]+: /, '').replace(/\.$/, '') })
          }
        }
        results[r.index] = { file, ok: true, serial, ...(out.json && pem ? { certificate: pem } : {}), ...(written ? {} : { written: false as const }) }
      }
      const issued = results.filter((r) => r.ok).length
      for (const r of results) {
        // Not attempted after Ctrl-C: one summary line below, not one per request.
        if (r.ok || !r.error || r.error.code === 'CANCELLED') continue
        const details = r.error.details as { findings?: readonly FindingLike[] } | undefined
        const findings = details?.findings ?? []
        // The service's message names the first finding and "(and N more)"; list them all instead,
        // one indented line each under the request's error line.
        if (findings.length > 1) {
          out.errorLine({ code: r.error.code, message: `${r.file}: refused with ${findings.length} findings:` })
          for (const line of findingLines(findings)) ctx.io.stderr(`  ${line}\n`)
        } else out.errorLine({ code: r.error.code, message: `${r.file}: ${r.error.message}` })
      }
      if (batch.cancelled)
        out.errorLine({ code: 'CANCELLED', message: `Interrupted: ${batch.cancelled} of ${results.length} requests were not attempted (listed as CANCELLED); issue them again to sign them.` })
      for (const u of unwritten)
        out.errorLine({ code: 'OUTPUT_UNWRITABLE', message: `Certificate ${u.serial} was issued and is stored, but ${u.message.replace(/^Cannot write /, 'writing ')}; get it with \`pkidesk cert export ${u.serial} --format pem --out FILE\`, do not issue it again.` })
      out.result(results, () =>
        [
          ...results.map((r) => (r.ok ? `issued  ${r.serial}  ${r.file}${r.written === false ? '  (stored; file NOT written)' : ''}` : `FAILED  ${r.error?.code ?? 'ERROR'}  ${r.file}`)),
          `Issued ${issued} of ${results.length} with CA "${ca.name}" and profile "${profile.name}"${opts.out ? `; certificates in ${opts.out}` : ''}.`
        ].join('\n')
      )
      return issued === results.length && unwritten.length === 0 ? undefined : EXIT_FAILED
    })
  )
}
