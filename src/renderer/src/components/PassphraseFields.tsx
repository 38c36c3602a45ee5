// A passphrase with its confirmation and a strength hint. Reports the passphrase only when
// both entries match; the error for a mismatch sits beside the confirmation.
import { Group, PasswordInput, Progress, Stack, Text } from '@mantine/core'
import { useId, type ReactNode } from 'react'
import { passphraseStrength } from '../lib/passphrase'

export interface PassphraseValue {
  readonly passphrase: string
  readonly confirm: string
}

export function passphraseReady(v: PassphraseValue, minLength: number): boolean {
  return v.passphrase.length >= minLength && v.passphrase === v.confirm
}

const COLORS = ['red', 'orange', 'yellow', 'teal'] as const

export function PassphraseFields({
  value,
  onChange,
  label = 'Passphrase',
  minLength = 12,
  error,
  description
}: {
  value: PassphraseValue
  onChange(v: PassphraseValue): void
  label?: string
  minLength?: number
  error?: string
  description?: string
}): ReactNode {
  const s = passphraseStrength(value.passphrase, minLength)
  const hintId = useId()
  const mismatch = value.confirm.length > 0 && value.confirm !== value.passphrase
  return (
    <Stack gap={6}>
      <PasswordInput
        label={label}
        description={description ?? `${minLength > 1 ? `At least ${minLength} characters. ` : ''}A few unrelated words are easy to type and hard to guess.`}
        value={value.passphrase}
        onChange={(e) => onChange({ ...value, passphrase: e.currentTarget.value })}
        error={error}
        aria-describedby={hintId}
        autoComplete="new-password"
        required
      />
      <Group gap="xs" id={hintId} aria-live="polite">
        <Progress value={value.passphrase ? ((s.score + 1) / 4) * 100 : 0} color={COLORS[s.score]} w={120} size="sm" aria-hidden />
        <Text size="xs" c="dimmed">
          {value.passphrase ? `Strength: ${s.label} (about ${s.bits} bits)` : 'Strength: —'}
        </Text>
      </Group>
      <PasswordInput
        label={`Confirm ${label.toLowerCase()}`}
        value={value.confirm}
        onChange={(e) => onChange({ ...value, confirm: e.currentTarget.value })}
        error={mismatch ? 'The two entries differ: type the same passphrase twice.' : undefined}
        autoComplete="new-password"
        required
      />
    </Stack>
  )
}
