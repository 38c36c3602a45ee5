// pkidesk issue --ca ID --profile ID FILE… [--out DIR]: one result per CSR, exit 0 only if
// every one was issued. Each request commits on its own terms (the service's batch is
// atomic per item): a refused CSR adds nothing to the store.
import { join } from 'node:path'
import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import type { Runner } from '../program'
import { EXIT_FAILED, expectOk, operationError } from '../context'
import type { Services } from '../../main/services'
import { getCertificate } from '../../main/store/certificates-repo'
import { formatSerial } from '../parse'
import { resolveAuthority, resolveProfile, unlockAuthority } from '../resolve'
import { addPassphraseFileOption, toPem, writeOutput } from './common'

interface IssueOptions {
  ca: string
  profile: string
  out?: string
  confirmWarnings?: boolean
  passphraseFile?: string
}

/** One line of the batch's result, as `--json` prints it. */
export interface IssueResult {
  readonly file: string
  readonly ok: boolean
  readonly serial?: string
  readonly certificate?: string
  readonly error?: { readonly code: string; readonly message: string; readonly field?: string }
}

interface Item {
  readonly file: string
  readonly csrPem?: string
  readonly error?: { code: string; message: string; field?: string }
}

const CSR_BLOCK = /-----BEGIN (NEW )?CERTIFICATE REQUEST-----[\s\S]*?-----END (NEW )?CERTIFICATE REQUEST-----/g

/** The requests of one file: each PEM block, or the DER file as one request. Unreadable files become failed items. */
export function itemsOfFile(file: string, read: (f: string) => Buffer = readFileSync): Item[] {
  let bytes: Buffer
  try {
    bytes = read(file)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    return [{ file, error: { code: 'FILE_UNREADABLE', message: code === 'ENOENT' ? 'The file does not exist.' : `The file cannot be read (${code ?? 'error'}).`, field: file } }]
  }
  const text = bytes.toString('latin1')
  if (!text.includes('-----BEGIN')) return [{ file, csrPem: bytes.length ? toPem('CERTIFICATE REQUEST', bytes) : '' }]
  const blocks = text.match(CSR_BLOCK)
  // Anything that is not a request block (a certificate, a key) goes to the service whole, which says what it is.
  if (!blocks || blocks.length <= 1) return [{ file, csrPem: text }]
  return blocks.map((b, i) => ({ file: `${file}#${i + 1}`, csrPem: `${b}\n` }))
}

function certificatePem(services: Services, id: number): string {
  const row = getCertificate(services.db, id)
  if (!row) throw operationError('CERTIFICATE_NOT_FOUND', `Certificate ${id} was issued but cannot be read back from the store.`)
  return toPem('CERTIFICATE', row.der)
}

export function registerIssueCommand(program: Command, run: Runner): void {
  addPassphraseFileOption(
    program
      .command('issue')
      .description('issue one certificate per CSR; exit 0 only if every CSR was issued')
      .requiredOption('--ca <caId>', 'issuing CA id or name')
      .requiredOption('--profile <profileId>', 'profile id or name')
      .argument('<csr...>', 'CSR files (PEM, several requests per file allowed, or DER)')
      .option('--out <dir>', 'write each certificate to <dir>/<SERIAL>.pem')
      .option('--confirm-warnings', 'issue even when the profile raises warnings (errors always refuse)')
  ).action(
    run<IssueOptions>(async ({ ctx, out, opts, args }) => {
      const files = args[0] as string[]
      const services = ctx.services()
      const ca = resolveAuthority(services, opts.ca)
      const profile = resolveProfile(services, opts.profile)
      await unlockAuthority(services, ca, opts.passphraseFile, ctx.io.env, 'Issuing')
      const items = files.flatMap((f) => itemsOfFile(f))
      const results: IssueResult[] = items.map((i) => ({ file: i.file, ok: false, ...(i.error ? { error: i.error } : {}) }))
      const sendable = items.map((item, index) => ({ item, index })).filter((x) => x.item.error === undefined && x.item.csrPem !== '')
      items.forEach((i, index) => {
        if (i.csrPem === '') results[index] = { file: i.file, ok: false, error: { code: 'CSR_EMPTY', message: 'The file is empty.', field: i.file } }
      })
      if (sendable.length > 0) {
        const batch = expectOk(
          await services.issuance.issue({
            authorityId: ca.id,
            profileId: profile.id,
            confirmWarnings: opts.confirmWarnings === true,
            items: sendable.map((s) => ({ csrPem: s.item.csrPem!, input: { subject: {}, sans: [] } }))
          })
        )
        for (const r of batch.results) {
          const target = sendable[r.index]!
          const file = target.item.file
          if (!r.ok) {
            results[target.index] = { file, ok: false, error: { ...r.error, message: r.error.message } }
            continue
          }
          const serial = formatSerial(r.serial)
          // The PEM only when it is printed or written. Read straight from the stored row:
          // certificates.get would decode every extension (most of a large batch's time).
          const pem = out.json || opts.out !== undefined ? certificatePem(services, r.certificateId) : undefined
          results[target.index] = { file, ok: true, serial, ...(out.json && pem ? { certificate: pem } : {}) }
          if (opts.out !== undefined && pem) writeOutput(join(opts.out, `${serial}.pem`), pem)
        }
      }
      const issued = results.filter((r) => r.ok).length
      for (const r of results) if (!r.ok && r.error) out.errorLine({ code: r.error.code, message: `${r.file}: ${r.error.message}` })
      out.result(results, () =>
        [
          ...results.map((r) => (r.ok ? `issued  ${r.serial}  ${r.file}` : `FAILED  ${r.error?.code ?? 'ERROR'}  ${r.file}`)),
          `Issued ${issued} of ${results.length} with CA "${ca.name}" and profile "${profile.name}"${opts.out ? `; certificates in ${opts.out}` : ''}.`
        ].join('\n')
      )
      return issued === results.length ? undefined : EXIT_FAILED
    })
  )
}
