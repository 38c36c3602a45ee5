// Codes about connectors to remote platforms, the outbox and the checks PKI Desk makes before
// sending anything (the platforms' own refusals are in remote.ts).
import type { Catalog } from './catalog'

export const syncErrors = {
  CONNECTOR_NOT_FOUND: 'No connector has this name.',
  CONNECTOR_NAME_INVALID: 'A connector name is 1 to 64 letters, digits, dots, dashes or underscores.',
  CONNECTOR_TYPE_INVALID: 'The connector type is not one PKI Desk knows.',
  CONNECTOR_URL_INVALID: 'The base URL is not a URL.',
  CONNECTOR_URL_INSECURE: 'The base URL is not https (plain http is allowed only for localhost).',
  CONNECTOR_CA_BUNDLE_INVALID: "The connector's CA bundle holds no usable PEM certificate.",
  CONNECTOR_SETTINGS_INVALID: "A connector setting breaks the connector type's schema.",
  CONNECTOR_CREDENTIAL_ENV_REFUSED: 'The credential variable is not allowed (PKIDESK_* variables hold PKI Desk secrets).',
  CONNECTOR_CREDENTIAL_REQUIRED: "The connector's URL moved to another origin; give the credential again with it.",
  CONNECTOR_TEST_FAILED: 'The connection test did not succeed.',
  OUTBOX_ITEM_NOT_FOUND: 'No outbox item has this id.',
  OUTBOX_ITEM_NOT_RETRYABLE: 'Only failed outbox items and items backing off can be retried.',
  OUTBOX_ITEM_NOT_DISCARDABLE: 'Only queued or failed outbox items can be discarded.',
  SYNC_ALREADY_RUNNING: 'A sync is already running.',
  SYNC_ITEM_FAILED: 'An outbox item failed during the sync; its own code and message follow.',
  SYNC_ITEM_INVALID: 'An outbox item could not be executed (its stored payload is unusable).',
  SYNC_LOCAL_APPLY_FAILED: 'The remote action succeeded but its local result could not be saved.',
  SYNC_ACTION_UNSUPPORTED: 'The connector type cannot run this action.',
  SYNC_UNSUPPORTED_FOR_CONNECTOR: 'The operation is not available for this connector type.',
  SYNC_CONFIRMATION_MISMATCH: 'A remote deletion was not confirmed with the exact id.',
  SYNC_CREDENTIAL_MISSING: "The connector's credential is not set (environment variable or file).",
  SYNC_FILTERS_UNSUPPORTED: 'The platform takes no filters for this listing.',
  SYNC_INVALID_PROFILE: 'A profile converted for the platform is incomplete.',
  SYNC_INVENTORY_UNAVAILABLE: 'The certificate inventory is not wired to sync in this build.',
  SYNC_PROFILES_UNAVAILABLE: 'Local profiles cannot be converted for this platform in this build.',
  CERTCENTRAL_ACCOUNT_MISSING: 'The connector has no CertCentral account settings.',
  CERTCENTRAL_INVALID_PROFILE: 'The CertCentral automation profile breaks its schema.',
  CERTCENTRAL_INVALID_VALIDITY: 'The CertCentral validity period is not a number followed by D or Y.',
  CERTCENTRAL_VALIDITY_TOO_LONG: 'The CertCentral validity period is longer than the platform allows.',
  CERTCENTRAL_INVALID_AUTO_RENEW: 'The CertCentral auto-renew days are out of range.',
  IOT_INVALID_DATE: 'An IoT Device Manager date is not a real YYYY-MM-DD date.',
  IOT_INVALID_REGISTERED_VALUE: 'An IoT registered value is not of the form field=value.',
  IOT_DUPLICATE_REGISTERED_VALUE: 'An IoT registered value is given twice.',
  IOT_REGISTERED_VALUE_MISMATCH: "A registered value differs from the certificate's own, so the platform would refuse every enrollment with it.",
  IOT_UNKNOWN_CERTIFICATE_FIELD: 'An IoT registered value names a field that takes none.',
  PALOALTO_INVALID_FIELDS: 'A firewall certificate field is invalid.',
  PALOALTO_INVALID_SCOPE: 'The folder, snippet or device name is not valid.',
  PALOALTO_UNSUPPORTED_KEY: 'The firewall cannot generate the key size the profile asks for.'
} as const satisfies Catalog

export type SyncErrorCode = keyof typeof syncErrors
