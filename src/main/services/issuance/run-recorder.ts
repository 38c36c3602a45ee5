// A batch's record (migration 008): every certificates:issue call belongs to a run, so a
// batch killed mid-way can be listed and resumed. The issuance service asks this module to
//   - open the run (or continue one: the app sends a batch in chunks, `issue --resume` sends
//     what was not signed) and record its items as pending before the first signature;
//   - mark, inside each commit's transaction, the items it signed (with their certificate)
//     and those it refused, so a crash never leaves an item "issued" without its row or a
//     row without its item;
//   - write, right after each commit, one PEM file per signed certificate when the run has
//     an output folder (temp file + rename: a file is whole or absent), recording the path
//     in the next transaction (a file written just before a crash is found by resume);
//   - close the run with its state.
// The SHA-256 of each request's DER finds an earlier certificate for the same request from
// the same CA and profile (the re-submission warning).
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { IssueRequest } from '../../../shared/ipc/certificates'
import type { Store, WriteTx } from '../../store/database'
import {
  earlierCertificateForRequest,
  getRun,
  insertRun,
  insertRunItems,
  markItemIssued,
  markItemUnsigned,
  markItemWritten,
  runCounts,
  setRunState,
  type EarlierCertificate,
  type RunRow,
  type RunState
} from '../../store/runs-repo'
import { toPem } from '../../engine'

/** This process as a run's owner: "pid:token". A run left 'running' by an owner that is gone was interrupted. */
export const PROCESS_OWNER = `${process.pid}:${randomBytes(4).toString('hex')}`

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** A 'running' run whose owner is neither this process nor a live one: killed, crashed or closed mid-run. */
export function isInterrupted(run: Pick<RunRow, 'state' | 'owner'>): boolean {
  if (run.state !== 'running') return false
  if (run.owner === PROCESS_OWNER) return false
  const pid = Number(run.owner?.split(':')[0])
  return !(Number.isInteger(pid) && pid > 0 && pid !== process.pid && pidAlive(pid))
}

const CSR_BLOCK = /-----BEGIN (?:NEW )?CERTIFICATE REQUEST-----([\s\S]*?)-----END (?:NEW )?CERTIFICATE REQUEST-----/

/** SHA-256 (hex) of the request's DER: its first CSR block decoded, or the text as given when it holds none. */
export function requestSha256(csrPem: string): string {
  const m = CSR_BLOCK.exec(csrPem)
  const bytes = m ? Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64') : Buffer.from(csrPem, 'utf8')
  return createHash('sha256').update(bytes).digest('hex')
}

/** The temp file a writer renames into place: .<SERIAL>.pem.<pid>.tmp */
export const TEMP_FILE = /^\.[0-9A-F]+\.pem\.(\d+)\.tmp$/

/** The file a run writes for a certificate: <dir>/<SERIAL>.pem, the serial in upper-case hex. */
export const certificateFile = (dir: string, serial: string): string => join(dir, `${serial.toUpperCase()}.pem`)

export type WriteOutcome = { readonly ok: true; readonly path: string } | { readonly ok: false; readonly path: string; readonly message: string }

/**
 * Writes one certificate's PEM through a temp file and a rename. A file already there with
 * the same certificate counts as written (a resume after a crash between rename and record);
 * one with other content is left alone unless `force`.
 */
export function writeCertificateFile(dir: string, serial: string, der: Uint8Array, force: boolean): WriteOutcome {
  const path = certificateFile(dir, serial)
  const pem = toPem('CERTIFICATE', der)
  try {
    if (existsSync(path)) {
      if (readFileSync(path, 'latin1') === pem) return { ok: true, path }
      if (!force) return { ok: false, path, message: `${path} already exists with other content (use --force to replace it)` }
    }
    const tmp = join(dir, `.${serial.toUpperCase()}.pem.${process.pid}.tmp`)
    try {
      writeFileSync(tmp, pem, { mode: 0o644 })
      renameSync(tmp, path)
    } catch (e) {
      if (existsSync(tmp)) unlinkSync(tmp)
      throw e
    }
    return { ok: true, path }
  } catch (e) {
    return { ok: false, path, message: `writing ${path} failed (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` }
  }
}

/** How an issue call joins a run. */
export type RunJoin =
  /** A new run of `total` items (the whole batch, or the first chunk of a batch the caller sends in chunks); `first` is this call's first index. */
  | { readonly kind: 'new'; readonly id: string; readonly total: number; readonly first: number }
  /** The next chunk of a run opened by an earlier call of this process. */
  | { readonly kind: 'chunk'; readonly id: string; readonly first: number }
  /** `issue --resume`: these run items, signed again. */
  | { readonly kind: 'resume'; readonly id: string; readonly indices: readonly number[] }

export interface RunOutput {
  readonly dir: string
  readonly force: boolean
}

export interface RunRecorder {
  readonly id: string
  /** The item's index in the run. */
  runIndex(i: number): number
  /** An earlier certificate still valid for item i's request (same CA and profile), including one signed earlier in this batch. */
  earlier(i: number, nowIso: string): Pick<EarlierCertificate, 'serial' | 'notAfter'> | null
  /** Item i was signed as `serial` (not committed yet): a later copy of the same request in this batch is a re-submission. */
  signed(i: number, serial: string, notAfter: string): void
  /** Item i was refused; recorded in the next commit. */
  refused(i: number, code: string, message: string): void
  /** Inside a commit's transaction: the items it signed, and the refusals and written files queued since the last commit. */
  committed(tx: WriteTx, items: readonly { readonly index: number; readonly certificateId: number; readonly serial: string }[]): void
  /** After the commit: the files of what it signed (when the run has an output folder). */
  writeFiles(items: readonly { readonly index: number; readonly serial: string; readonly der: Uint8Array }[]): Map<number, WriteOutcome>
  /** The end of this call: items it did not answer are not attempted; the run's state follows. */
  close(unanswered: readonly { readonly index: number; readonly code: string; readonly message: string }[], how: 'done' | 'cancelled' | 'stopped', nowIso: string): void
}

export interface OpenRunOptions {
  readonly store: Store
  readonly request: IssueRequest
  readonly join: RunJoin
  readonly output: RunOutput | null
  readonly nowIso: string
}

/** Opens (or continues) the run and records this call's items as pending, in one transaction. */
export function openRun(o: OpenRunOptions): RunRecorder {
  const { store, request, join: how } = o
  const id = how.id
  const indexOf = (i: number): number => (how.kind === 'resume' ? how.indices[i]! : how.first + i)
  const hashes = request.items.map((item) => requestSha256(item.csrPem))
  store.write((tx) => {
    const existing = getRun(tx, id)
    if (how.kind === 'new' && !existing)
      insertRun(tx, {
        id,
        authorityId: request.authorityId,
        profileId: request.profileId,
        total: how.total,
        confirmWarnings: request.confirmWarnings === true,
        input: request.input ? JSON.stringify(request.input) : null,
        outDir: o.output?.dir ?? null,
        state: 'running',
        owner: PROCESS_OWNER,
        createdAt: o.nowIso
      })
    else setRunState(tx, id, 'running', PROCESS_OWNER, o.nowIso, o.output ? o.output.dir : undefined)
    if (how.kind !== 'resume')
      insertRunItems(
        tx,
        id,
        request.items.map((item, i) => ({
          idx: indexOf(i),
          label: item.label ?? null,
          csrPem: item.csrPem,
          csrSha256: hashes[i]!,
          input: item.input ? JSON.stringify(item.input) : null
        }))
      )
  })
  const inBatch = new Map<string, { serial: string; notAfter: string }>()
  let refusals: { idx: number; code: string; message: string }[] = []
  let written: { idx: number; path: string }[] = []
  const flush = (tx: WriteTx): void => {
    for (const r of refusals) markItemUnsigned(tx, id, r.idx, 'refused', r.code, r.message)
    for (const w of written) markItemWritten(tx, id, w.idx, w.path)
    refusals = []
    written = []
  }
  return {
    id,
    runIndex: indexOf,
    earlier(i, nowIso) {
      const hit = inBatch.get(hashes[i]!)
      if (hit) return hit
      return store.read((tx) => earlierCertificateForRequest(tx, request.authorityId, request.profileId, hashes[i]!, nowIso))
    },
    signed(i, serial, notAfter) {
      inBatch.set(hashes[i]!, { serial, notAfter })
    },
    refused(i, code, message) {
      refusals.push({ idx: indexOf(i), code, message })
    },
    committed(tx, items) {
      for (const item of items) markItemIssued(tx, id, indexOf(item.index), item.certificateId, item.serial)
      flush(tx)
    },
    writeFiles(items) {
      const out = new Map<number, WriteOutcome>()
      if (!o.output) return out
      for (const item of items) {
        const w = writeCertificateFile(o.output.dir, item.serial, item.der, o.output.force)
        out.set(item.index, w)
        if (w.ok) written.push({ idx: indexOf(item.index), path: w.path })
      }
      return out
    },
    close(unanswered, how2, nowIso) {
      store.write((tx) => {
        flush(tx)
        for (const u of unanswered) markItemUnsigned(tx, id, indexOf(u.index), 'not-attempted', u.code, u.message)
        const run = getRun(tx, id)!
        const counts = runCounts(tx, id)
        // A run sent in chunks stays 'running' (owned by this process) until its last chunk is in.
        const state: RunState = how2 === 'done' ? (counts.recorded >= run.total ? 'completed' : 'running') : how2
        setRunState(tx, id, state, state === 'running' ? PROCESS_OWNER : null, nowIso)
      })
    }
  }
}
