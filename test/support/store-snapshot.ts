import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { DB } from '../../src/schema/database.ts'

export interface SnapshotOptions {
  /** The partition of the connection's records into entities (after a resolution pass). */
  entities?: boolean
  /** The connection's saved sync cursors. */
  cursors?: boolean
}

/**
 * What a store holds for one connection, as sorted rows to compare whole: two snapshots are equal
 * exactly when EXCEPT ALL is empty both ways, so a row lost, changed or doubled on either side shows.
 * Rows name records by object type and source id, never by internal number, so stores filled in a
 * different order compare equal: every record with its content hash (payload and normaliser
 * settings) and deletion state and reason; its canonical records; the activities and participants
 * derived from it; its resolution keys; optionally the connection's cursors and which records make
 * up each entity. Left out on purpose: times, run ids and provenance ({endpoint, page} says where
 * a read found the record, which a page delivered twice shifts).
 */
export async function storeSnapshot(db: Kysely<DB>, connection: string, options: SnapshotOptions = {}): Promise<string[]> {
  const rows = async (kind: string, query: RawBuilder<{ row: string }>): Promise<string[]> => (await query.execute(db)).rows.map((row) => `${kind} ${row.row}`)
  const parts = [
    await rows(
      'record',
      sql<{ row: string }>`select concat_ws('|', object_type, source_id, content_hash, deleted_at is null, deletion_evidence->>'reason', inferred) as row
        from source_records where connection_id = ${connection}`,
    ),
    await rows(
      'canonical',
      sql<{ row: string }>`select concat_ws('|', s.object_type, s.source_id, c.ordinal, c.kind, md5(c.data::text)) as row
        from canonical_records c join source_records s on s.id = c.source_record_id where s.connection_id = ${connection}`,
    ),
    await rows(
      'activity',
      sql<{ row: string }>`select concat_ws('|', s.object_type, s.source_id, a.kind, a.occurred_at, md5(concat_ws('|', a.title, a.body, a.status, a.is_open, a.attributes::text, a.conversation_ref))) as row
        from activities a join source_records s on s.id = a.source_record_id where s.connection_id = ${connection}`,
    ),
    await rows(
      'participant',
      sql<{ row: string }>`select concat_ws('|', s.object_type, s.source_id, a.kind, p.system, p.object_type, p.source_id, p.role) as row
        from activity_participants p join activities a on a.id = p.activity_id join source_records s on s.id = a.source_record_id
        where s.connection_id = ${connection}`,
    ),
    await rows(
      'key',
      sql<{ row: string }>`select concat_ws('|', s.object_type, s.source_id, k.entity_kind, k.kind, k.value, k.role, k.is_generic) as row
        from resolution_keys k join source_records s on s.id = k.source_record_id where s.connection_id = ${connection}`,
    ),
  ]
  if (options.cursors) {
    parts.push(await rows('cursor', sql<{ row: string }>`select concat_ws('|', stream, cursor::text) as row from sync_state where connection_id = ${connection}`))
  }
  if (options.entities) {
    parts.push(
      await rows(
        'entity',
        sql<{ row: string }>`select m.entity_kind || ' ' || string_agg(s.object_type || ':' || s.source_id, ',' order by s.object_type, s.source_id) as row
          from entity_members m join source_records s on s.id = m.source_record_id
          where s.connection_id = ${connection} group by m.entity_kind, m.entity_id`,
      ),
    )
  }
  // Sorted in JavaScript: the two databases may collate text differently.
  return parts.flat().sort()
}
