import { createHash } from 'node:crypto'
import { readCsv } from '../../formats/csv.ts'
import { describeLocation, FormatError } from '../../formats/format-error.ts'
import type { ExportEntry, ExportItem, ExportSource, InputLocation, RawRecord, ReadContext } from '../types.ts'
import { canonicalFieldName, referenceFields } from './field-names.ts'
import { objectTypeFromFileName, salesforceObjectTypes, type SalesforceObjectType } from './object-types.ts'
import { toSalesforceId18 } from './salesforce-id.ts'
import { parseSalesforceBoolean, parseSalesforceDateTime } from './values.ts'

/**
 * Reads a Salesforce Data Export (a folder or ZIP of one CSV per object), or a single CSV, row by row.
 * Every imported object type whose files were all read without a file error or a rejected row is
 * marked complete at the end: only then can records missing from the export be taken as deleted.
 * A type split over several files (Contact-1.csv, Contact_2.csv) is complete only after all of them.
 */
export async function* readSalesforceExport(source: ExportSource, _context: ReadContext): AsyncGenerator<ExportItem> {
  // Object types in the order of their first file; false once a file of the type failed or lost a row.
  const clean = new Map<SalesforceObjectType, boolean>()
  let entriesSeen = 0
  try {
    for await (const entry of source.entries()) {
      entriesSeen++
      const objectType = objectTypeFromFileName(entry.path)
      if (objectType === undefined) {
        yield { type: 'skipped', location: entry.location, reason: skipReason(entry.path) }
        continue
      }
      const fileClean = yield* readObjectFile(entry, objectType)
      clean.set(objectType, (clean.get(objectType) ?? true) && fileClean)
    }
  } catch (error) {
    // The listing itself broke (a corrupt or unsafe archive): with nothing read that is the whole
    // import failing; after some files it is one reject, and no type can be known complete.
    if (!(error instanceof FormatError) || entriesSeen === 0) throw error
    yield { type: 'reject', reject: { code: error.code, message: error.message, location: error.location } }
    return
  }
  for (const [objectType, isClean] of clean) if (isClean) yield { type: 'complete', objectType }
}

function skipReason(path: string): string {
  const fileName = path.slice(path.lastIndexOf('/') + 1)
  const imported = salesforceObjectTypes.join(', ')
  if (!/\.csv$/i.test(fileName)) return `${fileName} is not a CSV file; a Salesforce export is read from its CSV files (${imported})`
  return `${fileName} is not one of the imported Salesforce objects (${imported}); custom objects (…__c) and other objects are not imported`
}

/** Reads one object's CSV file; returns whether it was read to the end with no reject. */
async function* readObjectFile(entry: ExportEntry, objectType: SalesforceObjectType): AsyncGenerator<ExportItem, boolean> {
  let clean = true
  let columns: Columns | undefined
  try {
    const input = await entry.open()
    for await (const item of readCsv(input, entry.location)) {
      if (item.type === 'header') {
        columns = csvColumns(item.headers)
        continue
      }
      const location: InputLocation = { ...entry.location, line: item.line }
      if (item.type === 'error') {
        clean = false
        const at = item.byteOffset === undefined ? location : { ...location, byteOffset: item.byteOffset }
        yield { type: 'reject', reject: { code: item.code, message: item.message, location: at, objectType, raw: item.raw } }
        continue
      }
      const result = rowToItem(objectType, columns ?? csvColumns(Object.keys(item.values)), item.values, location, item.raw)
      if (result.type === 'reject') clean = false
      yield result
    }
  } catch (error) {
    const reject = fileReject(error, entry.location, objectType)
    if (reject === undefined) throw error
    yield reject
    return false
  }
  return clean
}

/** A file that cannot be read (bad encoding, no header, I/O error) is one reject; bugs are not caught. */
function fileReject(error: unknown, location: InputLocation, objectType: SalesforceObjectType): ExportItem | undefined {
  if (error instanceof FormatError) {
    return { type: 'reject', reject: { code: error.code, message: error.message, location: error.location, objectType } }
  }
  if (error instanceof Error && 'syscall' in error && 'code' in error && typeof error.code === 'string') {
    const message = `${describeLocation(location)}: the file cannot be read (${error.code}: ${error.message}); none of its rows were imported`
    return { type: 'reject', reject: { code: 'E_FILE_READ', message, location, objectType } }
  }
  return undefined
}

interface Columns {
  /** Headers as in the file: the keys of a row's values. */
  headers: readonly string[]
  /** Payload keys: API names in their canonical casing (UPPER-CASE Bulk headers → BillingStreet). */
  keys: readonly string[]
}

function csvColumns(headers: readonly string[]): Columns {
  const used = new Set<string>()
  const keys = headers.map((header) => {
    const canonical = canonicalFieldName(header)
    // Two headers naming one field (Name and NAME) keep their own text so neither value is lost.
    const key = used.has(canonical) ? header : canonical
    used.add(key)
    return key
  })
  return { headers, keys }
}

function rowToItem(
  objectType: SalesforceObjectType,
  columns: Columns,
  values: Readonly<Record<string, string>>,
  location: InputLocation,
  raw: string,
): ExportItem {
  const payload: Record<string, string> = {}
  columns.headers.forEach((header, index) => {
    const key = columns.keys[index] ?? header
    const value = values[header] ?? ''
    // Reports and hand-made files give 15-character ids; references must match the 18-character
    // source ids of the records they point at. A value that is no id stays as is (normalize reports it).
    setField(payload, key, referenceFields.has(key) ? (toSalesforceId18(value) ?? value) : value)
  })
  const reject = (code: string, message: string): ExportItem => ({
    type: 'reject',
    reject: { code, message: `${describeLocation(location)}: ${message}. The row was not imported.`, location, objectType, raw },
  })

  const idText = (payload.Id ?? '').trim()
  let sourceId: string
  if (idText === '') {
    sourceId = rowSourceId(columns.headers.map((header) => values[header] ?? ''))
  } else {
    const id18 = toSalesforceId18(idText)
    if (id18 === null) return reject('E_SF_ID', `Id "${idText}" is not a Salesforce record id: an id is 15 or 18 letters and digits, e.g. 001Ox00000PWD3lIAH`)
    sourceId = id18
    payload.Id = id18
  }

  const isDeletedText = (payload.IsDeleted ?? '').trim()
  const isDeleted = isDeletedText === '' ? false : parseSalesforceBoolean(isDeletedText)
  if (isDeleted === undefined) {
    return reject('E_SF_BOOLEAN', `IsDeleted "${isDeletedText}" is not a boolean: allowed are true/false, TRUE/FALSE, 1/0 or empty`)
  }

  const record: RawRecord = { objectType, sourceId, payload, provenance: location }
  const sourceUpdatedAt = parseSalesforceDateTime(payload.SystemModstamp ?? '') ?? parseSalesforceDateTime(payload.LastModifiedDate ?? '')
  if (sourceUpdatedAt !== undefined) record.sourceUpdatedAt = sourceUpdatedAt
  if (isDeleted) record.deleted = { reason: 'IsDeleted' }
  return { type: 'record', record }
}

/** Plain assignment of a column named "__proto__" would replace the prototype instead of adding a key. */
function setField(payload: Record<string, string>, key: string, value: string): void {
  if (key === '__proto__') Object.defineProperty(payload, key, { value, enumerable: true, writable: true, configurable: true })
  else payload[key] = value
}

/**
 * Source id of a row without an Id (a Bulk API upload file such as Account_bulk2_test.csv has no Id
 * column): a hash of the row's values in header order, so importing the same file again lands the same
 * records instead of new ones. Identical rows get the same id and land once.
 */
function rowSourceId(values: readonly string[]): string {
  return `row:${createHash('sha256').update(JSON.stringify(values)).digest('hex').slice(0, 24)}`
}
