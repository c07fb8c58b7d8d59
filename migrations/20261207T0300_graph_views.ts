import { sql, type Kysely } from 'kysely'

// Frozen in time: never imports application code. Views for engineers who query the store with psql:
// people and organisations with their identifiers, organisations, owners and activity, the records
// behind every entity, and who took part in what. Each is documented like the tables (comment on the
// view and on every column), so `\d+ people` explains it and docs/schema.md lists it.
//
// They are built for the point query, `where entity_id = $1`: every derived column is a subquery that
// reaches its rows through an index from that one entity (members by entity, keys and records by
// record, participants by record, edges by either end), so a lookup costs a few index probes whatever
// the size of the graph. Scalar subqueries in the select list rather than lateral joins where one
// value comes back: a query that selects only a few columns computes only those, and the view keeps
// few FROM items (the entity and the lateral joins that return parallel name and id arrays), so a
// query joining it from outside (identifiers → people) stays within the planner's join search and
// probes the view by the entity's key instead of computing it for everyone (3.5 s → 45 ms at 20k
// people with eight lateral joins instead). Filtering on a derived column (`$1 = any(emails)`)
// still computes that column for every entity: go through the identifiers view for that.
//
// Arrays are sorted in byte order (collate "C"), so the same graph gives the same arrays whatever the
// database's collation.
//
// Deleted records: a deleted record can stay a member of its entity (it keeps its cross-references),
// so entity_records shows it, flagged; systems, record_count and title count live records only.
// Participants are matched to records as derive_activities names them (system, object type, source
// id), within the activity's own connection when both are of the same system, as the graph does for
// stated links.

interface View {
  name: string
  comment: string
  query: string
  columns: [name: string, comment: string][]
}

/** The entity's member records that an activity names, and the activities (see the note above). */
const PARTICIPATION = `entity_members m
      join source_records s on s.id = m.source_record_id
      join activity_participants p on p.system = s.system and p.object_type = s.object_type and p.source_id = s.source_id
      join activities a on a.id = p.activity_id
      join source_records sa on sa.id = a.source_record_id`
const SAME_CONNECTION = `(s.connection_id = sa.connection_id or s.system <> sa.system)`

/** A person record's title: its own, or its employment's (Workday, Google directory). */
const TITLE = `coalesce(c.data->>'title', c.data->'employment'->>'title')`

const views: View[] = [
  {
    name: 'entity_records',
    comment: 'The provenance of every entity: one row per member record (person, organisation or conversation), with how it was linked. A Lead can be a member of a person and of an organisation.',
    query: `select m.entity_id, m.entity_kind, s.system, s.object_type, s.source_id, m.rule, m.score, s.source_updated_at,
      s.deleted_at is not null as deleted, s.inferred, m.decided_at, m.source_record_id
    from entity_members m
    join source_records s on s.id = m.source_record_id`,
    columns: [
      ['entity_id', 'The entity (always a live one: members move to the survivor of a merge).'],
      ['entity_kind', 'person, organization or conversation: which entity of the record this row is about.'],
      ['system', 'Source system of the record: slack, salesforce, workday or google.'],
      ['object_type', 'Object type as the source names it (Contact, Account, worker, user, email_domain …).'],
      ['source_id', 'The id in the source system; system:object_type:source_id is how the CLI names the record.'],
      ['rule', 'How the record was linked: seed (the first record of the entity), email, employee_id, probabilistic, override …'],
      ['score', 'Match score in [0, 1] for probabilistic links; null for deterministic ones.'],
      ['source_updated_at', 'When the source last changed the record, when it says.'],
      ['deleted', 'True when the record is deleted in its source (it may stay a member through its cross-references).'],
      ['inferred', 'True for records pieced together from others (a work email domain, a Slack Connect sender seen only in messages).'],
      ['decided_at', 'When the link was decided.'],
      ['source_record_id', 'The record in source_records (and canonical_records).'],
    ],
  },
  {
    name: 'entity_activity',
    comment: 'Who took part in what: one row per activity (message, meeting, deal, case, task) that names a record of an entity, per role and record. Filter by entity_id; an activity naming two records of one entity appears twice.',
    query: `select m.entity_id, m.entity_kind, a.id as activity_id, a.kind, a.occurred_at, a.title, a.status, a.is_open, p.role,
      s.system, s.object_type, s.source_id
    from ${PARTICIPATION}
    where ${SAME_CONNECTION}`,
    columns: [
      ['entity_id', 'The person, organisation or conversation that took part.'],
      ['entity_kind', 'person, organization or conversation.'],
      ['activity_id', 'The activity (activities.id); its body, attributes and source record are there.'],
      ['kind', 'message, meeting, deal, case or task.'],
      ['occurred_at', 'When it happened: message sent, meeting start, deal close date (may lie ahead), case opened, task done or due.'],
      ['title', 'Meeting summary, deal name, case or task subject; null for messages. Untrusted source text.'],
      ['status', 'Deal stage, case or task status, meeting status, message subtype.'],
      ['is_open', 'For deals and cases: still open; null for the other kinds.'],
      ['role', 'How the record takes part: author, mentioned, organizer, attendee, related, account, contact, owner.'],
      ['system', 'System of the entity\'s record the activity names.'],
      ['object_type', 'Object type of that record (user, Contact, Account, calendar_attendee …).'],
      ['source_id', 'Source id of that record.'],
    ],
  },
  {
    name: 'people',
    comment: 'One row per live person (merged-away ids excluded): identifiers, title, organisations, their internal owners, the systems that know them and their last activity. Fast by entity_id; look people up by email through the identifiers view.',
    query: `select e.id as entity_id, e.display_name as name, e.is_internal,
      array(select i.value from identifiers i
        where i.entity_id = e.id and i.kind = 'email' and not i.is_generic group by i.value order by i.value collate "C") as emails,
      array(select i.value from identifiers i
        where i.entity_id = e.id and i.kind = 'phone' and not i.is_generic group by i.value order by i.value collate "C") as phones,
      (select i.value from identifiers i join source_records s on s.id = i.source_record_id
        where i.entity_id = e.id and i.kind = 'email' and not i.is_generic
        group by i.value
        order by count(distinct i.source_record_id) desc, max(s.source_updated_at) desc nulls last, i.value collate "C"
        limit 1) as primary_email,
      (select ${TITLE}
        from entity_members m
        join source_records s on s.id = m.source_record_id and s.deleted_at is null
        join canonical_records c on c.source_record_id = m.source_record_id and c.kind = 'person'
        where m.entity_id = e.id and m.entity_kind = 'person' and ${TITLE} is not null
        order by s.source_updated_at desc nulls last, s.last_changed_at desc, s.id desc
        limit 1) as title,
      coalesce(employer.names, '{}') as organizations,
      coalesce(employer.ids, '{}') as organization_ids,
      coalesce(owner.names, '{}') as owners,
      coalesce(owner.ids, '{}') as owner_ids,
      array(select s.system from entity_members m
        join source_records s on s.id = m.source_record_id and s.deleted_at is null
        where m.entity_id = e.id and m.entity_kind = 'person' group by s.system order by s.system collate "C") as systems,
      (select count(*)::int from entity_members m
        join source_records s on s.id = m.source_record_id and s.deleted_at is null
        where m.entity_id = e.id and m.entity_kind = 'person') as record_count,
      (select max(a.occurred_at) from ${PARTICIPATION}
        where m.entity_id = e.id and m.entity_kind = 'person' and ${SAME_CONNECTION}) as last_activity_at,
      e.updated_at
    from entities e
    left join lateral (
      select array_agg(o.display_name order by o.display_name collate "C", o.id) as names,
        array_agg(o.id order by o.display_name collate "C", o.id) as ids
      from entities o
      where o.kind = 'organization' and o.redirect_to is null
        and o.id in (select w.to_entity_id from edges w where w.from_entity_id = e.id and w.kind = 'works_at')
    ) employer on true
    left join lateral (
      select array_agg(ow.display_name order by ow.display_name collate "C", ow.id) as names,
        array_agg(ow.id order by ow.display_name collate "C", ow.id) as ids
      from entities ow
      where ow.kind = 'person' and ow.redirect_to is null and ow.is_internal
        and ow.id in (
          select oe.from_entity_id from edges w
          join entities o on o.id = w.to_entity_id and o.kind = 'organization' and o.redirect_to is null
          join edges oe on oe.to_entity_id = o.id and oe.kind = 'owns'
          where w.from_entity_id = e.id and w.kind = 'works_at')
    ) owner on true
    where e.kind = 'person' and e.redirect_to is null`,
    columns: [
      ['entity_id', 'The person entity (entities.id), stable across runs.'],
      ['name', 'The best current name (entities.display_name).'],
      ['is_internal', 'True for our own people, false for customers, null when unknown.'],
      ['emails', 'Normalised email addresses of its records (lower case, no plus-tag), sorted (byte order, as every array here); generic mailboxes such as support@ left out.'],
      ['phones', 'E.164 phone numbers of its records, sorted; shared numbers (switchboards) left out.'],
      ['primary_email', 'The email most of its records share (ties: the one of the most recently updated record, then the first alphabetically); null when it has none.'],
      ['title', 'Job title from the most recently updated live person record that states one (source_updated_at, then last changed).'],
      ['organizations', 'Names of the live organisations it works at (works_at edges), sorted by name; parallel to organization_ids.'],
      ['organization_ids', 'Entity ids of those organisations, in the order of organizations.'],
      ['owners', 'Names of the internal people who own (owns edges, e.g. Salesforce account owners) the organisations it works at, sorted by name; parallel to owner_ids.'],
      ['owner_ids', 'Entity ids of those owners, in the order of owners.'],
      ['systems', 'Systems with a live record of this person, sorted.'],
      ['record_count', 'Number of its live member records.'],
      ['last_activity_at', 'occurred_at of the newest activity naming any of its records (a deal close date may lie ahead); null when none does.'],
      ['updated_at', 'When its membership or name last changed.'],
    ],
  },
  {
    name: 'organizations',
    comment: 'One row per live organisation (merged-away ids excluded): domains, internal owners, how many people work there, open deals and cases, and its last activity. Fast by entity_id.',
    query: `select e.id as entity_id, e.display_name as name, e.is_internal,
      array(select i.value from identifiers i
        where i.entity_id = e.id and i.kind = 'domain' and not i.is_generic group by i.value order by i.value collate "C") as domains,
      coalesce(owner.names, '{}') as owners,
      coalesce(owner.ids, '{}') as owner_ids,
      (select count(*)::int from entities p
        where p.kind = 'person' and p.redirect_to is null
          and p.id in (select w.from_entity_id from edges w where w.to_entity_id = e.id and w.kind = 'works_at')) as people_count,
      act.open_deals, act.open_cases, act.last_activity_at,
      array(select s.system from entity_members m
        join source_records s on s.id = m.source_record_id and s.deleted_at is null
        where m.entity_id = e.id and m.entity_kind = 'organization' group by s.system order by s.system collate "C") as systems,
      (select count(*)::int from entity_members m
        join source_records s on s.id = m.source_record_id and s.deleted_at is null
        where m.entity_id = e.id and m.entity_kind = 'organization') as record_count,
      e.updated_at
    from entities e
    left join lateral (
      select array_agg(ow.display_name order by ow.display_name collate "C", ow.id) as names,
        array_agg(ow.id order by ow.display_name collate "C", ow.id) as ids
      from entities ow
      where ow.kind = 'person' and ow.redirect_to is null and ow.is_internal
        and ow.id in (select oe.from_entity_id from edges oe where oe.to_entity_id = e.id and oe.kind = 'owns')
    ) owner on true
    left join lateral (
      select count(distinct a.id) filter (where a.kind = 'deal' and a.is_open)::int as open_deals,
        count(distinct a.id) filter (where a.kind = 'case' and a.is_open)::int as open_cases,
        max(a.occurred_at) as last_activity_at
      from ${PARTICIPATION}
      where m.entity_id = e.id and m.entity_kind = 'organization' and ${SAME_CONNECTION}
    ) act on true
    where e.kind = 'organization' and e.redirect_to is null`,
    columns: [
      ['entity_id', 'The organisation entity (entities.id), stable across runs.'],
      ['name', 'The best current name (entities.display_name); an organisation known only by its domain is named by it.'],
      ['is_internal', 'True for our own company, false for customers, null when unknown.'],
      ['domains', 'Registrable domains of its records (website, email domains), sorted.'],
      ['owners', 'Names of the internal people who own it (owns edges, e.g. the Salesforce account owner), sorted by name; parallel to owner_ids.'],
      ['owner_ids', 'Entity ids of those owners, in the order of owners.'],
      ['people_count', 'Number of live people with a works_at edge to it (each person once).'],
      ['open_deals', 'Deals still open that name one of its records (as account or related record).'],
      ['open_cases', 'Cases still open that name one of its records.'],
      ['last_activity_at', 'occurred_at of the newest activity naming one of its own records (not its people\'s); a deal close date may lie ahead; null when none does.'],
      ['systems', 'Systems with a live record of this organisation (inferred records count under the system they were inferred from), sorted.'],
      ['record_count', 'Number of its live member records, inferred ones included.'],
      ['updated_at', 'When its membership or name last changed.'],
    ],
  },
]

const quote = (text: string): string => `'${text.replaceAll("'", "''")}'`

function statementsFor(view: View): string[] {
  return [
    `create view ${view.name} as\n    ${view.query}`,
    `comment on view ${view.name} is ${quote(view.comment)}`,
    ...view.columns.map(([column, comment]) => `comment on column ${view.name}.${column} is ${quote(comment)}`),
  ]
}

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of views.flatMap(statementsFor)) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const view of [...views].reverse()) await sql.raw(`drop view if exists ${view.name}`).execute(db)
}
