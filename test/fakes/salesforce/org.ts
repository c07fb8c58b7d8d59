import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { toSalesforceId18 } from '../../../src/connectors/salesforce/salesforce-id.ts'

/**
 * The in-memory org the Salesforce fake serves: one table per object, loaded from a Data Export
 * folder (`Account.csv`, `Contact.csv`, …) so the API returns the same Ids, values and SystemModstamps
 * the export holds. Values are typed like the REST API types them (booleans, numbers, null for empty);
 * datetimes are kept as ISO strings ending in `Z` and formatted per protocol on the way out.
 */

export type FieldType = 'id' | 'reference' | 'boolean' | 'string' | 'textarea' | 'datetime' | 'date' | 'int' | 'double' | 'currency' | 'percent'
export type FieldValue = string | number | boolean | null
export type SObjectRecord = Record<string, FieldValue>

export interface FieldDescription {
  name: string
  type: FieldType
}

export interface SObjectTable {
  name: string
  keyPrefix: string
  fields: FieldDescription[]
  /** Insertion order = export order, then records added by tests; queries without ORDER BY use it. */
  records: Map<string, SObjectRecord>
}

export interface DeleteLogEntry {
  objectType: string
  id: string
  /** ISO, `Z`. */
  deletedDate: string
}

/** Numeric fields (the export writes them as plain text; CaseNumber, EmployeeNumber stay text). */
const numericFields: Readonly<Record<string, FieldType>> = {
  AnnualRevenue: 'currency',
  Amount: 'currency',
  ExpectedRevenue: 'currency',
  NumberOfEmployees: 'int',
  DurationInMinutes: 'int',
  Probability: 'percent',
  TotalOpportunityQuantity: 'double',
  BillingLatitude: 'double',
  BillingLongitude: 'double',
  ShippingLatitude: 'double',
  ShippingLongitude: 'double',
  MailingLatitude: 'double',
  MailingLongitude: 'double',
  OtherLatitude: 'double',
  OtherLongitude: 'double',
  Latitude: 'double',
  Longitude: 'double',
}

/** Date-only fields; any other `…Date` field is a datetime. Used when a column is empty everywhere. */
const dateFields = new Set(['ActivityDate', 'CloseDate', 'Birthdate', 'ConvertedDate', 'LastActivityDate', 'LastCURequestDate', 'LastCUUpdateDate'])

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2})$/
const DATE = /^\d{4}-\d{2}-\d{2}$/
const SALESFORCE_ID = /^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$/

function inferFieldType(name: string, column: string[]): FieldType {
  if (name === 'Id') return 'id'
  const numeric = numericFields[name]
  if (numeric) return numeric
  const values = column.filter((value) => value !== '')
  if (values.length > 0) {
    if (/Id$/.test(name) && values.every((value) => SALESFORCE_ID.test(value))) return 'reference'
    if (values.every((value) => value === 'true' || value === 'false')) return 'boolean'
    if (values.every((value) => DATE_TIME.test(value))) return 'datetime'
    if (values.every((value) => DATE.test(value))) return 'date'
    return values.some((value) => value.includes('\n')) ? 'textarea' : 'string'
  }
  if (/^(Is|Has)[A-Z]/.test(name) || name === 'DoNotCall') return 'boolean'
  if (/Id$/.test(name)) return 'reference'
  if (dateFields.has(name)) return 'date'
  if (/(Date|DateTime|Modstamp)$/.test(name)) return 'datetime'
  return 'string'
}

/** Turns export text into the typed value the REST API returns; throws on text the type cannot hold. */
export function typedValue(field: FieldDescription, text: string): FieldValue {
  if (text === '') return null
  switch (field.type) {
    case 'boolean':
      if (text !== 'true' && text !== 'false') throw new Error(`field ${field.name}: "${text}" is not true/false`)
      return text === 'true'
    case 'int':
    case 'double':
    case 'currency':
    case 'percent': {
      const number = Number(text)
      if (!Number.isFinite(number)) throw new Error(`field ${field.name}: "${text}" is not a number`)
      return number
    }
    case 'datetime': {
      const ms = Date.parse(text)
      if (!Number.isFinite(ms)) throw new Error(`field ${field.name}: "${text}" is not a datetime`)
      return new Date(ms).toISOString()
    }
    case 'id':
    case 'reference':
      return toSalesforceId18(text) ?? text
    default:
      return text
  }
}

/** A fixed clock the fake and its mutation helpers share; it moves only when told to (deterministic tests). */
export class FakeClock {
  #now: number

  constructor(start: Date) {
    this.#now = Math.floor(start.getTime() / 1000) * 1000
  }

  now(): Date {
    return new Date(this.#now)
  }

  set(date: Date | string): void {
    this.#now = new Date(date).getTime()
  }

  advance(ms: number): Date {
    this.#now += ms
    return this.now()
  }
}

export interface LoadOrgOptions {
  /** Start of the fake clock; default: now, whole seconds. */
  now?: Date
}

export class SalesforceOrg {
  readonly tables = new Map<string, SObjectTable>()
  readonly deleteLog: DeleteLogEntry[] = []
  readonly clock: FakeClock
  /** getDeleted refuses start dates before this (an administrator emptied the recycle bin). */
  deleteLogPurgedUntil: Date | undefined
  #insertedCount = 0

  constructor(clock: FakeClock) {
    this.clock = clock
  }

  /** The table of an object, by API name (case-insensitive like SOQL); undefined when the org has none. */
  table(objectType: string): SObjectTable | undefined {
    const wanted = objectType.toLowerCase()
    for (const table of this.tables.values()) if (table.name.toLowerCase() === wanted) return table
    return undefined
  }

  field(table: SObjectTable, name: string): FieldDescription | undefined {
    const wanted = name.toLowerCase()
    return table.fields.find((field) => field.name.toLowerCase() === wanted)
  }

  /** The record, by 15- or 18-character Id; throws when it does not exist (a test bug, not a fault). */
  record(objectType: string, id: string): SObjectRecord {
    const table = this.requireTable(objectType)
    const record = table.records.get(toSalesforceId18(id) ?? id)
    if (!record) throw new Error(`fake org: ${table.name} ${id} does not exist (it has ${table.records.size} records)`)
    return record
  }

  /**
   * Changes fields of a record as a user edit would: LastModifiedDate and SystemModstamp move to the
   * clock, which first advances one second so successive edits get increasing stamps. With
   * `systemOnly`, only SystemModstamp moves (a system update such as a recalculated roll-up).
   */
  update(objectType: string, id: string, changes: Record<string, FieldValue>, options: { systemOnly?: boolean } = {}): SObjectRecord {
    const table = this.requireTable(objectType)
    const record = this.record(objectType, id)
    for (const [name, value] of Object.entries(changes)) {
      const field = this.requireField(table, name)
      record[field.name] = field.type === 'datetime' && typeof value === 'string' ? new Date(value).toISOString() : value
    }
    const stamp = this.clock.advance(1000).toISOString()
    if (!options.systemOnly && this.field(table, 'LastModifiedDate')) record.LastModifiedDate = stamp
    record.SystemModstamp = stamp
    return record
  }

  /** Moves a record to the recycle bin: IsDeleted true, SystemModstamp bumped, an entry in the delete log. */
  delete(objectType: string, id: string): SObjectRecord {
    const table = this.requireTable(objectType)
    if (!this.field(table, 'IsDeleted')) throw new Error(`fake org: ${table.name} has no IsDeleted field; Salesforce cannot delete it (deactivate a User instead)`)
    const record = this.record(objectType, id)
    const stamp = this.clock.advance(1000).toISOString()
    record.IsDeleted = true
    record.SystemModstamp = stamp
    this.deleteLog.push({ objectType: table.name, id: String(record.Id), deletedDate: stamp })
    return record
  }

  /** Restores a record from the recycle bin; it leaves the delete log, SystemModstamp moves. */
  undelete(objectType: string, id: string): SObjectRecord {
    const table = this.requireTable(objectType)
    const record = this.record(objectType, id)
    record.IsDeleted = false
    record.SystemModstamp = this.clock.advance(1000).toISOString()
    const index = this.deleteLog.findIndex((entry) => entry.objectType === table.name && entry.id === record.Id)
    if (index >= 0) this.deleteLog.splice(index, 1)
    return record
  }

  /** Empties the recycle bin for one record: queryAll no longer sees it; the delete log keeps its entry. */
  hardDelete(objectType: string, id: string): void {
    const table = this.requireTable(objectType)
    const record = this.record(objectType, id)
    if (record.IsDeleted !== true) this.delete(objectType, id)
    table.records.delete(String(record.Id))
  }

  /** Drops delete-log entries older than `before`; getDeleted with an earlier start then fails. */
  purgeDeleteLog(before: Date): void {
    this.deleteLogPurgedUntil = before
    for (let i = this.deleteLog.length - 1; i >= 0; i--) {
      const entry = this.deleteLog[i]
      if (entry && Date.parse(entry.deletedDate) < before.getTime()) this.deleteLog.splice(i, 1)
    }
  }

  /**
   * Creates a record with a fresh 18-character Id of the object's key prefix; CreatedDate,
   * LastModifiedDate and SystemModstamp are the clock (advanced one second), IsDeleted false.
   */
  insert(objectType: string, fields: Record<string, FieldValue>): SObjectRecord {
    const table = this.requireTable(objectType)
    const stamp = this.clock.advance(1000).toISOString()
    const record: SObjectRecord = {}
    for (const field of table.fields) record[field.name] = null
    for (const [name, value] of Object.entries(fields)) {
      const field = this.requireField(table, name)
      record[field.name] = value
    }
    this.#insertedCount += 1
    const id15 = `${table.keyPrefix}Zz${String(this.#insertedCount).padStart(10, '0')}`
    record.Id = toSalesforceId18(id15) ?? id15
    if ('IsDeleted' in record) record.IsDeleted = false
    for (const name of ['CreatedDate', 'LastModifiedDate', 'SystemModstamp']) if (name in record) record[name] = stamp
    table.records.set(record.Id, record)
    return record
  }

  /** Gives many records one SystemModstamp (one transaction touching them all): for Id tie-breaker tests. */
  setSystemModstamp(objectType: string, ids: readonly string[], stamp: Date | string): void {
    const iso = new Date(stamp).toISOString()
    for (const id of ids) this.record(objectType, id).SystemModstamp = iso
  }

  /** Records of an object as stored (deleted ones included), in insertion order. */
  records(objectType: string): SObjectRecord[] {
    return [...this.requireTable(objectType).records.values()]
  }

  requireTable(objectType: string): SObjectTable {
    const table = this.table(objectType)
    if (!table) throw new Error(`fake org: no object ${objectType}; loaded: ${[...this.tables.keys()].join(', ')}`)
    return table
  }

  private requireField(table: SObjectTable, name: string): FieldDescription {
    const field = this.field(table, name)
    if (!field) throw new Error(`fake org: ${table.name} has no field ${name}; fields: ${table.fields.map((f) => f.name).join(', ')}`)
    return field
  }
}

/**
 * Loads every `<Object>.csv` of a Data Export folder (e.g. the `salesforce/` folder written by
 * `customer-graph generate`). Each file's header becomes the object's field list, so a query for a
 * field the export lacks fails with INVALID_FIELD like a field the org does not have.
 */
export function loadOrgFromExport(folder: string, options: LoadOrgOptions = {}): SalesforceOrg {
  const org = new SalesforceOrg(new FakeClock(options.now ?? new Date()))
  const files = readdirSync(folder)
    .filter((name) => /^[A-Za-z][A-Za-z0-9_]*\.csv$/.test(name))
    .sort()
  for (const file of files) {
    const rows: string[][] = parse(readFileSync(join(folder, file)), { bom: true })
    const [header, ...body] = rows
    if (!header?.includes('Id')) throw new Error(`fake org: ${join(folder, file)} has no Id column; is it a Data Export file?`)
    const name = file.slice(0, -'.csv'.length)
    const fields = header.map((fieldName, index) => ({ name: fieldName, type: inferFieldType(fieldName, body.map((row) => row[index] ?? '')) }))
    const records = new Map<string, SObjectRecord>()
    for (const row of body) {
      const record: SObjectRecord = {}
      fields.forEach((field, index) => (record[field.name] = typedValue(field, row[index] ?? '')))
      records.set(String(record.Id), record)
    }
    const firstId = body[0]?.[header.indexOf('Id')] ?? ''
    org.tables.set(name, { name, keyPrefix: firstId.slice(0, 3) || 'a00', fields, records })
  }
  if (org.tables.size === 0) throw new Error(`fake org: no <Object>.csv files in ${folder}`)
  return org
}
