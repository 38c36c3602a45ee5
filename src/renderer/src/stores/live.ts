// Subscribes once to main's `changed` events and calls every refresher registered for the
// domain. Stores register themselves; screens never subscribe directly.
import { pki } from '../api/pki'
import type { DataDomain } from '../../../shared/ipc/events'

type Refresher = () => void
const refreshers = new Map<DataDomain, Set<Refresher>>()
let subscribed = false

export function onDomainChanged(domain: DataDomain, refresh: Refresher): () => void {
  if (!subscribed) {
    subscribed = true
    pki.on.changed(({ domain: changed }) => {
      for (const r of refreshers.get(changed) ?? []) r()
    })
  }
  let set = refreshers.get(domain)
  if (!set) refreshers.set(domain, (set = new Set()))
  set.add(refresh)
  return () => set.delete(refresh)
}
