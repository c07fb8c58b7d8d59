import { sql, type Kysely } from 'kysely'

// Frozen in time: never imports application code. The identifiers view has no entity kind, so
// `where kind = 'email' and value = …` on it could not use the index on resolution_keys, which led
// with entity_kind: every such query read the whole table. Led by (kind, value), the index serves
// that and resolution's own lookups (which also name the entity kind) alike.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index resolution_keys_kind_value_idx on resolution_keys (kind, value, entity_kind)`.execute(db)
  await sql`drop index resolution_keys_value_idx`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`create index resolution_keys_value_idx on resolution_keys (entity_kind, kind, value)`.execute(db)
  await sql`drop index resolution_keys_kind_value_idx`.execute(db)
}
