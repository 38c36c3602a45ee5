// One driver per platform.
import type { ConnectorType } from '../../../shared/domain/sync'
import type { ConnectorDriver } from '../connector'
import { lamassuDriver } from './lamassu'
import { digicertTlmDriver } from './digicert-tlm'
import { digicertCertCentralDriver } from './digicert-certcentral'
import { digicertIotDriver } from './digicert-iot'
import { paloAltoDriver } from './paloalto'

export const drivers: Readonly<Record<ConnectorType, ConnectorDriver>> = {
  lamassu: lamassuDriver,
  'digicert-tlm': digicertTlmDriver,
  'digicert-certcentral': digicertCertCentralDriver,
  'digicert-iot': digicertIotDriver,
  paloalto: paloAltoDriver
}
