import { sql, type Kysely } from 'kysely'

// Frozen in time: never imports application code. Adds what identity resolution needs: the keys each
// record is resolved by, the durable queue of records to resolve, human overrides, and refused merges.

const statements = [
  `create table resolution_keys (
    source_record_id bigint not null references source_records (id) on delete cascade,
    entity_kind text not null check (entity_kind in ('person', 'organization')),
    kind text not null,
    value text not null,
    role text not null check (role in ('identifier', 'blocking', 'context')),
    is_generic boolean not null default false,
    primary key (source_record_id, entity_kind, kind, value)
  )`,
  `comment on table resolution_keys is 'The normalised keys each source record is resolved by: identifiers merge records that share them (unless generic), blocking keys only make records candidates for a scored comparison, context keys name what else the record''s resolution depends on (its account, its email domain, its Slack team).'`,
  `comment on column resolution_keys.source_record_id is 'The record the key was computed from.'`,
  `comment on column resolution_keys.entity_kind is 'person or organization: which entity of the record the key is about.'`,
  `comment on column resolution_keys.kind is 'email, phone, employee_id, account (one per system account type), domain, org_name, slack_team, name (blocking) …'`,
  `comment on column resolution_keys.value is 'The normalised value: lower-cased email without plus-tag, E.164 phone, registrable domain, folded name …'`,
  `comment on column resolution_keys.role is 'identifier (records sharing it are the same entity), blocking (records sharing it are compared) or context (a change to the organisation it names re-resolves the record).'`,
  `comment on column resolution_keys.is_generic is 'A shared value (support@, a switchboard number) that identifies no single entity: never used to merge.'`,
  `create index resolution_keys_value_idx on resolution_keys (entity_kind, kind, value)`,

  `create table resolution_pending (
    source_record_id bigint primary key references source_records (id) on delete cascade,
    queued_at timestamptz not null default now()
  )`,
  `comment on table resolution_pending is 'Records written since resolution last ran: the durable hand-off from import to resolution. Filled in the same transaction as the record, emptied by the resolution that handled it.'`,
  `comment on column resolution_pending.source_record_id is 'The new, changed or deleted record.'`,
  `comment on column resolution_pending.queued_at is 'When it was queued.'`,
  // Everything already landed waits for its first resolution.
  `insert into resolution_pending (source_record_id) select id from source_records`,

  `alter table entity_members add column origin_entity_id uuid`,
  `comment on column entity_members.origin_entity_id is 'The first entity the record was given, kept through merges: when a merge is undone, the record takes that id back if it is free.'`,

  `create table match_overrides (
    id bigint generated always as identity primary key,
    entity_kind text not null check (entity_kind in ('person', 'organization')),
    action text not null check (action in ('link', 'unlink')),
    source_record_id bigint not null references source_records (id) on delete cascade,
    other_record_id bigint references source_records (id) on delete cascade,
    note text,
    created_at timestamptz not null default now(),
    check ((action = 'link') = (other_record_id is not null))
  )`,
  `comment on table match_overrides is 'Human decisions that outrank the model and survive every re-run: link (these two records are one entity) and unlink (this record stands apart).'`,
  `comment on column match_overrides.id is 'Internal number; later overrides win over earlier ones.'`,
  `comment on column match_overrides.entity_kind is 'person or organization.'`,
  `comment on column match_overrides.action is 'link: the two records are the same entity; unlink: the record is linked to no other record except by a later link override.'`,
  `comment on column match_overrides.source_record_id is 'The record decided about.'`,
  `comment on column match_overrides.other_record_id is 'For link: the record it is the same as; null for unlink.'`,
  `comment on column match_overrides.note is 'Why, in the words of whoever decided.'`,
  `comment on column match_overrides.created_at is 'When it was decided.'`,
  `create index match_overrides_record_idx on match_overrides (source_record_id)`,
  `create index match_overrides_other_idx on match_overrides (other_record_id)`,

  `create table merge_refusals (
    id bigint generated always as identity primary key,
    entity_kind text not null check (entity_kind in ('person', 'organization')),
    source_record_id bigint not null references source_records (id) on delete cascade,
    other_record_id bigint not null references source_records (id) on delete cascade,
    rule text not null,
    reason text not null,
    details jsonb not null default '{}',
    decided_at timestamptz not null default now()
  )`,
  `comment on table merge_refusals is 'Merges a rule proposed and a guardrail refused (two Workday ids, a cluster too large, conflicting names, an unlink override …), with the reason: rebuilt whenever the records are resolved again.'`,
  `comment on column merge_refusals.id is 'Internal number.'`,
  `comment on column merge_refusals.entity_kind is 'person or organization.'`,
  `comment on column merge_refusals.source_record_id is 'One record of the refused merge.'`,
  `comment on column merge_refusals.other_record_id is 'The record it was not merged with.'`,
  `comment on column merge_refusals.rule is 'What proposed the merge: a shared key (email, phone, employee_id …) or probabilistic.'`,
  `comment on column merge_refusals.reason is 'Why it was refused: exclusive_conflict, cluster_too_large, name_conflict, ambiguous, override.'`,
  `comment on column merge_refusals.details is 'The values and scores behind the decision.'`,
  `comment on column merge_refusals.decided_at is 'When it was decided.'`,
  `create index merge_refusals_record_idx on merge_refusals (source_record_id)`,
  `create index merge_refusals_other_idx on merge_refusals (other_record_id)`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['merge_refusals', 'match_overrides', 'resolution_pending', 'resolution_keys']) {
    await sql.raw(`drop table if exists ${table}`).execute(db)
  }
  await sql`alter table entity_members drop column if exists origin_entity_id`.execute(db)
}
