// pkidesk issue --ca ID --profile ID FILE… [--out DIR]: one result per CSR, exit 0 only if
// every one was issued. Each request commits on its own terms (the service's batch is
// atomic per item): a refused CSR adds nothing to the store. Every input file and the output
// folder are checked before anything is signed: a typo must not leave certificates issued
// whose files were never written. Files are written as each slice of the batch commits
// (temp file + rename), and the batch is a recorded run: after a kill, `pkidesk runs` lists
// it as interrupted and `pkidesk issue --resume RUN` signs only what was not signed and
// writes any missing file. Ctrl-C stops the batch before its next signature: what was signed
// is kept, written and listed; the rest is reported as not attempted (exit 1). A second
// Ctrl-C ends the process at once.
import { randomUUID } from 'node:crypto'
import type { Command } from 'commander'
import type { Runner } from '../program'
import type { ErrorCode } from '../../shared/errors'
import { EXIT_FAILED, expectOk, operationError, usageError, type CliContext, type ExitCode } from '../context'
import type { Output } from '../output'
import type { Services } from '../../main/services'
import { formatSerial } from '../parse'
import { resolveAuthority, resolveProfile, unlockAuthority } from '../resolve'
import { warnIfAuditBroken } from '../audit-guard'
import { findingLines, type FindingLike } from './findings'
import { collectSan } from '../names'
import { HASH_CHOICES, batchInput, collectSet, parseHash, parseNotAfter, parseValidityDays, readValuesFile } from '../operator-values'
import type { GeneralName } from '../../shared/domain/names'
import { MAX_CSR_FILE_BYTES, addForceOption, addPassphraseFileOption, checkOutputDir, readInput, toPem } from './common'

interface IssueOptions {
  ca?: string
  profile?: string
  resume?: string
  reissue?: boolean
  out?: string
  force?: boolean
  confirmWarnings?: boolean
  passphraseFile?: string
  pinFile?: string
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
  /** The --out file written for it. */
  readonly path?: string
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

/** Ctrl-C asks the service to stop the run before its next signature. */
async function interruptible<T>(ctx: { io: { stderr: (t: string) => void } }, services: Services, operationId: string, body: () => Promise<T>): Promise<T> {
  const interrupt = (): void => {
    if (services.issuance.cancel(operationId)) ctx.io.stderr('Interrupted: stopping before the next signature; what was signed is kept. Press Ctrl-C again to quit at once.\n')
  }
  process.once('SIGINT', interrupt)
  try {
    return await body()
  } finally {
    process.removeListener('SIGINT', interrupt)
  }
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
        .description('issue one certificate per CSR (a recorded run: see `pkidesk runs`); exit 0 only if every CSR was issued')
        .option('--ca <caId>', 'issuing CA id or name (required unless --resume)')
        .option('--profile <profileId>', 'profile id or name (required unless --resume)')
        .argument('[csr...]', 'CSR files (PEM, several requests per file allowed, or DER; at most 1 MiB each)')
        .option('--out <dir>', 'write each certificate to <dir>/<SERIAL>.pem as its slice commits (the folder must exist); with --resume, instead of the run\'s own folder')
        .option('--resume <run>', "sign the requests of run RUN (from `pkidesk runs`) not signed yet, with the run's CA, profile and values, and write the files it is missing")
        .option('--reissue', 'issue even for a request this CA and profile already certified (a certificate for it still valid): without it such a request is refused with CSR_ALREADY_CERTIFIED')
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
      const files = (args[0] as string[] | undefined) ?? []
      if (opts.resume !== undefined) return resumeRun(ctx, out, opts, files)
      if (opts.ca === undefined || opts.profile === undefined)
        throw usageError('ISSUE_USAGE', `Issuing needs ${opts.ca === undefined ? '--ca' : '--profile'}: name the CA and the profile that sign the requests (or give --resume RUN).`, opts.ca === undefined ? '--ca' : '--profile')
      if (files.length === 0) throw usageError('ISSUE_USAGE', 'Issuing needs at least one CSR file: give one, or --resume RUN to finish a recorded run.')
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
      await unlockAuthority(services, ca, opts.passphraseFile, ctx.io.env, 'Issuing', ctx.io.stderr, opts.custodianPassphraseFile, opts.pinFile)
      const operationId = randomUUID()
      const batch = expectOk(
        await interruptible(ctx, services, operationId, () =>
          services.issuance.issue(
            {
              operationId,
              authorityId: ca.id,
              profileId: profile.id,
              confirmWarnings: opts.confirmWarnings === true,
              confirmResubmission: opts.reissue === true,
              ...(input ? { input } : {}),
              items: items.map((s, i) => {
                const own = perRequest.get(i)
                return { csrPem: s.csrPem, label: s.file, ...(own ? { input: own } : {}) }
              })
            },
            opts.out !== undefined ? { output: { dir: opts.out, force: opts.force === true } } : {}
          )
        )
      )
      return report(ctx, out, services, {
        runId: batch.runId,
        cancelled: batch.cancelled,
        results: batch.results.map((r) => ({ ...r, file: items[r.index]!.file })),
        summary: (issued, total) => `Issued ${issued} of ${total} with CA "${ca.name}" and profile "${profile.name}"${opts.out ? `; certificates in ${opts.out}` : ''} (run ${batch.runId}).`
      })
    })
  )
}

/** `issue --resume RUN`: the run's CA is unlocked as for a batch; its requests come from the store. */
async function resumeRun(ctx: CliContext, out: Output, opts: IssueOptions, files: readonly string[]): Promise<ExitCode | undefined> {
  const runId = opts.resume!
  if (files.length || opts.ca !== undefined || opts.profile !== undefined)
    throw usageError('ISSUE_USAGE', `Resuming run ${runId} signs the run's own requests with its own CA and profile: give no CSR file, --ca or --profile with it.`, '--resume')
  if (opts.out !== undefined) checkOutputDir(opts.out)
  const services = ctx.services()
  const before = expectOk(services.runs.get(runId))
  const ca = resolveAuthority(services, before.authorityId)
  warnIfAuditBroken(services, ctx.io)
  if (before.recorded > before.issued) await unlockAuthority(services, ca, opts.passphraseFile, ctx.io.env, 'Resuming', ctx.io.stderr, opts.custodianPassphraseFile, opts.pinFile)
  const operationId = randomUUID()
  const resumed = expectOk(
    await interruptible(ctx, services, operationId, () =>
      services.runs.resume(runId, { operationId, confirmResubmission: opts.reissue === true, ...(opts.out !== undefined ? { output: { dir: opts.out, force: opts.force === true } } : {}) })
    )
  )
  const run = resumed.run
  if (resumed.missing)
    out.errorLine({ code: 'RUN_ITEMS_MISSING', message: `${resumed.missing} of the run's ${run.total} requests were never recorded (the app stopped before sending them): issue their files again.` })
  const code = report(ctx, out, services, {
    runId,
    cancelled: resumed.cancelled,
    results: resumed.results.map((r) => ({ ...r, file: r.label ?? `request ${r.index + 1}` })),
    summary: () =>
      `Run ${runId}: ${run.issued} of ${run.total} signed (${resumed.issued} now${resumed.filesWritten ? `, ${resumed.filesWritten} missing file${resumed.filesWritten === 1 ? '' : 's'} written` : ''}); ${run.state === 'completed' ? 'complete' : run.state}.`
  })
  const complete = run.issued + run.refused === run.total && (run.outDir === null || run.written === run.issued)
  return code === undefined && complete && run.refused === 0 ? undefined : EXIT_FAILED
}

type ReportedResult =
  | { readonly ok: true; readonly file: string; readonly certificateId: number; readonly serial: string; readonly path?: string | undefined; readonly fileError?: string | undefined }
  | { readonly ok: false; readonly file: string; readonly error: NonNullable<IssueResult['error']> }

interface ReportInput {
  readonly runId: string
  readonly cancelled: number
  readonly results: readonly ReportedResult[]
  readonly summary: (issued: number, total: number) => string
}

/** Prints a batch's (or a resume's) results and returns the exit code. */
function report(ctx: CliContext, out: Output, services: Services, batch: ReportInput): ExitCode | undefined {
  const unwritten: { serial: string; message: string }[] = []
  const results: IssueResult[] = batch.results.map((r) => {
    if (!r.ok) return { file: r.file, ok: false, error: r.error }
    const serial = formatSerial(r.serial)
    // The PEM only when it is printed. Read straight from the stored row: certificates.get
    // would decode every extension (most of a large batch's time).
    const pem = out.json ? certificatePem(services, r.certificateId) : undefined
    if (r.fileError) unwritten.push({ serial, message: r.fileError })
    return { file: r.file, ok: true, serial, ...(r.path ? { path: r.path } : {}), ...(pem ? { certificate: pem } : {}), ...(r.fileError ? { written: false as const } : {}) }
  })
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
    } else out.errorLine({ code: r.error.code, message: `${r.file}: ${r.error.message}${r.error.code === 'CSR_ALREADY_CERTIFIED' ? ' (--reissue confirms it)' : ''}` })
  }
  if (batch.cancelled)
    out.errorLine({ code: 'CANCELLED', message: `Interrupted: ${batch.cancelled} of ${results.length} requests were not attempted (listed as CANCELLED); \`pkidesk issue --resume ${batch.runId}\` signs them.` })
  for (const u of unwritten)
    out.errorLine({ code: 'OUTPUT_UNWRITABLE', message: `Certificate ${u.serial} was issued and is stored, but ${u.message}; \`pkidesk issue --resume ${batch.runId}\` writes it again (or \`pkidesk cert export ${u.serial} --format pem --out FILE\`), do not issue it again.` })
  out.result(results, () =>
    [
      ...results.map((r) => (r.ok ? `issued  ${r.serial}  ${r.file}${r.written === false ? '  (stored; file NOT written)' : ''}` : `FAILED  ${r.error?.code ?? 'ERROR'}  ${r.file}`)),
      batch.summary(issued, results.length)
    ].join('\n')
  )
  return issued === results.length && unwritten.length === 0 ? undefined : EXIT_FAILED
}
