import { sql, type Transaction } from 'kysely'
import type { DB, SystemName } from '../schema/database.ts'

export interface DeletionDecision {
  objectType: string
  /** Live records of this type before the run. */
  live: number
  /** Live records this complete read did not contain. */
  missing: number
  /** Whether they were marked deleted; false when the share was over the limit. */
  applied: boolean
}

/**
 * After an error-free complete read of one object type, marks the live records the read did not
 * contain as deleted (soft, with evidence). Only records this connection last wrote: a connection is
 * one org or workspace, and its export says nothing about another's records of the same system. Refuses when more than `maxShare` of the live records would
 * go, unless allowed: a truncated or wrong export must not wipe the graph.
 */
export async function inferDeletions(
  trx: Transaction<DB>,
  options: { system: SystemName; connectionId: string; objectType: string; runId: number; now: Date; maxShare: number; allowMassDelete: boolean },
): Promise<DeletionDecision> {
  const { system, connectionId, objectType, runId } = options
  // "Live" means live before this run: records it just added are all seen, and counting them would
  // let an export padded with new ids pass the share check while it drops most of the old ones.
  const { rows } = await sql<{ live: number; missing: number }>`
    select count(*) filter (where s.first_run_id is distinct from ${runId})::int as live,
           count(*) filter (where not exists (
             select 1 from import_seen i where i.run_id = ${runId} and i.object_type = s.object_type and i.source_id = s.source_id
           ))::int as missing
    from source_records s
    where s.system = ${system} and s.connection_id = ${connectionId} and s.object_type = ${objectType} and s.deleted_at is null and not s.inferred`.execute(trx)
  const { live, missing } = rows[0] ?? { live: 0, missing: 0 }
  const decision: DeletionDecision = { objectType, live, missing, applied: false }
  if (missing === 0) return decision
  if (missing / live > options.maxShare && !options.allowMassDelete) return decision

  const evidence = JSON.stringify({ reason: 'missing_from_complete_export', run_id: runId })
  // The deleted records leave their entities: queued for resolution in the same transaction.
  await sql`
    with deleted as (
    update source_records s
    set deleted_at = ${options.now}, deletion_evidence = ${evidence}::jsonb, last_changed_at = ${options.now}, last_run_id = ${runId},
      resolution_signature = null
    where s.system = ${system} and s.connection_id = ${connectionId} and s.object_type = ${objectType} and s.deleted_at is null and not s.inferred
      and not exists (
        select 1 from import_seen i where i.run_id = ${runId} and i.object_type = s.object_type and i.source_id = s.source_id
      )
    returning s.id)
    insert into resolution_pending (source_record_id) select id from deleted
    on conflict (source_record_id) do update set identity_changed = true`.execute(trx)
  return { ...decision, applied: true }
}
