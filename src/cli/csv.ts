// A small RFC 4180 CSV reader for the CLI's `--values FILE`: one pass over the text (linear
// in its length, no regular expressions), quoted fields with "" escapes and embedded line
// breaks, CRLF or LF rows. Limits are checked while reading, so a hostile file costs at most
// its (already size-capped) length.
import { fail, ok, type ErrorCode, type Result } from '../shared/errors'

export interface CsvLimits {
  readonly maxRows: number
  readonly maxColumns: number
  readonly maxFieldLength: number
  /** How a refusal names the input: "The values file v.csv". */
  readonly what: string
  readonly field?: string
}

/** Rows of fields; a blank line is skipped; every row must have the header's column count. */
export function parseCsv(text: string, limits: CsvLimits): Result<string[][]> {
  const rows: string[][] = []
  let row: string[] = []
  let fieldText = ''
  let quoted = false
  let fieldStarted = false
  let afterQuote = false
  let line = 1
  const refuse = (code: ErrorCode, why: string): Result<string[][]> => fail(code, `${limits.what}, line ${line}: ${why}`, limits.field)
  const endField = (): Result<string[][]> | null => {
    if (fieldText.length > limits.maxFieldLength) return refuse('CSV_FIELD_TOO_LONG', `a field is longer than ${limits.maxFieldLength} characters; check that it is the right file.`)
    row.push(fieldText)
    fieldText = ''
    fieldStarted = false
    afterQuote = false
    if (row.length > limits.maxColumns) return refuse('CSV_TOO_MANY_COLUMNS', `more than ${limits.maxColumns} columns; check that it is the right file.`)
    return null
  }
  const endRow = (): Result<string[][]> | null => {
    const bad = endField()
    if (bad) return bad
    const blank = row.length === 1 && row[0] === ''
    if (!blank) {
      if (rows.length > 0 && row.length !== rows[0]!.length)
        return refuse('CSV_ROW_WIDTH', `${row.length} fields where the header has ${rows[0]!.length}; quote fields that contain commas ("a,b").`)
      rows.push(row)
      if (rows.length > limits.maxRows) return refuse('CSV_TOO_MANY_ROWS', `more than ${limits.maxRows} rows; split the file.`)
    }
    row = []
    return null
  }
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          fieldText += '"'
          i++
        } else {
          quoted = false
          afterQuote = true
        }
      } else {
        if (ch === '\n') line++
        fieldText += ch
      }
      if (fieldText.length > limits.maxFieldLength) return refuse('CSV_FIELD_TOO_LONG', `a field is longer than ${limits.maxFieldLength} characters; check that it is the right file.`)
      continue
    }
    if (ch === '"') {
      if (fieldStarted || fieldText !== '') return refuse('CSV_BAD_QUOTE', 'a quote inside an unquoted field; quote the whole field and double the quote ("a ""b""").')
      quoted = true
      fieldStarted = true
    } else if (ch === ',') {
      const bad = endField()
      if (bad) return bad
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++
      const bad = endRow()
      if (bad) return bad
      line++
    } else {
      if (afterQuote) return refuse('CSV_BAD_QUOTE', 'text after a closing quote; quote the whole field.')
      fieldText += ch
    }
  }
  if (quoted) return refuse('CSV_UNTERMINATED_QUOTE', 'a quoted field is not closed; add the closing quote.')
  const bad = endRow()
  if (bad) return bad
  return ok(rows)
}
