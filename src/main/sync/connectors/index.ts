// One driver per platform.
import type { ConnectorType, OutboxAction } from '../../../shared/domain/sync'
import type { ConnectorDriver } from '../connector'
import { lamassuDriver } from './lamassu'
import { digicertTlmDriver } from './digicert-tlm'
import { digicertCertCentralDriver } from './digicert-certcentral'
import { digicertIotDriver } from './digicert-iot'
import { paloAltoDriver } from './paloalto'

/** Each platform's driver, typed by its own action union; the outbox reaches them only through `driverFor`. */
export const drivers = {
  lamassu: lamassuDriver,
  'digicert-tlm': digicertTlmDriver,
  'digicert-certcentral': digicertCertCentralDriver,
  'digicert-iot': digicertIotDriver,
  paloalto: paloAltoDriver
} as const satisfies Readonly<Record<ConnectorType, { readonly type: ConnectorType; readonly actions: readonly OutboxAction[] }>>

/**
 * A connector type's driver over the whole action union: the callers check ACTION_CONNECTOR
 * before they execute an action, so each driver only ever sees its own actions.
 */
export function driverFor(type: ConnectorType): ConnectorDriver {
  return drivers[type] as unknown as ConnectorDriver
}
