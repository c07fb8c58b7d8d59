/**
 * Reads everything a profile shows about one entity in two statements, run side by side: its member
 * records with their canonical data and the entities around it (organisations, colleagues, owners with
 * their Workday status and manager, channels), and its activity (deals, cases, meetings, messages)
 * with the caller's right to see each. Every list is cut in SQL at the detail level's limit and
 * counted in full, so the document can say what it left out.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { DB, SystemName } from '../schema/database.ts'
import type { ActivitySection } from './lookup-schema.ts'

export interface MemberRow {
  record_id: number
  system: SystemName
  object_type: string
  source_id: string
  source_updated_at: Date | null
  inferred: boolean
  rule: string
  score: number | null
  data: Record<string, unknown> | null
}

export interface RelatedEntityRow {
  entity_id: string
  name: string | null
  internal: boolean | null
  title: string | null
  domains: string[] | null
  via: string[] | null
  owns: string | null
  active: boolean | null
  termination_date: string | null
  manager_id: string | null
  manager_name: string | null
  conversation_type: string | null
}

export interface RelatedRows {
  organizations: RelatedEntityRow[]
  colleagues: RelatedEntityRow[]
  owners: RelatedEntityRow[]
  channels: RelatedEntityRow[]
  counts: { organizations: number; colleagues: number; owners: number; channels: number; channels_withheld: number }
  freshness: { system: SystemName; last_read_at: string | null }[]
}

export interface ActivityRow {
  id: number
  kind: 'message' | 'meeting' | 'deal' | 'case' | 'task'
  system: SystemName
  ref: string
  occurred_at: string
  title: string | null
  body: string | null
  status: string | null
  is_open: boolean | null
  attributes: Record<string, unknown>
  channel: string | null
  person: string | null
  attendees: number
}

export interface ActivityRows {
  items: ActivityRow[]
  /** Per section: all visible items, and those withheld from this caller. */
  totals: Record<ActivitySection, { visible: number; withheld: number }>
}

/** Who may see private conversations: everyone's (the local operator), one person's, or none. */
export type Viewer = { all: true } | { all: false; entityId: string | null }

export async function loadMembers(db: Kysely<DB>, entityId: string): Promise<MemberRow[]> {
  const { rows } = await sql<MemberRow>`/* prepared */
    select s.id as record_id, s.system, s.object_type, s.source_id, s.source_updated_at, s.inferred, m.rule, m.score, c.data
    from entity_members m
    join source_records s on s.id = m.source_record_id and s.deleted_at is null
    left join canonical_records c on c.source_record_id = s.id and c.kind = m.entity_kind
    where m.entity_id = ${entityId}::uuid
    order by s.id
    limit 500`.execute(db)
  return rows
}

/**
 * The entities around this one. For a person: the organisations they work at, colleagues there,
 * the internal owners of those organisations, their channels. For an organisation: its people
 * (as colleagues), its owners, and the channels its people share with us.
 */
export async function loadRelated(db: Kysely<DB>, entityId: string, kind: 'person' | 'organization', limit: number, viewer: Viewer): Promise<RelatedRows> {
  const person = kind === 'person'
  const { rows } = await sql<{ related: RelatedRows }>`/* prepared */
    with orgs as (
      select e.id, e.display_name, e.is_internal, array_agg(distinct coalesce(ed.attributes->>'via', 'record')) as via
      from edges ed join entities e on e.id = ed.to_entity_id and e.redirect_to is null
      where ${person} and ed.from_entity_id = ${entityId}::uuid and ed.kind = 'works_at'
      group by e.id
      union all
      select e.id, e.display_name, e.is_internal, '{}'::text[] from entities e where not ${person} and e.id = ${entityId}::uuid
    ),
    colleagues as (
      select distinct e.id, e.display_name, e.is_internal
      from orgs o join edges ed on ed.to_entity_id = o.id and ed.kind = 'works_at'
      join entities e on e.id = ed.from_entity_id and e.redirect_to is null and e.id <> ${entityId}::uuid
    ),
    owners as (
      select distinct on (e.id) e.id, e.display_name, e.is_internal, o.display_name as owns
      from orgs o join edges ed on ed.to_entity_id = o.id and ed.kind = 'owns'
      join entities e on e.id = ed.from_entity_id and e.redirect_to is null
      order by e.id, o.display_name
    ),
    channel_members as (
      select ed.to_entity_id as id from edges ed where ${person} and ed.from_entity_id = ${entityId}::uuid and ed.kind = 'member_of'
      union
      select ed.to_entity_id from colleagues c join edges ed on ed.from_entity_id = c.id and ed.kind = 'member_of' where not ${person}
    ),
    channels as (
      select e.id, e.display_name, e.is_internal, conv.data->>'conversationType' as conversation_type,
        (conv.data->>'conversationType' = 'channel' or ${viewer.all}
          or exists (select 1 from edges v where v.from_entity_id = ${viewer.all ? null : viewer.entityId}::uuid and v.to_entity_id = e.id and v.kind = 'member_of')) as visible
      from channel_members cm join entities e on e.id = cm.id and e.kind = 'conversation'
      cross join lateral (select c.data from entity_members m join canonical_records c on c.source_record_id = m.source_record_id and c.kind = 'conversation'
        where m.entity_id = e.id limit 1) conv
      where ${person} or e.is_internal is false
    )
    select json_build_object(
      'organizations', (select coalesce(json_agg(x), '[]') from (
        select o.id as entity_id, o.display_name as name, o.is_internal as internal, o.via,
          array(select distinct k.value from entity_members om join resolution_keys k on k.source_record_id = om.source_record_id
            and k.entity_kind = 'organization' and k.kind = 'domain' and k.role = 'identifier' where om.entity_id = o.id order by k.value limit 10) as domains
        from orgs o where ${person} order by o.display_name limit ${limit}::int) x),
      'colleagues', (select coalesce(json_agg(x), '[]') from (
        select c.id as entity_id, c.display_name as name, c.is_internal as internal, ${titleOf(sql`c.id`)} as title
        from colleagues c order by c.display_name, c.id limit ${limit}::int) x),
      'owners', (select coalesce(json_agg(x), '[]') from (
        select o.id as entity_id, o.display_name as name, o.is_internal as internal, o.owns, ${titleOf(sql`o.id`)} as title,
          emp.active, emp.termination_date, mgr.id as manager_id, mgr.display_name as manager_name
        from owners o
        left join lateral (
          select (c.data->'employment'->>'active')::boolean as active, c.data->'employment'->>'terminationDate' as termination_date
          from entity_members m join source_records s on s.id = m.source_record_id and s.system = 'workday'
          join canonical_records c on c.source_record_id = s.id and c.kind = 'person'
          where m.entity_id = o.id order by s.source_updated_at desc nulls last limit 1) emp on true
        left join lateral (
          select e.id, e.display_name from edges r join entities e on e.id = r.to_entity_id
          where r.from_entity_id = o.id and r.kind = 'reports_to' order by r.updated_at desc limit 1) mgr on true
        order by o.display_name, o.id limit ${limit}::int) x),
      'channels', (select coalesce(json_agg(x), '[]') from (
        select c.id as entity_id, c.display_name as name, c.is_internal as internal, c.conversation_type
        from channels c where c.visible order by c.is_internal, c.display_name limit ${limit}::int) x),
      'counts', json_build_object(
        'organizations', (select count(*) from orgs where ${person}),
        'colleagues', (select count(*) from colleagues),
        'owners', (select count(*) from owners),
        'channels', (select count(*) from channels where visible),
        'channels_withheld', (select count(*) from channels where not visible)),
      'freshness', (select coalesce(json_agg(x), '[]') from (
        select c.system, max(r.finished_at) as last_read_at from connections c
        join sync_runs r on r.connection_id = c.id and r.status in ('succeeded', 'partial')
        group by c.system order by c.system) x)
    ) as related`.execute(db)
  return rows[0]!.related
}

/** The newest title any of an entity's person records states. */
export const titleOf = (entity: RawBuilder<unknown>) =>
  sql`(select coalesce(tc.data->>'title', tc.data->'employment'->>'title') from entity_members tm
    join canonical_records tc on tc.source_record_id = tm.source_record_id and tc.kind = 'person'
    where tm.entity_id = ${entity} and coalesce(tc.data->>'title', tc.data->'employment'->>'title') is not null limit 1)`

/**
 * Activity naming the entity's records, newest first, `limit` per section, with the total visible
 * and withheld per section. A person's deals and cases also include their organisations' (as the
 * account). Messages in private channels, DMs and group DMs are visible only to their members, and
 * so is a message whose conversation was never landed: nobody can tell it is public.
 */
export async function loadActivity(
  db: Kysely<DB>,
  entityId: string,
  sections: readonly ActivitySection[],
  limit: number,
  viewer: Viewer,
  offsets: Partial<Record<ActivitySection, number>> = {},
): Promise<ActivityRows> {
  const kinds = sections.map((section) => SECTION_KIND[section])
  const offsetOf = (section: ActivitySection) => offsets[section] ?? 0
  const { rows } = await sql<{ items: ActivityRow[] | null; totals: { kind: string; visible: number; withheld: number }[] | null }>`/* prepared */
    with own as (
      select s.system, s.object_type, s.source_id from entity_members m join source_records s on s.id = m.source_record_id
      where m.entity_id = ${entityId}::uuid
    ),
    org_records as (
      select s.system, s.object_type, s.source_id from edges ed
      join entity_members m on m.entity_id = ed.to_entity_id join source_records s on s.id = m.source_record_id
      where ed.from_entity_id = ${entityId}::uuid and ed.kind = 'works_at'
    ),
    named as (
      select p.activity_id from own r join activity_participants p on p.system = r.system and p.object_type = r.object_type and p.source_id = r.source_id
      union
      select p.activity_id from org_records r join activity_participants p on p.system = r.system and p.object_type = r.object_type and p.source_id = r.source_id
        and p.role = 'account'
    ),
    acts as (
      select a.*, s.system, s.object_type, s.source_id,
        conv.name as channel, conv.conversation_type, conv.entity_id as conversation_id
      from named n join activities a on a.id = n.activity_id and a.kind = any(${kinds}::text[])
      join source_records s on s.id = a.source_record_id and s.deleted_at is null
      left join lateral (
        select e.id as entity_id, e.display_name as name, c.data->>'conversationType' as conversation_type
        from source_records cs join entity_members m on m.source_record_id = cs.id and m.entity_kind = 'conversation'
        join entities e on e.id = m.entity_id join canonical_records c on c.source_record_id = cs.id and c.kind = 'conversation'
        where ${isRecordOf(sql`cs`, sql`a.conversation_ref`)}
        limit 1) conv on true
    ),
    judged as (
      select a.*, (a.kind <> 'message' or a.conversation_type = 'channel' or ${viewer.all}
        or exists (select 1 from edges v where v.from_entity_id = ${viewer.all ? null : viewer.entityId}::uuid and v.to_entity_id = a.conversation_id and v.kind = 'member_of')) as visible
      from acts a
    ),
    ranked as (
      select j.*, row_number() over (partition by j.kind order by (j.kind in ('deal', 'case') and j.is_open is true) desc, j.occurred_at desc, j.id desc) as rn
      from judged j where j.visible
    )
    select
      (select json_agg(x order by x.kind, x.rn) from (
        select r.id, r.kind, r.system, r.system || ':' || r.object_type || ':' || r.source_id as ref, r.occurred_at, r.title, r.body, r.status, r.is_open, r.attributes, r.channel, r.rn,
          (select e.display_name from activity_participants p
            join source_records ps on ps.system = p.system and ps.object_type = p.object_type and ps.source_id = p.source_id
            join entity_members pm on pm.source_record_id = ps.id and pm.entity_kind = 'person'
            join entities e on e.id = pm.entity_id
            where p.activity_id = r.id and p.role = case r.kind when 'message' then 'author' when 'meeting' then 'organizer' else 'owner' end limit 1) as person,
          (select count(*)::int from activity_participants p where p.activity_id = r.id and p.role = 'attendee') as attendees
        from ranked r
        where r.rn > (case r.kind when 'deal' then ${offsetOf('deals')}::int when 'case' then ${offsetOf('cases')}::int when 'meeting' then ${offsetOf('meetings')}::int else ${offsetOf('messages')}::int end)
          and r.rn <= ${limit}::int + (case r.kind when 'deal' then ${offsetOf('deals')}::int when 'case' then ${offsetOf('cases')}::int when 'meeting' then ${offsetOf('meetings')}::int else ${offsetOf('messages')}::int end)
      ) x) as items,
      (select json_agg(t) from (select kind, count(*) filter (where visible)::int as visible, count(*) filter (where not visible)::int as withheld
        from judged group by kind) t) as totals`.execute(db)
  const totals = Object.fromEntries(sections.map((section) => [section, { visible: 0, withheld: 0 }])) as ActivityRows['totals']
  for (const total of rows[0]?.totals ?? []) {
    const section = KIND_SECTION[total.kind]
    if (section && totals[section]) totals[section] = { visible: total.visible, withheld: total.withheld }
  }
  return { items: rows[0]?.items ?? [], totals }
}

/**
 * The person records of everyone these activities name (authors, mentions, organizers, attendees,
 * owners, contacts) and of every record resolved to the same people: what they wrote in one
 * another's messages and descriptions carries their phone numbers and personal emails, which a caller
 * without the pii scope must not read there either.
 */
export async function loadParticipantRecords(db: Kysely<DB>, activityIds: readonly number[]): Promise<Pick<MemberRow, 'data'>[]> {
  if (activityIds.length === 0) return []
  const { rows } = await sql<Pick<MemberRow, 'data'>>`/* prepared */
    with people as (
      select distinct pm.entity_id from activity_participants p
      join source_records ps on ps.system = p.system and ps.object_type = p.object_type and ps.source_id = p.source_id
      join entity_members pm on pm.source_record_id = ps.id and pm.entity_kind = 'person'
      where p.activity_id = any(${activityIds}::bigint[])
    )
    select c.data from people
    join entity_members m on m.entity_id = people.entity_id
    join canonical_records c on c.source_record_id = m.source_record_id and c.kind = 'person'
    limit 5000`.execute(db)
  return rows
}

/**
 * Whether the viewer may see an activity (`activity`, a row of activities): the same rule loadActivity
 * applies, for statements that only need the yes or no, such as a candidate's last activity.
 */
export function activityVisible(activity: RawBuilder<unknown>, viewer: Viewer): RawBuilder<boolean> {
  if (viewer.all) return sql<boolean>`true`
  return sql<boolean>`(${activity}.kind <> 'message' or exists (
    select 1 from source_records cs join entity_members m on m.source_record_id = cs.id and m.entity_kind = 'conversation'
    join canonical_records c on c.source_record_id = cs.id and c.kind = 'conversation'
    where ${isRecordOf(sql`cs`, sql`${activity}.conversation_ref`)}
      and (c.data->>'conversationType' = 'channel'
        or exists (select 1 from edges v where v.from_entity_id = ${viewer.entityId}::uuid and v.to_entity_id = m.entity_id and v.kind = 'member_of'))))`
}

/** The source record (`record`, a row of source_records) a record reference `system:objectType:sourceId` names; null names none. */
const isRecordOf = (record: RawBuilder<unknown>, ref: RawBuilder<unknown>) =>
  sql`${ref} is not null and ${record}.system = split_part(${ref}, ':', 1) and ${record}.object_type = split_part(${ref}, ':', 2)
    and ${record}.source_id = substr(${ref}, length(split_part(${ref}, ':', 1)) + length(split_part(${ref}, ':', 2)) + 3)`

const SECTION_KIND: Record<ActivitySection, string> = { deals: 'deal', cases: 'case', meetings: 'meeting', messages: 'message' }
const KIND_SECTION: Record<string, ActivitySection | undefined> = { deal: 'deals', case: 'cases', meeting: 'meetings', message: 'messages' }
