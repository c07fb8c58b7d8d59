import { sql, type Kysely } from 'kysely'

// Frozen in time: never imports application code.
//
// Activities (messages, meetings, deals, cases, tasks) become an index the lookup can read by
// participant: one row per activity record, derived from its canonical record by the database
// function derive_activities(record ids), which the import calls for every record it writes, in the
// page's transaction. Participants are kept as the records the activity names (author, attendee,
// account, owner …), not as entities: a merge or split then changes nothing here, and the lookup
// reaches them from an entity through its member records. Activities never wait for resolution.
//
// API tokens for the HTTP and MCP surfaces: only a SHA-256 of the secret is kept.

const ACTIVITY_KINDS = `('message', 'meeting', 'deal', 'case', 'task')`

const statements = [
  `drop table activity_participants`,
  `alter table activities drop column conversation_entity_id`,
  `alter table activities add column conversation_ref text`,
  `comment on column activities.conversation_ref is 'For messages: the channel, DM or group DM record (system:objectType:sourceId) it was posted in.'`,
  `create index activities_conversation_idx on activities (conversation_ref, occurred_at desc) where conversation_ref is not null`,
  `create table activity_participants (
    activity_id bigint not null references activities (id) on delete cascade,
    system text not null,
    object_type text not null,
    source_id text not null,
    role text not null,
    primary key (activity_id, system, object_type, source_id, role)
  )`,
  `comment on table activity_participants is 'Who or what an activity names, as records: a message''s author and mentions, a meeting''s organizer, attendees and related records, a deal''s or case''s account, contact and owner. Join source_records on (system, object_type, source_id) and entity_members to reach the entity.'`,
  `comment on column activity_participants.activity_id is 'The activity.'`,
  `comment on column activity_participants.system is 'System of the named record.'`,
  `comment on column activity_participants.object_type is 'Object type of the named record (user, Contact, Account, calendar_attendee …).'`,
  `comment on column activity_participants.source_id is 'Source id of the named record.'`,
  `comment on column activity_participants.role is 'author, mentioned, organizer, attendee, related, account, contact, owner.'`,
  `create index activity_participants_record_idx on activity_participants (system, object_type, source_id)`,
  // A malformed date in a source (a deal's close date is free text in some exports) must not fail the page.
  `create function cg_timestamp(value text) returns timestamptz language plpgsql stable as $fn$
    begin
      return value::timestamptz;
    exception when others then
      return null;
    end
  $fn$`,
  `create function derive_activities(record_ids bigint[]) returns void language sql as $fn$
    delete from activities where source_record_id = any(record_ids);
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
    from canonical_records c
    join source_records s on s.id = c.source_record_id and s.deleted_at is null
    where c.source_record_id = any(record_ids) and c.kind in ${ACTIVITY_KINDS}
    on conflict (source_record_id) do nothing;
    insert into activity_participants (activity_id, system, object_type, source_id, role)
    select distinct a.id, r.ref->>'system', r.ref->>'objectType', r.ref->>'sourceId', r.role
    from activities a
    join canonical_records c on c.source_record_id = a.source_record_id and c.kind = a.kind
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
    where a.source_record_id = any(record_ids) and r.ref is not null and jsonb_typeof(r.ref) = 'object'
      and r.ref->>'system' is not null and r.ref->>'objectType' is not null and r.ref->>'sourceId' is not null
    on conflict do nothing;
  $fn$`,
  `comment on function derive_activities(bigint[]) is 'Rebuilds the activities and activity_participants of these source records from their canonical records (a deleted record keeps none).'`,
  `select derive_activities(array(select source_record_id from canonical_records where kind in ${ACTIVITY_KINDS}))`,

  `create table api_tokens (
    id text primary key,
    name text not null,
    secret_hash text not null unique,
    scopes text[] not null,
    subject text,
    created_at timestamptz not null default now(),
    expires_at timestamptz,
    revoked_at timestamptz,
    last_used_at timestamptz
  )`,
  `comment on table api_tokens is 'Bearer tokens of the HTTP and MCP surfaces. The secret is shown once, at creation; only its SHA-256 is kept.'`,
  `comment on column api_tokens.id is 'Public token id (tok_…), the principal named in lookup_audit; the token itself is cgt_<id>_<secret>.'`,
  `comment on column api_tokens.name is 'What the token is for, as its creator named it.'`,
  `comment on column api_tokens.secret_hash is 'SHA-256 (hex) of the secret part; the secret itself is never stored.'`,
  `comment on column api_tokens.scopes is 'What the token may do: lookup (read profiles), pii (unmasked phones and personal emails), admin.'`,
  `comment on column api_tokens.subject is 'Who the caller is in the graph (an email or a record reference): private Slack content is shown only where that person is a member.'`,
  `comment on column api_tokens.created_at is 'When the token was created.'`,
  `comment on column api_tokens.expires_at is 'When it stops working; null for never.'`,
  `comment on column api_tokens.revoked_at is 'When it was revoked; a revoked token is refused.'`,
  `comment on column api_tokens.last_used_at is 'When it was last accepted (updated at most once a minute).'`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table api_tokens`.execute(db)
  await sql`drop function derive_activities(bigint[])`.execute(db)
  await sql`drop function cg_timestamp(text)`.execute(db)
  await sql`drop table activity_participants`.execute(db)
  await sql`delete from activities`.execute(db)
  await sql`drop index activities_conversation_idx`.execute(db)
  await sql`alter table activities drop column conversation_ref`.execute(db)
  await sql`alter table activities add column conversation_entity_id uuid references entities (id) on delete set null`.execute(db)
  await sql`create index activities_conversation_idx on activities (conversation_entity_id, occurred_at desc)`.execute(db)
  await sql`create table activity_participants (
    activity_id bigint not null references activities (id) on delete cascade,
    entity_id uuid not null references entities (id) on delete cascade,
    role text not null,
    primary key (activity_id, entity_id, role)
  )`.execute(db)
  await sql`create index activity_participants_entity_idx on activity_participants (entity_id)`.execute(db)
}
