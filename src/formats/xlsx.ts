import type { Readable } from 'node:stream'
import type ExcelJS from 'exceljs'
import type { InputLocation } from '../connectors/types.ts'
import { describeLocation, FormatError } from './format-error.ts'
import { type HeaderMatch, quoteNames, resolveHeaders, zipValues } from './headers.ts'
import { orderedWorkbook, readWorkbookBytes, xlsxCorrupt as corrupt } from './xlsx-workbook.ts'

export type XlsxItem =
  | { type: 'header'; sheet: string; row: number; headers: string[] }
  | { type: 'row'; sheet: string; row: number; values: Record<string, string> }

export interface XlsxOptions {
  /** Columns the header row must name; they also pick the header row among title and prompt rows. */
  requiredHeaders?: string[]
  headerMatch?: HeaderMatch
  /** The worksheet to read, by name; the first one when not given. */
  sheet?: string
}

/** Workday UI exports put a title and report prompts above the header; the header is within these rows. */
const HEADER_SEARCH_ROWS = 20
/** Share of the cells below a header row that must sit in its columns (data rows may hold strays). */
const FIT = 0.8

interface SheetRow {
  number: number
  /** Cell text by column index (0-based); holes for empty cells. */
  cells: string[]
  /** Every non-empty cell holds text (not a number, date or boolean), as header cells do. */
  allText: boolean
  filled: number
}

/**
 * Reads the rows of one worksheet of an .xlsx workbook with exceljs's streaming reader, as a header
 * item and then one item per non-empty row below it, every cell as text: dates as YYYY-MM-DD (or
 * YYYY-MM-DDTHH:MM:SS with a time of day, in the sheet's own clock), numbers in plain notation,
 * booleans as TRUE/FALSE, rich text flattened, formulas as their cached result. The header row is
 * found among the first rows, past title and prompt rows; columns without a header name are not read.
 */
export async function* readXlsxRows(input: Readable, location: InputLocation, options: XlsxOptions = {}): AsyncGenerator<XlsxItem> {
  const bytes = await readWorkbookBytes(input, location)
  let archive: Readable | undefined
  try {
    archive = await orderedWorkbook(bytes, location)
    // Loaded on first use: exceljs costs tens of MB, and most imports read no workbook.
    const { default: excel } = await import('exceljs')
    const workbook = new excel.stream.xlsx.WorkbookReader(archive, {
      sharedStrings: 'cache',
      styles: 'cache',
      hyperlinks: 'ignore',
      worksheets: 'emit',
    })
    const seen: string[] = []
    for await (const worksheet of workbook) {
      const name = (worksheet as { name?: string }).name ?? `Sheet${seen.length + 1}`
      seen.push(name)
      if (options.sheet === undefined || name === options.sheet) {
        yield* readSheet(worksheet, name, location, options)
        return
      }
    }
    if (seen.length === 0) throw corrupt(location, 'it holds no worksheet')
    throw new FormatError(
      'E_XLSX_SHEET',
      `${describeLocation(location)}: the workbook has no sheet named ${quoteNames([options.sheet ?? ''])}; its sheets are ${quoteNames(seen)}.`,
      location,
    )
  } catch (error) {
    if (error instanceof FormatError && error.code !== 'E_ARCHIVE_CORRUPT') throw error
    const cause = error instanceof FormatError ? error.cause : error
    throw corrupt(location, cause instanceof Error ? cause.message : String(cause), error)
  } finally {
    // Stopping after the wanted sheet leaves the rest of the archive stream unread.
    archive?.destroy()
  }
}

async function* readSheet(
  worksheet: AsyncIterable<ExcelJS.Row>,
  sheet: string,
  location: InputLocation,
  options: XlsxOptions,
): AsyncGenerator<XlsxItem> {
  const at = { ...location, sheet }
  // The header is chosen from the first rows, and needs to know whether data follows it: buffer them.
  const leading: SheetRow[] = []
  let columns: { index: number; name: string }[] | undefined
  for await (const row of worksheet) {
    const current = toSheetRow(row)
    if (current.filled === 0) continue
    if (columns === undefined) {
      leading.push(current)
      if (leading.length <= HEADER_SEARCH_ROWS) continue
      columns = yield* emitHeader(leading, sheet, at, options)
    } else yield toItem(current, columns, sheet)
  }
  if (leading.length === 0) {
    throw new FormatError('E_EMPTY_INPUT', `${describeLocation(at)}: the sheet is empty; expected a header row and data rows.`, at)
  }
  if (columns === undefined) yield* emitHeader(leading, sheet, at, options)
}

/** Picks the header among the buffered rows, yields it and the rows after it; returns its columns. */
function* emitHeader(
  leading: SheetRow[],
  sheet: string,
  location: InputLocation,
  options: XlsxOptions,
): Generator<XlsxItem, { index: number; name: string }[]> {
  const position = findHeader(leading, options)
  const header = leading[position]
  if (header === undefined) throw headerError(leading, location, options)
  const named = header.cells.flatMap((text, index) => (text ? [{ index, text }] : []))
  const { headers } = resolveHeaders(
    named.map((cell) => cell.text),
    options.requiredHeaders ?? [],
    options.headerMatch ?? 'exact',
  )
  const columns = named.map((cell, i) => ({ index: cell.index, name: headers[i]! }))
  yield { type: 'header', sheet, row: header.number, headers }
  for (const row of leading.slice(position + 1)) yield toItem(row, columns, sheet)
  return columns
}

/**
 * A header row holds two or more distinct text cells. With required headers it is the first such row
 * that names them all. Without, it is the first such row that the rows below it fit under: at least
 * FIT of their cells sit in its columns. A prompt row ("Organization", "Acme") fails that test, as
 * the wider header and data rows below it spill out of its two columns.
 */
function findHeader(rows: SheetRow[], options: XlsxOptions): number {
  const required = options.requiredHeaders ?? []
  const match = options.headerMatch ?? 'exact'
  return rows.slice(0, HEADER_SEARCH_ROWS).findIndex((row, position) => {
    const texts = row.cells.filter(Boolean)
    if (!row.allText || row.filled < 2 || new Set(texts.map((text) => text.trim())).size !== row.filled) return false
    if (required.length > 0) return resolveHeaders(texts, required, match).missing.length === 0
    const below = rows.slice(position + 1)
    const cells = below.reduce((sum, other) => sum + other.filled, 0)
    const fitting = below.reduce((sum, other) => sum + other.cells.filter((text, index) => text && row.cells[index]).length, 0)
    return cells > 0 && fitting >= FIT * cells
  })
}

function headerError(rows: SheetRow[], location: InputLocation, options: XlsxOptions): FormatError {
  const required = options.requiredHeaders ?? []
  const first = rows[0]!
  const expected =
    required.length > 0
      ? `naming ${quoteNames(required)}`
      : 'of two or more distinct column names with the data rows below it in its columns'
  return new FormatError(
    'E_XLSX_HEADER',
    `${describeLocation(location)}: found no header row ${expected} in the first ${HEADER_SEARCH_ROWS} rows ` +
      `(row ${first.number} holds ${quoteNames(first.cells.filter(Boolean))}).`,
    { ...location, row: first.number },
  )
}

function toItem(row: SheetRow, columns: { index: number; name: string }[], sheet: string): XlsxItem {
  return {
    type: 'row',
    sheet,
    row: row.number,
    values: zipValues(
      columns.map((column) => column.name),
      columns.map((column) => row.cells[column.index] ?? ''),
    ),
  }
}

function toSheetRow(row: ExcelJS.Row): SheetRow {
  const cells: string[] = []
  let allText = true
  let filled = 0
  row.eachCell((cell, column) => {
    const text = cellText(cell.value)
    if (text.trim() === '') return
    cells[column - 1] = text
    filled++
    allText &&= typeof cell.value === 'string' || (typeof cell.value === 'object' && cell.value !== null && 'richText' in cell.value)
  })
  return { number: row.number, cells, allText, filled }
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number') return numberText(value)
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE'
  if (value instanceof Date) return dateText(value)
  if ('richText' in value) return value.richText.map((run) => run.text ?? '').join('')
  if ('error' in value) return value.error
  if ('hyperlink' in value) return cellText(value.text)
  return cellText(value.result)
}

/** Plain notation: String() switches to exponents from 1e21, which no identifier or amount wants. */
function numberText(value: number): string {
  return Number.isInteger(value) && Math.abs(value) >= 1e21 ? BigInt(value).toString() : String(value)
}

/**
 * Excel stores wall-clock date-times without a zone; exceljs hands them over as UTC Dates. Rounded to
 * the second, as the fraction-of-a-day float rarely lands exactly on one.
 */
function dateText(date: Date): string {
  const iso = new Date(Math.round(date.getTime() / 1000) * 1000).toISOString()
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19)
}
