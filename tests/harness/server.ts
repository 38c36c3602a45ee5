// Test-only server for the renderer: serves the BUILT renderer (out/renderer) on 127.0.0.1 and
// answers the IPC contract from the real main services over a WebSocket. The page gets the
// same window.pki the preload builds (tests/harness/client.ts, bundled here with vite).
// Never imported by src/, never packaged. A random token gates the page and the socket.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { mkdtempSync, readFileSync, readdirSync, existsSync, statSync, rmSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { extname, join, resolve, sep } from 'node:path'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import { createServices, type Services } from '../../src/main/services'
import type { DialogsPort } from '../../src/main/services/files-service'
import type { DesktopPort } from '../../src/main/services/settings-service'
import { createMemoryKeychain, type MemoryKeychain } from '../../src/main/vault'
import { createHandlers } from '../../src/main/ipc/handlers'
import { dispatch } from '../../src/main/ipc/dispatch'
import type { EventSink } from '../../src/shared/ipc/events'
import { decodeFrame, encodeFrame } from './wire'

export const REPO_ROOT = resolve(__dirname, '../..')

export interface HarnessOptions {
  /** The store; a fresh temp dir (removed on close) when omitted. */
  readonly dataDir?: string
  /** Where "save to a folder" writes in the harness (no OS dialog here). */
  readonly outputDir?: string
  readonly rendererDir?: string
  readonly port?: number
  readonly now?: () => Date
  /**
   * Tests of slow operations (progress, cancel) make main wait this long before signing each
   * request of a certificates:issue run (IssuanceOptions.pace), so a run can be watched and cancelled.
   */
  readonly issuePaceMs?: number
  /**
   * With issuePaceMs: the pace lets this many items through, then never again, so the run
   * stays mid-way (every item before it signed, committed and its file written) until the
   * process is killed: the resume e2e kills the harness there, at a point it knows.
   */
  readonly issueHoldAfter?: number
}

export interface Harness {
  readonly url: string
  readonly origin: string
  readonly token: string
  readonly dataDir: string
  readonly outputDir: string
  readonly services: Services
  /** The in-memory keychain main uses here (what a test may find in it, or put there). */
  readonly keychain: MemoryKeychain
  /** What "Reveal" and "Copy path" asked of the desktop (Electron's shell and clipboard in the app), in order. */
  readonly desktopCalls: readonly { readonly call: keyof DesktopPort; readonly arg: string }[]
  close(): Promise<void>
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.json': 'application/json'
}

let clientBundle: Promise<string> | undefined

/** Bundles tests/harness/client.ts (the contract + buildApi + the socket) into one iife. */
export function buildClientBundle(): Promise<string> {
  clientBundle ??= (async () => {
    const { build } = await import('vite')
    const out = await build({
      configFile: false,
      logLevel: 'silent',
      root: REPO_ROOT,
      build: {
        write: false,
        minify: false,
        emptyOutDir: false,
        lib: { entry: join(__dirname, 'client.ts'), formats: ['iife'], name: 'pkiHarnessClient', fileName: () => 'client.js' }
      }
    })
    const outputs = Array.isArray(out) ? out : [out]
    for (const o of outputs) {
      if (!('output' in o)) continue
      const chunk = o.output.find((c) => c.type === 'chunk')
      if (chunk && chunk.type === 'chunk') return chunk.code
    }
    throw new Error('harness client bundle produced no chunk')
  })()
  return clientBundle
}

function sameToken(given: string | null, token: string): boolean {
  if (!given) return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer'
  })
  res.end(body)
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const rendererDir = resolve(options.rendererDir ?? join(REPO_ROOT, 'out/renderer'))
  const indexFile = join(rendererDir, 'index.html')
  if (!existsSync(indexFile)) throw new Error(`no built renderer at ${rendererDir}: run \`npx electron-vite build\` first`)
  const ownDataDir = !options.dataDir
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'pkidesk-harness-'))
  const outputDir = options.outputDir ?? join(dataDir, 'saved')
  mkdirSync(outputDir, { recursive: true })
  const token = randomBytes(24).toString('hex')
  const client = await buildClientBundle()

  const sockets = new Set<WebSocket>()
  const emit: EventSink = (name, payload) => {
    const frame = encodeFrame({ kind: 'event', name, payload })
    for (const s of sockets) if (s.readyState === s.OPEN) s.send(frame)
  }
  const paceMs = options.issuePaceMs
  let paced = 0
  const pace = (): Promise<void> =>
    options.issueHoldAfter !== undefined && ++paced > options.issueHoldAfter ? new Promise<void>(() => {}) : new Promise<void>((done) => setTimeout(done, paceMs))
  const seams = harnessServiceOptions(outputDir)
  const desktopCalls: { call: keyof DesktopPort; arg: string }[] = []
  const services = createServices({
    dataDir,
    emit,
    desktop: {
      showItemInFolder: (arg) => void desktopCalls.push({ call: 'showItemInFolder', arg }),
      copyText: (arg) => void desktopCalls.push({ call: 'copyText', arg })
    },
    ...(options.now ? { now: options.now } : {}),
    ...(paceMs ? { issuance: { pace } } : {}),
    ...seams
  })
  const handlers = createHandlers(services)

  let origin = ''
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    // Refuse anything not addressed to us by our own name (DNS rebinding).
    if (req.headers.host !== new URL(origin).host) return send(res, 421, 'text/plain', 'wrong host')
    if (req.method !== 'GET') return send(res, 405, 'text/plain', 'method not allowed')
    const url = new URL(req.url ?? '/', origin)
    if (url.pathname === '/' || url.pathname === '/index.html') {
      if (!sameToken(url.searchParams.get('token'), token)) return send(res, 403, 'text/plain', 'a valid ?token= is required')
      const html = readFileSync(indexFile, 'utf8')
      const tag = `<script src="/__harness/client.js?token=${token}"></script>`
      // Before the renderer's module script, so window.pki exists when the app starts.
      // Only here, in the harness: the page may also reach this server's WebSocket.
      const injected = html
        .replace(/<script type="module"/, `${tag}\n    <script type="module"`)
        .replace("connect-src 'self'", `connect-src 'self' ws://${new URL(origin).host}`)
      return send(res, 200, MIME['.html']!, injected)
    }
    if (url.pathname === '/__harness/client.js') return send(res, 200, MIME['.js']!, client)
    // A file:// page asks for no favicon; answer the browser's request with nothing.
    if (url.pathname === '/favicon.ico') return send(res, 204, 'image/x-icon', '')
    let pathname: string
    try {
      pathname = decodeURIComponent(url.pathname)
    } catch {
      return send(res, 400, 'text/plain', 'malformed percent-encoding')
    }
    const file = resolve(rendererDir, `.${pathname}`)
    if (!file.startsWith(rendererDir + sep) || !existsSync(file) || !statSync(file).isFile()) return send(res, 404, 'text/plain', 'not found')
    return send(res, 200, MIME[extname(file)] ?? 'application/octet-stream', readFileSync(file))
  })

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 })
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin)
    const allowed =
      url.pathname === '/__harness/ws' &&
      sameToken(url.searchParams.get('token'), token) &&
      req.headers.host === new URL(origin).host &&
      (req.headers.origin === undefined || req.headers.origin === origin)
    if (!allowed) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n')
      socket.destroy()
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws)
      ws.on('close', () => sockets.delete(ws))
      ws.on('message', (data) => {
        let msg: { id?: unknown; channel?: unknown; request?: unknown }
        try {
          msg = decodeFrame(String(data)) as typeof msg
        } catch {
          return
        }
        if (typeof msg.id !== 'number') return
        const id = msg.id
        void dispatch(handlers, msg.channel, msg.request).then((result) => {
          if (ws.readyState === ws.OPEN) ws.send(encodeFrame({ kind: 'result', id, result }))
        })
      })
    })
  })

  await new Promise<void>((done) => server.listen(options.port ?? 0, '127.0.0.1', done))
  const port = (server.address() as AddressInfo).port
  origin = `http://127.0.0.1:${port}`
  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    dataDir,
    outputDir,
    services,
    keychain: seams.keychain,
    desktopCalls,
    async close() {
      for (const s of sockets) s.terminate()
      wss.close()
      await new Promise<void>((done) => server.close(() => done()))
      services.close()
      if (ownDataDir) rmSync(dataDir, { recursive: true, force: true })
    }
  }
}

/**
 * What differs from the app in the harness: "Reveal" and "Copy path" are recorded in
 * Harness.desktopCalls instead of reaching the OS; no OS dialogs ("save" writes under outputDir,
 * a folder per save; main's CA key export confirmation answers with the JSON secrets in
 * outputDir/ca-key-confirm.json, and cancels when there is none), an in-memory keychain (no Secret Service needed) and a cheap scrypt so
 * passphrase-protected keys unlock quickly. Everything else is the app's own code.
 */
function harnessServiceOptions(outputDir: string): { dialogs: DialogsPort; keychain: ReturnType<typeof createMemoryKeychain>; scrypt: { N: number; r: number; p: number } } {
  let saves = 0
  const dialogs: DialogsPort = {
    async chooseSaveFile(_title, defaultName) {
      const dir = join(outputDir, `save-${++saves}`)
      mkdirSync(dir, { recursive: true })
      return join(dir, defaultName)
    },
    async chooseFolder() {
      const dir = join(outputDir, `save-${++saves}`)
      mkdirSync(dir, { recursive: true })
      return dir
    },
    // Loading a typed PKCS#11 module path: the operator says yes unless outputDir/pkcs11-refuse exists.
    async confirmModuleLoad() {
      return !existsSync(join(outputDir, 'pkcs11-refuse'))
    },
    async confirmCaKeyExport() {
      const answer = join(outputDir, 'ca-key-confirm.json')
      return existsSync(answer) ? (JSON.parse(readFileSync(answer, 'utf8')) as { passphrase?: string }) : null
    },
    // "Open" picks what earlier saves wrote under outputDir: the newest backup, or every share file; a PKCS#11 module placed there (*.so).
    async chooseOpenFiles(_title, kind) {
      const found = listFiles(outputDir).filter((f) => (kind === 'backup' ? f.endsWith('.pkibackup') : kind === 'share' ? /\.share-\d+-of-\d+.*\.txt$/.test(f) : f.endsWith('.so')))
      if (found.length === 0) return null
      return kind !== 'share' ? [found.sort((x, y) => statSync(y).mtimeMs - statSync(x).mtimeMs)[0]!] : found.sort()
    }
  }
  return { dialogs, keychain: createMemoryKeychain(), scrypt: { N: 2 ** 14, r: 8, p: 1 } }
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]))
}

function argValue(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : undefined
}

if (require.main === module) {
  const args = process.argv.slice(2)
  const port = argValue(args, '--port')
  startHarness({
    ...(argValue(args, '--data-dir') ? { dataDir: resolve(argValue(args, '--data-dir')!) } : {}),
    ...(argValue(args, '--output-dir') ? { outputDir: resolve(argValue(args, '--output-dir')!) } : {}),
    ...(argValue(args, '--renderer-dir') ? { rendererDir: resolve(argValue(args, '--renderer-dir')!) } : {}),
    ...(port ? { port: Number(port) } : {}),
    // A run to kill mid-way (the resume e2e runs this as a child and SIGKILLs it).
    ...(argValue(args, '--issue-pace-ms') ? { issuePaceMs: Number(argValue(args, '--issue-pace-ms')) } : {}),
    ...(argValue(args, '--issue-hold-after') ? { issueHoldAfter: Number(argValue(args, '--issue-hold-after')) } : {})
  }).then(
    (h) => {
      process.stdout.write(`${JSON.stringify({ url: h.url, dataDir: h.dataDir, outputDir: h.outputDir })}\n`)
      const stop = (): void => void h.close().then(() => process.exit(0))
      process.on('SIGINT', stop)
      process.on('SIGTERM', stop)
    },
    (e: unknown) => {
      process.stderr.write(`harness failed to start: ${e instanceof Error ? e.message : String(e)}\n`)
      process.exit(1)
    }
  )
}
