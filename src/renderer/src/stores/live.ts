// Subscribes once to main's `changed` events and calls every refresher registered for the
// domain. Stores register themselves; screens never subscribe directly. A burst of events
// (a batch issuance reports each chunk) is coalesced into one refresh per domain.
import { pki } from '../api/pki'
import type { DataDomain } from '../../../shared/ipc/events'

type Refresher = () => void
const refreshers = new Map<DataDomain, Set<Refresher>>()
const pending = new Map<DataDomain, ReturnType<typeof setTimeout>>()
const COALESCE_MS = 150
let subscribed = false

function refresh(domain: DataDomain): void {
  pending.delete(domain)
  for (const r of refreshers.get(domain) ?? []) r()
}

export function onDomainChanged(domain: DataDomain, refresher: Refresher): () => void {
  if (!subscribed) {
    subscribed = true
    pki.on.changed(({ domain: changed }) => {
      if (!pending.has(changed)) pending.set(changed, setTimeout(() => refresh(changed), COALESCE_MS))
    })
  }
  let set = refreshers.get(domain)
  if (!set) refreshers.set(domain, (set = new Set()))
  set.add(refresher)
  return () => set.delete(refresher)
}
