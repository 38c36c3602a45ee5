// Main's confirmation before a CA key is exported (src/main/app/ca-key-prompt.ts), with
// `electron` replaced by recorders: a keychain-only key gets a native message box whose
// default is Cancel; a passphrase or custodian key gets a hardened modal window whose page
// runs only its hashed script and answers on its own webContents channel; closing it or a
// malformed answer is a cancel.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createHash } from 'node:crypto'
import type { EventEmitter } from 'node:events'

const rec = vi.hoisted(() => ({
  boxes: [] as { options: Record<string, unknown> }[],
  boxResponse: 0,
  windows: [] as unknown[]
}))

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events')
  class BrowserWindow extends Emitter {
    readonly loaded: string[] = []
    readonly ipc = new Emitter()
    readonly webContents = { ipc: { once: (channel: string, fn: (...a: unknown[]) => void) => this.ipc.once(channel, fn) } }
    destroyed = false
    constructor(readonly options: { webPreferences: Record<string, unknown> } & Record<string, unknown>) {
      super()
      rec.windows.push(this)
    }
    setMenu(): void {}
    isDestroyed(): boolean {
      return this.destroyed
    }
    close(): void {
      this.destroyed = true
      this.emit('closed')
    }
    show(): void {}
    loadURL(url: string): Promise<void> {
      this.loaded.push(url)
      return Promise.resolve()
    }
  }
  return {
    BrowserWindow,
    dialog: {
      showMessageBox: async (...args: unknown[]) => {
        rec.boxes.push({ options: args[args.length - 1] as Record<string, unknown> })
        return { response: rec.boxResponse }
      }
    }
  }
})

import { answerOf, askCaKeySecrets, CA_KEY_PROMPT_CHANNEL, promptPage } from '../../../src/main/app/ca-key-prompt'

interface FakeWindow extends EventEmitter {
  options: { webPreferences: Record<string, unknown> } & Record<string, unknown>
  loaded: string[]
  ipc: EventEmitter
  destroyed: boolean
  close(): void
}
const lastWindow = (): FakeWindow => rec.windows[rec.windows.length - 1] as FakeWindow
const tick = (): Promise<void> => new Promise((r) => setImmediate(r))

beforeEach(() => {
  rec.boxes.length = 0
  rec.windows.length = 0
  rec.boxResponse = 0
})

describe("main's CA key export confirmation", () => {
  it('a keychain-only key: a message box whose default and cancel are Cancel; only "Export the CA key" confirms', async () => {
    const prompt = { authority: 'Root', serial: '7C02', protection: 'keychain' } as const
    expect(await askCaKeySecrets(undefined, prompt, '/p.js')).toBeNull()
    expect(rec.boxes[0]!.options).toMatchObject({ buttons: ['Cancel', 'Export the CA key'], defaultId: 0, cancelId: 0 })
    rec.boxResponse = 1
    expect(await askCaKeySecrets(undefined, prompt, '/p.js')).toEqual({})
    expect(rec.windows).toEqual([])
  })

  it('a passphrase key: a sandboxed window without devtools; its answer is the passphrase; closing it cancels', async () => {
    const prompt = { authority: 'Root', serial: '7C02', protection: 'passphrase' } as const
    const asked = askCaKeySecrets(undefined, prompt, '/p.js')
    const win = lastWindow()
    expect(win.options.webPreferences).toMatchObject({ preload: '/p.js', sandbox: true, contextIsolation: true, nodeIntegration: false, devTools: false, webviewTag: false })
    expect(win.loaded[0]).toMatch(/^data:text\/html;charset=utf-8,/)
    win.ipc.emit(CA_KEY_PROMPT_CHANNEL, {}, ['correct horse battery'])
    expect(await asked).toEqual({ passphrase: 'correct horse battery' })
    expect(win.destroyed).toBe(true)

    const closed = askCaKeySecrets(undefined, prompt, '/p.js')
    await tick()
    lastWindow().close()
    expect(await closed).toBeNull()
  })

  it('answers are checked: a cancel, the wrong number of fields, an empty or over-long value are all a cancel; custodians give one secret each', () => {
    const pass = { authority: 'Root', serial: '01', protection: 'both' } as const
    expect(answerOf(pass, null)).toBeNull()
    expect(answerOf(pass, ['a', 'b'])).toBeNull()
    expect(answerOf(pass, [''])).toBeNull()
    expect(answerOf(pass, ['x'.repeat(1025)])).toBeNull()
    expect(answerOf(pass, [42])).toBeNull()
    expect(answerOf(pass, ['long enough passphrase'])).toEqual({ passphrase: 'long enough passphrase' })
    const custodians = { authority: 'Root', serial: '01', protection: 'custodians', custodians: { threshold: 2, names: ['Ann', 'Bo'] } } as const
    expect(answerOf(custodians, ['one'])).toBeNull()
    expect(answerOf(custodians, ['first custodian', 'second custodian'])).toEqual({ custodians: [{ passphrase: 'first custodian' }, { passphrase: 'second custodian' }] })
  })

  it('the page escapes what it shows and allows only its own script (by hash), no network and no form submission', () => {
    const html = promptPage({ authority: '<img src=x onerror=alert(1)>', serial: 'AB', protection: 'custodians', custodians: { threshold: 3, names: ['A&B', 'C', 'D'] } })
    expect(html).not.toContain('<img')
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;')
    expect(html).toContain('A&#38;B')
    expect(html.match(/<input type="password"/g)).toHaveLength(3)
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("form-action 'none'")
    const script = /<script>([\s\S]*)<\/script>/.exec(html)![1]!
    expect(csp).toContain(`script-src 'sha256-${createHash('sha256').update(script).digest('base64')}'`)
    expect(html.match(/<script/g)).toHaveLength(1)
  })
})
