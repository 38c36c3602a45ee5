// Which CA the Sign screen signs with, as a pure function of the CAs listed, the operator's
// choice and the profile's default CA. A re-keyed CA's successor stands in for it: a profile
// (or a choice) that names the retired CA means the CA that replaced it under its name.
import type { AuthoritySummary } from '../../../shared/domain/authority'

export const canSign = (a: AuthoritySummary): boolean => a.state === 'active' && a.canIssue !== false

/** The CA that now stands for `id`: itself, or the end of its chain of re-key successors. */
export function currentAuthority(authorities: readonly AuthoritySummary[], id: string): string {
  const byId = new Map(authorities.map((a) => [a.id, a]))
  let at = id
  // Bounded by the number of CAs, so a loop in the rows cannot hang the screen.
  for (let step = 0; step < authorities.length; step++) {
    const next = byId.get(at)?.successorId
    if (!next || !byId.has(next)) break
    at = next
  }
  return at
}

/**
 * The CA the Sign screen has chosen: the operator's own choice while that CA (or its re-keyed
 * successor) can still sign; else the profile's default CA (or its successor); else the only
 * CA that can sign; else none.
 */
export function signingCaFor(authorities: readonly AuthoritySummary[], chosen: string | null, profileDefault: string | null | undefined): string | null {
  const usable = authorities.filter(canSign)
  for (const wanted of [chosen, profileDefault]) {
    if (!wanted) continue
    const id = currentAuthority(authorities, wanted)
    if (usable.some((a) => a.id === id)) return id
  }
  return usable.length === 1 ? usable[0]!.id : null
}

