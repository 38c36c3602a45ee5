// Recorded issuance runs: the list (`pkidesk runs`, the Sign screen's interrupted run) and
// resume, which signs a run's requests not signed yet, with the run's CA, profile and
// values, and writes the files missing for the ones signed earlier (a crash between a
// commit and its files, or files deleted since). Recording itself is issuance/run-recorder.ts.
import { existsSync, readdirSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import { fail, ok, type Result } from '../../shared/errors'
import type { RunSummaryDto, ResumeResponse } from '../../shared/ipc/runs'
import type { OperatorInputPatch } from '../../shared/domain/profile'
import type { Store } from '../store/database'
import { getAuthority } from '../store/authorities-repo'
import { getCertificate } from '../store/certificates-repo'
import { getRun, issuedRunItems, listRuns, markItemWritten, runCounts, setRunState, unsignedRunItems, type RunRow } from '../store/runs-repo'
import type { IssuanceService } from './issuance-service'
import { PROCESS_OWNER, TEMP_FILE, isInterrupted, pidAlive, writeCertificateFile, type RunOutput } from './issuance/run-recorder'

/** Temp files of a writer killed between write and rename (its pid is gone): never a whole certificate's only copy. */
function removeStaleTempFiles(dir: string): void {
  for (const name of readdirSync(dir)) {
    const m = TEMP_FILE.exec(name)
    if (m && Number(m[1]) !== process.pid && !pidAlive(Number(m[1]))) unlinkSync(join(dir, name))
  }
}

export interface ResumeOptions {
  readonly operationId?: string
  readonly confirmResubmission?: boolean
  /** Where to write the files: the run's own folder when omitted (the CLI's --out of the first run). */
  readonly output?: RunOutput
}

export interface RunsService {
  list(limit?: number): RunSummaryDto[]
  get(runId: string): Result<RunSummaryDto>
  resume(runId: string, options?: ResumeOptions): Promise<Result<ResumeResponse>>
}

export function createRunsService(store: Store, issuance: IssuanceService, now: () => Date): RunsService {
  const summary = (run: RunRow): RunSummaryDto => {
    const c = store.read((tx) => runCounts(tx, run.id))
    const authorityName = store.read((tx) => getAuthority(tx, run.authorityId)?.name ?? null)
    const state = isInterrupted(run) ? 'interrupted' : run.state
    // Pending or not attempted; a refused request is refused again on resume unless what refused it changed.
    const unsigned = c.recorded - c.issued - c.refused
    const filesMissing = run.outDir !== null && c.written < c.issued
    return {
      id: run.id,
      authorityId: run.authorityId,
      authorityName,
      profileId: run.profileId,
      total: run.total,
      recorded: c.recorded,
      issued: c.issued,
      refused: c.refused,
      written: c.written,
      state,
      resumable: state !== 'running' && (unsigned > 0 || filesMissing) && !issuance.runActive(run.id),
      outDir: run.outDir,
      createdAt: run.createdAt,
      updatedAt: run.updatedAt
    }
  }
  const find = (runId: string): Result<RunRow> => {
    const run = store.read((tx) => getRun(tx, runId))
    return run ? ok(run) : fail('RUN_NOT_FOUND', `No run ${runId}: \`pkidesk runs\` lists the recorded runs.`, 'runId')
  }

  return {
    list: (limit = 50) => store.read((tx) => listRuns(tx, limit)).map(summary),
    get(runId) {
      const run = find(runId)
      return run.ok ? ok(summary(run.value)) : run
    },
    async resume(runId, options = {}) {
      const found = find(runId)
      if (!found.ok) return found
      const run = found.value
      if (issuance.runActive(runId) || (run.state === 'running' && !isInterrupted(run) && run.owner !== PROCESS_OWNER))
        return fail('RUN_IN_PROGRESS', `Run ${runId} is being signed right now (by this app or another PKI Desk process): wait for it to end, then resume it if anything is left.`, 'runId')
      const output = options.output ?? (run.outDir ? { dir: run.outDir, force: false } : null)
      if (output && !existsSync(output.dir))
        return fail('OUTPUT_DIR_MISSING', `The run writes its certificates to ${output.dir}, which does not exist: create it, or resume with --out DIR.`, 'outDir')
      if (output) removeStaleTempFiles(output.dir)
      const results: ResumeResponse['results'] = []
      // Files first: requests signed before the crash whose file is not on disk.
      let filesWritten = 0
      if (output) {
        for (const item of store.read((tx) => issuedRunItems(tx, runId))) {
          if (item.certificateId === null || !item.serial || (item.outputPath && existsSync(item.outputPath))) continue
          const row = store.read((tx) => getCertificate(tx, item.certificateId!))
          if (!row) continue
          const w = writeCertificateFile(output.dir, item.serial, row.der, output.force)
          if (w.ok) {
            store.write((tx) => markItemWritten(tx, runId, item.idx, w.path))
            filesWritten++
          }
          results.push({ ok: true, index: item.idx, ...(item.label ? { label: item.label } : {}), certificateId: item.certificateId, serial: item.serial, ...(w.ok ? { file: w.path } : { fileError: w.message }) })
        }
      }
      const unsigned = store.read((tx) => unsignedRunItems(tx, runId))
      const recorded = store.read((tx) => runCounts(tx, runId)).recorded
      const missing = Math.max(0, run.total - recorded)
      let issued = 0
      let failed = 0
      let cancelled = 0
      let operationId: string | null = null
      if (unsigned.length) {
        const parse = (json: string | null): OperatorInputPatch | undefined => (json ? (JSON.parse(json) as OperatorInputPatch) : undefined)
        const input = parse(run.input)
        const r = await issuance.issue(
          {
            ...(options.operationId ? { operationId: options.operationId } : {}),
            authorityId: run.authorityId,
            profileId: run.profileId,
            confirmWarnings: run.confirmWarnings,
            confirmResubmission: options.confirmResubmission === true,
            ...(input ? { input } : {}),
            items: unsigned.map((u) => {
              const own = parse(u.input)
              return { csrPem: u.csrPem, ...(own ? { input: own } : {}), ...(u.label ? { label: u.label } : {}) }
            })
          },
          { resume: { runId, indices: unsigned.map((u) => u.idx) }, ...(output ? { output } : {}) }
        )
        if (!r.ok) return r
        ;({ issued, failed, cancelled, operationId } = r.value)
        for (const res of r.value.results) {
          const { idx: index, label } = unsigned[res.index]!
          const named = label ? { label } : {}
          results.push(res.ok ? { ok: true, index, ...named, certificateId: res.certificateId, serial: res.serial, ...(res.file ? { file: res.file } : {}), ...(res.fileError ? { fileError: res.fileError } : {}) } : { ok: false, index, ...named, error: res.error })
        }
      } else if (run.state !== 'completed' && recorded >= run.total) {
        // Nothing left to sign (every file written above): the run is complete.
        store.write((tx) => setRunState(tx, runId, 'completed', null, now().toISOString()))
      }
      results.sort((a, b) => a.index - b.index)
      const after = find(runId)
      if (!after.ok) return after
      return ok({ runId, operationId, issued, failed, cancelled, filesWritten, missing, results, run: summary(after.value) })
    }
  }
}
