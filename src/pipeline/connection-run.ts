/**
 * What every import and sync of a connection shares: the connection's row, the lock that lets one run
 * at a time across processes, and the run's row in sync_runs (started, counted, finished).
 */
import { sql, type Kysely } from 'kysely'
import type { Deps } from '../deps.ts'
import { CgError, type ErrorLocation } from '../errors.ts'
import type { DB, RecordCounts, RunStatus, SystemName } from '../schema/database.ts'
import { storableJson } from './storable.ts'

export interface ReportedError {
  code: string
  location: ErrorLocation
  message: string
  /** Whether running it again later may succeed (a source down); false for what needs a person (credentials, settings). */
  retryable?: boolean
}

/**
 * Runs `work` holding the connection's lock, on one connection of the pool (the advisory lock is a
 * session lock), after marking the runs of processes that died as abandoned. A second run of the same
 * connection stops at once with E_ALREADY_RUNNING.
 */
export async function withConnectionRun<T>(
  deps: Deps,
  connection: { id: string; system: SystemName; transport: 'export' | 'api'; parameter: string },
  work: (deps: Deps, storedSettings: Record<string, unknown>) => Promise<T>,
): Promise<T> {
  return deps.db.connection().execute(async (db) => {
    const settings = await ensureConnection(db, connection)
    await lockConnection(db, connection.id, connection.parameter, `wait for it to finish, or use another ${connection.parameter}`)
    try {
      await abandonDeadRuns(db, connection.id, deps.clock.now())
      return await work({ ...deps, db }, settings)
    } finally {
      await sql`select pg_advisory_unlock(hashtext(${lockName(connection.id)}))`.execute(db)
    }
  })
}

/**
 * Runs `work` on one connection of the pool holding the lock of every connection there is, so that no
 * import or sync runs meanwhile (erasure); E_ALREADY_RUNNING when one is running.
 */
export async function withEveryConnectionLocked<T>(deps: Deps, work: (db: Kysely<DB>) => Promise<T>): Promise<T> {
  return deps.db.connection().execute(async (db) => {
    const connections = await db.selectFrom('connections').select('id').orderBy('id').execute()
    const held: string[] = []
    try {
      for (const connection of connections) {
        await lockConnection(db, connection.id, 'subject', 'try again when it has finished')
        held.push(connection.id)
      }
      return await work(db)
    } finally {
      for (const id of held) await sql`select pg_advisory_unlock(hashtext(${lockName(id)}))`.execute(db)
    }
  })
}

async function ensureConnection(db: Kysely<DB>, connection: { id: string; system: SystemName; transport: 'export' | 'api'; parameter: string }): Promise<Record<string, unknown>> {
  await db
    .insertInto('connections')
    .values({ id: connection.id, system: connection.system, transport: connection.transport })
    .onConflict((conflict) => conflict.column('id').doNothing())
    .execute()
  const stored = await db.selectFrom('connections').select(['system', 'settings']).where('id', '=', connection.id).executeTakeFirstOrThrow()
  if (stored.system !== connection.system) {
    throw new CgError('E_CONFIG', `connection "${connection.id}" belongs to ${stored.system}, not ${connection.system}; choose another ${connection.parameter} name`, {
      location: { parameter: connection.parameter },
    })
  }
  return stored.settings
}

const lockName = (connectionId: string) => `customer-graph:run:${connectionId}`

/** Takes the connection's lock, or stops with E_ALREADY_RUNNING naming the run that holds it and what to do (`advice`). */
async function lockConnection(db: Kysely<DB>, connectionId: string, parameter: string, advice: string): Promise<void> {
  const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(hashtext(${lockName(connectionId)})) as locked`.execute(db)
  if (rows[0]?.locked) return
  const running = await db.selectFrom('sync_runs').select('id').where('connection_id', '=', connectionId).where('status', '=', 'running').orderBy('id', 'desc').executeTakeFirst()
  throw new CgError(
    'E_ALREADY_RUNNING',
    `connection "${connectionId}" is being imported or synced by another process${running ? ` (run ${running.id})` : ''}; ${advice}`,
    { retryable: true, location: { parameter } },
  )
}

/** With the connection's lock held, a run still marked running belongs to a process that died. */
async function abandonDeadRuns(db: Kysely<DB>, connectionId: string, now: Date): Promise<void> {
  const dead = await db
    .updateTable('sync_runs')
    .set({ status: 'abandoned', finished_at: now })
    .where('connection_id', '=', connectionId)
    .where('status', '=', 'running')
    .returning('id')
    .execute()
  if (dead.length > 0) await db.deleteFrom('import_seen').where('run_id', 'in', dead.map((run) => run.id)).execute()
}

export async function startRun(deps: Deps, run: { connectionId: string; trigger: 'import' | 'sync' | 'schedule'; stream?: string; input: Record<string, unknown> }): Promise<number> {
  const row = await deps.db
    .insertInto('sync_runs')
    .values({
      connection_id: run.connectionId,
      trigger: run.trigger,
      stream: run.stream ?? null,
      status: 'running',
      started_at: deps.clock.now(),
      input: JSON.stringify(storableJson(run.input)),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/** Ends the run with its status and counts, and forgets which ids it saw (kept only for deletions). */
export async function finishRun(deps: Deps, run: { runId: number; status: RunStatus; counts: RecordCounts; fatal: ReportedError | undefined }): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('sync_runs')
      .set({
        status: run.status,
        finished_at: deps.clock.now(),
        counts: JSON.stringify(run.counts),
        error: run.fatal ? JSON.stringify(storableJson(run.fatal)) : null,
      })
      .where('id', '=', run.runId)
      .execute()
    await trx.deleteFrom('import_seen').where('run_id', '=', run.runId).execute()
  })
}
