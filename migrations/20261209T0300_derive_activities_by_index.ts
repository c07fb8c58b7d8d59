import { sql, type Kysely } from 'kysely'

// Frozen in time: never imports application code.
//
// derive_activities reads and writes the rows of one page's records, which the primary keys and the
// source_record_id indexes reach directly. Without statistics on canonical_records and activities (a
// table filled by a long import is not analysed until autovacuum gets to it, and not at all where
// autovacuum is off) the planner took every id to match ~24k rows, hashed the whole of both tables and
// compiled the plan with JIT: 0.4–1.1 s per page of 300 messages at a million records, 162 s of one
// Slack import, against under 2 ms for the same statements through the indexes. The function now
// plans with nested loops over indexes only, and without JIT.

const SETTINGS = ['jit = off', 'enable_hashjoin = off', 'enable_mergejoin = off', 'enable_seqscan = off']

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const setting of SETTINGS) await sql.raw(`alter function derive_activities(bigint[]) set ${setting}`).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const setting of SETTINGS) await sql.raw(`alter function derive_activities(bigint[]) reset ${setting.split(' ')[0]}`).execute(db)
}
