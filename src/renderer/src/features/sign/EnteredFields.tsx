// The values an operator enters at signing, as the chosen profile allows them: one field per
// subject rule with source `entered` (mandatory marked, its pattern in words, the profile's
// verdict beside it), the SAN types the operator may add, a shorter validity and the hash.
// Used once for the batch and on each request card, where a value overrides the batch's.
import { NumberInput, Select, SimpleGrid, TextInput } from '@mantine/core'
import { useState, type ReactNode } from 'react'
import type { GeneralName, GeneralNameType } from '../../../../shared/domain/names'
import type { Finding, OperatorFields, OperatorInputPatch } from '../../../../shared/domain/profile'
import { patternInWords } from '../../../../shared/domain/pattern-words'
import { SUBJECT_FIELDS, parseSans } from '../../lib/names'

const SAN_LABELS: Readonly<Record<GeneralNameType, string>> = {
  dns: 'DNS names to add',
  ip: 'IP addresses to add',
  email: 'E-mail addresses to add',
  uri: 'URIs to add',
  upn: 'User principal names to add',
  dn: 'Directory names to add'
}
const SAN_WORDS: Readonly<Record<GeneralNameType, string>> = { dns: 'DNS names', ip: 'IP addresses', email: 'e-mail addresses', uri: 'URIs', upn: 'UPNs', dn: 'directory names' }
const HASHES = ['SHA-256', 'SHA-384', 'SHA-512'] as const
/** The one field for the SAN types a profile allows without a rule of their own. */
const OTHER_SANS = 'san.other'

export function attributeLabel(type: string): string {
  return SUBJECT_FIELDS.find((f) => f.type === type)?.label ?? type
}

/** Whether the profile lets the operator enter anything at all. */
export function hasEnteredFields(f: OperatorFields): boolean {
  return f.subject.length > 0 || f.sans.length > 0 || f.validity || f.hash
}

/** The message of the first finding that concerns an entered field, by the field's name. */
export function findingFor(findings: readonly Finding[], field: string, values: readonly string[] = []): Finding | undefined {
  return findings.find((f) => {
    if (f.field === field || f.field?.startsWith(`${field}.`)) return true
    // SAN allow-list findings name the SAN by position; match the entered value instead.
    return field.startsWith('san.') && /^san\[\d+\]$/.test(f.field ?? '') && values.some((v) => f.message.includes(v))
  })
}

export interface EnteredFieldsProps {
  readonly fields: OperatorFields
  readonly value: OperatorInputPatch
  readonly onChange: (value: OperatorInputPatch) => void
  /** On a request card: the batch's values, shown as what applies when the card leaves a field empty. */
  readonly batch?: OperatorInputPatch
  /** The profile's verdict on a field, beside it. */
  readonly errorFor: (field: string, values: readonly string[]) => string | undefined
  /** The profile's hash, for the hash field's default choice. */
  readonly profileHash: string
  /** Makes the fields' ids unique on the page (batch, or the card's key). */
  readonly idPrefix: string
  readonly disabled: boolean
}

/** The patch without the given fields. */
function without(p: OperatorInputPatch, ...keys: (keyof OperatorInputPatch)[]): OperatorInputPatch {
  const out: OperatorInputPatch = { ...p }
  for (const k of keys) delete out[k]
  return out
}

function subjectText(v: string | readonly string[] | undefined): string {
  return v === undefined ? '' : typeof v === 'string' ? v : v.join('; ')
}

function sansOfType(sans: readonly GeneralName[] | undefined, type: GeneralNameType): string {
  return (sans ?? [])
    .filter((n) => n.type === type)
    .map((n) => n.value)
    .join(', ')
}

export function EnteredFields({ fields, value, onChange, batch, errorFor, profileHash, idPrefix, disabled }: EnteredFieldsProps): ReactNode {
  const explicitSans = fields.sans.filter((s) => s.explicit)
  const otherTypes = fields.sans.filter((s) => !s.explicit).map((s) => s.type)
  // The text as typed (a trailing separator survives while typing); the patch is parsed from it.
  const [texts, setTexts] = useState<Record<string, string>>(() => {
    const t: Record<string, string> = {}
    for (const f of fields.subject) t[`subject.${f.type}`] = subjectText(value.subject?.[f.type])
    for (const s of fields.sans) if (s.explicit) t[`san.${s.type}`] = sansOfType(value.sans, s.type)
    t[OTHER_SANS] = (value.sans ?? []).filter((n) => otherTypes.includes(n.type)).map((n) => `${n.type}:${n.value}`).join(', ')
    return t
  })
  const onCard = batch !== undefined

  const setSubject = (type: string, multiple: boolean, text: string): void => {
    setTexts((t) => ({ ...t, [`subject.${type}`]: text }))
    const subject = { ...(value.subject ?? {}) }
    const values = multiple ? text.split(';').map((v) => v.trim()).filter(Boolean) : [text.trim()].filter(Boolean)
    if (values.length === 0) delete subject[type]
    else subject[type] = values.length === 1 ? values[0]! : values
    onChange({ ...value, subject })
  }
  const setSans = (type: GeneralNameType, text: string): void => {
    setTexts((t) => ({ ...t, [`san.${type}`]: text }))
    const others = (value.sans ?? []).filter((n) => n.type !== type)
    const typed = text
      .split(/[,\s]+/)
      .map((v) => v.trim())
      .filter(Boolean)
      .map((v) => ({ type, value: v }))
    onChange({ ...value, sans: [...others, ...typed] })
  }
  const setOtherSans = (text: string): void => {
    setTexts((t) => ({ ...t, [OTHER_SANS]: text }))
    const kept = (value.sans ?? []).filter((n) => !otherTypes.includes(n.type))
    onChange({ ...value, sans: [...kept, ...parseSans(text)] })
  }
  const otherFromBatch = (batch?.sans ?? []).filter((n) => otherTypes.includes(n.type)).map((n) => `${n.type}:${n.value}`).join(', ')
  const otherTyped = (value.sans ?? []).filter((n) => otherTypes.includes(n.type)).map((n) => n.value)

  return (
    <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} spacing="sm" verticalSpacing="xs">
      {fields.subject.map((f) => {
        const id = `subject.${f.type}`
        const fromBatch = subjectText(batch?.subject?.[f.type])
        const words = [
          f.pattern !== undefined ? `Pattern: ${patternInWords(f.pattern)}.` : '',
          f.maxLength !== undefined ? `At most ${f.maxLength} characters.` : '',
          f.multiple ? 'Several values: separate them with ;.' : '',
          f.csrFirst ? "Used when the request has none." : '',
          onCard ? (fromBatch ? `Empty: the batch's ${fromBatch}.` : 'Overrides the batch value.') : ''
        ]
          .filter(Boolean)
          .join(' ')
        return (
          <TextInput
            key={id}
            id={`${idPrefix}-${id}`}
            label={attributeLabel(f.type)}
            withAsterisk={f.mandatory && !(onCard && fromBatch)}
            required={f.mandatory && !(onCard && fromBatch)}
            description={words || undefined}
            placeholder={onCard ? fromBatch : undefined}
            value={texts[id] ?? ''}
            onChange={(e) => setSubject(f.type, f.multiple, e.currentTarget.value)}
            error={errorFor(id, [])}
            disabled={disabled}
            data-field={id}
          />
        )
      })}
      {otherTypes.length ? (
        <TextInput
          id={`${idPrefix}-${OTHER_SANS}`}
          label="Names to add (SAN)"
          description={`${otherTypes.filter((t) => t !== 'dn').map((t) => SAN_WORDS[t]).join(', ')}; separate with commas${otherTypes.length > 1 ? ' (dns:, ip:, email:, uri:, upn: say which)' : ''}.${onCard ? ` Replace the batch's added names${otherFromBatch ? ` (${otherFromBatch})` : ''}.` : ''}`}
          placeholder={onCard ? otherFromBatch : otherTypes.length > 1 ? 'dns:www.example.com, ip:10.0.0.5' : undefined}
          value={texts[OTHER_SANS] ?? ''}
          onChange={(e) => setOtherSans(e.currentTarget.value)}
          error={errorFor(OTHER_SANS, otherTyped)}
          disabled={disabled}
          data-field={OTHER_SANS}
        />
      ) : null}
      {explicitSans.map((s) => {
        const id = `san.${s.type}`
        const fromBatch = sansOfType(batch?.sans, s.type)
        const typed = (value.sans ?? []).filter((n) => n.type === s.type).map((n) => n.value)
        return (
          <TextInput
            key={id}
            id={`${idPrefix}-${id}`}
            label={SAN_LABELS[s.type]}
            withAsterisk={s.mandatory && !(onCard && fromBatch)}
            required={s.mandatory && !(onCard && fromBatch)}
            description={`Separate several with commas.${onCard ? ` Names entered here replace the batch's added names${fromBatch ? ` (${fromBatch})` : ''}.` : ''}`}
            placeholder={onCard ? fromBatch : undefined}
            value={texts[id] ?? ''}
            onChange={(e) => setSans(s.type, e.currentTarget.value)}
            error={errorFor(id, typed)}
            disabled={disabled}
            data-field={id}
          />
        )
      })}
      {fields.validity ? (
        <>
          <NumberInput
            id={`${idPrefix}-validity-days`}
            label="Validity (days)"
            description={onCard && batch?.validityDays ? `Empty: the batch's ${batch.validityDays} days.` : "Empty: the profile's validity. Only shorter is allowed."}
            min={1}
            max={36500}
            allowDecimal={false}
            value={value.validityDays ?? ''}
            onChange={(n) => {
              const rest = without(value, 'validityDays', 'notAfter')
              onChange(typeof n === 'number' && n > 0 ? { ...rest, validityDays: n } : rest)
            }}
            error={errorFor('validity', [])}
            disabled={disabled}
            data-field="validity"
          />
          <TextInput
            id={`${idPrefix}-not-after`}
            type="date"
            label="Or end date"
            description="Valid through that day (UTC)."
            value={value.notAfter ? value.notAfter.slice(0, 10) : ''}
            onChange={(e) => {
              const day = e.currentTarget.value
              const rest = without(value, 'validityDays', 'notAfter')
              onChange(/^\d{4}-\d{2}-\d{2}$/.test(day) ? { ...rest, notAfter: `${day}T23:59:59Z` } : rest)
            }}
            disabled={disabled}
            data-field="notAfter"
          />
        </>
      ) : null}
      {fields.hash ? (
        <Select
          id={`${idPrefix}-hash`}
          label="Signature hash"
          data={[{ value: '', label: onCard ? `As the batch (${batch?.signatureHash ?? profileHash})` : `The profile's (${profileHash})` }, ...HASHES.map((h) => ({ value: h, label: h }))]}
          value={value.signatureHash ?? ''}
          onChange={(h) => {
            const rest = without(value, 'signatureHash')
            onChange(h ? { ...rest, signatureHash: h } : rest)
          }}
          allowDeselect={false}
          error={errorFor('signature.hash', [])}
          disabled={disabled}
          data-field="signature.hash"
        />
      ) : null}
    </SimpleGrid>
  )
}
