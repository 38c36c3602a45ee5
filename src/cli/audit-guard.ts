// Mutating commands look at the audit trail's head before they change anything: a trail
// that was cut or edited must not be extended silently (each new entry re-anchors the head,
// which would hide a cut tail). A cheap check of the anchor, never a walk of the chain;
// `pkidesk audit verify` does the full walk.
import type { Services } from '../main/services'
import type { CliIo } from './context'

/** One warning line on stderr when the head anchor does not match; true when it matched. */
export function warnIfAuditBroken(services: Pick<Services, 'audit'>, io: Pick<CliIo, 'stderr'>): boolean {
  const check = services.audit.headIntact()
  if (check.intact) return true
  io.stderr(`warning[AUDIT_BROKEN]: the audit trail is broken (${check.reason}); this operation is still recorded, but run pkidesk audit verify and investigate.\n`)
  return false
}
