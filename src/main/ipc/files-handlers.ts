import type { Services } from '../services'
import type { HandlersFor } from './handlers'

export function createFilesHandlers(services: Services): HandlersFor<'files'> {
  return {
    'files:save': ({ title, file }) => services.files.save(title, file),
    'files:saveAll': ({ title, files }) => services.files.saveAll(title, files)
  }
}
