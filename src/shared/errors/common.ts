// Codes any command or screen can meet: malformed input, a name already used, a lost run.
import type { Catalog } from './catalog'

export const commonErrors = {
  INVALID_ARGUMENT: 'A value given on the command line or in a form is not one the command accepts.',
  INVALID_REQUEST: 'The request does not have the shape the operation expects (a field missing or of the wrong type).',
  INVALID_OBJECT: 'An object (a profile, a connector setting) breaks its schema; `field` names the part at fault.',
  INVALID_JSON: 'A document that must be JSON does not parse.',
  INVALID_FILTER: 'A list filter is not of the form field[op]value.',
  INVALID_CURSOR: 'A page cursor or bookmark belongs to another listing; start again from the first page.',
  MISSING_INPUT: 'Something the operation needs was not given (a CA to choose, a CSR, a file).',
  CONFIRMATION_REQUIRED: 'An operation that changes many things needs an explicit confirmation (--yes); try --dry-run first.',
  CONFLICTING_OPTIONS: 'Two options were given that cannot be used together.',
  NAME_TAKEN: 'Another CA, profile or connector already has this name; `field` says which.',
  ID_TAKEN: 'Another object already has this id.',
  IN_USE: 'The object is still used (a CA key, a profile that issued certificates, a connector with queued items) and cannot be deleted.',
  CANCELLED: 'The run was cancelled before this item was attempted; nothing was done for it.',
  NOT_ATTEMPTED: 'An earlier item stopped the run, so this one was not attempted.',
  INTERNAL: 'An unexpected failure inside PKI Desk; report it with the message.'
} as const satisfies Catalog

export type CommonErrorCode = keyof typeof commonErrors
