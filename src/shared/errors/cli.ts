// Codes only the pkidesk command line prints: its own usage errors (commander's, renamed)
// and the checks it makes before opening the store.
import type { Catalog } from './catalog'

export const cliErrors = {
  USAGE: 'The command line is incomplete; see the help printed with it.',
  UNKNOWN_COMMAND: 'No command has this name.',
  UNKNOWN_OPTION: 'The command has no such option.',
  MISSING_ARGUMENT: 'A required argument is missing.',
  OPTION_MISSING_ARGUMENT: 'An option that takes a value was given without one.',
  MISSING_MANDATORY_OPTION_VALUE: 'A required option is missing.',
  EXCESS_ARGUMENTS: 'More arguments were given than the command takes.',
  SERIALS_FILE_INVALID: 'A line of the --serials-file is not a serial.',
  VALUES_INVALID: 'The --values file (JSON or CSV) names a CSR file not given, a column the profile does not take, or a value that does not parse.',
  CSV_ROW_WIDTH: 'A CSV row has more or fewer fields than the header; quote fields that contain commas.',
  CSV_BAD_QUOTE: 'A CSV field has a quote in the wrong place; quote the whole field and double inner quotes.',
  CSV_UNTERMINATED_QUOTE: 'A quoted CSV field is not closed.',
  CSV_FIELD_TOO_LONG: 'A CSV field is longer than the limit; check that it is the right file.',
  CSV_TOO_MANY_COLUMNS: 'A CSV file has more columns than the limit; check that it is the right file.',
  CSV_TOO_MANY_ROWS: 'A CSV file has more rows than the limit; split it.',
  ISSUE_USAGE: '`issue` needs --ca, --profile and CSR files, or --resume RUN alone.',
  RUNS_LIMIT: '--limit of `runs` takes a whole number from 1 to 500.',
  SCOPE_REQUIRED: 'Exactly one of --folder, --snippet or --device is needed.',
  DATA_DIR_UNAVAILABLE: 'The data directory cannot be opened or created.',
  AUDIT_BROKEN: 'The audit trail does not verify (warning on mutating commands, error from audit verify).',
  SECRET_FILE_READABLE: 'Warning: a passphrase file can be read by its group or by everyone; chmod 600 it.'
} as const satisfies Catalog

export type CliErrorCode = keyof typeof cliErrors
