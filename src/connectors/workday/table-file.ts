import { readCsv } from '../../formats/csv.ts'
import { readXlsxRows } from '../../formats/xlsx.ts'
import type { ExportEntry, ExportItem } from '../types.ts'
import type { Completeness } from './completeness.ts'
import type { ColumnMapping } from './raw.ts'
import { fileReject, type IdMode, idModeOfHeaders, workerItem } from './worker-rows.ts'

/**
 * Reads a report exported from the Workday UI as CSV: headers are the column labels ("Employee ID",
 * "Email - Work"), matched to fields like RaaS aliases are. Header names are not required up front,
 * since tenants name columns freely; a file without any employee id column is identified by row hash.
 */
export function readCsvFile(entry: ExportEntry, mapping: ColumnMapping, completeness: Completeness): AsyncGenerator<ExportItem> {
  return fileFailureAsReject(entry, completeness, csvWorkers(entry, mapping, completeness))
}

async function* csvWorkers(entry: ExportEntry, mapping: ColumnMapping, completeness: Completeness): AsyncGenerator<ExportItem> {
  let mode: IdMode = { kind: 'hash' }
  for await (const item of readCsv(await entry.open(), entry.location)) {
    if (item.type === 'header') mode = idModeOfHeaders(item.headers, mapping)
    else if (item.type === 'error') {
      completeness.fail()
      const location = { ...entry.location, line: item.line, ...(item.byteOffset === undefined ? {} : { byteOffset: item.byteOffset }) }
      yield { type: 'reject', reject: { code: item.code, message: item.message, location, objectType: 'worker', raw: item.raw } }
    } else {
      const result = workerItem(item.values, { ...entry.location, line: item.line }, mode, mapping, () => item.raw)
      if (result.type === 'reject') completeness.fail()
      yield result
    }
  }
}

/**
 * Reads a report exported from the Workday UI as XLSX (first sheet). Workday puts the report title
 * and its prompts in rows above the header; the format reader finds the header below them.
 */
export function readXlsxFile(entry: ExportEntry, mapping: ColumnMapping, completeness: Completeness): AsyncGenerator<ExportItem> {
  return fileFailureAsReject(entry, completeness, xlsxWorkers(entry, mapping, completeness))
}

async function* xlsxWorkers(entry: ExportEntry, mapping: ColumnMapping, completeness: Completeness): AsyncGenerator<ExportItem> {
  let mode: IdMode = { kind: 'hash' }
  for await (const item of readXlsxRows(await entry.open(), entry.location)) {
    if (item.type === 'header') mode = idModeOfHeaders(item.headers, mapping)
    else {
      const values = item.values
      const result = workerItem(values, { ...entry.location, sheet: item.sheet, row: item.row }, mode, mapping, () => JSON.stringify(values))
      if (result.type === 'reject') completeness.fail()
      yield result
    }
  }
}

/**
 * Counts the file as a worker file and turns a failure of the file as a whole (unreadable, not UTF-8,
 * corrupt workbook) into one reject for it: the other files of the export still come, but the read is
 * no complete export of workers.
 */
async function* fileFailureAsReject(entry: ExportEntry, completeness: Completeness, items: AsyncGenerator<ExportItem>): AsyncGenerator<ExportItem> {
  completeness.workerFile()
  try {
    yield* items
  } catch (error) {
    completeness.fail()
    const reject = fileReject(error, entry.location)
    if (reject === undefined) throw error
    yield { type: 'reject', reject }
  }
}
