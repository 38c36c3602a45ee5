// The PKCS#11 modules main offers and their tokens (tokens:modules), read when a screen that
// shows them opens. Not a store: nothing else changes them while the screen is open.
import { useEffect, useState } from 'react'
import type { AppError } from '../../../shared/errors'
import type { Pkcs11ModuleDto } from '../../../shared/ipc/pkcs11'
import { pki } from '../api/pki'
import { byteSize } from './format'

export function usePkcs11Modules(): { modules: Pkcs11ModuleDto[] | null; error: AppError | null; reload(): void } {
  const [modules, setModules] = useState<Pkcs11ModuleDto[] | null>(null)
  const [error, setError] = useState<AppError | null>(null)
  const [round, setRound] = useState(0)
  useEffect(() => {
    let live = true
    void pki.tokens.modules({}).then((r) => {
      if (!live) return
      if (r.ok) {
        setModules(r.value.modules)
        setError(null)
      } else setError(r.error)
    })
    return () => {
      live = false
    }
  }, [round])
  return { modules, error, reload: () => setRound((n) => n + 1) }
}

/** Free token memory as people read it. */
export function freeBytes(n: number | null): string {
  if (n === null) return 'not reported'
  return byteSize(n)
}

/** Every token of every module as a choice (its value names the module and the token label; pick it apart with `tokenChoice`); a locked PIN is offered disabled. */
export function tokenOptions(modules: readonly Pkcs11ModuleDto[] | null): { value: string; label: string; disabled: boolean }[] {
  return (modules ?? []).flatMap((m) =>
    m.tokens.map((t) => ({ value: JSON.stringify([m.path, t.label]), label: `Token "${t.label}" (${t.manufacturer}, serial ${t.serial}, ${m.path.split('/').pop() ?? m.path})`, disabled: t.pinLocked }))
  )
}

/** The module path and token label of a `tokenOptions` value. */
export function tokenChoice(value: string): { module: string; token: string } {
  const [module, token] = JSON.parse(value) as [string, string]
  return { module, token }
}
