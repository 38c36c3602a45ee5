// The profile's verdict on each request of the batch (profiles:preview against the chosen
// CA), refreshed when the CA, the profile or the batch changes. Without a profile (the
// built-in one) there is nothing to preview: main checks at issuance.
import { useEffect, useState } from 'react'
import type { AppError } from '../../../../shared/errors'
import type { Finding, PreviewRow } from '../../../../shared/domain/profile'
import { pki } from '../../api/pki'
import { signable, useSignStore } from '../../stores/sign-store'

export interface Preview {
  readonly findings: readonly Finding[]
  readonly rows: readonly PreviewRow[]
  readonly canSign: boolean
  readonly needsConfirm: boolean
  readonly error: AppError | null
}

export function usePreviews(): ReadonlyMap<string, Preview> {
  const items = useSignStore((s) => s.items)
  const profileId = useSignStore((s) => s.profileId)
  const authorityId = useSignStore((s) => s.authorityId)
  const [previews, setPreviews] = useState<ReadonlyMap<string, Preview>>(new Map())
  useEffect(() => {
    if (!profileId) return
    let stale = false
    const todo = items.filter(signable)
    void (async () => {
      const next = new Map<string, Preview>()
      for (const item of todo) {
        const r = await pki.profiles.preview({ id: profileId, csrPem: item.pem!, ...(authorityId ? { authorityId } : {}) })
        if (stale) return
        next.set(item.key, r.ok ? { ...r.value, error: null } : { findings: [], rows: [], canSign: false, needsConfirm: false, error: r.error })
      }
      if (!stale) setPreviews(next)
    })()
    return () => {
      stale = true
    }
  }, [items, profileId, authorityId])
  return profileId ? previews : EMPTY
}

const EMPTY: ReadonlyMap<string, Preview> = new Map()
