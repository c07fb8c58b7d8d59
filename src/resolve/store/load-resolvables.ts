/**
 * Loads the persons and organisations of given source records, with their keys (see record-keys.ts).
 */
import { sql, type Kysely } from 'kysely'
import type { CanonicalRecord, SourceRef } from '../../schema/canonical.ts'
import type { DB } from '../../schema/database.ts'
import { keyRecord, type KeyedEntity } from '../record-keys.ts'

export interface LoadedRecord extends KeyedEntity {
  id: number
  ref: SourceRef
  /** When the record was first landed (ms): breaks ties when a split divides an entity (stable-ids.ts). */
  firstSeen: number
}

interface Row {
  id: number
  system: SourceRef['system']
  object_type: string
  source_id: string
  data: CanonicalRecord
  deleted: boolean
  first_seen_at: Date
}

export async function loadResolvables(db: Kysely<DB>, ids: readonly number[]): Promise<LoadedRecord[]> {
  if (ids.length === 0) return []
  const { rows } = await sql<Row>`
    select s.id, s.system, s.object_type, s.source_id, c.data, s.deleted_at is not null as deleted, s.first_seen_at
    from source_records s
    join canonical_records c on c.source_record_id = s.id
    where s.id = any(${[...ids]}::bigint[]) and c.kind in ('person', 'organization', 'link')
    order by s.id, c.ordinal`.execute(db)
  const loaded: LoadedRecord[] = []
  for (let start = 0; start < rows.length; ) {
    const first = rows[start]!
    let end = start + 1
    while (end < rows.length && rows[end]!.id === first.id) end++
    const parts = rows.slice(start, end).map((row) => row.data)
    const ref: SourceRef = { system: first.system, objectType: first.object_type, sourceId: first.source_id }
    const firstSeen = first.first_seen_at.getTime()
    for (const entity of keyRecord(ref, parts, first.deleted)) loaded.push({ id: first.id, ref, firstSeen, ...entity })
    start = end
  }
  return loaded
}
