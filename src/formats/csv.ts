import type { Readable } from 'node:stream'
import type { InputLocation } from '../connectors/types.ts'
import { type CsvScanItem, scanCsv } from './csv-scanner.ts'
import { describeLocation, FormatError } from './format-error.ts'
import { type HeaderMatch, quoteNames, resolveHeaders, zipValues } from './headers.ts'

export type CsvItem =
  | { type: 'header'; headers: string[]; line: number }
  | { type: 'row'; line: number; values: Record<string, string>; raw: string }
  | {
      type: 'error'
      code: 'E_CSV_QUOTE' | 'E_CSV_COLUMNS' | 'E_ENCODING' | 'E_INPUT_LIMIT'
      line: number
      /** The first bad byte for E_ENCODING, the start of the row otherwise. */
      byteOffset?: number
      message: string
      raw: string
    }

export interface CsvOptions {
  /** Columns the header row must name; a missing one is a file-level E_CSV_HEADER. */
  requiredHeaders?: string[]
  headerMatch?: HeaderMatch
  /**
   * A record still open after this many bytes is reported (an unclosed quote, usually) and reading
   * resumes at its second line. Large enough for Salesforce long-text fields (131,072 characters).
   */
  maxRowBytes?: number
}

const DEFAULT_MAX_ROW_BYTES = 1024 * 1024

interface Header {
  headers: string[]
  line: number
}

/**
 * Reads an RFC 4180 CSV file (UTF-8, optional BOM, CRLF or LF, quoted values may span lines) as a
 * header item followed by one row or error item per record, streaming with bounded memory. Lines
 * are 1-based and a row's line is its first; blank lines are skipped. A bad row (wrong number of
 * values, broken quoting, invalid UTF-8) becomes an error item and reading goes on; an empty file or
 * a header without the required columns throws a FormatError.
 */
export async function* readCsv(input: Readable, location: InputLocation, options: CsvOptions = {}): AsyncGenerator<CsvItem> {
  let header: Header | undefined
  for await (const batch of scanCsv(input, options.maxRowBytes ?? DEFAULT_MAX_ROW_BYTES)) {
    for (const item of batch) {
      if (header === undefined) {
        header = readHeader(item, location, options)
        yield { type: 'header', ...header }
      } else yield toCsvItem(item, header, location)
    }
  }
  if (header === undefined) {
    throw new FormatError(
      'E_EMPTY_INPUT',
      `${describeLocation(location)}: the file is empty; a CSV file starts with a header row naming its columns.`,
      location,
    )
  }
}

function readHeader(item: CsvScanItem, location: InputLocation, options: CsvOptions): Header {
  const at = { ...location, line: item.line }
  if (item.type === 'error') {
    throw new FormatError(item.code, `${describeLocation(at)}: cannot read the header row: ${item.problem}`, {
      ...at,
      byteOffset: item.byteOffset,
    })
  }
  const required = options.requiredHeaders ?? []
  const match = options.headerMatch ?? 'exact'
  const { headers, missing } = resolveHeaders(item.fields, required, match)
  if (missing.length > 0) {
    throw new FormatError(
      'E_CSV_HEADER',
      `${describeLocation(at)}: the header row lacks the required column(s) ${quoteNames(missing)}; ` +
        `it has ${quoteNames(headers)}. The header row must name ${quoteNames(required)}` +
        `${match === 'exact' ? ' (spelled exactly so)' : ' (in any letter case)'}.`,
      at,
    )
  }
  return { headers, line: item.line }
}

function toCsvItem(item: CsvScanItem, header: Header, location: InputLocation): CsvItem {
  const { line, byteOffset, raw } = item
  if (item.type === 'error') {
    const resume = item.resumeLine === undefined ? '' : ` Reading resumes at line ${item.resumeLine}.`
    const message = `${describeLocation({ ...location, line })}: ${item.problem}${resume}`
    return { type: 'error', code: item.code, line, byteOffset, message, raw }
  }
  const expected = header.headers.length
  if (item.fields.length !== expected) {
    const message =
      `${describeLocation({ ...location, line })}: the row has ${item.fields.length} values but the header ` +
      `(line ${header.line}) has ${expected} columns; every row needs exactly ${expected} comma-separated values ` +
      '(quote a value that contains a comma).'
    return { type: 'error', code: 'E_CSV_COLUMNS', line, byteOffset, message, raw }
  }
  return { type: 'row', line, values: zipValues(header.headers, item.fields), raw }
}
