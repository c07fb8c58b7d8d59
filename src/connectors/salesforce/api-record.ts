import { z } from 'zod'
import type { ApiLocation, RawRecord, RejectedInput } from '../types.ts'
import type { SalesforceObjectType } from './object-types.ts'
import { toSalesforceId18 } from './salesforce-id.ts'
import { parseSalesforceBoolean, parseSalesforceDateTime } from './values.ts'

/**
 * API records land in the shape the Data Export gives the same record: every field as text, empty
 * for null, `true`/`false`, numbers as written, datetimes as `2024-09-15T10:04:25.000Z`, no
 * `attributes`. An export import and an API sync of one org then store the same payload under the
 * same 18-character Id, hash alike (an unchanged record is skipped whichever path read it first), and
 * go through the export's normaliser unchanged.
 */

/** A field as describe states it: enough to choose the SELECT list and to write values as the export does. */
export interface FieldInfo {
  name: string
  /** Salesforce's field type: id, string, boolean, datetime, date, double, currency, reference … */
  type: string
}

/** A REST query record: `attributes` and the selected fields; values are JSON scalars or compound objects. */
const restRecordSchema = z.looseObject({
  attributes: z.looseObject({ type: z.string() }),
  Id: z.string(),
})

export type ExportShapedPayload = Record<string, string>

/** A REST (JSON) record as the export would have written it, or why it is not a record. */
export function restRecordPayload(record: unknown, fields: readonly FieldInfo[]): { payload: ExportShapedPayload } | { problem: string } {
  const parsed = restRecordSchema.safeParse(record)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return { problem: `not a query record (${issue?.path.join('.') || 'record'}: ${issue?.message ?? 'invalid'})` }
  }
  const values = parsed.data as Record<string, unknown>
  const payload: ExportShapedPayload = {}
  for (const field of fields) {
    if (!(field.name in values)) continue
    payload[field.name] = exportText(values[field.name], field)
  }
  return { payload }
}

function exportText(value: unknown, field: FieldInfo): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : ''
  // The REST API writes datetimes as 2024-09-15T10:04:25.000+0000, the export and Bulk API with Z.
  if (typeof value === 'string') return field.type === 'datetime' ? (parseSalesforceDateTime(value) ?? value) : value
  // Compound values (an address) only come when selected; the Salesforce CLI writes them as JSON too.
  return JSON.stringify(value)
}

/**
 * The raw record of an export-shaped payload, or a reject (Id missing or not an id). IsDeleted true is
 * the record in the recycle bin: it lands as deleted, with its data, like an export's deleted row.
 */
export function apiRawRecord(
  objectType: SalesforceObjectType,
  payload: ExportShapedPayload,
  provenance: ApiLocation,
): { record: RawRecord<ApiLocation> } | { reject: RejectedInput<ApiLocation> } {
  const idText = (payload.Id ?? '').trim()
  const id = toSalesforceId18(idText)
  const reject = (code: string, message: string) => ({
    reject: { code, message: `${provenance.endpoint} page ${provenance.page ?? 1}: ${message}; the record was not synced`, location: provenance, objectType, raw: JSON.stringify(payload).slice(0, 4096) },
  })
  if (id === null) return reject('E_SF_ID', `Id "${idText}" is not a Salesforce record id (15 or 18 letters and digits)`)
  const deletedText = (payload.IsDeleted ?? '').trim()
  const isDeleted = deletedText === '' ? false : parseSalesforceBoolean(deletedText)
  if (isDeleted === undefined) return reject('E_SF_BOOLEAN', `IsDeleted "${deletedText}" is not true or false`)
  const record: RawRecord<ApiLocation> = { objectType, sourceId: id, payload: { ...payload, Id: id }, provenance }
  const updatedAt = parseSalesforceDateTime(payload.SystemModstamp ?? '') ?? parseSalesforceDateTime(payload.LastModifiedDate ?? '')
  if (updatedAt !== undefined) record.sourceUpdatedAt = updatedAt
  if (isDeleted) record.deleted = { reason: 'IsDeleted' }
  return { record }
}
