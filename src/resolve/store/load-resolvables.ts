/**
 * Loads the persons and organisations of source records by id, with their keys (see record-keys.ts):
 * from the store, or from a pass's staged copy of every keyed record.
 *
 * A pass reads its records batch by batch, each batch whole components scattered over the tables.
 * Read from the store, that is a few random page reads per record: at a million people, most of a
 * minute of the pass waiting on reads through the server's 128 MB of shared buffers. So a large pass
 * stages every keyed record first, in one statement that reads the tables in order, on a connection
 * of its own while the pass keys, resolves organisations and splits people into components.
 */
import { sql, type Kysely, type Transaction } from 'kysely'
import type { CanonicalRecord, SourceRef } from '../../schema/canonical.ts'
import type { DB } from '../../schema/database.ts'
import { KEYED_LINK_TYPES, keyRecord, type KeyedEntity } from '../record-keys.ts'
import { withSettings } from './with-settings.ts'

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
  ordinal: number
  data: CanonicalRecord
  deleted: boolean
  first_seen_at: Date
}

/** The canonical records keying reads: at a million people, nine in ten of their links are not. */
const KEYED_PARTS = sql`(c.kind in ('person', 'organization') or (c.kind = 'link' and c.data->>'linkType' = any(${KEYED_LINK_TYPES}::text[])))`

/** Where records are read: the store's tables, or resolve_staged (stageResolvables) in the same transaction. */
export type RecordSource = 'store' | 'staged'

export async function loadResolvables(db: Kysely<DB>, ids: readonly number[], from: RecordSource = 'store'): Promise<LoadedRecord[]> {
  if (ids.length === 0) return []
  const { rows } = from === 'staged'
    ? await sql<Row>`select id, system, object_type, source_id, ordinal, data, deleted, first_seen_at from resolve_staged
      where id = any(${[...ids]}::bigint[])`.execute(db)
    : await sql<Row>`
      select s.id, s.system, s.object_type, s.source_id, c.ordinal, c.data, s.deleted_at is not null as deleted, s.first_seen_at
      from source_records s
      join canonical_records c on c.source_record_id = s.id
      where s.id = any(${[...ids]}::bigint[]) and ${KEYED_PARTS}`.execute(db)
  return toLoaded(rows)
}

/**
 * Copies what keying reads of every record into temp table resolve_staged (dropped when `trx` ends),
 * indexed by record: read it with `loadResolvables(trx, ids, 'staged')`. A record landed or changed
 * after it was taken is read as it was then, or not at all: its import queued it for the next pass.
 */
export async function stageResolvables(trx: Transaction<DB>): Promise<void> {
  await sql`drop table if exists resolve_staged`.execute(trx)
  // Hash joins over both tables read in order, in memory where the server allows.
  await withSettings(trx, { work_mem: '256MB' }, () =>
    sql`create temp table resolve_staged on commit drop as
      select s.id, s.system, s.object_type, s.source_id, c.ordinal, c.data, s.deleted_at is not null as deleted, s.first_seen_at
      from canonical_records c join source_records s on s.id = c.source_record_id
      where ${KEYED_PARTS}`.execute(trx))
  await sql`create index on resolve_staged (id)`.execute(trx)
  await sql`analyze resolve_staged`.execute(trx)
}

/** Groups rows by record (in the order records first appear), each record's parts by ordinal, and keys them. */
function toLoaded(rows: readonly Row[]): LoadedRecord[] {
  const byRecord = new Map<number, Row[]>()
  for (const row of rows) {
    const parts = byRecord.get(row.id)
    if (parts) parts.push(row)
    else byRecord.set(row.id, [row])
  }
  const loaded: LoadedRecord[] = []
  for (const parts of byRecord.values()) {
    if (parts.length > 1) parts.sort((a, b) => a.ordinal - b.ordinal)
    const first = parts[0]!
    const ref: SourceRef = { system: first.system, objectType: first.object_type, sourceId: first.source_id }
    const firstSeen = first.first_seen_at.getTime()
    for (const entity of keyRecord(ref, parts.map((part) => part.data), first.deleted)) loaded.push({ id: first.id, ref, firstSeen, ...entity })
  }
  return loaded
}
