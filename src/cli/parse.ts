// Pure parsers for command-line values: serials, durations, counts, key specs, repeated
// options. Each throws commander's InvalidArgumentError, so a bad value is a usage error
// (exit 2) whose message names the option at fault.
import { InvalidArgumentError } from 'commander'
import { keySpec, keyProtection, type KeyProtection, type KeySpec } from '../shared/domain/keys'

/**
 * A serial as the operator typed it (`01:A3:…`, `01a3…`, `0x01A3`) → uppercase hex without
 * separators, the form PKI Desk prints and stores. Leading zero octets are kept: they are
 * part of the DER INTEGER the operator copied.
 */
export function normalizeSerial(input: string): string {
  const trimmed = input.trim().replace(/^0x/i, '')
  const hex = trimmed.replace(/[:\s-]/g, '')
  if (hex.length === 0) throw new InvalidArgumentError('The serial is empty; give it as hex, with or without colons.')
  if (!/^[0-9a-fA-F]+$/.test(hex))
    throw new InvalidArgumentError(`The serial "${input}" is not hexadecimal; give it as hex, with or without colons.`)
  if (/[:\s-]/.test(trimmed) && !/^[0-9a-fA-F]{1,2}([:\s-][0-9a-fA-F]{1,2})*$/.test(trimmed))
    throw new InvalidArgumentError(`The serial "${input}" has separators in odd places; use pairs of hex digits separated by colons.`)
  // "1:a3" is "01A3": pad each colon-separated group to a full octet.
  const octets = /[:\s-]/.test(trimmed) ? trimmed.split(/[:\s-]/).map((o) => o.padStart(2, '0')).join('') : hex
  return octets.toUpperCase()
}

/** How a serial is printed: uppercase hex, no separators. */
export function formatSerial(serial: string): string {
  return serial.replace(/[:\s]/g, '').toUpperCase()
}

export type DurationUnit = 'y' | 'd' | 'h'
export interface ParsedDuration {
  readonly amount: number
  readonly unit: DurationUnit
  /** The text as given, for services that take a Lamassu-style duration string. */
  readonly text: string
}

/** `10y`, `397d`, `12h` (years, days, hours). Minutes and seconds make no sense for certificates. */
export function parseDuration(input: string): ParsedDuration {
  const m = /^\s*(\d+)\s*([ydh])\s*$/i.exec(input)
  if (!m || Number(m[1]) <= 0)
    throw new InvalidArgumentError(`"${input}" is not a duration; use a positive number followed by y, d or h (for example 10y, 397d).`)
  const unit = m[2]!.toLowerCase() as DurationUnit
  return { amount: Number(m[1]), unit, text: `${Number(m[1])}${unit}` }
}

/** The instant `duration` after `from`; years are calendar years. */
export function addDuration(from: Date, d: Readonly<ParsedDuration>): Date {
  const t = new Date(from.getTime())
  if (d.unit === 'y') t.setUTCFullYear(t.getUTCFullYear() + d.amount)
  else if (d.unit === 'd') t.setUTCDate(t.getUTCDate() + d.amount)
  else t.setUTCHours(t.getUTCHours() + d.amount)
  return t
}

export function durationDays(d: Readonly<ParsedDuration>): number {
  return d.unit === 'y' ? d.amount * 365 : d.unit === 'd' ? d.amount : d.amount / 24
}

export function parseNonNegativeInt(input: string): number {
  if (!/^\s*\d+\s*$/.test(input)) throw new InvalidArgumentError(`"${input}" is not a whole number of 0 or more.`)
  return Number(input)
}

export function parsePositiveInt(input: string): number {
  const n = parseNonNegativeInt(input)
  if (n === 0) throw new InvalidArgumentError('It must be 1 or more.')
  return n
}

export function parseKeySpec(input: string): KeySpec {
  const r = keySpec.safeParse(input.trim().toLowerCase())
  if (!r.success) throw new InvalidArgumentError(`"${input}" is not a key type; use one of ${keySpec.options.join(', ')}.`)
  return r.data
}

export function parseProtection(input: string): KeyProtection {
  const r = keyProtection.safeParse(input.trim().toLowerCase())
  if (!r.success) throw new InvalidArgumentError(`"${input}" is not a protection; use one of ${keyProtection.options.join(', ')}.`)
  return r.data
}

/** An ISO 8601 instant (`2026-01-31`, `2026-01-31T12:00:00Z`). */
export function parseIsoDate(input: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(input.trim()))
    throw new InvalidArgumentError(`"${input}" is not an ISO 8601 date; use for example 2026-01-31 or 2026-01-31T12:00:00Z.`)
  const d = new Date(input.trim())
  if (Number.isNaN(d.getTime())) throw new InvalidArgumentError(`"${input}" is not a valid date.`)
  return d
}

/** Collects a repeatable option (`--san a --san b`). */
export function collect(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), value]
}

/** `field=value` of a repeatable option such as `--registered-value`. */
export function parseKeyValue(input: string): { key: string; value: string } {
  const i = input.indexOf('=')
  if (i <= 0) throw new InvalidArgumentError(`"${input}" is not field=value.`)
  return { key: input.slice(0, i).trim(), value: input.slice(i + 1) }
}

export function collectKeyValue(
  value: string,
  previous: readonly { key: string; value: string }[] | undefined
): { key: string; value: string }[] {
  return [...(previous ?? []), parseKeyValue(value)]
}
