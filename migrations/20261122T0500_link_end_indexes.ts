import { sql, type Kysely } from 'kysely'

// Frozen in time: never imports application code. An incremental resolution rebuilds the edges of
// every link that points to or from a record it re-resolved; without an index on the link ends that
// is a scan of every link (seconds at 100k people, and growing). Edges are also replaced by the record
// that states them, so they need an index by that record.

const statements = [
  `create index canonical_links_from_idx on canonical_records
    ((data->'from'->>'sourceId'), (data->'from'->>'objectType'), (data->'from'->>'system')) where kind = 'link'`,
  `create index canonical_links_to_idx on canonical_records
    ((data->'to'->>'sourceId'), (data->'to'->>'objectType'), (data->'to'->>'system')) where kind = 'link'`,
  `create index edges_source_record_idx on edges (source_record_id)`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const index of ['edges_source_record_idx', 'canonical_links_to_idx', 'canonical_links_from_idx']) {
    await sql.raw(`drop index if exists ${index}`).execute(db)
  }
}
