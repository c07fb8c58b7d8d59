/**
 * Where a person's traces can sit outside their own records, and what erasure does in each place.
 * Every text and jsonb column of the graph's tables is named here once: scrubbed, handled by a rule of
 * its own, or a closed vocabulary that never holds a person's data. test/erase.test.ts checks the list
 * against the database, so a new column cannot be forgotten.
 */
import type { TableName } from '../db/trusted-sql.ts'

export type ColumnType = 'text' | 'jsonb'

/**
 * How a row is found to be about the erased person even where no identifier of theirs is in it, so
 * that their names and phones are scrubbed too: its source record names them (`record`), or one of
 * its member records does (`member`, for entities). A row that holds an identifier always is.
 */
export type RowLink = 'none' | { column: string; via: 'record' } | 'member'

export interface ScrubTarget {
  table: TableName
  columns: readonly { name: string; type: ColumnType }[]
  link: RowLink
}

const text = (name: string) => ({ name, type: 'text' as const })
const jsonb = (name: string) => ({ name, type: 'jsonb' as const })

/** Columns whose matches are replaced with ERASED in place. */
export const SCRUB_PLAN: readonly ScrubTarget[] = [
  { table: 'source_records', columns: [jsonb('payload'), jsonb('provenance'), jsonb('deletion_evidence'), jsonb('normalize_issues')], link: { column: 'id', via: 'record' } },
  { table: 'canonical_records', columns: [jsonb('data')], link: { column: 'source_record_id', via: 'record' } },
  { table: 'activities', columns: [text('title'), text('body'), jsonb('attributes'), text('conversation_ref')], link: { column: 'source_record_id', via: 'record' } },
  { table: 'claims', columns: [jsonb('value')], link: { column: 'source_record_id', via: 'record' } },
  { table: 'edges', columns: [jsonb('attributes')], link: { column: 'source_record_id', via: 'record' } },
  { table: 'entity_members', columns: [jsonb('evidence')], link: { column: 'source_record_id', via: 'record' } },
  { table: 'merge_refusals', columns: [text('reason'), jsonb('details')], link: { column: 'source_record_id', via: 'record' } },
  { table: 'match_overrides', columns: [text('note')], link: { column: 'source_record_id', via: 'record' } },
  { table: 'entities', columns: [text('display_name')], link: 'member' },
  { table: 'rejected_records', columns: [text('message'), text('raw'), jsonb('location')], link: 'none' },
  { table: 'sync_runs', columns: [jsonb('error'), jsonb('input'), jsonb('counts')], link: 'none' },
  { table: 'connections', columns: [jsonb('settings')], link: 'none' },
  { table: 'api_tokens', columns: [text('name')], link: 'none' },
  { table: 'lookup_audit', columns: [text('principal')], link: 'none' },
]

/**
 * Columns erasure treats by a rule of its own (erase-person.ts): a row whose value is an identifier
 * of theirs is deleted (keys, participants), a cursor that holds one is cleared (the next sync reads
 * from the start, and suppression drops them), a token whose subject is theirs is revoked.
 */
export const RULE_COLUMNS = [
  'resolution_keys.value',
  'activity_participants.source_id',
  'import_seen.source_id',
  'sync_state.cursor',
  'api_tokens.subject',
] as const

/** Text columns that hold only names the product chose (kinds, codes, statuses) or hashes: never a person's data. */
export const CLOSED_COLUMNS = [
  'activities.kind', 'activities.status',
  'activity_participants.object_type', 'activity_participants.role', 'activity_participants.system',
  'api_tokens.id', 'api_tokens.secret_hash',
  'canonical_records.kind',
  'claims.field', 'claims.match_rule', 'claims.system',
  'connections.id', 'connections.system', 'connections.transport',
  'edges.kind',
  'entities.kind',
  'entity_members.entity_kind', 'entity_members.rule',
  'erasures.receipt',
  'import_seen.object_type',
  'lookup_audit.query_hash', 'lookup_audit.status', 'lookup_audit.surface', 'lookup_audit.tool',
  'match_overrides.action', 'match_overrides.entity_kind',
  'merge_refusals.entity_kind', 'merge_refusals.rule',
  'rejected_records.code', 'rejected_records.connection_id', 'rejected_records.object_type', 'rejected_records.system',
  'resolution_keys.entity_kind', 'resolution_keys.kind', 'resolution_keys.role',
  'source_records.connection_id', 'source_records.content_hash', 'source_records.object_type', 'source_records.resolution_signature',
  'source_records.source_id', 'source_records.system',
  'suppressions.hash', 'suppressions.kind',
  'sync_runs.connection_id', 'sync_runs.status', 'sync_runs.stream', 'sync_runs.trigger',
  'sync_state.connection_id', 'sync_state.stream',
] as const
