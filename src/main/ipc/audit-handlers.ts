import type { Services } from '../services'
import type { Handlers } from './handlers'
import { ok } from '../../shared/errors'

type AuditHandlers = Pick<Handlers, 'audit:verify' | 'audit:list' | 'audit:export'>

export function createAuditHandlers(services: Services): AuditHandlers {
  return {
    'audit:verify': () => ok(services.audit.verify()),
    'audit:list': (req) => services.audit.list(req),
    'audit:export': () => ok(services.audit.exportJsonl())
  }
}
