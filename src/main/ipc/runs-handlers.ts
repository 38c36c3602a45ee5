import type { Services } from '../services'
import type { HandlersFor } from './handlers'
import { ok } from '../../shared/errors'

export function createRunsHandlers(services: Services): HandlersFor<'runs'> {
  return {
    'runs:list': (req) => ok({ items: services.runs.list(req.limit) }),
    // The app resumes into the store only: files are saved from the Sign screen as for any run.
    'runs:resume': (req) =>
      services.runs.resume(req.runId, { ...(req.operationId ? { operationId: req.operationId } : {}), confirmResubmission: req.confirmResubmission })
  }
}
