import { sql, type Kysely } from 'kysely'

// Frozen in time: this file never imports application code, and is never edited once released.
// Each table is declared with its comment and a comment per column, so `\d+` in psql explains the schema.

interface Column {
  name: string
  type: string
  comment: string
}
interface Table {
  name: string
  comment: string
  columns: Column[]
  constraints?: string[]
  indexes?: string[]
}

const c = (name: string, type: string, comment: string): Column => ({ name, type, comment })

const SYSTEMS = `('slack', 'salesforce', 'workday', 'google')`

const tables: Table[] = [
  {
    name: 'connections',
    comment: 'A configured source: one Slack workspace, Salesforce org, Workday tenant or Google Workspace, read from its API or its export files.',
    columns: [
      c('id', 'text primary key', 'Connection name, unique, as in the config file or given to import (e.g. salesforce-prod).'),
      c('system', `text not null check (system in ${SYSTEMS})`, 'Source system: slack, salesforce, workday or google.'),
      c('transport', `text not null check (transport in ('export', 'api'))`, 'How records arrive: export files or the live API.'),
      c('settings', `jsonb not null default '{}'`, 'Non-secret settings (base URL, tenant, report name). Secrets are never stored here, only env references.'),
      c('created_at', 'timestamptz not null default now()', 'When the connection was first used.'),
      c('updated_at', 'timestamptz not null default now()', 'When its settings last changed.'),
    ],
  },
  {
    name: 'sync_runs',
    comment: 'One import or sync of a connection (or one of its streams): when it ran, how it ended, what it counted.',
    columns: [
      c('id', 'bigint generated always as identity primary key', 'Run number.'),
      c('connection_id', 'text not null references connections (id) on delete cascade', 'The connection that ran.'),
      c('stream', 'text', 'The stream that ran (e.g. contacts); null when the run covered every stream of the connection.'),
      c('trigger', `text not null check (trigger in ('import', 'sync', 'schedule'))`, 'What started it: an export import, a sync command, or a schedule tick.'),
      c('status', `text not null check (status in ('running', 'succeeded', 'partial', 'failed', 'abandoned'))`, 'running; succeeded; partial (finished, some records rejected); failed; abandoned (the process died).'),
      c('started_at', 'timestamptz not null default now()', 'Start time.'),
      c('finished_at', 'timestamptz', 'End time; null while running.'),
      c('counts', `jsonb not null default '{}'`, 'Record counts: read, new, changed, unchanged, rejected, deleted.'),
      c('error', 'jsonb', 'The error that ended the run ({code, message, location}); never contains a secret.'),
      c('input', `jsonb not null default '{}'`, 'What was asked for: files, --full, streams; no secrets.'),
    ],
    indexes: ['create index sync_runs_connection_started_idx on sync_runs (connection_id, started_at desc)'],
  },
  {
    name: 'sync_state',
    comment: 'The committed cursor of each stream: where the next incremental read resumes. Written in the same transaction as the page it follows.',
    columns: [
      c('connection_id', 'text not null references connections (id) on delete cascade', 'The connection.'),
      c('stream', 'text not null', 'Stream name within the connection (e.g. users, contacts, history).'),
      c('cursor', 'jsonb', 'The stream cursor reached after the last committed page; validated by the stream when loaded.'),
      c('last_run_id', 'bigint references sync_runs (id) on delete set null', 'The run that committed this cursor.'),
      c('updated_at', 'timestamptz not null default now()', 'When the cursor was committed.'),
    ],
    constraints: ['primary key (connection_id, stream)'],
  },
  {
    name: 'source_records',
    comment: 'Raw records as landed from a source, one row per (connection, object type, source id), whether they came from an export or the API of that connection. The only input of normalisation.',
    columns: [
      c('id', 'bigint generated always as identity primary key', 'Internal record number.'),
      c('system', `text not null check (system in ${SYSTEMS})`, 'Source system.'),
      c('object_type', 'text not null', 'Object type as the source names it: Contact, Account, user, channel, worker, contact, calendar_attendee …'),
      c('source_id', 'text not null', 'The id in the source system (Salesforce ids in their 18-character form).'),
      c('connection_id', 'text not null references connections (id)', 'The connection (one org, workspace or tenant) the record belongs to: ids are unique within it.'),
      c('payload', 'jsonb not null', 'The raw record as read (parsed CSV row, JSON object), secrets never included.'),
      c('content_hash', 'text not null', 'SHA-256 (hex) of the canonical JSON of payload and of the normaliser settings it was read with; unchanged records are skipped by it.'),
      c('source_updated_at', 'timestamptz', 'Last modification time the source reports (SystemModstamp, updated, ts), when it reports one.'),
      c('first_seen_at', 'timestamptz not null default now()', 'When the record first landed.'),
      c('last_seen_at', 'timestamptz not null default now()', 'When a read last saw the record, changed or not.'),
      c('last_changed_at', 'timestamptz not null default now()', 'When its content hash last changed.'),
      c('first_run_id', 'bigint references sync_runs (id) on delete set null', 'The run that first landed it.'),
      c('last_run_id', 'bigint references sync_runs (id) on delete set null', 'The run that last saw it.'),
      c('provenance', 'jsonb not null', 'Where it was read: {file, line} or {file, entry, line} for exports, {endpoint, page} for APIs.'),
      c('deleted_at', 'timestamptz', 'Soft deletion time; null while the record exists in the source.'),
      c('deletion_evidence', 'jsonb', 'Why it is considered deleted: {reason, run_id, …} (IsDeleted flag, absent from a complete export, API deleted list).'),
    ],
    // Per connection: Workday employee ids, for one, are unique only within a tenant.
    constraints: ['unique (connection_id, object_type, source_id)'],
    indexes: [
      'create index source_records_system_id_idx on source_records (system, object_type, source_id)',
      'create index source_records_last_changed_idx on source_records (last_changed_at)',
    ],
  },
  {
    name: 'rejected_records',
    comment: 'Input that could not be landed, kept with the reason: it never disappears silently and never stops the good records.',
    columns: [
      c('id', 'bigint generated always as identity primary key', 'Internal number.'),
      c('run_id', 'bigint references sync_runs (id) on delete cascade', 'The run that rejected it.'),
      c('connection_id', 'text references connections (id) on delete cascade', 'The connection being read.'),
      c('system', `text not null check (system in ${SYSTEMS})`, 'Source system.'),
      c('object_type', 'text', 'Object type, when known.'),
      c('code', 'text not null', 'Stable error code, e.g. E_CSV_QUOTE, E_SCHEMA, E_ENCODING.'),
      c('message', 'text not null', 'What is wrong, where, and what is allowed.'),
      c('location', `jsonb not null default '{}'`, 'Where: {file, line, byteOffset, entry, path}.'),
      c('raw', 'text', 'The offending input as read, cut at 64 KiB.'),
      c('created_at', 'timestamptz not null default now()', 'When it was rejected.'),
    ],
    indexes: ['create index rejected_records_run_idx on rejected_records (run_id)'],
  },
  {
    name: 'entities',
    comment: 'Resolved real-world things: people, organisations, conversations. The id is stable across runs; a merged-away entity redirects to its survivor.',
    columns: [
      c('id', 'uuid primary key default gen_random_uuid()', 'Stable entity id.'),
      c('kind', `text not null check (kind in ('person', 'organization', 'conversation'))`, 'person, organization or conversation (a Slack channel, DM or group DM).'),
      c('display_name', 'text', 'The best current name, chosen from its claims.'),
      c('is_internal', 'boolean', 'True for our own people and workspace, false for customers, null when unknown.'),
      c('redirect_to', 'uuid references entities (id)', 'Set when this entity was merged into another: look the survivor up instead.'),
      c('created_at', 'timestamptz not null default now()', 'When the entity was created.'),
      c('updated_at', 'timestamptz not null default now()', 'When its membership or claims last changed.'),
    ],
    constraints: ['check (redirect_to is null or redirect_to <> id)'],
    indexes: [
      'create index entities_kind_idx on entities (kind) where redirect_to is null',
      'create index entities_display_name_trgm_idx on entities using gin (display_name gin_trgm_ops)',
    ],
  },
  {
    name: 'identifiers',
    comment: 'Normalised identifying values of an entity (email, phone, domain, system ids) and the record each came from: the keys lookups and resolution use.',
    columns: [
      c('id', 'bigint generated always as identity primary key', 'Internal number.'),
      c('entity_id', 'uuid not null references entities (id) on delete cascade', 'The entity identified.'),
      c('kind', 'text not null', 'email, phone (E.164), domain, salesforce_id, slack_id, workday_id, google_id, employee_id …'),
      c('value', 'text not null', 'The normalised value (lower-cased email, E.164 phone, 18-character Salesforce id …).'),
      c('source_record_id', 'bigint references source_records (id) on delete cascade', 'The record that supplied it.'),
      c('is_generic', 'boolean not null default false', 'A shared value (support@, a switchboard number) that identifies no single person and is never used to merge.'),
    ],
    constraints: ['unique nulls not distinct (kind, value, entity_id, source_record_id)'],
    indexes: [
      'create index identifiers_kind_value_idx on identifiers (kind, value)',
      'create index identifiers_entity_idx on identifiers (entity_id)',
    ],
  },
  {
    name: 'entity_members',
    comment: 'Which source records make up each entity, and why: the rule, score and features behind every link.',
    columns: [
      c('source_record_id', 'bigint not null references source_records (id) on delete cascade', 'The member record.'),
      c('entity_kind', `text not null check (entity_kind in ('person', 'organization', 'conversation'))`, 'The kind of entity this record describes; a Lead can describe a person and, by its company field, an organisation.'),
      c('entity_id', 'uuid not null references entities (id) on delete cascade', 'The entity it belongs to.'),
      c('rule', 'text not null', 'How it was linked: seed, email, system_id, cross_reference, probabilistic, override …'),
      c('score', 'real', 'Match score in [0, 1] for probabilistic links; null for deterministic ones.'),
      c('evidence', `jsonb not null default '{}'`, 'The features and values behind the link, for explain.'),
      c('decided_at', 'timestamptz not null default now()', 'When the link was decided.'),
    ],
    constraints: ['primary key (source_record_id, entity_kind)'],
    indexes: ['create index entity_members_entity_idx on entity_members (entity_id)'],
  },
  {
    name: 'edges',
    comment: 'Relationships between entities (works at, owns account, reports to, member of channel …), each from the record that states it.',
    columns: [
      c('id', 'bigint generated always as identity primary key', 'Internal number.'),
      c('kind', 'text not null', 'works_at, owns_account, reports_to, member_of, converted_to …'),
      c('from_entity_id', 'uuid not null references entities (id) on delete cascade', 'Subject (the person who works at, the owner, the report).'),
      c('to_entity_id', 'uuid not null references entities (id) on delete cascade', 'Object (the organisation, the account, the manager, the channel).'),
      c('source_record_id', 'bigint references source_records (id) on delete cascade', 'The record that states the relationship.'),
      c('attributes', `jsonb not null default '{}'`, 'Details such as title or role.'),
      c('valid_from', 'timestamptz', 'Start of the relationship when the source says.'),
      c('valid_to', 'timestamptz', 'End of the relationship (left the company, removed from channel).'),
      c('updated_at', 'timestamptz not null default now()', 'When the edge was last written.'),
    ],
    constraints: ['unique nulls not distinct (kind, from_entity_id, to_entity_id, source_record_id)'],
    indexes: [
      'create index edges_from_idx on edges (from_entity_id, kind)',
      'create index edges_to_idx on edges (to_entity_id, kind)',
    ],
  },
  {
    name: 'activities',
    comment: 'Things that happened or are under way: messages, meetings, deals, cases, tasks. Free text here is untrusted source content.',
    columns: [
      c('id', 'bigint generated always as identity primary key', 'Internal number.'),
      c('kind', `text not null check (kind in ('message', 'meeting', 'deal', 'case', 'task', 'event'))`, 'message, meeting, deal, case, task or event.'),
      c('source_record_id', 'bigint not null unique references source_records (id) on delete cascade', 'The record it comes from.'),
      c('conversation_entity_id', 'uuid references entities (id) on delete set null', 'For messages: the channel, DM or group DM entity.'),
      c('occurred_at', 'timestamptz not null', 'When it happened (message ts, meeting start, deal close date, case opened).'),
      c('title', 'text', 'Subject, meeting summary, deal or case name.'),
      c('body', 'text', 'Free text from the source (message text, description). Untrusted: show fenced.'),
      c('status', 'text', 'Deal stage, case status, meeting status.'),
      c('is_open', 'boolean', 'For deals and cases: still open.'),
      c('attributes', `jsonb not null default '{}'`, 'Further details (amount, thread ts, reactions, files as metadata).'),
    ],
    indexes: ['create index activities_conversation_idx on activities (conversation_entity_id, occurred_at desc)'],
  },
  {
    name: 'activity_participants',
    comment: 'Who took part in an activity and how: author, attendee, organizer, mentioned, owner, contact, account.',
    columns: [
      c('activity_id', 'bigint not null references activities (id) on delete cascade', 'The activity.'),
      c('entity_id', 'uuid not null references entities (id) on delete cascade', 'The person or organisation.'),
      c('role', 'text not null', 'author, attendee, organizer, mentioned, owner, contact, account …'),
    ],
    constraints: ['primary key (activity_id, entity_id, role)'],
    indexes: ['create index activity_participants_entity_idx on activity_participants (entity_id)'],
  },
  {
    name: 'claims',
    comment: 'Field-level provenance: each value any source states about an entity, with its source, time, match rule and confidence. Conflicting values stand side by side.',
    columns: [
      c('id', 'bigint generated always as identity primary key', 'Internal number.'),
      c('entity_id', 'uuid not null references entities (id) on delete cascade', 'The entity the value is about.'),
      c('field', 'text not null', 'name, title, email, phone, organization, location, status, manager …'),
      c('value', 'jsonb not null', 'The value as the source states it (normalised for comparison).'),
      c('source_record_id', 'bigint not null references source_records (id) on delete cascade', 'The record that states it.'),
      c('system', `text not null check (system in ${SYSTEMS})`, 'The system of that record.'),
      c('source_updated_at', 'timestamptz', 'When the source last changed the record.'),
      c('observed_at', 'timestamptz not null default now()', 'When customer-graph read it.'),
      c('match_rule', 'text', 'How the record was linked to the entity.'),
      c('confidence', 'real', 'Confidence in [0, 1] that the value belongs to this entity.'),
    ],
    constraints: ['unique (entity_id, field, source_record_id, value)'],
    indexes: ['create index claims_source_record_idx on claims (source_record_id)'],
  },
  {
    name: 'lookup_audit',
    comment: 'Every lookup call: who asked, through which tool, which entities came back and how big and fast the answer was. The query text itself is stored only as a hash.',
    columns: [
      c('id', 'bigint generated always as identity primary key', 'Internal number.'),
      c('at', 'timestamptz not null default now()', 'When the call was made.'),
      c('principal', 'text not null', 'Who called: a token id, or the local CLI user.'),
      c('surface', `text not null check (surface in ('library', 'cli', 'http', 'mcp'))`, 'Surface used.'),
      c('tool', 'text not null', 'Tool or endpoint: find_customer, customer_profile, lookup …'),
      c('query_hash', 'text not null', 'SHA-256 of the normalised query; the query itself is not kept.'),
      c('status', 'text not null', 'found, ambiguous, not_found, or an error code.'),
      c('entity_ids', `uuid[] not null default '{}'`, 'Entities returned.'),
      c('response_bytes', 'integer not null', 'Size of the answer in bytes.'),
      c('latency_ms', 'real not null', 'Time to answer in milliseconds.'),
    ],
    indexes: ['create index lookup_audit_at_idx on lookup_audit (at desc)'],
  },
]

const quote = (text: string): string => `'${text.replaceAll("'", "''")}'`

function statementsFor(table: Table): string[] {
  const body = [...table.columns.map((col) => `${col.name} ${col.type}`), ...(table.constraints ?? [])].join(',\n  ')
  return [
    `create table ${table.name} (\n  ${body}\n)`,
    `comment on table ${table.name} is ${quote(table.comment)}`,
    ...table.columns.map((col) => `comment on column ${table.name}.${col.name} is ${quote(col.comment)}`),
    ...(table.indexes ?? []),
  ]
}

export async function up(db: Kysely<unknown>): Promise<void> {
  // pg_trgm is trusted (PostgreSQL 13+), so a database owner may create it; it serves fuzzy name lookup.
  await sql`create extension if not exists pg_trgm`.execute(db)
  for (const statement of tables.flatMap(statementsFor)) {
    await sql.raw(statement).execute(db)
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [...tables].reverse()) {
    await sql.raw(`drop table if exists ${table.name} cascade`).execute(db)
  }
}
