// The handler table: one function per channel of the contract, built from the services.
// Shared by the Electron registration and the renderer test harness, so both answer alike.
import type { Result } from '../../shared/errors'
import type { Contract, ChannelName } from '../../shared/ipc/contract'
import type { ParsedRequestOf, ResponseOf } from '../../shared/ipc/define'
import type { Services } from '../services'
import { createAppHandlers } from './app-handlers'
import { createProfilesHandlers } from './profiles-handlers'
import { createVaultHandlers } from './vault-handlers'
import { createAuditHandlers } from './audit-handlers'
import { createFilesHandlers } from './files-handlers'
import { createSyncHandlers } from './sync-handlers'
import { createAuthoritiesHandlers } from './authorities-handlers'
import { createCertificatesHandlers } from './certificates-handlers'
import { createCsrHandlers } from './csr-handlers'
import { createBackupHandlers } from './backup-handlers'
import { createRunsHandlers } from './runs-handlers'
import { createPkcs11Handlers } from './pkcs11-handlers'
import { createStructureHandlers } from './structure-handlers'

export type Handler<K extends ChannelName> = (
  request: ParsedRequestOf<Contract[K]>
) => Promise<Result<ResponseOf<Contract[K]>>> | Result<ResponseOf<Contract[K]>>

export type Handlers = { readonly [K in ChannelName]: Handler<K> }
export type HandlersFor<Prefix extends string> = {
  readonly [K in ChannelName as K extends `${Prefix}:${string}` ? K : never]: Handler<K>
}

export function createHandlers(services: Services): Handlers {
  return {
    ...createAppHandlers(services),
    ...createProfilesHandlers(services),
    ...createAuthoritiesHandlers(services),
    ...createCertificatesHandlers(services),
    ...createCsrHandlers(services),
    ...createSyncHandlers(services),
    ...createVaultHandlers(services),
    ...createAuditHandlers(services),
    ...createFilesHandlers(services),
    ...createBackupHandlers(services),
    ...createRunsHandlers(services),
    ...createPkcs11Handlers(services),
    ...createStructureHandlers(services)
  }
}
