/**
 * Deletions a source states by id alone (Salesforce's delete log naming a record emptied from the
 * recycle bin): the connection's landed copy of each record is marked deleted, soft and with the
 * source's reason, and keeps the content it last had, so explain and the claims still say what it
 * was. An id this connection never landed, or already marked deleted, changes nothing. Queued for
 * resolution in the same transaction, like every other change.
 */
import { sql, type Transaction } from 'kysely'
import type { StatedDeletion } from '../connectors/api-contract.ts'
import type { DB, SystemName } from '../schema/database.ts'

export async function markDeleted(
  trx: Transaction<DB>,
  options: { system: SystemName; connectionId: string; runId: number; now: Date; deletions: readonly StatedDeletion[] },
): Promise<number> {
  if (options.deletions.length === 0) return 0
  const rows = options.deletions.map((deletion) => ({ object_type: deletion.objectType, source_id: deletion.sourceId, reason: deletion.reason, deleted_at: deletion.deletedAt ?? null }))
  const { rows: marked } = await sql<{ count: number }>`
    with gone as (
      update source_records s
      set deleted_at = ${options.now},
          deletion_evidence = jsonb_strip_nulls(jsonb_build_object('reason', d.reason, 'run_id', ${options.runId}::bigint, 'source_deleted_at', d.deleted_at)),
          last_changed_at = ${options.now}, last_run_id = ${options.runId}, resolution_signature = null
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as d(object_type text, source_id text, reason text, deleted_at text)
      where s.system = ${options.system} and s.connection_id = ${options.connectionId}
        and s.object_type = d.object_type and s.source_id = d.source_id and s.deleted_at is null
      returning s.id),
    queued as (insert into resolution_pending (source_record_id) select id from gone
      on conflict (source_record_id) do update set identity_changed = true)
    select count(*)::int as count from gone`.execute(trx)
  return marked[0]?.count ?? 0
}
