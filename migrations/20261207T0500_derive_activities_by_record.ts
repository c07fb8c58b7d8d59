import { sql, type Kysely } from 'kysely'

// Frozen in time: never imports application code. derive_activities was a SQL function: its
// statements were planned without the array's size, as if a page named a tenth of all records. With a
// million people the planner met each row's kind through the index on kind (hundreds of thousands of
// message rows, again for every row) or hashed all activities: a page of 300 messages took 3 s
// instead of milliseconds. It is now PL/pgSQL planned for each call's actual array
// (plan_cache_mode = force_custom_plan), and it reads the page's canonical rows once, joining the
// unnested ids to the primary key (a join whose size the planner takes from the array, not from
// statistics that lag behind a long import), filtering kinds afterwards. Same results.

const ACTIVITY_KINDS = `('message', 'meeting', 'deal', 'case', 'task')`

const DERIVE = `create or replace function derive_activities(record_ids bigint[]) returns void language plpgsql
  set plan_cache_mode = force_custom_plan as $fn$
  begin
    delete from activities where source_record_id = any(record_ids);
    with page as materialized (
      select c.source_record_id, c.kind, c.data from unnest(record_ids) as r(id) join canonical_records c on c.source_record_id = r.id
    )
    insert into activities (kind, source_record_id, occurred_at, title, body, status, is_open, attributes, conversation_ref)
    select c.kind, c.source_record_id,
      coalesce(case c.kind
          when 'message' then cg_timestamp(c.data->>'sentAt')
          when 'meeting' then cg_timestamp(c.data->>'startsAt')
          when 'deal' then coalesce(cg_timestamp(c.data->>'closeDate'), cg_timestamp(c.data->>'updatedAt'), cg_timestamp(c.data->>'createdAt'))
          when 'case' then coalesce(cg_timestamp(c.data->>'openedAt'), cg_timestamp(c.data->>'updatedAt'))
          when 'task' then coalesce(cg_timestamp(c.data->>'occurredAt'), cg_timestamp(c.data->>'dueDate'))
        end, s.source_updated_at, s.first_seen_at),
      case c.kind when 'meeting' then c.data->>'title' when 'deal' then c.data->>'name' when 'case' then c.data->>'subject' when 'task' then c.data->>'subject' end,
      case c.kind when 'message' then c.data->>'text' else c.data->>'description' end,
      case c.kind when 'message' then c.data->>'subtype' when 'deal' then c.data->>'stage' else c.data->>'status' end,
      case when c.kind in ('deal', 'case') and c.data ? 'isClosed' then not (c.data->>'isClosed')::boolean end,
      jsonb_strip_nulls(case c.kind
        when 'message' then jsonb_build_object('ts', c.data->'ts', 'threadTs', c.data->'threadTs', 'authorName', c.data->'authorName',
          'files', jsonb_array_length(coalesce(c.data->'files', '[]'::jsonb)), 'editedAt', c.data->'editedAt')
        when 'meeting' then jsonb_build_object('endsAt', c.data->'endsAt', 'allDay', c.data->'allDay', 'location', c.data->'location')
        when 'deal' then jsonb_build_object('amount', c.data->'amount', 'currency', c.data->'currency', 'closeDate', c.data->'closeDate', 'isWon', c.data->'isWon')
        when 'case' then jsonb_build_object('caseNumber', c.data->'caseNumber', 'priority', c.data->'priority', 'closedAt', c.data->'closedAt')
        when 'task' then jsonb_build_object('dueDate', c.data->'dueDate')
      end),
      case when c.kind = 'message' then concat_ws(':', c.data->'conversationRef'->>'system', c.data->'conversationRef'->>'objectType', c.data->'conversationRef'->>'sourceId') end
    from page c
    join source_records s on s.id = c.source_record_id and s.deleted_at is null
    where c.kind in ${ACTIVITY_KINDS}
    on conflict (source_record_id) do nothing;
    with page as materialized (
      select c.source_record_id, c.kind, c.data from unnest(record_ids) as r(id) join canonical_records c on c.source_record_id = r.id
    )
    insert into activity_participants (activity_id, system, object_type, source_id, role)
    select distinct a.id, r.ref->>'system', r.ref->>'objectType', r.ref->>'sourceId', r.role
    from page c
    join activities a on a.source_record_id = c.source_record_id and a.kind = c.kind
    cross join lateral (
      select c.data->'authorRef' as ref, 'author' as role
      union all select m, 'mentioned' from jsonb_array_elements(case when c.kind = 'message' then c.data->'mentionRefs' end) m
      union all select c.data->'organizer'->'personRef', 'organizer'
      union all select t->'personRef', 'attendee' from jsonb_array_elements(case when c.kind = 'meeting' then c.data->'attendees' end) t
      union all select x, 'related' from jsonb_array_elements(case when c.kind = 'meeting' then c.data->'relatedRefs' end) x
      union all select c.data->'accountRef', 'account'
      union all select coalesce(c.data->'contactRef', c.data->'whoRef'), 'contact'
      union all select c.data->'whatRef', 'related'
      union all select c.data->'ownerRef', 'owner'
    ) r
    where r.ref is not null and jsonb_typeof(r.ref) = 'object'
      and r.ref->>'system' is not null and r.ref->>'objectType' is not null and r.ref->>'sourceId' is not null
    on conflict do nothing;
  end
  $fn$`

export async function up(db: Kysely<unknown>): Promise<void> {
  // A function's language cannot be changed in place.
  await sql`drop function derive_activities(bigint[])`.execute(db)
  await sql.raw(DERIVE).execute(db)
  await sql`comment on function derive_activities(bigint[]) is 'Rebuilds the activities and activity_participants of these source records from their canonical records (a deleted record keeps none).'`.execute(db)
}

export async function down(): Promise<void> {
  // The earlier definition (migration 20261207T0100) gives the same rows, only slower: nothing to undo.
}
