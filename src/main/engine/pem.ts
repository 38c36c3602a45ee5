// PEM and raw DER framing. Labels written are the ones OpenSSL reads: CERTIFICATE,
// CERTIFICATE REQUEST, X509 CRL, PKCS7.

export interface PemBlock {
  readonly label: string
  readonly der: Uint8Array
}

export function toPem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64')
  const lines = b64.match(/.{1,64}/g) ?? []
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`
}

export type PemItem =
  | { readonly kind: 'block'; readonly label: string; readonly der: Uint8Array }
  | { readonly kind: 'truncated'; readonly label: string }
  | { readonly kind: 'corrupt'; readonly label: string }

const BEGIN_RE = /-----BEGIN ([A-Z0-9 ]+)-----/g

/** Every PEM block in `text`, in order, including a final block that never ends (truncated). */
export function findPemBlocks(text: string): PemItem[] {
  const items: PemItem[] = []
  BEGIN_RE.lastIndex = 0
  let m: RegExpExecArray | null
  while ((m = BEGIN_RE.exec(text))) {
    const label = m[1]!
    const endMarker = `-----END ${label}-----`
    const start = m.index + m[0].length
    const end = text.indexOf(endMarker, start)
    const nextBegin = text.indexOf('-----BEGIN ', start)
    if (end < 0 || (nextBegin >= 0 && nextBegin < end)) {
      items.push({ kind: 'truncated', label })
      continue
    }
    let body = text.slice(start, end)
    // RFC 1421 headers (Proc-Type, DEK-Info) end with a blank line.
    if (/^\s*[A-Za-z-]+:/.test(body)) body = body.replace(/^[\s\S]*?\r?\n\r?\n/, '')
    const b64 = body.replace(/\s+/g, '')
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0 || b64.length === 0) items.push({ kind: 'corrupt', label })
    else items.push({ kind: 'block', label, der: new Uint8Array(Buffer.from(b64, 'base64')) })
    BEGIN_RE.lastIndex = end + endMarker.length
  }
  return items
}

/** True when the bytes read as text that contains a PEM armour line. */
export function looksLikePem(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, Math.min(bytes.length, 64 * 1024))).toString('latin1')
  return head.includes('-----BEGIN ')
}

/**
 * The outer TLV of DER: 'ok' when the data is exactly one complete element, 'truncated'
 * when its length runs past the end, 'trailing' when bytes follow it, 'invalid' otherwise.
 */
export function derFraming(bytes: Uint8Array): 'ok' | 'truncated' | 'trailing' | 'invalid' {
  if (bytes.length < 2) return bytes.length === 0 ? 'invalid' : 'truncated'
  if (bytes[0] !== 0x30) return 'invalid'
  const first = bytes[1]!
  let len: number
  let header: number
  if (first < 0x80) {
    len = first
    header = 2
  } else {
    const n = first & 0x7f
    if (n === 0 || n > 4) return 'invalid'
    if (bytes.length < 2 + n) return 'truncated'
    len = 0
    for (let i = 0; i < n; i++) len = len * 256 + bytes[2 + i]!
    header = 2 + n
  }
  const total = header + len
  if (total > bytes.length) return 'truncated'
  if (total < bytes.length) return 'trailing'
  return 'ok'
}
