import type { ColumnType, Generated } from 'kysely'

/**
 * Kysely's view of the tables created by migrations/. Kept by hand next to the migrations; the
 * database test checks that every table here exists with these columns.
 */
/** The systems built in: each has an export importer and a live connector. */
export type BuiltInSystem = 'slack' | 'salesforce' | 'workday' | 'google'
/**
 * A source system's name as stored: a built-in one, or one a connector module brings (lowercase
 * letters, digits, `_` and `-`; see SYSTEM_NAME_PATTERN in schema/canonical.ts).
 */
export type SystemName = string
export type EntityKind = 'person' | 'organization' | 'conversation'
export type RunStatus = 'running' | 'succeeded' | 'partial' | 'failed' | 'abandoned'

type Timestamp = ColumnType<Date, Date | string, Date | string>
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>
// jsonb is read as parsed JSON but written as JSON text (JSON.stringify at the write site): pg would
// otherwise send a JS array as a PostgreSQL array literal, not as JSON.
type Json<T = unknown> = ColumnType<T, string, string>
type DefaultJson<T = unknown> = ColumnType<T, string | undefined, string>

export interface RecordCounts {
  read: number
  new: number
  changed: number
  unchanged: number
  rejected: number
  deleted: number
  /** Records of erased people (customer-graph erase): read, and not landed. */
  suppressed: number
}

export interface ConnectionsTable {
  id: string
  system: SystemName
  transport: 'export' | 'api'
  settings: DefaultJson<Record<string, unknown>>
  created_at: DefaultTimestamp
  updated_at: DefaultTimestamp
}

export interface SyncRunsTable {
  id: Generated<number>
  connection_id: string
  stream: string | null
  trigger: 'import' | 'sync' | 'schedule'
  status: RunStatus
  started_at: DefaultTimestamp
  finished_at: Timestamp | null
  counts: DefaultJson<Partial<RecordCounts>>
  error: Json | null
  input: DefaultJson<Record<string, unknown>>
}

export interface SyncStateTable {
  connection_id: string
  stream: string
  cursor: Json | null
  last_run_id: number | null
  updated_at: DefaultTimestamp
}

export interface SourceRecordsTable {
  id: Generated<number>
  system: SystemName
  object_type: string
  source_id: string
  connection_id: string
  payload: Json
  content_hash: string
  source_updated_at: Timestamp | null
  first_seen_at: DefaultTimestamp
  last_seen_at: DefaultTimestamp
  last_changed_at: DefaultTimestamp
  first_run_id: number | null
  last_run_id: number | null
  provenance: Json<Record<string, unknown>>
  deleted_at: Timestamp | null
  deletion_evidence: Json | null
  normalize_issues: Json | null
  inferred: Generated<boolean>
  resolution_signature: string | null
}

export interface CanonicalRecordsTable {
  source_record_id: number
  ordinal: number
  kind: string
  data: Json
}

export interface ImportSeenTable {
  run_id: number
  object_type: string
  source_id: string
}

export interface RejectedRecordsTable {
  id: Generated<number>
  run_id: number | null
  connection_id: string | null
  system: SystemName
  object_type: string | null
  code: string
  message: string
  location: DefaultJson<Record<string, unknown>>
  raw: string | null
  created_at: DefaultTimestamp
}

export interface EntitiesTable {
  id: Generated<string>
  kind: EntityKind
  display_name: string | null
  is_internal: boolean | null
  redirect_to: string | null
  created_at: DefaultTimestamp
  updated_at: DefaultTimestamp
}

/** A view: the identifier keys of each entity's member records. */
export interface IdentifiersTable {
  entity_id: string
  kind: string
  value: string
  source_record_id: number
  is_generic: boolean
}

export interface EntityMembersTable {
  source_record_id: number
  entity_kind: EntityKind
  entity_id: string
  rule: string
  score: number | null
  evidence: DefaultJson<Record<string, unknown>>
  decided_at: DefaultTimestamp
  origin_entity_id: ColumnType<string | null, string | null | undefined, string | null>
}

export interface EdgesTable {
  id: Generated<number>
  kind: string
  from_entity_id: string
  to_entity_id: string
  source_record_id: number | null
  attributes: DefaultJson<Record<string, unknown>>
  valid_from: Timestamp | null
  valid_to: Timestamp | null
  updated_at: DefaultTimestamp
}

export interface ActivitiesTable {
  id: Generated<number>
  kind: 'message' | 'meeting' | 'deal' | 'case' | 'task' | 'event'
  source_record_id: number
  /** For messages: the conversation record, `system:objectType:sourceId`. */
  conversation_ref: string | null
  occurred_at: Timestamp
  title: string | null
  body: string | null
  status: string | null
  is_open: boolean | null
  attributes: DefaultJson<Record<string, unknown>>
}

/** The records an activity names (derived by the database function derive_activities). */
export interface ActivityParticipantsTable {
  activity_id: number
  system: SystemName
  object_type: string
  source_id: string
  role: 'author' | 'mentioned' | 'organizer' | 'attendee' | 'related' | 'account' | 'contact' | 'owner'
}

export interface ApiTokensTable {
  id: string
  name: string
  secret_hash: string
  scopes: string[]
  subject: string | null
  created_at: DefaultTimestamp
  expires_at: Timestamp | null
  revoked_at: Timestamp | null
  last_used_at: Timestamp | null
}

export interface ClaimsTable {
  id: Generated<number>
  entity_id: string
  field: string
  value: Json
  source_record_id: number
  system: SystemName
  source_updated_at: Timestamp | null
  observed_at: DefaultTimestamp
  match_rule: string | null
  confidence: number | null
}

export interface LookupAuditTable {
  id: Generated<number>
  at: DefaultTimestamp
  principal: string
  surface: 'library' | 'cli' | 'http' | 'mcp'
  tool: string
  query_hash: string
  status: string
  entity_ids: ColumnType<string[], string[] | undefined, string[]>
  response_bytes: number
  latency_ms: number
}

/** The entity kinds resolution builds from records (conversations map one to one). */
export type ResolvedKind = 'person' | 'organization'

export interface ResolutionKeysTable {
  source_record_id: number
  entity_kind: ResolvedKind
  kind: string
  value: string
  role: 'identifier' | 'blocking' | 'context'
  is_generic: ColumnType<boolean, boolean | undefined, boolean>
}

export interface ResolutionPendingTable {
  source_record_id: number
  queued_at: DefaultTimestamp
  identity_changed: Generated<boolean>
}

export interface MatchOverridesTable {
  id: Generated<number>
  entity_kind: ResolvedKind
  action: 'link' | 'unlink'
  source_record_id: number
  other_record_id: number | null
  note: string | null
  created_at: DefaultTimestamp
}

export interface ErasuresTable {
  id: Generated<number>
  erased_at: DefaultTimestamp
  receipt: Json<Record<string, unknown>>
}

export interface SuppressionsTable {
  hash: string
  kind: 'record' | 'identifier' | 'context'
  erasure_id: number
}

export interface MergeRefusalsTable {
  id: Generated<number>
  entity_kind: ResolvedKind
  source_record_id: number
  other_record_id: number
  rule: string
  reason: string
  details: DefaultJson<Record<string, unknown>>
  decided_at: DefaultTimestamp
}

/** A view (migration 20261207T0300): one row per live person, for engineers querying the store. */
export interface PeopleView {
  entity_id: string
  name: string | null
  is_internal: boolean | null
  emails: string[]
  phones: string[]
  primary_email: string | null
  title: string | null
  organizations: (string | null)[]
  organization_ids: string[]
  owners: (string | null)[]
  owner_ids: string[]
  systems: SystemName[]
  record_count: number
  last_activity_at: Date | null
  updated_at: Date
}

/** A view: one row per live organisation. */
export interface OrganizationsView {
  entity_id: string
  name: string | null
  is_internal: boolean | null
  domains: string[]
  owners: (string | null)[]
  owner_ids: string[]
  people_count: number
  open_deals: number
  open_cases: number
  last_activity_at: Date | null
  systems: SystemName[]
  record_count: number
  updated_at: Date
}

/** A view: every entity's member records, with how each was linked. */
export interface EntityRecordsView {
  entity_id: string
  entity_kind: EntityKind
  system: SystemName
  object_type: string
  source_id: string
  rule: string
  score: number | null
  source_updated_at: Date | null
  deleted: boolean
  inferred: boolean
  decided_at: Date
  source_record_id: number
}

/** A view: the activities that name an entity's records, one row per role and record. */
export interface EntityActivityView {
  entity_id: string
  entity_kind: EntityKind
  activity_id: number
  kind: ActivitiesTable['kind']
  occurred_at: Date
  title: string | null
  status: string | null
  is_open: boolean | null
  role: ActivityParticipantsTable['role']
  system: SystemName
  object_type: string
  source_id: string
}

export interface DB {
  connections: ConnectionsTable
  sync_runs: SyncRunsTable
  sync_state: SyncStateTable
  source_records: SourceRecordsTable
  canonical_records: CanonicalRecordsTable
  import_seen: ImportSeenTable
  rejected_records: RejectedRecordsTable
  entities: EntitiesTable
  identifiers: IdentifiersTable
  entity_members: EntityMembersTable
  edges: EdgesTable
  activities: ActivitiesTable
  activity_participants: ActivityParticipantsTable
  claims: ClaimsTable
  lookup_audit: LookupAuditTable
  api_tokens: ApiTokensTable
  resolution_keys: ResolutionKeysTable
  resolution_pending: ResolutionPendingTable
  match_overrides: MatchOverridesTable
  merge_refusals: MergeRefusalsTable
  erasures: ErasuresTable
  suppressions: SuppressionsTable
  people: PeopleView
  organizations: OrganizationsView
  entity_records: EntityRecordsView
  entity_activity: EntityActivityView
}

export const TABLE_NAMES = [
  'connections',
  'sync_runs',
  'sync_state',
  'source_records',
  'canonical_records',
  'rejected_records',
  'entities',
  'entity_members',
  'edges',
  'activities',
  'activity_participants',
  'claims',
  'lookup_audit',
  'api_tokens',
  'resolution_keys',
  'resolution_pending',
  'match_overrides',
  'merge_refusals',
  'erasures',
  'suppressions',
] as const satisfies readonly (keyof DB)[]
