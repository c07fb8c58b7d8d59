import { sql, type Kysely } from 'kysely'

// Frozen in time: never imports application code. entity_members and edges are derived data: only
// the resolution pass writes them, in one transaction under its advisory lock, and it removes the
// rows of every entity it deletes. Their foreign keys made every inserted row lock the entity and the
// source record it names (a row lock writes the referenced heap tuple): re-writing the members of
// 100k people took 8.2 s with them and 2.2 s without, and the edges 26 s against 15 s (with one index
// fewer). They go; the pass keeps the same guarantees itself (tested: no member or edge names a
// missing entity or record).
// The edges' unique key now leads with from_entity_id, so it also serves "edges of this entity by
// kind", and the separate index for that goes: one index fewer to maintain per edge.

const statements = [
  `alter table entity_members drop constraint entity_members_entity_id_fkey`,
  `alter table entity_members drop constraint entity_members_source_record_id_fkey`,
  `alter table edges drop constraint edges_from_entity_id_fkey`,
  `alter table edges drop constraint edges_to_entity_id_fkey`,
  `alter table edges drop constraint edges_source_record_id_fkey`,
  `alter table edges drop constraint edges_kind_from_entity_id_to_entity_id_source_record_id_key`,
  `alter table edges add constraint edges_from_kind_to_record_key unique nulls not distinct (from_entity_id, kind, to_entity_id, source_record_id)`,
  `drop index edges_from_idx`,
  `comment on table entity_members is 'Which source records make up each entity, and why: the rule, score and features behind every link. Written only by the resolution pass, which keeps every row pointing at a live entity and record (no foreign keys: derived data, rebuilt under the pass''s lock).'`,
  `comment on table edges is 'Relationships between entities (works at, owns account, reports to, member of channel …), each from the record that states it: written only by the resolution pass, which removes the edges of every entity it deletes (no foreign keys: derived data, rebuilt under the pass''s lock).'`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`create index edges_from_idx on edges (from_entity_id, kind)`.execute(db)
  await sql`alter table edges drop constraint edges_from_kind_to_record_key`.execute(db)
  await sql`alter table edges add constraint edges_kind_from_entity_id_to_entity_id_source_record_id_key
    unique nulls not distinct (kind, from_entity_id, to_entity_id, source_record_id)`.execute(db)
  await sql`alter table edges add constraint edges_source_record_id_fkey foreign key (source_record_id) references source_records (id) on delete cascade`.execute(db)
  await sql`alter table edges add constraint edges_to_entity_id_fkey foreign key (to_entity_id) references entities (id) on delete cascade`.execute(db)
  await sql`alter table edges add constraint edges_from_entity_id_fkey foreign key (from_entity_id) references entities (id) on delete cascade`.execute(db)
  await sql`alter table entity_members add constraint entity_members_source_record_id_fkey foreign key (source_record_id) references source_records (id) on delete cascade`.execute(db)
  await sql`alter table entity_members add constraint entity_members_entity_id_fkey foreign key (entity_id) references entities (id) on delete cascade`.execute(db)
}
