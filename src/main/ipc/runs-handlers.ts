import type { Services } from '../services'
import type { HandlersFor } from './handlers'
import { ok } from '../../shared/errors'

export function createRunsHandlers(services: Services): HandlersFor<'runs'> {
  return {
    'runs:list': (req) => ok({ items: services.runs.list(req.limit) }),
    // Into the store, and the run's own output folder when it was signed with one (its missing files are written).
    'runs:resume': (req) =>
      services.runs.resume(req.runId, { ...(req.operationId ? { operationId: req.operationId } : {}), confirmResubmission: req.confirmResubmission })
  }
}
