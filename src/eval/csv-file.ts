import { readFile } from 'node:fs/promises'
import { parse } from 'csv-parse/sync'

/**
 * Reads a whole CSV file (header row, quoted values may hold newlines, LF or CRLF) as one object
 * per row. Spaces after commas are dropped (FEBRL writes "a, b"); values are otherwise kept as
 * text, so postcodes and ids keep their leading zeros.
 */
export async function readCsvFile(path: string): Promise<Record<string, string>[]> {
  const text = await readFile(path, 'utf8')
  return parse(text, { columns: true, ltrim: true, bom: true, skip_empty_lines: true, relax_column_count: false })
}
