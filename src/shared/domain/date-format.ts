// The app's date format, in UTC (operators compare dates with certificates and logs): one
// place for the screens (renderer lib/format.ts re-exports it), the policy preview's rows and
// the validity findings, so a date reads the same on every screen and in the CLI.

const pad = (n: number): string => String(n).padStart(2, '0')

/** `2026-11-23 14:05 UTC` (a Date or an ISO 8601 string; text that is not a date is returned as it is). */
export function formatDateTime(at: Date | string | null | undefined): string {
  if (!at) return '—'
  const d = typeof at === 'string' ? new Date(at) : at
  if (Number.isNaN(d.getTime())) return String(at)
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`
}

/** `2026-11-23` */
export function formatDate(at: Date | string | null | undefined): string {
  if (!at) return '—'
  const d = typeof at === 'string' ? new Date(at) : at
  if (Number.isNaN(d.getTime())) return String(at)
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
}
