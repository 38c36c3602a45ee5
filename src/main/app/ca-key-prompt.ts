// Main's own confirmation before a CA's private key leaves the vault (DialogsPort
// .confirmCaKeyExport): the renderer's "include the CA key" only starts an export; the CA
// key's passphrase (or the custodians present) is typed again here, in a window main opens
// and the renderer cannot reach, and for a keychain-only key the operator confirms in a
// native message box. The vault then checks the answer against the key's envelope.
//
// The prompt window: sandboxed, no node, devtools off, a data: page with no network access
// (CSP default-src 'none'; its one inline script allowed by hash), a preload that exposes
// only submit/cancel on one channel of that window's own webContents.ipc.
import { createHash } from 'node:crypto'
import { BrowserWindow, dialog } from 'electron'
import { LIMITS } from '../../shared/limits'
import type { KeySecrets } from '../vault'
import type { CaKeyExportPrompt } from '../services/files-service'

/** The one channel the prompt's preload (src/preload/ca-key-prompt.ts) sends its answer on. */
export const CA_KEY_PROMPT_CHANNEL = 'ca-key-prompt:answer'

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** The password fields the prompt shows: one for a passphrase, one per custodian needed. */
export function promptFields(prompt: Readonly<CaKeyExportPrompt>): string[] {
  if (prompt.protection === 'custodians') {
    const n = prompt.custodians?.threshold ?? 2
    return Array.from({ length: n }, (_, i) => `Custodian ${i + 1} of ${n}: passphrase`)
  }
  return [prompt.protection === 'both' ? 'CA key passphrase (the keychain entry is used too)' : 'CA key passphrase']
}

const SCRIPT = `const f=document.getElementById('f');f.addEventListener('submit',(e)=>{e.preventDefault();window.caKeyPrompt.submit([...f.querySelectorAll('input')].map((i)=>i.value))});document.getElementById('cancel').addEventListener('click',()=>window.caKeyPrompt.cancel());document.addEventListener('keydown',(e)=>{if(e.key==='Escape')window.caKeyPrompt.cancel()});`

/** The prompt page: what is exported, the fields, Export (default on Enter) and Cancel (Escape). */
export function promptPage(prompt: Readonly<CaKeyExportPrompt>): string {
  const hash = createHash('sha256').update(SCRIPT).digest('base64')
  const csp = `default-src 'none'; script-src 'sha256-${hash}'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'`
  const who = prompt.custodians ? ` Held by ${prompt.custodians.threshold} of: ${prompt.custodians.names.map(escapeHtml).join(', ')}.` : ''
  const fields = promptFields(prompt)
    .map((label, i) => `<label>${escapeHtml(label)}<input type="password" name="p${i}" maxlength="${LIMITS.passphraseChars}" autocomplete="off" required${i === 0 ? ' autofocus' : ''}></label>`)
    .join('')
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}"><title>Export the CA key</title>
<style>body{font:14px system-ui,sans-serif;margin:20px;color:#1a1b1e}label{display:block;margin:10px 0}input{display:block;width:100%;box-sizing:border-box;padding:6px;margin-top:4px}.b{display:flex;gap:8px;justify-content:flex-end;margin-top:16px}</style></head>
<body><form id="f"><p><strong>Export the private key of ${escapeHtml(prompt.authority)}</strong> (certificate ${escapeHtml(prompt.serial)}).</p>
<p>The CA key will leave the vault in the file you choose next. Enter the CA key's passphrase again to allow it.${who} The export is recorded in the audit trail.</p>
${fields}<div class="b"><button type="button" id="cancel">Cancel</button><button type="submit">Export the CA key</button></div></form><script>${SCRIPT}</script></body></html>`
}

/** What the prompt sent, as the vault takes it; null for a cancel or anything malformed. */
export function answerOf(prompt: Readonly<CaKeyExportPrompt>, raw: unknown): KeySecrets | null {
  if (!Array.isArray(raw)) return null
  const n = promptFields(prompt).length
  if (raw.length !== n || !raw.every((v): v is string => typeof v === 'string' && v.length > 0 && v.length <= LIMITS.passphraseChars)) return null
  return prompt.protection === 'custodians' ? { custodians: raw.map((passphrase) => ({ passphrase })) } : { passphrase: raw[0]! }
}

/** Asks in main: a message box for a keychain-only key, the prompt window otherwise. */
export async function askCaKeySecrets(parent: BrowserWindow | undefined, prompt: Readonly<CaKeyExportPrompt>, preloadFile: string): Promise<KeySecrets | null> {
  if (prompt.protection === 'keychain') {
    const options = {
      type: 'warning' as const,
      title: 'Export the CA key',
      message: `Export the private key of ${prompt.authority}?`,
      detail: `Certificate ${prompt.serial}. The CA key is protected by the OS keychain only: it will leave the vault in the file you choose next. The export is recorded in the audit trail.`,
      buttons: ['Cancel', 'Export the CA key'],
      defaultId: 0,
      cancelId: 0,
      noLink: true
    }
    const r = parent ? await dialog.showMessageBox(parent, options) : await dialog.showMessageBox(options)
    return r.response === 1 ? {} : null
  }
  const win = new BrowserWindow({
    ...(parent ? { parent, modal: true } : {}),
    width: 480,
    height: 240 + promptFields(prompt).length * 60,
    resizable: false,
    minimizable: false,
    maximizable: false,
    show: false,
    title: 'Export the CA key',
    webPreferences: {
      preload: preloadFile,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: false,
      disableBlinkFeatures: 'Auxclick'
    }
  })
  win.setMenu(null)
  return new Promise((resolve) => {
    let settled = false
    const finish = (answer: KeySecrets | null): void => {
      if (settled) return
      settled = true
      resolve(answer)
      if (!win.isDestroyed()) win.close()
    }
    win.webContents.ipc.once(CA_KEY_PROMPT_CHANNEL, (_event, raw: unknown) => finish(answerOf(prompt, raw)))
    win.on('closed', () => finish(null))
    win.once('ready-to-show', () => win.show())
    void win.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(promptPage(prompt))}`)
  })
}
