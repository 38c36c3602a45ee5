// PEM and raw DER framing. Labels written are the ones OpenSSL reads: CERTIFICATE,
// CERTIFICATE REQUEST, X509 CRL, PKCS7.
import { fail, ok, type Result } from '../../shared/errors'
import { LIMITS } from '../../shared/limits'

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

// One pass over the armour lines: a label is at most 64 characters of the RFC 7468 set, so no
// match can backtrack further than that. (The splitter this replaces searched for each BEGIN's
// END from that BEGIN onwards: 1 MiB of BEGIN lines took 12–38 s.)
const MARKER_RE = /-----(BEGIN|END) ([A-Z0-9 ]{1,64})-----/g

/**
 * Every PEM block in `text`, in order, including a final block that never ends (truncated).
 * A BEGIN inside an open block truncates that block. Stops after `max + 1` items, so a caller
 * can tell a file over the limit (readPemBlocks does) without reading all of it.
 */
export function findPemBlocks(text: string, max: number = LIMITS.pemBlocksPerFile): PemItem[] {
  const items: PemItem[] = []
  let open: { label: string; start: number } | null = null
  MARKER_RE.lastIndex = 0
  let m: RegExpExecArray | null
  while (items.length <= max && (m = MARKER_RE.exec(text))) {
    const label = m[2]!
    if (m[1] === 'BEGIN') {
      if (open) items.push({ kind: 'truncated', label: open.label })
      open = { label, start: m.index + m[0].length }
    } else if (open && open.label === label) {
      items.push(decodeBlock(open.label, text.slice(open.start, m.index)))
      open = null
    }
  }
  if (open && items.length <= max) items.push({ kind: 'truncated', label: open.label })
  return items
}

function decodeBlock(label: string, raw: string): PemItem {
  let body = raw
  // RFC 1421 headers (Proc-Type, DEK-Info) end with a blank line.
  if (/^\s*[A-Za-z-]+:/.test(body)) body = body.replace(/^[\s\S]*?\r?\n\r?\n/, '')
  const b64 = body.replace(/\s+/g, '')
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0 || b64.length === 0) return { kind: 'corrupt', label }
  return { kind: 'block', label, der: new Uint8Array(Buffer.from(b64, 'base64')) }
}

/** findPemBlocks, refusing a file with more than LIMITS.pemBlocksPerFile blocks (PEM_TOO_MANY_BLOCKS). */
export function readPemBlocks(text: string): Result<PemItem[]> {
  const items = findPemBlocks(text)
  if (items.length > LIMITS.pemBlocksPerFile)
    return fail('PEM_TOO_MANY_BLOCKS', `The file holds more than ${LIMITS.pemBlocksPerFile.toLocaleString('en-US')} PEM blocks, the limit for one file: split it into smaller files.`)
  return ok(items)
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
