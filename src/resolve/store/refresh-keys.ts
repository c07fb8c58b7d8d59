/**
 * Recomputes the resolution keys of the queued records from their current canonical records: a
 * changed record gets its new keys, a deleted one (or one that no longer describes a person or
 * organisation) none. Only queued records that describe a person or organisation are loaded; the
 * rest (messages, meetings …) just lose whatever keys they had.
 */
import { sql, type Transaction } from 'kysely'
import type { DB } from '../../schema/database.ts'
import { loadResolvables } from './load-resolvables.ts'

const PAGE = 5000

export async function refreshKeys(trx: Transaction<DB>, onPage?: (done: number, total: number) => void): Promise<number> {
  await sql`delete from resolution_keys where source_record_id in (select source_record_id from resolve_queue)`.execute(trx)
  await sql`drop table if exists resolve_keyed`.execute(trx)
  await sql`create temp table resolve_keyed on commit drop as
    select distinct q.source_record_id from resolve_queue q
    join canonical_records c on c.source_record_id = q.source_record_id and c.kind in ('person', 'organization')`.execute(trx)
  await sql`create index on resolve_keyed (source_record_id)`.execute(trx)
  await sql`analyze resolve_keyed`.execute(trx)
  const { rows: counted } = await sql<{ total: number }>`select count(*)::int as total from resolve_keyed`.execute(trx)
  const total = counted[0]?.total ?? 0
  let after = 0
  let done = 0
  for (;;) {
    const { rows } = await sql<{ id: number }>`
      select source_record_id as id from resolve_keyed where source_record_id > ${after} order by source_record_id limit ${PAGE}`.execute(trx)
    if (rows.length === 0) return done
    const ids = rows.map((row) => row.id)
    after = ids.at(-1)!
    const loaded = await loadResolvables(trx, ids)
    const keys = loaded.flatMap((record) =>
      record.keys.map((key) => ({ source_record_id: record.id, entity_kind: record.kind, kind: key.kind, value: key.value, role: key.role, is_generic: key.isGeneric })),
    )
    if (keys.length > 0) {
      await sql`insert into resolution_keys (source_record_id, entity_kind, kind, value, role, is_generic)
        select k.source_record_id, k.entity_kind, k.kind, k.value, k.role, k.is_generic
        from jsonb_to_recordset(${JSON.stringify(keys)}::jsonb)
          as k(source_record_id bigint, entity_kind text, kind text, value text, role text, is_generic boolean)
        on conflict do nothing`.execute(trx)
    }
    done += ids.length
    onPage?.(done, total)
  }
}
