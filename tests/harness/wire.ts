// JSON over the harness WebSocket, with byte arrays carried as tagged base64 so a channel
// whose schema takes or returns Uint8Array behaves as it does over Electron's structured clone.
const TAG = '__harnessBytes'

function toBase64(bytes: Uint8Array): string {
  let s = ''
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(s)
}

function fromBase64(text: string): Uint8Array {
  const s = atob(text)
  const out = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i)
  return out
}

export function encodeFrame(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Uint8Array) return { [TAG]: toBase64(v) }
    if (v instanceof ArrayBuffer) return { [TAG]: toBase64(new Uint8Array(v)) }
    return v
  })
}

export function decodeFrame(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v) && typeof (v as Record<string, unknown>)[TAG] === 'string' && Object.keys(v).length === 1)
      return fromBase64((v as Record<string, string>)[TAG]!)
    return v
  })
}
