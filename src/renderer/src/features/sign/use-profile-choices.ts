// The profiles an operator may sign with (non-archived), for pickers, and what a profile
// says about the key and subject a new CSR should have.
import type { KeySpec } from '../../../../shared/domain/keys'
import { keySpec } from '../../../../shared/domain/keys'
import type { SubjectFieldType } from '../../lib/names'
import { useEffect, useMemo } from 'react'
import { useProfilesStore } from '../../stores/profiles-store'

export interface ProfileChoice {
  readonly id: string
  readonly name: string
  readonly defaultAuthorityId?: string
  readonly crypto?: {
    readonly enabled: boolean
    readonly allowRsa: boolean
    readonly rsaKeySizes: readonly number[]
    readonly allowEcdsa: boolean
    readonly ecdsaCurves: readonly string[]
    readonly allowEd25519: boolean
    readonly allowEd448: boolean
  }
  readonly subjectAttributes?: readonly { type: string; mandatory: boolean; pattern?: string; sources: readonly string[] }[]
}

export function useProfileChoices(): readonly ProfileChoice[] {
  const items = useProfilesStore((s) => s.items)
  const loaded = useProfilesStore((s) => s.loaded)
  const load = useProfilesStore((s) => s.load)
  useEffect(() => {
    if (!loaded) void load()
  }, [loaded, load])
  return useMemo(() => items.filter((p) => !p.archived), [items])
}

export interface ProfileGuide {
  readonly allowedSpecs: readonly KeySpec[]
  readonly required: readonly SubjectFieldType[]
  readonly hints: Partial<Record<SubjectFieldType, string>>
  readonly note: string
}

const FIELD_TYPES: readonly SubjectFieldType[] = ['CN', 'O', 'OU', 'L', 'ST', 'C']

export function profileGuide(p: ProfileChoice | undefined): ProfileGuide {
  if (!p) return { allowedSpecs: keySpec.options, required: [], hints: {}, note: 'Choose a profile to see which keys and subject fields it accepts.' }
  const c = p.crypto
  const allowedSpecs = keySpec.options.filter((s) => {
    if (!c || !c.enabled) return true
    if (s.startsWith('rsa-')) return c.allowRsa && c.rsaKeySizes.includes(Number(s.slice(4)))
    if (s.startsWith('ec-')) return c.allowEcdsa && c.ecdsaCurves.includes(`P-${s.slice(4)}`)
    return s === 'ed25519' ? c.allowEd25519 : c.allowEd448
  })
  const rules = p.subjectAttributes ?? []
  const required = rules.filter((r) => r.mandatory && r.sources.includes('csr')).map((r) => r.type as SubjectFieldType).filter((t) => FIELD_TYPES.includes(t))
  const hints: Partial<Record<SubjectFieldType, string>> = {}
  for (const r of rules) if (FIELD_TYPES.includes(r.type as SubjectFieldType) && r.pattern) hints[r.type as SubjectFieldType] = `Must match ${r.pattern}`
  return { allowedSpecs, required, hints, note: `Keys and subject fields that ${p.name} accepts.` }
}
