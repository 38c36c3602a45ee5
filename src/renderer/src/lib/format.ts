// Display formatting: dates in UTC (operators compare them with certificates and logs),
// countdowns, hex fingerprints, key specs.

export { formatDate, formatDateTime } from '../../../shared/domain/date-format'
export { keySpecLabel, protectionLabel } from '../../../shared/domain/keys'

/** `in 3 d 4 h`, `in 12 min`, `2 h ago` — for next-update countdowns and expiry. */
export function countdown(iso: string, now: Date = new Date()): string {
  const ms = new Date(iso).getTime() - now.getTime()
  const abs = Math.abs(ms)
  const min = Math.floor(abs / 60_000)
  const h = Math.floor(min / 60)
  const d = Math.floor(h / 24)
  const text = d >= 1 ? `${d} d ${h % 24} h` : h >= 1 ? `${h} h ${min % 60} min` : `${min} min`
  return ms >= 0 ? `in ${text}` : `${text} ago`
}

export function daysUntil(iso: string, now: Date = new Date()): number {
  return Math.floor((new Date(iso).getTime() - now.getTime()) / 86_400_000)
}

/** `AB:CD:EF…` */
export function colonHex(hex: string): string {
  return (hex.toUpperCase().match(/.{1,2}/g) ?? []).join(':')
}

/** A size in bytes as people read it: "812 bytes", "3.4 KiB", "1.2 GiB". */
export function byteSize(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GiB`
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`
  return n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : plural(n, 'byte')
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`
}
