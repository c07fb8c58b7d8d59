/**
 * The relationships between entities, from what the records state: a Contact's account (works_at),
 * an account's owner (owns), a worker's manager (reports_to), a channel's members (member_of), and
 * more. A stated link becomes an edge once both of its ends belong to entities; edges are keyed by
 * the record that states them, so a record's edges are rebuilt whenever it changes or either end
 * moves to another entity. People whose work email domain is an organisation's also work there, and
 * Slack Connect people at their team's organisation (organization-edges.ts).
 * Conversations (channels, DMs) are entities of their own, one per record.
 */
import { sql, type Transaction } from 'kysely'
import type { DB } from '../../schema/database.ts'
import { addOrganizationDependents, inferredWorksAt } from './organization-edges.ts'
import { withSettings } from './with-settings.ts'

export interface GraphReport {
  conversations: { created: number; removed: number }
  /** Edges rebuilt by this pass, by kind. */
  edges: Record<string, number>
  /**
   * Milliseconds per stage: conversation entities, finding the links to rebuild, writing the edges
   * (stated, and works_at inferred from work domains and Slack Connect teams), building the indexes a
   * bulk fill deferred.
   */
  timings: { conversations: number; sources: number; edges: number; indexes: number }
}

/** From this many stated links a rebuild joins them in bulk (see below); `bulkFrom` overrides it. */
const BULK_LINKS = 50_000

/** Link types that become edges (same_as is identity, handled by resolution). */
const EDGE_LINKS = ['works_at', 'owns', 'reports_to', 'member_of', 'converted_to', 'contact_of']

/**
 * Run inside the resolution transaction, after people and organisations: resolve_queue holds the
 * queued records and resolve_touched every record whose entity this pass changed or may have
 * described anew (see touchedRecords in run-resolution.ts).
 */
export async function buildGraph(trx: Transaction<DB>, now: Date, options: { firstPass: boolean; bulkFrom?: number }): Promise<GraphReport> {
  const timings = { conversations: 0, sources: 0, edges: 0, indexes: 0 }
  let mark = performance.now()
  const lap = (stage: keyof GraphReport['timings']) => {
    const at = performance.now()
    timings[stage] += Math.round(at - mark)
    mark = at
  }
  const conversations = await syncConversations(trx, now)
  lap('conversations')
  // Records whose edges are rebuilt: the queued ones, and those stating a link to or from a record
  // that was re-resolved (its entity may be another one now) — on a first pass, the queued ones are
  // every record.
  await sql`drop table if exists graph_sources`.execute(trx)
  if (options.firstPass) {
    // Nothing is added to the queued records: no key to keep them distinct (2.8M rows into one took 5 s).
    await sql`create temp table graph_sources on commit drop as select source_record_id from resolve_queue`.execute(trx)
  } else {
    await sql`create temp table graph_sources (source_record_id bigint primary key) on commit drop`.execute(trx)
    await sql`insert into graph_sources select source_record_id from resolve_queue`.execute(trx)
    await addDependentSources(trx)
  }

  // Temp tables have no statistics until analysed; without them the planner nests loops over them.
  await sql`analyze graph_sources`.execute(trx)
  await sql`delete from edges where source_record_id in (select source_record_id from graph_sources)`.execute(trx)
  // The stated links with their ends pulled out of the JSON into columns the planner has statistics
  // for: joined in one expression over the JSON, it guesses one row and probes record by record.
  await sql`drop table if exists graph_links`.execute(trx)
  await sql`create temp table graph_links on commit drop as
    select c.source_record_id, s.connection_id, s.system, c.data->>'linkType' as kind, c.data->'attributes' as attributes,
      c.data->'from'->>'system' as from_system, c.data->'from'->>'objectType' as from_type, c.data->'from'->>'sourceId' as from_id,
      c.data->'to'->>'system' as to_system, c.data->'to'->>'objectType' as to_type, c.data->'to'->>'sourceId' as to_id
    from graph_sources g
    join source_records s on s.id = g.source_record_id and s.deleted_at is null
    join canonical_records c on c.source_record_id = s.id and c.kind = 'link'
    where c.data->>'linkType' = any(${EDGE_LINKS}::text[])`.execute(trx)
  await sql`analyze graph_links`.execute(trx)
  // Rebuilding many links, probing the indexes link by link (what the planner picks, misjudging the
  // "same connection" condition) reads pages at random across all records: hash joins over them in
  // memory that the pass may use are faster (a first pass at 100k people: 15 s against 11 s).
  const { rows: counted } = await sql<{ links: number }>`select count(*)::int as links from graph_links`.execute(trx)
  const bulk = (counted[0]?.links ?? 0) >= (options.bulkFrom ?? BULK_LINKS)
  // Both ends of a link are found by source reference among the records that belong to an entity:
  // in bulk, every member (joined twice straight to source_records, a first pass at a million
  // records scanned that 2.7 GB table twice: 12 s against 7 s); otherwise the ends the links name.
  await sql`drop table if exists graph_ends`.execute(trx)
  await sql`create temp table graph_ends on commit drop as
    select s.system, s.object_type, s.source_id, s.connection_id, m.entity_id
    from source_records s join entity_members m on m.source_record_id = s.id
    where ${bulk ? sql`true` : sql`(s.system, s.object_type, s.source_id) in (
      select from_system, from_type, from_id from graph_links union select to_system, to_type, to_id from graph_links)`}`.execute(trx)
  await sql`analyze graph_ends`.execute(trx)
  // Filling an empty table with that many edges, its secondary indexes are built once the rows are in:
  // inserted into row by row they took 22–26 s of a first pass at a million records, built after 4.7 s
  // (migration 20261210T0100). The table stays locked to readers until the pass commits.
  const deferIndexes = bulk && (await isEmptyOwnTable(trx))
  if (deferIndexes) await sql`select drop_secondary_indexes('edges')`.execute(trx)
  lap('sources')
  // One insert for stated and inferred edges: a link that is both (a Contact's account that is also
  // its email's domain) is written once, as stated.
  const { rows: written } = await withSettings(trx, bulk ? { enable_nestloop: 'off', work_mem: '256MB' } : {}, () => sql<{ kind: string; count: number }>`
    with written as (
      insert into edges (kind, from_entity_id, to_entity_id, source_record_id, attributes, updated_at)
      select distinct on (e.from_entity, e.kind, e.to_entity, e.source_record_id) e.kind, e.from_entity, e.to_entity, e.source_record_id, e.attributes, ${now}::timestamptz
      from (${statedEdges()} union all ${inferredWorksAt('email_domain')} union all ${inferredWorksAt('slack_team')}) e
      order by e.from_entity, e.kind, e.to_entity, e.source_record_id, e.precedence
      on conflict do nothing
      returning kind)
    select kind, count(*)::int as count from written group by kind`.execute(trx))
  lap('edges')
  if (deferIndexes) await sql`select restore_secondary_indexes('edges')`.execute(trx)
  lap('indexes')
  const edges: Record<string, number> = {}
  for (const row of written) edges[row.kind] = row.count
  return { conversations, edges, timings }
}

/** The edges graph_links state, between the entities their two ends belong to (graph_ends; precedence 0). */
function statedEdges() {
  return sql`
    select l.kind, mf.entity_id as from_entity, mt.entity_id as to_entity, l.source_record_id, coalesce(l.attributes, '{}'::jsonb) as attributes, 0 as precedence
    from graph_links l
    join graph_ends mf on mf.system = l.from_system and mf.object_type = l.from_type and mf.source_id = l.from_id
      and (mf.connection_id = l.connection_id or mf.system <> l.system)
    join graph_ends mt on mt.system = l.to_system and mt.object_type = l.to_type and mt.source_id = l.to_id
      and (mt.connection_id = l.connection_id or mt.system <> l.system)
    where mf.entity_id <> mt.entity_id`
}

/** Whether the edges table is empty and this role owns it (only its owner may drop its indexes). */
async function isEmptyOwnTable(trx: Transaction<DB>): Promise<boolean> {
  const { rows } = await sql<{ empty: boolean }>`
    select not exists (select 1 from edges) and pg_has_role(c.relowner, 'USAGE') as empty from pg_class c where c.oid = 'edges'::regclass`.execute(trx)
  return rows[0]?.empty ?? false
}

/** Adds to graph_sources the records not queued whose edges may change with the records this pass re-resolved. */
async function addDependentSources(trx: Transaction<DB>): Promise<void> {
  // With statistics the planner goes from a few touched records through the index on link ends
  // (migration 0500) instead of reading every link.
  await sql`analyze resolve_touched`.execute(trx)
  // Literals written out, not parameters: the index is on the expression with 'from' or 'to' in it.
  for (const side of [sql`'from'`, sql`'to'`]) {
    await sql`insert into graph_sources
      select distinct c.source_record_id from canonical_records c
      join source_records s on s.system = c.data->${side}->>'system' and s.object_type = c.data->${side}->>'objectType'
        and s.source_id = c.data->${side}->>'sourceId'
      join resolve_touched t on t.source_record_id = s.id
      where c.kind = 'link'
      on conflict do nothing`.execute(trx)
  }
  await addOrganizationDependents(trx)
}

/** A channel's name; DMs and group DMs have none, so they are called what they are. */
const CONVERSATION_NAME = sql`coalesce(c.data->>'name', case c.data->>'conversationType' when 'dm' then 'direct message' when 'group_dm' then 'group message' end)`

/** One conversation entity per live channel, DM or group DM record; a deleted one loses it, with its members and edges. */
async function syncConversations(trx: Transaction<DB>, now: Date): Promise<GraphReport['conversations']> {
  const { rows: created } = await sql<{ count: number }>`
    with fresh as (
      select c.source_record_id, ${CONVERSATION_NAME} as name, coalesce((c.data->>'externallyShared')::boolean, false) as shared, gen_random_uuid() as id
      from resolve_queue q
      join source_records s on s.id = q.source_record_id and s.deleted_at is null
      join canonical_records c on c.source_record_id = s.id and c.kind = 'conversation'
      where not exists (select 1 from entity_members m where m.source_record_id = s.id and m.entity_kind = 'conversation')
    ),
    entity as (
      insert into entities (id, kind, display_name, is_internal, created_at, updated_at)
      select id, 'conversation', name, not shared, ${now}, ${now} from fresh returning id),
    member as (
      insert into entity_members (source_record_id, entity_kind, entity_id, rule, score, evidence, decided_at)
      select source_record_id, 'conversation', id, 'seed', null, '{}'::jsonb, ${now} from fresh returning 1)
    select count(*)::int as count from member`.execute(trx)
  // Names and sharing change: keep the display name current.
  await sql`update entities e set display_name = ${CONVERSATION_NAME}, is_internal = not coalesce((c.data->>'externallyShared')::boolean, false), updated_at = ${now}
    from resolve_queue q
    join canonical_records c on c.source_record_id = q.source_record_id and c.kind = 'conversation'
    join entity_members m on m.source_record_id = q.source_record_id and m.entity_kind = 'conversation'
    where e.id = m.entity_id and (e.display_name is distinct from ${CONVERSATION_NAME}
      or e.is_internal is distinct from not coalesce((c.data->>'externallyShared')::boolean, false))`.execute(trx)
  const { rows: removed } = await sql<{ count: number }>`
    with gone as (
      select m.entity_id from resolve_queue q
      join entity_members m on m.source_record_id = q.source_record_id and m.entity_kind = 'conversation'
      join source_records s on s.id = q.source_record_id
      where s.deleted_at is not null
         or not exists (select 1 from canonical_records c where c.source_record_id = s.id and c.kind = 'conversation')
    ),
    gone_members as (delete from entity_members where entity_id in (select entity_id from gone)),
    gone_edges as (delete from edges where from_entity_id in (select entity_id from gone) or to_entity_id in (select entity_id from gone)),
    deleted as (delete from entities where id in (select entity_id from gone) returning 1)
    select count(*)::int as count from deleted`.execute(trx)
  return { created: created[0]?.count ?? 0, removed: removed[0]?.count ?? 0 }
}
