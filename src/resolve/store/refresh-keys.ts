/**
 * Re-keys the queued records whose stored keys may not be those of the record as stored: records
 * deleted since they landed (a deleted record keeps at most its cross-references), and records that
 * landed without keys (before the import wrote them). With `all`, every queued record: after an
 * upgrade that changes how keys are normalised. Everything else was keyed by the import, in the
 * transaction that wrote it.
 */
import { sql, type Transaction } from 'kysely'
import type { DB } from '../../schema/database.ts'
import { loadResolvables } from './load-resolvables.ts'
import { replaceKeys } from './write-keys.ts'

const PAGE = 5000

export async function refreshKeys(trx: Transaction<DB>, options: { all: boolean }, onPage?: (done: number, total: number) => void): Promise<number> {
  await sql`drop table if exists resolve_keyed`.execute(trx)
  // Tests per queued person or organisation record, through the indexes: joined first to every
  // queued record's row (2.8M at a million people, to find 2,438) it took 6–12 s instead of 4–6.
  await sql`create temp table resolve_keyed on commit drop as
    select q.source_record_id from resolve_queue q
    where exists (select 1 from canonical_records c where c.source_record_id = q.source_record_id and c.kind in ('person', 'organization'))
      and (${options.all} or not exists (select 1 from resolution_keys k where k.source_record_id = q.source_record_id)
        or exists (select 1 from source_records s where s.id = q.source_record_id and s.deleted_at is not null))`.execute(trx)
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
    // An import landing one of these records now waits for this pass, then replaces its keys itself:
    // the keys written here are never those of an older version than the one stored.
    await sql`select id from source_records where id = any(${ids}::bigint[]) order by id for share`.execute(trx)
    await replaceKeys(trx, ids, await loadResolvables(trx, ids))
    done += ids.length
    onPage?.(done, total)
  }
}
