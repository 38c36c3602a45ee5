// The batch on the Sign requests screen: the requests read so far (from dropped or picked
// files and pasted PEM), the chosen CA and profile, the profile's verdict on each request
// (profiles:preview), and the issuance run with its progress and per-item results. Workflow
// state, not a mirror of main, and not persisted: it lasts until the app restarts.
import { create } from 'zustand'
import { pki } from '../api/pki'
import type { AppError } from '../../../shared/errors'
import type { FileInput } from '../../../shared/domain/authority'
import { canSign, signingCaFor } from '../lib/signing-ca'
import type { CsrDescription, CsrInfo } from '../../../shared/domain/csr'
import { mergeOperatorInput, type Finding, type OperatorInputPatch, type PreviewRow } from '../../../shared/domain/profile'
import type { IssueItemResult } from '../../../shared/ipc/certificates'
import type { RunSummaryDto } from '../../../shared/ipc/runs'
import { fileStem, readFileInput } from '../lib/files'
import { plural } from '../lib/format'
import { onDomainChanged } from './live'

export interface SignItem {
  readonly key: string
  /** Where it came from: a file name, or "pasted text". */
  readonly source: string
  readonly csr: CsrInfo | null
  /** A well-formed request PKI Desk will not sign (DSA, another curve): what it is; `error` says why. */
  readonly described?: CsrDescription
  readonly pem: string | null
  /** Why this request cannot be signed (it did not parse, or its signature is wrong). */
  readonly error: AppError | null
  readonly result: IssueItemResult | null
}

/** The profile's verdict on one request, against the chosen CA. */
export interface Preview {
  readonly findings: readonly Finding[]
  readonly rows: readonly PreviewRow[]
  readonly canSign: boolean
  readonly needsConfirm: boolean
  readonly error: AppError | null
}

export interface RunState {
  readonly operationId: string
  /** The operation id of the chunk main is signing now (what Cancel stops), null between chunks. */
  readonly chunkOperationId: string | null
  readonly total: number
  readonly done: number
  readonly cancelling: boolean
  readonly finished: boolean
  readonly cancelled: boolean
  readonly issued: number
  readonly failed: number
  /** Requests main did not attempt because the run was cancelled. */
  readonly notAttempted: number
}

interface SignState {
  readonly items: readonly SignItem[]
  readonly reading: number
  readonly authorityId: string | null
  readonly profileId: string | null
  /** By item key: the chosen profile's verdict, or the built-in profile's when none is chosen. */
  readonly previews: ReadonlyMap<string, Preview>
  readonly run: RunState | null
  readonly error: AppError | null
  /** What the last "Save results" wrote, or why it did not; cleared when the batch changes. */
  readonly saved: { readonly message: string | null; readonly error: AppError | null }
  /**
   * Where a run writes each certificate's PEM as its slice commits (main holds the folder the
   * operator chose; this window holds its id); null: nothing is written until Save results.
   */
  readonly outputFolder: { readonly folderId: string; readonly path: string } | null
  readonly outputFolderError: AppError | null
  chooseOutputFolder(): Promise<void>
  clearOutputFolder(): void
  /** The last item key handed out (keys are `i<n>`, unique for the app's lifetime). */
  readonly lastKey: number
  /** Values the operator entered for the whole batch (the profile's `entered` fields, added SANs, validity, hash). */
  readonly batchInput: OperatorInputPatch
  /** By item key: a request card's own values, each overriding the batch's for that field. */
  readonly itemInputs: ReadonlyMap<string, OperatorInputPatch>
  setBatchInput(input: OperatorInputPatch): void
  setItemInput(key: string, input: OperatorInputPatch): void
  /** Recorded runs left unfinished (interrupted by a crash or a kill, cancelled, stopped), newest first. */
  readonly unfinished: readonly RunSummaryDto[]
  /** What the last Resume did, or why it could not. */
  readonly resumed: { readonly runId: string; readonly message: string | null; readonly error: AppError | null } | null
  loadRuns(): Promise<void>
  /** Signs what run `runId` did not sign yet (its requests are in main's record). */
  resume(runId: string): Promise<void>
  addFiles(files: readonly File[]): Promise<void>
  addText(text: string): Promise<void>
  remove(key: string): void
  clear(): void
  setAuthority(id: string | null): void
  setProfile(id: string | null): void
  /**
   * Signs the given requests (the screen passes those the profile does not refuse).
   * `reissue`: the operator confirmed issuing again for requests this CA and profile already
   * certified (CSR_ALREADY_CERTIFIED).
   */
  signAll(keys: readonly string[], options?: { readonly reissue?: boolean }): Promise<void>
  cancel(): void
  /** Saves every issued certificate (PEM, chain, PKCS#7) and one PKCS#7 of them all, to a folder the operator picks. */
  saveResults(): Promise<void>
  /** Previews the given items (every signable one when omitted) with the chosen profile and CA. */
  refreshPreviews(keys?: readonly string[]): Promise<void>
}

/**
 * Requests go to main at most this many per call, so no single IPC message carries more than
 * a few megabytes of PEM. Cancel does not wait for a chunk to end: main stops the running one
 * (certificates:cancelIssue) before its next signature.
 */
const CHUNK = 500
/** The progress bar and count move at most this often during a run. */
const PROGRESS_MS = 100
const NO_PREVIEWS: ReadonlyMap<string, Preview> = new Map()
const NOT_SAVED = { message: null, error: null } as const
const NO_INPUTS: ReadonlyMap<string, OperatorInputPatch> = new Map()
/** Typing waits this long before the previews are asked again. */
const INPUT_PREVIEW_DELAY_MS = 250

/** A patch without its empty parts, or undefined when nothing is left. */
function compact(p: OperatorInputPatch | undefined): OperatorInputPatch | undefined {
  if (!p) return undefined
  const subject = Object.fromEntries(Object.entries(p.subject ?? {}).filter(([, v]) => (Array.isArray(v) ? v.length > 0 : v.trim() !== '')))
  const out: OperatorInputPatch = {
    ...(Object.keys(subject).length ? { subject } : {}),
    ...(p.sans?.length ? { sans: p.sans } : {}),
    ...(p.validityDays !== undefined ? { validityDays: p.validityDays } : {}),
    ...(p.notAfter !== undefined ? { notAfter: p.notAfter } : {}),
    ...(p.signatureHash !== undefined ? { signatureHash: p.signatureHash } : {})
  }
  return Object.keys(out).length ? out : undefined
}

/** A CA that may sign end-entity requests now (locked ones count: they are unlocked first). */
export { canSign, signingCaFor }

export const signable = (i: SignItem): boolean => !!i.csr && !!i.pem && !i.error && i.csr.signatureValid && !i.result?.ok

function newOperationId(): string {
  return `sign-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`
}

export const useSignStore = create<SignState>()((set, get) => {
  const nextKey = (): string => {
    const n = get().lastKey + 1
    set({ lastKey: n })
    return `i${n}`
  }
  const inspect = async (source: string, input: FileInput): Promise<SignItem[]> => {
    const r = await pki.csr.inspect(input)
    if (!r.ok) return [{ key: nextKey(), source, csr: null, pem: null, error: r.error, result: null }]
    if (r.value.items.length === 0)
      return [{ key: nextKey(), source, csr: null, pem: null, error: { code: 'CSR_NOT_FOUND', message: `${source} holds no certificate signing request.` }, result: null }]
    return r.value.items.map((it) =>
      it.ok
        ? {
            key: nextKey(),
            source,
            csr: it.csr,
            pem: it.pem,
            error: it.csr.signatureValid ? null : { code: 'CSR_SIGNATURE_INVALID', message: 'The request is not signed by its own key: ask the requester for a new CSR.' },
            result: null
          }
        : { key: nextKey(), source, csr: null, pem: null, error: it.error, result: null, ...(it.described ? { described: it.described } : {}) }
    )
  }
  const append = (items: SignItem[]): void => {
    set({ items: [...get().items, ...items], saved: NOT_SAVED })
    void get().refreshPreviews(items.map((i) => i.key))
  }
  /** Which profile and CA a preview answered for: an answer for an older choice is dropped. */
  const choice = (): string => `${get().profileId ?? ''}|${get().authorityId ?? ''}`
  /** By item key, the last preview asked: an answer to an earlier one (older values) is dropped. */
  const asking = new Map<string, number>()
  let asks = 0
  let inputTimer: ReturnType<typeof setTimeout> | undefined
  /** The requests whose values changed since the last preview; null: every request. */
  let pending: Set<string> | null = new Set()
  const previewSoon = (keys?: readonly string[]): void => {
    if (!keys) pending = null
    else if (pending) for (const k of keys) pending.add(k)
    clearTimeout(inputTimer)
    inputTimer = setTimeout(() => {
      const todo = pending
      pending = new Set()
      void get().refreshPreviews(todo ? [...todo] : undefined)
    }, INPUT_PREVIEW_DELAY_MS)
  }

  return {
    items: [],
    reading: 0,
    authorityId: null,
    profileId: null,
    previews: NO_PREVIEWS,
    run: null,
    error: null,
    saved: NOT_SAVED,
    lastKey: 0,
    batchInput: {},
    itemInputs: NO_INPUTS,
    setBatchInput(batchInput) {
      set({ batchInput })
      previewSoon()
    },
    setItemInput(key, input) {
      const itemInputs = new Map(get().itemInputs)
      const own = compact(input)
      if (own) itemInputs.set(key, input)
      else itemInputs.delete(key)
      set({ itemInputs })
      previewSoon([key])
    },
    outputFolder: null,
    outputFolderError: null,
    async chooseOutputFolder() {
      const r = await pki.files.chooseOutputFolder({ title: 'Write issued certificates to' })
      if (!r.ok) return set({ outputFolderError: r.error })
      if (r.value.folderId && r.value.path) set({ outputFolder: { folderId: r.value.folderId, path: r.value.path }, outputFolderError: null })
    },
    clearOutputFolder: () => set({ outputFolder: null, outputFolderError: null }),
    unfinished: [],
    resumed: null,
    async loadRuns() {
      const r = await pki.runs.list({ limit: 20 })
      if (r.ok) set({ unfinished: r.value.items.filter((run) => run.resumable) })
    },
    async resume(runId) {
      set({ resumed: { runId, message: null, error: null } })
      const r = await pki.runs.resume({ runId, operationId: newOperationId(), confirmResubmission: false })
      if (!r.ok) set({ resumed: { runId, message: null, error: r.error } })
      else {
        const { run, issued, failed, missing } = r.value
        const left = failed ? ` ${plural(failed, 'request')} still not signed (each says why in the run's record).` : ''
        const never = missing ? ` ${plural(missing, 'request')} never reached the record: add their files again.` : ''
        set({ resumed: { runId, message: `Resumed: ${plural(issued, 'certificate')} issued; ${run.issued.toLocaleString('en')} of ${run.total.toLocaleString('en')} signed.${left}${never}`, error: null } })
      }
      await get().loadRuns()
    },
    async addFiles(files) {
      set({ reading: get().reading + files.length })
      for (const f of files) {
        const found = await inspect(f.name, await readFileInput(f))
        append(found)
        set({ reading: get().reading - 1 })
      }
    },
    async addText(text) {
      if (!text.trim()) return
      append(await inspect('pasted text', { encoding: 'pem', data: text }))
    },
    remove(key) {
      const previews = new Map(get().previews)
      previews.delete(key)
      const itemInputs = new Map(get().itemInputs)
      itemInputs.delete(key)
      set({ items: get().items.filter((i) => i.key !== key), previews, itemInputs })
    },
    clear: () => set({ items: [], previews: NO_PREVIEWS, run: null, error: null, saved: NOT_SAVED, itemInputs: NO_INPUTS }),
    setAuthority(authorityId) {
      if (authorityId === get().authorityId) return
      set({ authorityId })
      void get().refreshPreviews()
    },
    setProfile(profileId) {
      if (profileId === get().profileId) return
      // Entered values belong to the profile's fields: another profile starts empty.
      set({ profileId, previews: NO_PREVIEWS, batchInput: {}, itemInputs: NO_INPUTS })
      void get().refreshPreviews()
    },
    async saveResults() {
      set({ saved: NOT_SAVED })
      const issued = get().items.flatMap((i) => (i.result?.ok ? [{ item: i, result: i.result }] : []))
      const files: { name: string; base64: string }[] = []
      const failed = (error: AppError): void => set({ saved: { message: null, error } })
      for (const { item, result } of issued) {
        const cn = item.csr?.subject.flat().findLast((a) => a.type === 'CN')?.value
        const stem = fileStem(cn ?? item.csr?.subjectText ?? '', `certificate-${result.serial}`)
        for (const [format, suffix] of [
          ['pem', '.pem'],
          ['pem-chain', '.chain.pem'],
          ['p7b-der', '.p7b']
        ] as const) {
          const r = await pki.certificates.export({ id: result.certificateId, format, includeKey: false })
          if (!r.ok) return failed(r.error)
          files.push({ name: `${stem}-${result.serial.slice(0, 8)}${suffix}`, base64: r.value.base64 })
        }
      }
      // One PKCS#7 with every issued certificate and the chain, beside the per-certificate files.
      const ids = issued.map(({ result }) => result.certificateId)
      if (ids.length) {
        const bundle = await pki.files.bundleCertificates({ ids })
        if (!bundle.ok) return failed(bundle.error)
        files.push({ name: `issued-certificates-${ids.length}.p7b`, base64: bundle.value.base64 })
      }
      const r = await pki.files.saveAll({ title: 'Save issued certificates', files })
      if (!r.ok) return failed(r.error)
      if (r.value.saved) set({ saved: { message: `${plural(r.value.paths.length, 'file')} saved.`, error: null } })
    },
    async refreshPreviews(keys) {
      const { profileId, authorityId } = get()
      const asked = choice()
      const wanted = keys ? new Set(keys) : null
      const todo = get().items.filter((i) => (!wanted || wanted.has(i.key)) && signable(i))
      const found = new Map<string, { preview: Preview; ask: number }>()
      for (const item of todo) {
        const ask = ++asks
        asking.set(item.key, ask)
        const input = mergeOperatorInput(compact(get().batchInput), compact(get().itemInputs.get(item.key)))
        const r = await pki.profiles.preview({ ...(profileId ? { id: profileId } : {}), csrPem: item.pem!, input, ...(authorityId ? { authorityId } : {}) })
        if (choice() !== asked) return
        found.set(item.key, { ask, preview: r.ok ? { ...r.value, error: null } : { findings: [], rows: [], canSign: false, needsConfirm: false, error: r.error } })
      }
      if (choice() !== asked) return
      // Merged: requests added meanwhile were previewed by their own call; an answer that a
      // later call (newer entered values) superseded is left out.
      const current = [...found].filter(([key, f]) => asking.get(key) === f.ask).map(([key, f]) => [key, f.preview] as const)
      set({ previews: new Map([...get().previews, ...current]) })
    },
    async signAll(keys, options = {}) {
      const { authorityId, profileId, outputFolder } = get()
      const batchInput = compact(get().batchInput)
      if (!authorityId) return set({ error: { code: 'MISSING_INPUT', message: 'Choose the CA that signs these requests.', field: 'authorityId' } })
      const wanted = new Set(keys)
      const batch = get().items.filter((i) => wanted.has(i.key) && signable(i))
      if (batch.length === 0) return
      const operationId = newOperationId()
      // One recorded run for the whole batch, sent in chunks: a crash leaves it resumable.
      const runId = `app-${operationId.slice(5)}`
      const run: RunState = { operationId, chunkOperationId: null, total: batch.length, done: 0, cancelling: false, finished: false, cancelled: false, issued: 0, failed: 0, notAttempted: 0 }
      set({ run, error: null })
      let base = 0
      // Main reports progress after every commit (dozens a second): the newest count is shown
      // 100 ms after the first event since the last redraw, so however long a redraw takes,
      // the screen is idle between two of them and stays responsive to Cancel.
      let latest: number | null = null
      let showTimer: ReturnType<typeof setTimeout> | undefined
      const show = (): void => {
        showTimer = undefined
        const current = get().run
        if (current && latest !== null && !current.finished) set({ run: { ...current, done: Math.max(current.done, Math.min(current.total, latest)) } })
      }
      const unsubscribe = pki.on.progress((p) => {
        if (!get().run || !p.operationId.startsWith(operationId)) return
        latest = base + p.done
        showTimer ??= setTimeout(show, PROGRESS_MS)
      })
      const off = (): void => {
        unsubscribe()
        clearTimeout(showTimer)
      }
      try {
        for (let start = 0; start < batch.length; start += CHUNK) {
          if (get().run!.cancelling) break
          const chunk = batch.slice(start, start + CHUNK)
          const chunkOperationId = `${operationId}-${start / CHUNK}`
          set({ run: { ...get().run!, chunkOperationId } })
          const r = await pki.certificates.issue({
            operationId: chunkOperationId,
            authorityId,
            profileId,
            // Sent, never defaulted: the Sign screen's one confirmation covers errors only (warnings block).
            confirmWarnings: false,
            confirmResubmission: options.reissue === true,
            run: { id: runId, total: batch.length, first: start },
            // Main writes each slice's files as the slice commits (temp file + rename).
            ...(outputFolder ? { outputFolderId: outputFolder.folderId } : {}),
            ...(batchInput ? { input: batchInput } : {}),
            items: chunk.map((i) => {
              const own = compact(get().itemInputs.get(i.key))
              return { csrPem: i.pem!, label: i.source, ...(own ? { input: own } : {}) }
            })
          })
          if (!r.ok) {
            set({ error: r.error })
            break
          }
          const byKey = new Map(r.value.results.map((res) => [chunk[res.index]!.key, res]))
          set({
            items: get().items.map((i) => (byKey.has(i.key) ? { ...i, result: byKey.get(i.key)! } : i)),
            run: { ...get().run!, issued: get().run!.issued + r.value.issued, failed: get().run!.failed + r.value.failed, notAttempted: get().run!.notAttempted + r.value.cancelled }
          })
          base = start + chunk.length
          // What main attempted: a cancelled chunk stops short of its end.
          set({ run: { ...get().run!, done: start + r.value.issued + r.value.failed } })
        }
      } finally {
        off()
        const last = get().run!
        // Chunks never sent were not attempted either. A Cancel that came after the last
        // signature stopped nothing: the run is done, not cancelled.
        const notAttempted = last.total - last.issued - last.failed
        set({ run: { ...last, chunkOperationId: null, finished: true, cancelled: last.cancelling && notAttempted > 0, cancelling: false, notAttempted } })
      }
    },
    cancel() {
      const run = get().run
      if (!run || run.finished) return
      set({ run: { ...run, cancelling: true } })
      if (run.chunkOperationId) void pki.certificates.cancelIssue({ operationId: run.chunkOperationId })
    }
  }
})

// A profile edited while requests wait: its verdict on them is read again.
onDomainChanged('profiles', () => {
  if (useSignStore.getState().profileId) void useSignStore.getState().refreshPreviews()
})
// A run signed or resumed anywhere (this window, the CLI on the same store): the list of unfinished runs is read again.
onDomainChanged('runs', () => void useSignStore.getState().loadRuns())
