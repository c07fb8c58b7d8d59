import type { ApiStream } from '../../api-contract.ts'
import { countRecords, describeObject } from '../calls.ts'
import type { SalesforceClient } from '../client.ts'
import type { SalesforceSettings } from '../config.ts'
import type { SalesforceObjectType } from '../object-types.ts'
import { countSoql } from '../soql.ts'
import { bulkLoad } from './bulk-load.ts'
import { readChanges } from './changes.ts'
import { objectCursor, type ObjectCursor } from './cursor.ts'
import { readDeletes } from './deletes.ts'
import { DELETE_LOG_OVERLAP_MS, type ObjectRead } from './object-read.ts'

/**
 * One stream per object the export importer reads (object-types.ts), named by its API name. Every read
 * describes the object first (the fields to select: what the export holds). Then:
 * - no cursor: a full read — Bulk API 2.0 when a COUNT() says the object has more records than
 *   bulkThreshold, else REST queryAll in SystemModstamp, Id order — whose last page marks the object
 *   complete, so what it did not contain is inferred deleted;
 * - a Bulk cursor: the same load, resumed at its saved job and locator;
 * - a changes cursor: the delete log since the last sync (getDeleted), then the records whose
 *   SystemModstamp moved after the cursor's position.
 */
export function objectStream(client: SalesforceClient, settings: SalesforceSettings, objectType: SalesforceObjectType): ApiStream<ObjectCursor> {
  return {
    name: objectType,
    mode: 'incremental',
    cursor: objectCursor,
    async *read(context, cursor) {
      const calls = { client, context }
      const description = await describeObject(calls, objectType)
      const read: ObjectRead = { calls, settings, objectType, description }
      if (cursor === null) {
        const now = client.serverTime() ?? context.now()
        const startedAt = new Date(now.getTime() - DELETE_LOG_OVERLAP_MS).toISOString()
        const count = await countRecords(calls, objectType, countSoql(objectType))
        if (count > settings.bulkThreshold) yield* bulkLoad(read, null, { fromStart: true, startedAt })
        else yield* readChanges(read, { phase: 'changes', after: null, deletedUntil: startedAt }, { fromStart: true })
        return
      }
      if (cursor.phase === 'bulk') {
        yield* bulkLoad(read, cursor, { fromStart: false, startedAt: cursor.startedAt })
        return
      }
      const afterDeletes = yield* readDeletes(read, cursor)
      yield* readChanges(read, afterDeletes, { fromStart: false })
    },
  }
}
