// profiles:* over the profiles service.
import type { Services } from '../services'
import type { HandlersFor } from './handlers'

export function createProfilesHandlers(services: Services): HandlersFor<'profiles'> {
  const profiles = services.profiles
  return {
    'profiles:list': (req) => profiles.list(req),
    'profiles:get': (req) => profiles.get(req.id),
    'profiles:create': (req) => profiles.create(req.profile, { id: req.id }),
    'profiles:update': (req) => profiles.update(req.id, req.profile, req.expectedUpdatedAt),
    'profiles:delete': (req) => profiles.delete(req.id),
    'profiles:archive': (req) => profiles.archive(req.id, req.archived),
    'profiles:duplicate': (req) => profiles.duplicate(req.id, req.newId, req.name),
    'profiles:import': (req) => profiles.import(req.json, req.dialect, { id: req.id, name: req.name }),
    'profiles:export': (req) => profiles.export(req.id, req.dialect),
    'profiles:preview': (req) => profiles.preview(req)
  }
}
