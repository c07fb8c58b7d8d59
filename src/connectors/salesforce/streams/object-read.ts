import type { ApiLocation, RawRecord, RejectedInput } from '../../types.ts'
import { apiRawRecord, type ExportShapedPayload } from '../api-record.ts'
import type { Calls } from '../calls.ts'
import type { SalesforceSettings } from '../config.ts'
import type { ObjectDescription } from '../describe.ts'
import type { SalesforceObjectType } from '../object-types.ts'
import type { KeysetPosition } from '../soql.ts'
import { parseSalesforceDateTime } from '../values.ts'

/** The delete log is read from a minute before a full read began: a delete in that minute is read twice, never missed. */
export const DELETE_LOG_OVERLAP_MS = 60_000

/** What every part of one object's read shares: the calls, the settings, the object and its fields. */
export interface ObjectRead {
  calls: Calls
  settings: SalesforceSettings
  objectType: SalesforceObjectType
  description: ObjectDescription
}

/** Records and rejects of one page, built from export-shaped payloads. */
export class PageBuilder {
  readonly records: RawRecord<ApiLocation>[] = []
  readonly rejects: RejectedInput<ApiLocation>[] = []
  readonly #objectType: SalesforceObjectType
  readonly #location: ApiLocation

  constructor(objectType: SalesforceObjectType, location: ApiLocation) {
    this.#objectType = objectType
    this.#location = location
  }

  /** Adds the payload's record (or its reject); returns the record's keyset position when it has one. */
  add(payload: ExportShapedPayload): KeysetPosition | undefined {
    const result = apiRawRecord(this.#objectType, payload, this.#location)
    if ('reject' in result) {
      this.rejects.push(result.reject)
      return undefined
    }
    this.records.push(result.record)
    const stamp = parseSalesforceDateTime(payload.SystemModstamp ?? '')
    return stamp === undefined ? undefined : { systemModstamp: stamp, id: result.record.sourceId }
  }

  reject(code: string, message: string, raw: unknown): void {
    const page = this.#location.page ?? 1
    this.rejects.push({
      code,
      message: `${this.#location.endpoint} page ${page}: ${message}; the record was not synced`,
      location: this.#location,
      objectType: this.#objectType,
      raw: JSON.stringify(raw)?.slice(0, 4096) ?? String(raw),
    })
  }
}
