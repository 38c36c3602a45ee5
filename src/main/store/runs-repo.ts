// SQL for recorded issuance runs (migration 008): a run, its items in input order, and the
// lookups resume and the re-submission check need.
import type { ReadTx, WriteTx } from './database'
import { stmt } from './statements'

export type RunState = 'running' | 'completed' | 'cancelled' | 'stopped'
export type RunItemOutcome = 'pending' | 'issued' | 'refused' | 'not-attempted'

export interface RunRow {
  readonly id: string
  readonly authorityId: string
  readonly profileId: string | null
  readonly total: number
  readonly confirmWarnings: boolean
  /** The batch's operator input, JSON, or null. */
  readonly input: string | null
  readonly outDir: string | null
  readonly state: RunState
  readonly owner: string | null
  readonly createdAt: string
  readonly updatedAt: string
}

export interface RunCounts {
  /** Items recorded so far (a run sent in chunks records each chunk as it arrives). */
  readonly recorded: number
  readonly issued: number
  readonly refused: number
  /** Issued items whose output file was written (runs with an output folder). */
  readonly written: number
}

export interface RunItemRow {
  readonly idx: number
  readonly label: string | null
  readonly csrPem: string
  readonly csrSha256: string
  readonly input: string | null
  readonly outcome: RunItemOutcome
  readonly certificateId: number | null
  readonly serial: string | null
  readonly outputPath: string | null
}

interface RawRun {
  id: string
  authority_id: string
  profile_id: string | null
  total: number
  confirm_warnings: number
  input: string | null
  out_dir: string | null
  state: RunState
  owner: string | null
  created_at: string
  updated_at: string
}

const toRun = (r: RawRun): RunRow => ({
  id: r.id,
  authorityId: r.authority_id,
  profileId: r.profile_id,
  total: r.total,
  confirmWarnings: r.confirm_warnings === 1,
  input: r.input,
  outDir: r.out_dir,
  state: r.state,
  owner: r.owner,
  createdAt: r.created_at,
  updatedAt: r.updated_at
})

export function insertRun(tx: WriteTx, r: Omit<RunRow, 'updatedAt'>): void {
  stmt(tx, 
    `INSERT INTO runs (id, authority_id, profile_id, total, confirm_warnings, input, out_dir, state, owner, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
  ).run(r.id, r.authorityId, r.profileId, r.total, r.confirmWarnings ? 1 : 0, r.input, r.outDir, r.state, r.owner, r.createdAt, r.createdAt)
}

export function getRun(tx: ReadTx, id: string): RunRow | null {
  const r = stmt(tx, 'SELECT * FROM runs WHERE id = ?').get(id) as RawRun | undefined
  return r ? toRun(r) : null
}

/** The newest runs first. */
export function listRuns(tx: ReadTx, limit: number): RunRow[] {
  return (stmt(tx, 'SELECT * FROM runs ORDER BY created_at DESC, id DESC LIMIT ?').all(limit) as RawRun[]).map(toRun)
}

export function runCounts(tx: ReadTx, id: string): RunCounts {
  return stmt(
    tx,
      `SELECT COUNT(*) AS recorded,
              COALESCE(SUM(outcome = 'issued'), 0) AS issued,
              COALESCE(SUM(outcome = 'refused'), 0) AS refused,
              COALESCE(SUM(outcome = 'issued' AND output_path IS NOT NULL), 0) AS written
       FROM run_items WHERE run_id = ?`
    )
    .get(id) as RunCounts
}

export function setRunState(tx: WriteTx, id: string, state: RunState, owner: string | null, at: string, outDir?: string | null): void {
  if (outDir === undefined) stmt(tx, 'UPDATE runs SET state = ?, owner = ?, updated_at = ? WHERE id = ?').run(state, owner, at, id)
  else stmt(tx, 'UPDATE runs SET state = ?, owner = ?, updated_at = ?, out_dir = ? WHERE id = ?').run(state, owner, at, outDir, id)
}

export interface NewRunItem {
  readonly idx: number
  readonly label: string | null
  readonly csrPem: string
  readonly csrSha256: string
  readonly input: string | null
}

/** Records items as pending; an item already recorded (a resumed one) is left as it is. */
export function insertRunItems(tx: WriteTx, runId: string, items: readonly NewRunItem[]): void {
  const s = stmt(tx, "INSERT OR IGNORE INTO run_items (run_id, idx, label, csr_pem, csr_sha256, input, outcome) VALUES (?, ?, ?, ?, ?, ?, 'pending')")
  for (const i of items) s.run(runId, i.idx, i.label, i.csrPem, i.csrSha256, i.input)
}

export function markItemIssued(tx: WriteTx, runId: string, idx: number, certificateId: number, serial: string): void {
  stmt(tx, "UPDATE run_items SET outcome = 'issued', certificate_id = ?, serial = ?, error_code = NULL, error_message = NULL WHERE run_id = ? AND idx = ?").run(certificateId, serial, runId, idx)
}

export function markItemUnsigned(tx: WriteTx, runId: string, idx: number, outcome: 'refused' | 'not-attempted', code: string, message: string): void {
  stmt(tx, "UPDATE run_items SET outcome = ?, error_code = ?, error_message = ? WHERE run_id = ? AND idx = ? AND outcome <> 'issued'").run(outcome, code, message, runId, idx)
}

export function markItemWritten(tx: WriteTx, runId: string, idx: number, path: string): void {
  stmt(tx, 'UPDATE run_items SET output_path = ? WHERE run_id = ? AND idx = ?').run(path, runId, idx)
}

interface RawItem {
  idx: number
  label: string | null
  csr_pem: string
  csr_sha256: string
  input: string | null
  outcome: RunItemOutcome
  certificate_id: number | null
  serial: string | null
  output_path: string | null
}

const toItem = (r: RawItem): RunItemRow => ({
  idx: r.idx,
  label: r.label,
  csrPem: r.csr_pem,
  csrSha256: r.csr_sha256,
  input: r.input,
  outcome: r.outcome,
  certificateId: r.certificate_id,
  serial: r.serial,
  outputPath: r.output_path
})

/** Items not signed yet (pending, refused or not attempted), in input order. */
export function unsignedRunItems(tx: ReadTx, runId: string): RunItemRow[] {
  return (stmt(tx, "SELECT * FROM run_items WHERE run_id = ? AND outcome <> 'issued' ORDER BY idx").all(runId) as RawItem[]).map(toItem)
}

/** Signed items, in input order (their certificates may have been deleted since: certificateId null). */
export function issuedRunItems(tx: ReadTx, runId: string): RunItemRow[] {
  return (stmt(tx, "SELECT idx, label, '' AS csr_pem, csr_sha256, NULL AS input, outcome, certificate_id, serial, output_path FROM run_items WHERE run_id = ? AND outcome = 'issued' ORDER BY idx").all(runId) as RawItem[]).map(toItem)
}

export interface EarlierCertificate {
  readonly certificateId: number
  readonly serial: string
  readonly notAfter: string
  readonly runId: string
}

/** A certificate still valid at `nowIso` issued for this same request by this CA and profile, the newest first. */
export function earlierCertificateForRequest(tx: ReadTx, authorityId: string, profileId: string | null, csrSha256: string, nowIso: string): EarlierCertificate | null {
  const r = stmt(
    tx,
      `SELECT c.id AS certificateId, c.serial AS serial, c.not_after AS notAfter, ri.run_id AS runId
       FROM run_items ri JOIN runs r ON r.id = ri.run_id JOIN certificates c ON c.id = ri.certificate_id
       WHERE ri.csr_sha256 = ? AND ri.outcome = 'issued' AND r.authority_id = ? AND r.profile_id IS ?
         AND c.status = 'issued' AND c.not_after > ?
       ORDER BY c.id DESC LIMIT 1`
    )
    .get(csrSha256, authorityId, profileId, nowIso) as EarlierCertificate | undefined
  return r ?? null
}
