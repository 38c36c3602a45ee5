// The connector, sync and remote commands through the built CLI, against a small fake
// Lamassu on 127.0.0.1: nothing goes online until `sync run` (or `profile pull`,
// `connector test`), and each command prints what happened with the right exit code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { AddressInfo } from 'node:net'
import { buildCli, runCli, type BuiltCli, type RunResult } from './built-cli'

const TOKEN = 'lamassu-test-token'
const remoteProfile = {
  id: 'remote-web',
  ...(JSON.parse(readFileSync(resolve(__dirname, '../../fixtures/cli/lamassu-web-profile.json'), 'utf8')) as Record<string, unknown>),
  name: 'Remote web servers'
}

interface Seen {
  method: string
  path: string
  authorization: string | undefined
  body: unknown
}

let cli: BuiltCli
let work: string
let server: Server
let url: string
const seen: Seen[] = []
const stored = new Map<string, unknown>()

async function body(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  const text = Buffer.concat(chunks).toString('utf8')
  return text ? (JSON.parse(text) as unknown) : undefined
}

async function pk(args: readonly string[], env: Record<string, string> = { LAM_TOKEN: TOKEN }): Promise<RunResult> {
  return runCli(cli, ['--data-dir', join(work, 'store'), ...args], env)
}

beforeAll(async () => {
  cli = buildCli()
  work = mkdtempSync(join(tmpdir(), 'pkidesk-cli-sync-'))
  server = createServer((req, res) => {
    void (async () => {
      const u = new URL(req.url ?? '/', 'http://127.0.0.1')
      const b = await body(req)
      seen.push({ method: req.method ?? '', path: u.pathname, authorization: req.headers.authorization, body: b })
      const send = (status: number, json: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' })
        res.end(JSON.stringify(json))
      }
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { err: 'invalid token' })
      if (req.method === 'GET' && u.pathname === '/api/ca/v1/profiles') return send(200, { list: [remoteProfile], next: null })
      const one = /^\/api\/ca\/v1\/profiles\/(.+)$/.exec(u.pathname)
      if (req.method === 'GET' && one) {
        const found = stored.get(decodeURIComponent(one[1]!))
        return found ? send(200, found) : send(404, { err: 'not found' })
      }
      if (req.method === 'POST' && u.pathname === '/api/ca/v1/profiles') {
        const p = b as { id: string }
        stored.set(p.id, p)
        return send(201, p)
      }
      send(404, { err: 'no such route' })
    })()
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}, 120_000)

afterAll(async () => {
  cli?.dispose()
  await new Promise<void>((r) => server?.close(() => r()))
  if (work) rmSync(work, { recursive: true, force: true })
})

describe('pkidesk connector, sync and remote (built CLI, fake Lamassu)', { timeout: 180_000 }, () => {
  it('adds a connector whose credential comes from an environment variable, and lists it', async () => {
    const add = await pk(['--json', 'connector', 'add', '--type', 'lamassu', '--name', 'lam', '--url', url, '--credential-env', 'LAM_TOKEN'])
    expect(add.code, add.stderr).toBe(0)
    expect(JSON.parse(add.stdout)).toMatchObject({ name: 'lam', type: 'lamassu', settings: { credentialEnv: 'LAM_TOKEN' }, hasCredential: true })
    const dup = await pk(['connector', 'add', '--type', 'lamassu', '--name', 'lam', '--url', url])
    expect(dup.code).toBe(1)
    expect(dup.stderr).toMatch(/^error\[NAME_TAKEN\]/)
    const list = await pk(['connector', 'list'])
    expect(list.stdout).toMatch(/^lam\s+lamassu\s+http:\/\/127\.0\.0\.1:\d+\s+yes\s+yes\s+0\s+0$/m)
    expect(seen).toHaveLength(0)
  })

  it('tests the connection: OK with the token, exit 1 and one error line without it', async () => {
    const good = await pk(['connector', 'test', 'lam'])
    expect(good.code, good.stderr).toBe(0)
    expect(good.stdout).toMatch(/^OK: /)
    expect(seen.at(-1)).toMatchObject({ method: 'GET', path: '/api/ca/v1/profiles', authorization: `Bearer ${TOKEN}` })
    const bad = await pk(['connector', 'test', 'lam'], { LAM_TOKEN: 'wrong' })
    expect(bad.code).toBe(1)
    expect(bad.stderr.trim().split('\n')).toHaveLength(1)
    expect(bad.stderr).toMatch(/^error\[[A-Z_]+\]: lam: /)
  })

  it('pulls remote profiles into local ones', async () => {
    const pull = await pk(['--json', 'profile', 'pull', '--connector', 'lam'])
    expect(pull.code, pull.stderr).toBe(0)
    expect(JSON.parse(pull.stdout)).toMatchObject({ done: 1, failed: 0 })
    const local = await pk(['--json', 'profile', 'list', '--filter', 'name[eq]=Remote web servers'])
    expect((JSON.parse(local.stdout) as { items: { name: string }[] }).items.map((p) => p.name)).toEqual(['Remote web servers'])
  })

  it('push only queues; sync run sends it with the bearer token and reports it done', async () => {
    const before = seen.length
    const push = await pk(['profile', 'push', 'tls-server', '--connector', 'lam'])
    expect(push.code, push.stderr).toBe(0)
    expect(push.stdout).toMatch(/^Queued outbox item \d+ for lam: /)
    expect(push.stdout).toContain('pkidesk sync run')
    expect(seen.length).toBe(before)
    const status = JSON.parse((await pk(['--json', 'sync', 'status'])).stdout) as { counts: { queued: number }; items: { state: string }[] }
    expect(status.counts.queued).toBe(1)
    expect(status.items.map((i) => i.state)).toEqual(['queued'])

    const run = await pk(['sync', 'run'])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/lamassu\.profile\.push\s+done/)
    expect(run.stdout).toMatch(/1 done, 0 failed, 0 still queued/)
    const post = seen.find((s) => s.method === 'POST')
    expect(post).toMatchObject({ path: '/api/ca/v1/profiles', authorization: `Bearer ${TOKEN}` })
    expect(post!.body).toMatchObject({ id: 'tls-server' })
    const after = JSON.parse((await pk(['--json', 'sync', 'status'])).stdout) as { counts: { queued: number; done: number } }
    expect(after.counts).toMatchObject({ queued: 0, done: 2 }) // the pull and the push
  })

  it('remote commands check their arguments and the connector type before queueing', async () => {
    const noScope = await pk(['remote', 'generate', '--connector', 'lam', '--profile', 'tls-server'])
    expect(noScope.code).toBe(2)
    expect(noScope.stderr).toMatch(/^error\[SCOPE_REQUIRED\]: Give exactly one scope/)
    const twoScopes = await pk(['remote', 'generate', '--connector', 'lam', '--profile', 'tls-server', '--folder', 'a', '--device', 'b'])
    expect(twoScopes.code).toBe(2)
    const wrongType = await pk(['--json', 'remote', 'generate', '--connector', 'lam', '--profile', 'tls-server', '--folder', 'Shared'])
    expect(wrongType.code).toBe(1)
    expect((JSON.parse(wrongType.stdout) as { error: { code: string } }).error.code).toBe('SYNC_UNSUPPORTED_FOR_CONNECTOR')
    const badSerial = await pk(['remote', 'assign-auth-cert', 'zz:01', '--connector', 'lam', '--enrollment-profile', 'e1'])
    expect(badSerial.code).toBe(2)
    // Each platform's remote action queues without touching the network.
    const before = seen.length
    for (const [type, name] of [['digicert-tlm', 'tlm'], ['digicert-iot', 'iot'], ['paloalto', 'pa']] as const)
      expect((await pk(['connector', 'add', '--type', type, '--name', name, '--url', url])).code).toBe(0)
    execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(work, 'r.key'), '-subj', '/CN=remote.example', '-outform', 'DER', '-out', join(work, 'r.csr.der')], { stdio: 'ignore' })
    const request = await pk(['--json', 'remote', 'request', '--connector', 'tlm', '--profile', 'tlm-profile-1', '--seat', 'seat-1', join(work, 'r.csr.der')])
    expect(request.code, request.stderr).toBe(0)
    expect(JSON.parse(request.stdout)).toMatchObject({ connectorName: 'tlm', action: 'tlm.certificate.request', state: 'queued' })
    const generate = await pk(['remote', 'generate', '--connector', 'pa', '--profile', 'tls-server', '--folder', 'Shared', '--name', 'web-cert', '--common-name', 'web.example'])
    expect(generate.code, generate.stderr).toBe(0)
    expect(generate.stdout).toMatch(/^Queued outbox item \d+ for pa: /)
    const noCert = await pk(['remote', 'assign-auth-cert', '01:02:03', '--connector', 'iot', '--enrollment-profile', 'e1', '--registered-value', 'subject.common_name=device-1'])
    expect(noCert.code).toBe(1)
    expect(noCert.stderr).toMatch(/^error\[CERTIFICATE_NOT_FOUND\]: .*010203/)
    const badField = await pk(['remote', 'assign-auth-cert', '010203', '--connector', 'iot', '--enrollment-profile', 'e1', '--registered-value', 'subject.shoe_size=42'])
    expect(badField.code).toBe(1)
    expect(badField.stderr).toMatch(/^error\[IOT_UNKNOWN_CERTIFICATE_FIELD\]/)
    expect(seen.length).toBe(before)
    const status = JSON.parse((await pk(['--json', 'sync', 'status'])).stdout) as { counts: { queued: number } }
    expect(status.counts.queued).toBe(2)

    const unknown = await pk(['sync', 'run', '--connector', 'nope'])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toMatch(/^error\[[A-Z_]+\]: .*nope/)
  })

  it('connector add and update set the platform settings; a new origin needs the credential again; PKIDESK_* is refused', async () => {
    const add = await pk(['--json', 'connector', 'add', '--type', 'digicert-certcentral', '--name', 'cc', '--url', url, '--credential-env', 'CC_KEY', '--account-id', 'acct-1', '--division-id', '12', '--ca-cert-id', 'CA-7'])
    expect(add.code, add.stderr).toBe(0)
    expect(JSON.parse(add.stdout)).toMatchObject({ settings: { credentialEnv: 'CC_KEY', certCentral: { accountId: 'acct-1', divisionId: 12, caCertId: 'CA-7' } } })
    const refused = await pk(['connector', 'add', '--type', 'lamassu', '--name', 'leak', '--url', url, '--credential-env', 'PKIDESK_PASSPHRASE'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/^error\[CONNECTOR_CREDENTIAL_ENV_REFUSED\]/)
    const moved = await pk(['connector', 'update', 'cc', '--url', 'https://caas.example.net'])
    expect(moved.code).toBe(1)
    expect(moved.stderr).toMatch(/^error\[CONNECTOR_CREDENTIAL_REQUIRED\]: The new URL's origin https:\/\/caas\.example\.net/)
    const ok = await pk(['--json', 'connector', 'update', 'cc', '--url', 'https://caas.example.net', '--credential-env', 'CC_KEY', '--product-type', 'ssl_basic'])
    expect(ok.code, ok.stderr).toBe(0)
    expect(JSON.parse(ok.stdout)).toMatchObject({ baseUrl: 'https://caas.example.net', settings: { certCentral: { accountId: 'acct-1', productType: 'ssl_basic' } } })
    const pa = await pk(['connector', 'update', 'pa', '--base-path', '/sse/config/v1', '--signed-by', 'corp-issuing'])
    expect(pa.code, pa.stderr).toBe(0)
    expect(pa.stdout).toMatch(/base path:\s+\/sse\/config\/v1/)
  })

  it('connector update --unset removes one setting and keeps the others', async () => {
    const unset = await pk(['--json', 'connector', 'update', 'cc', '--unset', 'ca-cert-id', '--unset', 'division-id'])
    expect(unset.code, unset.stderr).toBe(0)
    const cc = (JSON.parse(unset.stdout) as { settings: { certCentral: Record<string, unknown> } }).settings.certCentral
    expect(cc).toEqual({ accountId: 'acct-1', productType: 'ssl_basic' })
    const pa = await pk(['--json', 'connector', 'update', 'pa', '--unset', 'signed-by'])
    expect(pa.code, pa.stderr).toBe(0)
    const settings = (JSON.parse(pa.stdout) as { settings: Record<string, unknown> }).settings
    expect(settings.signedBy).toBeUndefined()
    expect(settings.basePath).toBe('/sse/config/v1')
    const listed = await pk(['--json', 'connector', 'list'])
    const stored = (JSON.parse(listed.stdout) as { name: string; settings: Record<string, unknown> }[]).find((c) => c.name === 'pa')
    expect(stored?.settings.signedBy).toBeUndefined()

    const both = await pk(['connector', 'update', 'pa', '--signed-by', 'x', '--unset', 'signed-by'])
    expect(both.code).toBe(2)
    expect(both.stderr).toMatch(/^error\[CONFLICTING_OPTIONS\]: Setting --signed-by and unsetting it contradict/)
    const unknown = await pk(['connector', 'update', 'pa', '--unset', 'colour'])
    expect(unknown.stderr).toMatch(/^error\[INVALID_ARGUMENT\]: There is no connector setting colour to unset: name one of ca-bundle/)
    const timeout = await pk(['connector', 'update', 'pa', '--unset', 'timeout-ms'])
    expect(timeout.stderr).toMatch(/give --timeout-ms N instead/)
  })
})
