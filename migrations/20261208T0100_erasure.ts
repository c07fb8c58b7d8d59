import { sql, type Kysely } from 'kysely'

// Frozen in time: never imports application code.
//
// Erasure (customer-graph erase, GDPR Art. 17): a person's records are deleted and their traces
// scrubbed from every other row; what stays is a receipt with counts per table (no personal data) and
// salted SHA-256 hashes of their identifiers, which every later import and sync checks so that no
// source re-creates them.

const statements = [
  `create table erasures (
    id bigint generated always as identity primary key,
    erased_at timestamptz not null default now(),
    receipt jsonb not null
  )`,
  `comment on table erasures is 'One row per erasure (customer-graph erase): when, and the receipt (rows deleted and scrubbed per table). Holds no personal data.'`,
  `comment on column erasures.id is 'The erasure; suppressions name it.'`,
  `comment on column erasures.erased_at is 'When the erasure committed.'`,
  `comment on column erasures.receipt is 'Counts per table of rows deleted and rows scrubbed, and of the suppression hashes kept.'`,
  `create table suppressions (
    hash text not null,
    kind text not null check (kind in ('record', 'identifier', 'context')),
    erasure_id bigint not null references erasures (id),
    primary key (hash, kind)
  )`,
  `comment on table suppressions is 'Hashes of what an erased person was known by. Imports and syncs drop a record whose reference or person email is here, and scrub identifiers (and, in a record that names them, their names and phones) from every other record.'`,
  `comment on column suppressions.hash is 'SHA-256 (hex) of a salted, normalised value: never the value itself.'`,
  `comment on column suppressions.kind is 'record: a system:objectType:sourceId reference; identifier: an email, system id or employee id; context: a name or phone, scrubbed only where an identifier is found.'`,
  `comment on column suppressions.erasure_id is 'The erasure that added it.'`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table suppressions`.execute(db)
  await sql`drop table erasures`.execute(db)
}
