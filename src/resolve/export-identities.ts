/**
 * The resolved partition as CSV: `entity_id,entity_kind,system,object_type,source_id`, one row per
 * resolved source record, with object types and ids as landed (docs/source-records.md). Streamed in
 * pages, so a million rows never sit in memory.
 */
import { stringify } from 'csv-stringify/sync'
import { sql, type Kysely } from 'kysely'
import type { DB, ResolvedKind } from '../schema/database.ts'

export const IDENTITY_HEADER = ['entity_id', 'entity_kind', 'system', 'object_type', 'source_id'] as const
const PAGE = 10_000

interface Row {
  entity_id: string
  entity_kind: string
  system: string
  object_type: string
  source_id: string
  source_record_id: number
}

/** Yields the CSV text page by page, header first; `kinds` limits the entity kinds. */
export async function* exportIdentities(db: Kysely<DB>, kinds: readonly ResolvedKind[]): AsyncGenerator<string> {
  yield stringify([IDENTITY_HEADER])
  let after = { entity: '00000000-0000-0000-0000-000000000000', record: 0 }
  for (;;) {
    const { rows } = await sql<Row>`
      select m.entity_id::text as entity_id, m.entity_kind, s.system, s.object_type, s.source_id, m.source_record_id
      from entity_members m join source_records s on s.id = m.source_record_id
      where m.entity_kind in (select value from jsonb_array_elements_text(${JSON.stringify(kinds)}::jsonb))
        and (m.entity_id, m.source_record_id) > (${after.entity}::uuid, ${after.record})
      order by m.entity_id, m.source_record_id
      limit ${PAGE}`.execute(db)
    if (rows.length > 0) yield stringify(rows.map((row) => [row.entity_id, row.entity_kind, row.system, row.object_type, row.source_id]))
    if (rows.length < PAGE) return
    const last = rows.at(-1)!
    after = { entity: last.entity_id, record: last.source_record_id }
  }
}
