import { sql, type Kysely } from 'kysely'

// Frozen in time: never imports application code. An entity's identifiers were a copy of its members'
// identifier keys, rewritten on every resolution; they become a view over the two tables that already
// hold them, so a pass writes half as much. resolution_keys is looked up by record, not by its whole
// key: a narrow index replaces the four-column primary key (each record's keys are distinct by
// construction). From now on the import writes a record's keys as it lands it; records waiting for
// resolution were landed without, and any keys they have are from before they changed: dropped, so
// the next pass keys them afresh.

const statements = [
  `drop table identifiers`,
  `create view identifiers as
    select m.entity_id, k.kind, k.value, k.source_record_id, k.is_generic
    from resolution_keys k
    join entity_members m on m.source_record_id = k.source_record_id and m.entity_kind = k.entity_kind
    where k.role = 'identifier'`,
  `comment on view identifiers is 'Normalised identifying values of an entity (email, phone, domain, employee id, system record ids) and the record each came from: the identifier keys of its member records.'`,
  `comment on column identifiers.entity_id is 'The entity identified.'`,
  `comment on column identifiers.kind is 'email, phone (E.164), domain, employee_id, record (system:objectType:sourceId), slack_team …'`,
  `comment on column identifiers.value is 'The normalised value (lower-cased email without plus-tag, E.164 phone, registrable domain, 18-character Salesforce id …).'`,
  `comment on column identifiers.source_record_id is 'The record that supplied it.'`,
  `comment on column identifiers.is_generic is 'A shared value (support@, a switchboard number) that identifies no single person and is never used to merge.'`,
  `alter table resolution_keys drop constraint resolution_keys_pkey`,
  `delete from resolution_keys where source_record_id in (select source_record_id from resolution_pending)`,
  `create index resolution_keys_record_idx on resolution_keys (source_record_id)`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists resolution_keys_record_idx`.execute(db)
  await sql`delete from resolution_keys a using resolution_keys b
    where a.ctid < b.ctid and a.source_record_id = b.source_record_id and a.entity_kind = b.entity_kind and a.kind = b.kind and a.value = b.value`.execute(db)
  await sql`alter table resolution_keys add primary key (source_record_id, entity_kind, kind, value)`.execute(db)
  await sql`drop view if exists identifiers`.execute(db)
  await sql`create table identifiers (
    id bigint generated always as identity primary key,
    entity_id uuid not null references entities (id) on delete cascade,
    kind text not null,
    value text not null,
    source_record_id bigint references source_records (id) on delete cascade,
    is_generic boolean not null default false,
    unique nulls not distinct (kind, value, entity_id, source_record_id)
  )`.execute(db)
  await sql`insert into identifiers (entity_id, kind, value, source_record_id, is_generic)
    select m.entity_id, k.kind, k.value, k.source_record_id, k.is_generic from resolution_keys k
    join entity_members m on m.source_record_id = k.source_record_id and m.entity_kind = k.entity_kind
    where k.role = 'identifier'`.execute(db)
  await sql`create index identifiers_kind_value_idx on identifiers (kind, value)`.execute(db)
  await sql`create index identifiers_entity_idx on identifiers (entity_id)`.execute(db)
}
