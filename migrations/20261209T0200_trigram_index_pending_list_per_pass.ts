import { sql, type Kysely } from 'kysely'

// Frozen in time: never imports application code.
//
// Migration 20261208T0200 wrote entity names straight into the trigram index, so that no pending list
// slowed fuzzy lookups after a resolution pass. That made each pass insert entry by entry: 0.99 s of a
// 7 s pass over 100k records went to inserting entities, against 0.23 s with the pending list. The list
// is back, and every resolution pass merges it into the index before it commits (a few tens of ms),
// so lookups after a pass still find it empty.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter index entities_display_name_trgm_idx set (fastupdate = on)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter index entities_display_name_trgm_idx set (fastupdate = off)`.execute(db)
}
