import type { StatedDeletion, StreamPage } from '../../api-contract.ts'
import { restRecordPayload } from '../api-record.ts'
import { getDeleted, queryAll, queryMore } from '../calls.ts'
import { toSalesforceId18 } from '../salesforce-id.ts'
import { byIdsSoql } from '../soql.ts'
import { parseSalesforceDateTime } from '../values.ts'
import type { ChangesCursor } from './cursor.ts'
import { PageBuilder, type ObjectRead } from './object-read.ts'

/** getDeleted wants its start more than a minute before its end (whole minutes); closer runs wait for the next. */
const MIN_WINDOW_MS = 2 * 60_000
/** Ids per `WHERE Id IN (…)`: 200 × 21 characters keeps the query URL far below REST's 16 KB. */
const IDS_PER_QUERY = 200

/**
 * Reads the delete log (getDeleted) from where the last sync stopped to Salesforce's now. Most deletes
 * also reach the changes read (queryAll sees the recycle bin), but a record emptied from the recycle
 * bin before this sync is only in the log: each id the log names is queried again (queryAll, by Id) —
 * one still in the recycle bin lands deleted with its data, one gone for good lands as a tombstone (its
 * Id, marked deleted). A log that no longer reaches back to the cursor fails the call with
 * SalesforcePositionExpired (see calls.ts): the sync then reads the object again from the start.
 * Returns the cursor with the new `deletedUntil` (Salesforce's latestDateCovered).
 */
export async function* readDeletes(read: ObjectRead, cursor: ChangesCursor): AsyncGenerator<StreamPage<ChangesCursor>, ChangesCursor> {
  const { calls, objectType, description, settings } = read
  if (!description.deletable) return cursor
  if (!description.replicateable) {
    calls.context.logger.warn({ objectType }, 'salesforce.not_replicateable: getDeleted is not available for this object; records emptied from the recycle bin are not seen until a full sync')
    return cursor
  }
  const start = new Date(cursor.deletedUntil)
  // Replication windows are in Salesforce's time: its clock as the describe just before stated it.
  const end = calls.client.serverTime() ?? calls.context.now()
  if (end.getTime() - start.getTime() < MIN_WINDOW_MS) return cursor

  const log = await getDeleted(calls, objectType, start, end)
  const covered = parseSalesforceDateTime(log.latestDateCovered ?? '')
  const deletedUntil = covered !== undefined && Date.parse(covered) >= start.getTime() ? covered : start.toISOString()
  const done: ChangesCursor = { ...cursor, deletedUntil }
  const deletedDates = new Map<string, string>()
  for (const entry of log.deletedRecords) {
    const id = toSalesforceId18(entry.id)
    if (id !== null) deletedDates.set(id, entry.deletedDate)
  }
  const ids = [...deletedDates.keys()]
  if (ids.length === 0) {
    yield { records: [], cursor: done }
    return done
  }

  const endpoint = `getDeleted ${objectType}`
  for (let first = 0, page = 1; first < ids.length; first += IDS_PER_QUERY, page++) {
    const chunk = ids.slice(first, first + IDS_PER_QUERY)
    const builder = new PageBuilder(objectType, { endpoint, page })
    const what = `${objectType} queryAll deleted ids`
    let result = await queryAll(calls, what, byIdsSoql(objectType, description.fields, chunk), settings.queryBatchSize)
    for (;;) {
      for (const item of result.records) {
        const converted = restRecordPayload(item, description.fields)
        if ('problem' in converted) builder.reject('E_SF_RECORD', converted.problem, item)
        else builder.add(converted.payload)
      }
      const next = result.done ? undefined : (result.nextRecordsUrl ?? undefined)
      if (next === undefined) break
      calls.context.page(what, next)
      result = await queryMore(calls, what, next, settings.queryBatchSize, () => byIdsSoql(objectType, description.fields, chunk))
    }
    const found = new Set(builder.records.map((record) => record.sourceId))
    const deletions = chunk.filter((id) => !found.has(id)).map((id) => purgedRecord(objectType, id, deletedDates.get(id) ?? ''))
    const last = first + IDS_PER_QUERY >= ids.length
    // Earlier chunks keep the old deletedUntil: a crash between chunks reads the log again (idempotent).
    yield { records: builder.records, rejects: builder.rejects, deletions, cursor: last ? done : cursor }
  }
  return done
}

/**
 * A record gone from the org for good (emptied from the recycle bin) that only getDeleted still names:
 * its Id and when it was deleted are all Salesforce has left, so the landed copy is marked deleted and
 * keeps what it last said.
 */
function purgedRecord(objectType: string, id: string, deletedDate: string): StatedDeletion {
  const deletedAt = parseSalesforceDateTime(deletedDate)
  return { objectType, sourceId: id, reason: 'getDeleted', ...(deletedAt === undefined ? {} : { deletedAt }) }
}
