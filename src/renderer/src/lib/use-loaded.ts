// Loads one value from main for a screen, again whenever `load` changes, reload() is called
// or main reports a change in one of `domains`. A late answer to a superseded load is dropped.
import { useCallback, useEffect, useState } from 'react'
import type { AppError, Result } from '../../../shared/errors'
import type { DataDomain } from '../../../shared/ipc/events'
import { onDomainChanged } from '../stores/live'

export interface Loaded<T> {
  readonly value: T | null
  readonly error: AppError | null
  reload(): void
}

export function useLoaded<T>(load: () => Promise<Result<T>>, domains: readonly DataDomain[] = []): Loaded<T> {
  const [state, setState] = useState<{ value: T | null; error: AppError | null }>({ value: null, error: null })
  const [tick, setTick] = useState(0)
  const reload = useCallback(() => setTick((t) => t + 1), [])
  useEffect(() => {
    let stale = false
    void load().then((r) => {
      if (!stale) setState((prev) => (r.ok ? { value: r.value, error: null } : { value: prev.value, error: r.error }))
    })
    return () => {
      stale = true
    }
  }, [load, tick])
  const key = domains.join(',')
  useEffect(() => {
    const offs = key ? key.split(',').map((d) => onDomainChanged(d as DataDomain, reload)) : []
    return () => offs.forEach((off) => off())
  }, [key, reload])
  return { value: state.value, error: state.error, reload }
}
