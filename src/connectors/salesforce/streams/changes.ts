import type { StreamPage } from '../../api-contract.ts'
import { restRecordPayload } from '../api-record.ts'
import { queryAll, queryMore, type QueryResult } from '../calls.ts'
import { changesSoql, settledPosition, type KeysetPosition } from '../soql.ts'
import type { ChangesCursor } from './cursor.ts'
import { PageBuilder, type ObjectRead } from './object-read.ts'

/**
 * Reads the records changed after the cursor's position through REST queryAll, in SystemModstamp, Id
 * order, following nextRecordsUrl; each page lands with the position of its last record, so a rerun
 * resumes right after it (a query locator does not outlive the run, the position does). queryAll
 * includes the recycle bin: a deleted record comes back with IsDeleted = true (its SystemModstamp
 * moved) and lands as deleted; an undeleted one comes back live. From a null position this is the
 * full read, and its last page says the object is complete (deletions are inferred from it). The
 * committed position stays behind records younger than modstampLagMs (see settledPosition).
 */
export async function* readChanges(read: ObjectRead, start: ChangesCursor, options: { fromStart: boolean }): AsyncGenerator<StreamPage<ChangesCursor>> {
  const { calls, objectType, description, settings } = read
  const endpoint = `queryAll ${objectType}`
  let position: KeysetPosition | null = start.after
  const soql = (): string => changesSoql(objectType, description.fields, position)
  let result: QueryResult = await queryAll(calls, `${objectType} queryAll`, soql(), settings.queryBatchSize)
  // Salesforce's clock when the query cursor was opened: what is younger than the lag is read again next time.
  const readAt = calls.client.serverTime()
  for (let page = 1; ; page++) {
    const builder = new PageBuilder(objectType, { endpoint, page })
    for (const item of result.records) {
      const converted = restRecordPayload(item, description.fields)
      if ('problem' in converted) builder.reject('E_SF_RECORD', converted.problem, item)
      else position = builder.add(converted.payload) ?? position
    }
    const next = result.done ? undefined : (result.nextRecordsUrl ?? undefined)
    const after = settledPosition(position, readAt, settings.modstampLagMs, start.after)
    const cursor: ChangesCursor = { phase: 'changes', after, deletedUntil: start.deletedUntil }
    const unchanged = builder.records.length === 0 && builder.rejects.length === 0 && samePosition(after, start.after)
    // A read that found nothing new and leaves the cursor as it was lands nothing (far-future cursors too).
    if (!(unchanged && next === undefined && !options.fromStart && page === 1)) {
      yield { records: builder.records, rejects: builder.rejects, cursor, ...(next === undefined && options.fromStart ? { complete: [objectType] } : {}) }
    }
    if (next === undefined) return
    calls.context.page(endpoint, next)
    result = await queryMore(calls, `${objectType} queryAll next`, next, settings.queryBatchSize, soql)
  }
}

function samePosition(a: KeysetPosition | null, b: KeysetPosition | null): boolean {
  return a === b || (a !== null && b !== null && a.systemModstamp === b.systemModstamp && a.id === b.id)
}
