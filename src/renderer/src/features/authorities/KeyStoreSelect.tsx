// Where a new CA key is generated: the vault, or a PKCS#11 token main offers (its value is
// [module, token label] as JSON). Choosing a token moves a key type tokens cannot make to
// P-384. Used by New root / intermediate CA and by Re-key.
import { Select } from '@mantine/core'
import type { ReactNode } from 'react'
import { TOKEN_SPECS, type KeySpec } from '../../lib/keys'

export const VAULT = 'vault'

/** The [module, token label] a Key store value names, or null for the vault (or no choice yet). */
export function tokenOf(store: string | null): [string, string] | null {
  return store !== null && store !== VAULT ? (JSON.parse(store) as [string, string]) : null
}

export function KeyStoreSelect(props: {
  label: string
  placeholder?: string
  tokens: readonly { value: string; label: string }[]
  value: string | null
  onChange(store: string): void
  spec: KeySpec
  onSpec(spec: KeySpec): void
  error?: ReactNode
  description?: ReactNode
}): ReactNode {
  return (
    <Select
      label={props.label}
      {...(props.placeholder ? { placeholder: props.placeholder } : {})}
      data={[{ value: VAULT, label: 'Vault (encrypted on this machine)' }, ...props.tokens]}
      value={props.value}
      onChange={(v) => {
        if (!v) return
        props.onChange(v)
        if (v !== VAULT && !TOKEN_SPECS.includes(props.spec)) props.onSpec('ec-p384')
      }}
      allowDeselect={false}
      error={props.error}
      description={props.description}
    />
  )
}
