import { sql, type Kysely } from 'kysely'

// Frozen in time: never imports application code.
//
// An import queued every changed record for resolution, and the pass re-resolved the closed scope
// around each: at a million records a 1% change of contact titles re-resolved nearly everything (a
// common family name's block reaches most of its records). A record now carries a signature of what
// resolution reads of it, and a change that leaves the signature alone is queued for the graph only.

const statements = [
  `alter table source_records add column resolution_signature text`,
  `comment on column source_records.resolution_signature is 'A hash of what resolution reads of the record as last written (its keys and the features it is compared by); null when unknown. A change that leaves it the same does not re-resolve the record.'`,
  `alter table resolution_pending add column identity_changed boolean not null default true`,
  `comment on column resolution_pending.identity_changed is 'False when only what resolution ignores changed (a title, a modstamp): the record''s edges are rebuilt, its entity is not re-resolved.'`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table resolution_pending drop column identity_changed`.execute(db)
  await sql`alter table source_records drop column resolution_signature`.execute(db)
}
