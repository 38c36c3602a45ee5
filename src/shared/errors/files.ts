// Codes about the files the operator reads from and writes to.
import type { Catalog } from './catalog'

export const fileErrors = {
  FILE_UNREADABLE: 'An input file is missing, is a directory or cannot be read.',
  FILE_EMPTY: 'An input file is empty.',
  FILE_TOO_LARGE: 'An input file is larger than the limit for its kind.',
  OUTPUT_EXISTS: 'The output file exists; it is replaced only with --force.',
  OUTPUT_FOLDER_MISSING: "The output file's folder does not exist (it is never created).",
  OUTPUT_IS_DIRECTORY: 'The output path is a directory.',
  OUTPUT_UNWRITABLE: 'The output file cannot be written.',
  OUTPUT_DIR_MISSING: 'The output folder does not exist; create it or name another.',
  OUTPUT_FOLDER_UNKNOWN: 'The app was given an output folder it did not ask the operator for in this session; choose the folder again.',
  FILES_NO_DIALOG: 'Saving through a file dialog needs the desktop app; use --out in the command line.',
  FILES_NO_DESKTOP: 'Revealing or copying the data directory needs the desktop app; the command line takes --data-dir.'
} as const satisfies Catalog

export type FileErrorCode = keyof typeof fileErrors
