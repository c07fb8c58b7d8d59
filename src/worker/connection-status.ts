/**
 * What `status` and `runs` show about syncing: each connection's schedule, last run (result, counts,
 * duration, the reason of a failure), next run, freshness (when it last finished well) and backlog
 * (its jobs waiting or retrying in the worker's queue), and the run history. Read-only queries over
 * sync_runs and, on a server where a worker ran, graphile-worker's public `jobs` view.
 */
import { sql, type Kysely } from 'kysely'
import type { ParsedCronItem } from 'graphile-worker'
import type { DB, RecordCounts, RunStatus } from '../schema/database.ts'
import { queueOf, WORKER_SCHEMA } from './queue-names.ts'

export interface RunRow {
  id: number
  connection: string
  stream: string | null
  trigger: string
  status: RunStatus
  startedAt: string
  finishedAt: string | null
  durationMs: number | null
  counts: Partial<RecordCounts>
  error: { code: string; message: string } | null
}

export interface ConnectionStatus {
  connection: string
  system: string
  transport: 'export' | 'api'
  /** From the connections file: cron per stream (UTC); null when it has none or is not in the file. */
  schedule: Record<string, string> | null
  lastRun: RunRow | null
  /** When a run of it last finished succeeded or partial; null when none has. */
  freshAt: string | null
  freshnessSeconds: number | null
  /** The next tick of its schedule (the earliest over its streams). */
  nextRunAt: string | null
  backlog: { waiting: number; retrying: number; running: number; nextAttemptAt: string | null; lastError: string | null } | null
}

export async function listRuns(db: Kysely<DB>, options: { connection?: string; limit: number }): Promise<RunRow[]> {
  let query = db.selectFrom('sync_runs').selectAll().orderBy('id', 'desc').limit(options.limit)
  if (options.connection !== undefined) query = query.where('connection_id', '=', options.connection)
  return (await query.execute()).map(runRow)
}

function runRow(row: {
  id: number
  connection_id: string
  stream: string | null
  trigger: string
  status: RunStatus
  started_at: Date
  finished_at: Date | null
  counts: Partial<RecordCounts>
  error: unknown
}): RunRow {
  const error = row.error as { code?: string; message?: string } | null
  return {
    id: Number(row.id),
    connection: row.connection_id,
    stream: row.stream,
    trigger: row.trigger,
    status: row.status,
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    durationMs: row.finished_at ? row.finished_at.getTime() - row.started_at.getTime() : null,
    counts: row.counts,
    error: error?.code ? { code: error.code, message: error.message ?? '' } : null,
  }
}

export async function connectionStatuses(
  db: Kysely<DB>,
  options: { now: Date; schedules: ReadonlyMap<string, { crons: Record<string, string>; parsed: ParsedCronItem[] }>; nextTick: (item: ParsedCronItem, from: Date) => Date | undefined },
): Promise<ConnectionStatus[]> {
  const connections = await db.selectFrom('connections').select(['id', 'system', 'transport']).orderBy('id').execute()
  const latest = await sql<Parameters<typeof runRow>[0]>`
    select distinct on (connection_id) * from sync_runs order by connection_id, id desc`.execute(db)
  const fresh = await db
    .selectFrom('sync_runs')
    .select(['connection_id', (eb) => eb.fn.max('finished_at').as('fresh_at')])
    .where('status', 'in', ['succeeded', 'partial'])
    .groupBy('connection_id')
    .execute()
  const backlog = await queueBacklog(db)
  const names = new Set([...connections.map((row) => row.id), ...options.schedules.keys()])
  return [...names].sort().map((name) => {
    const row = connections.find((candidate) => candidate.id === name)
    const last = latest.rows.find((candidate) => candidate.connection_id === name)
    const freshAt = fresh.find((candidate) => candidate.connection_id === name)?.fresh_at ?? null
    const schedule = options.schedules.get(name)
    const ticks = (schedule?.parsed ?? []).map((item) => options.nextTick(item, options.now)).filter((tick): tick is Date => tick !== undefined)
    const freshDate = freshAt === null ? null : new Date(freshAt)
    return {
      connection: name,
      system: row?.system ?? 'unknown',
      transport: row?.transport ?? 'api',
      schedule: schedule?.crons ?? null,
      lastRun: last ? runRow(last) : null,
      freshAt: freshDate?.toISOString() ?? null,
      freshnessSeconds: freshDate ? Math.round((options.now.getTime() - freshDate.getTime()) / 1000) : null,
      nextRunAt: ticks.length > 0 ? new Date(Math.min(...ticks.map((tick) => tick.getTime()))).toISOString() : null,
      backlog: backlog ? (backlog.get(queueOf(name)) ?? { waiting: 0, retrying: 0, running: 0, nextAttemptAt: null, lastError: null }) : null,
    }
  })
}

/** Jobs per connection queue, when a worker has created its schema (WORKER_SCHEMA) here; never on the embedded database. */
async function queueBacklog(db: Kysely<DB>): Promise<Map<string, NonNullable<ConnectionStatus['backlog']>> | null> {
  const { rows: present } = await sql<{ present: boolean }>`select to_regclass(${`${WORKER_SCHEMA}.jobs`}) is not null as present`.execute(db)
  if (!present[0]?.present) return null
  const { rows } = await sql<{ queue_name: string; waiting: number; retrying: number; running: number; next_attempt_at: Date | null; last_error: string | null }>`
    select queue_name,
      count(*) filter (where locked_at is null and attempts = 0)::int as waiting,
      count(*) filter (where locked_at is null and attempts > 0 and attempts < max_attempts)::int as retrying,
      count(*) filter (where locked_at is not null)::int as running,
      min(run_at) filter (where locked_at is null and attempts < max_attempts) as next_attempt_at,
      (array_agg(last_error order by updated_at desc) filter (where last_error is not null))[1] as last_error
    from graphile_worker.jobs
    where queue_name like 'sync:%'
    group by queue_name`.execute(db)
  return new Map(
    rows.map((row) => [
      row.queue_name,
      { waiting: row.waiting, retrying: row.retrying, running: row.running, nextAttemptAt: row.next_attempt_at ? new Date(row.next_attempt_at).toISOString() : null, lastError: row.last_error },
    ]),
  )
}
