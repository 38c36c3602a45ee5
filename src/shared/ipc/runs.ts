// runs:* — recorded issuance runs (migration 008): the Sign screen lists an interrupted run
// ("2,735 of 3,000 signed") and resumes it, signing only what was not signed. The run's
// requests are read from the store; none cross IPC again.
import { z } from 'zod'
import { channel } from './define'
import { issueItemError } from './certificates'

export const runStateDto = z.enum(['running', 'interrupted', 'completed', 'cancelled', 'stopped'])
export type RunStateDto = z.infer<typeof runStateDto>

export const runSummaryDto = z.object({
  id: z.string(),
  authorityId: z.string(),
  /** The CA's name, or null when it was deleted since. */
  authorityName: z.string().nullable(),
  profileId: z.string().nullable(),
  /** Requests the run was started with. */
  total: z.number().int(),
  /** Requests recorded (fewer than total when the app stopped before sending every chunk). */
  recorded: z.number().int(),
  issued: z.number().int(),
  refused: z.number().int(),
  /** Signed requests whose output file is recorded as written (runs with an output folder). */
  written: z.number().int(),
  /** 'interrupted': left running by a process that is gone (killed, crashed, closed mid-run). */
  state: runStateDto,
  /** Requests were left pending or not attempted, or files are missing: Resume has something to do. */
  resumable: z.boolean(),
  outDir: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string()
})
export type RunSummaryDto = z.infer<typeof runSummaryDto>

export const resumeItemResult = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), index: z.number().int(), label: z.string().optional(), certificateId: z.number().int(), serial: z.string(), file: z.string().optional(), fileError: z.string().optional() }),
  z.object({ ok: z.literal(false), index: z.number().int(), label: z.string().optional(), error: issueItemError })
])

export const resumeResponse = z.object({
  runId: z.string(),
  operationId: z.string().nullable(),
  /** Requests signed by this resume (the run's earlier ones are not counted). */
  issued: z.number().int(),
  failed: z.number().int(),
  cancelled: z.number().int(),
  /** Files written for requests signed earlier whose file was missing. */
  filesWritten: z.number().int(),
  /** Requests the run announced but never recorded: they cannot be resumed (add their files again). */
  missing: z.number().int(),
  /** One per request this resume attempted or wrote a file for, by its index in the run. */
  results: z.array(resumeItemResult),
  run: runSummaryDto
})
export type ResumeResponse = z.infer<typeof resumeResponse>

export const runsChannels = {
  /** The newest runs first (at most `limit`). */
  'runs:list': channel(z.object({ limit: z.number().int().min(1).max(500).default(50) }).strict(), z.object({ items: z.array(runSummaryDto) })),
  /** Signs the run's requests not signed yet, with its CA, profile and values; writes its missing files. Progress events carry `operationId`. */
  'runs:resume': channel(
    z.object({ runId: z.string().min(1).max(100), operationId: z.string().min(1).max(100).optional(), confirmResubmission: z.boolean().default(false) }).strict(),
    resumeResponse
  )
}
