import { sql, type Kysely } from 'kysely'

// Frozen in time: never imports application code.
//
// The trigram index on entity names served fuzzy lookups slowly right after a resolution pass: GIN's
// fast update queues new entries in a pending list (up to 4 MB) that every search scans linearly and
// that the planner costs so high it scanned the whole table instead. Measured on 20.5k entities after
// a 100k-record import: 38–54 ms per fuzzy name, and 0.3–2.5 ms once the list was merged. Entities are
// written by the resolution pass only, a few per record, so entries now go straight into the index.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter index entities_display_name_trgm_idx set (fastupdate = off)`.execute(db)
  await sql`select gin_clean_pending_list('entities_display_name_trgm_idx'::regclass)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter index entities_display_name_trgm_idx reset (fastupdate)`.execute(db)
}
