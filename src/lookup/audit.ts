/**
 * Every lookup call leaves one row in lookup_audit: who asked, through which surface and tool, a hash
 * of the query (never the query itself: it may be personal data), the status or error code, the
 * entities returned, and the size and time of the answer.
 */
import { createHash } from 'node:crypto'
import { sql } from 'kysely'
import { isCgError } from '../errors.ts'
import type { Deps } from '../deps.ts'
import type { Principal } from './lookup-schema.ts'

export interface AuditedAnswer<T> {
  result: T
  status: string
  entityIds: string[]
}

export type LookupTool = 'find_customer' | 'customer_profile' | 'customer_activity'

export async function audited<T>(deps: Deps, principal: Principal, tool: LookupTool, input: unknown, answer: () => Promise<AuditedAnswer<T>>): Promise<T> {
  const started = performance.now()
  let outcome: AuditedAnswer<T> | undefined
  let failure: unknown
  try {
    outcome = await answer()
  } catch (error) {
    failure = error
  }
  const status = outcome?.status ?? (isCgError(failure) ? failure.code : 'E_INTERNAL')
  // Committed without waiting for the WAL flush: the row is on disk within a fraction of a second
  // unless the database server itself crashes, and every lookup stops paying a flush for it.
  await sql`/* prepared */ with async_commit as (select set_config('synchronous_commit', 'off', true))
    insert into lookup_audit (at, principal, surface, tool, query_hash, status, entity_ids, response_bytes, latency_ms)
    select ${deps.clock.now()}, ${principal.id}, ${principal.surface}, ${tool}, ${queryHash(input)}, ${status},
      ${outcome?.entityIds ?? []}::uuid[], ${outcome ? Buffer.byteLength(JSON.stringify(outcome.result)) : 0}, ${Math.round((performance.now() - started) * 100) / 100}
    from async_commit`.execute(deps.db)
  if (outcome === undefined) throw failure
  return outcome.result
}

/** SHA-256 of what was asked, normalised (trimmed, lower-cased query; the rest as sent). */
export function queryHash(input: unknown): string {
  const value = input !== null && typeof input === 'object' ? (input as Record<string, unknown>) : { query: input }
  const query = typeof value.query === 'string' ? value.query.trim().toLowerCase() : null
  const asked = query === null ? value.handle ?? value.entity_id ?? null : query
  return createHash('sha256').update(JSON.stringify(asked ?? null)).digest('hex')
}
