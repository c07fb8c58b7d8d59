import { sql, type Kysely } from 'kysely'

// Frozen in time: never imports application code. Adds what the import pipeline needs: the canonical
// records each source record normalises into, and the per-run set of keys a read has seen.

const statements = [
  `create table canonical_records (
    source_record_id bigint not null references source_records (id) on delete cascade,
    ordinal integer not null,
    kind text not null check (kind in ('person', 'organization', 'conversation', 'message', 'meeting', 'deal', 'case', 'task', 'link')),
    data jsonb not null,
    primary key (source_record_id, ordinal)
  )`,
  `comment on table canonical_records is 'What each source record normalises into (people, organisations, conversations, messages, meetings, deals, cases, tasks, links), rebuilt whenever the source record changes. The input of identity resolution.'`,
  `comment on column canonical_records.source_record_id is 'The source record it was normalised from.'`,
  `comment on column canonical_records.ordinal is 'Position in the normaliser''s output for that record (0, 1, …).'`,
  `comment on column canonical_records.kind is 'person, organization, conversation, message, meeting, deal, case, task or link (a relationship between two records).'`,
  `comment on column canonical_records.data is 'The canonical record as JSON, in the shape of src/schema/canonical.ts.'`,
  `create index canonical_records_kind_idx on canonical_records (kind)`,

  `alter table source_records add column normalize_issues jsonb`,
  `alter table source_records add column inferred boolean not null default false`,
  `comment on column source_records.inferred is 'True when the record was pieced together from other records (a Slack Connect sender seen only in messages): never inferred deleted, never overwrites a record read as itself.'`,
  `comment on column source_records.normalize_issues is 'Problems the normaliser found in an otherwise landed record ([{code, message, path}]); null when none.'`,

  // Unlogged: scratch state of runs in progress, rebuilt by a rerun after a crash, never worth WAL.
  `create unlogged table import_seen (
    run_id bigint not null references sync_runs (id) on delete cascade,
    object_type text not null,
    source_id text not null,
    primary key (run_id, object_type, source_id)
  )`,
  `comment on table import_seen is 'Scratch: the keys a run in progress has read, to find duplicates within one input and the records a complete export no longer contains. Emptied when the run ends.'`,
  `comment on column import_seen.run_id is 'The run that read the key.'`,
  `comment on column import_seen.object_type is 'Object type of the record read.'`,
  `comment on column import_seen.source_id is 'Source id of the record read.'`,

  `comment on column source_records.last_seen_at is 'When a read last found the record: set when it is written, and refreshed at most once a day for unchanged records so that re-reading unchanged input writes nothing.'`,
  `comment on column source_records.last_run_id is 'The run that last wrote or refreshed the record.'`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists import_seen`.execute(db)
  await sql`alter table source_records drop column if exists inferred`.execute(db)
  await sql`alter table source_records drop column if exists normalize_issues`.execute(db)
  await sql`drop table if exists canonical_records`.execute(db)
}
