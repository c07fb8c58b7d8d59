/**
 * `customer-graph worker`: runs the connections' schedules on graphile-worker, with PostgreSQL as the
 * only coordinator. Start as many as the load needs against the same database: a tick is queued once
 * whatever the number of workers (graphile-worker's cron records each tick it queued), a stream's job
 * is keyed so a tick never doubles it, and a connection's jobs share one queue, so at most one of its
 * runs is active across all workers. A worker that dies is noticed by the others within seconds
 * (worker-liveness.ts) and its job runs again from the committed cursors.
 */
import { EventEmitter } from 'node:events'
import { Logger as GraphileLogger, run, type LogFunctionFactory, type WorkerEvents } from 'graphile-worker'
import type { Deps } from '../deps.ts'
import { CgError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import type { ConnectionEntry } from '../sync/connections-config.ts'
import { selectStreams } from '../sync/run-sync.ts'
import { SYNC_TASK, WORKER_SCHEMA } from './queue-names.ts'
import { cronItems, planSchedules, type ConnectionStreams, type ScheduledStream } from './schedule-plan.ts'
import { runSyncJob } from './sync-job.ts'
import { openLiveness } from './worker-liveness.ts'

export interface WorkerOptions {
  connections: Readonly<Record<string, ConnectionEntry>>
  connectionString: string
  /** Jobs this process runs at once (of different connections: one connection's jobs run one at a time). */
  concurrency: number
  /** Resolves when the worker should stop (SIGTERM): the current page commits or is dropped, then it exits. */
  stop: Promise<unknown>
  /** How often this worker looks for jobs of dead workers, and how long a job must be locked first. */
  sweepMs?: number
  graceMs?: number
  onStarted?: (plan: ScheduledStream[]) => void
}

export async function runWorker(deps: Deps, options: WorkerOptions): Promise<{ plan: ScheduledStream[] }> {
  const plan = planSchedules(await connectionStreams(deps, options.connections))
  if (plan.length === 0) {
    throw new CgError('E_CONFIG', 'no connection in the connections file has a schedule; add `schedule: "*/15 * * * *"` (cron, UTC) to the ones the worker should sync', {
      location: { path: 'connections' },
    })
  }
  const parsedCronItems = cronItems(plan)
  const liveness = await openLiveness({ connectionString: options.connectionString, schema: WORKER_SCHEMA, graceMs: options.graceMs ?? 10_000, logger: deps.logger })
  const events: WorkerEvents = new EventEmitter()
  events.on('pool:create', ({ workerPool }) => {
    liveness.claim(workerPool.id).catch((error: unknown) => deps.logger.error({ err: String(error) }, 'worker.liveness_claim_failed'))
  })
  let sweeper: NodeJS.Timeout | undefined
  try {
    const runner = await run({
      connectionString: options.connectionString,
      schema: WORKER_SCHEMA,
      concurrency: options.concurrency,
      maxPoolSize: options.concurrency + 2,
      noHandleSignals: true,
      pollInterval: 1_000,
      // On a stop, jobs in flight are told at once: their run ends after the page being committed.
      gracefulShutdownAbortTimeout: 100,
      // Batched, so that a job's completion or failure is flushed before the pool closes on a stop
      // (unbatched, a job failed by the stop may be left locked by a worker that no longer exists).
      preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
      parsedCronItems,
      events,
      logger: new GraphileLogger(graphileLogFactory(deps.logger)),
      taskList: { [SYNC_TASK]: (payload, helpers) => runSyncJob(deps, options.connections, payload, helpers) },
    })
    const sweepMs = options.sweepMs ?? 5_000
    const sweep = () => {
      liveness.sweep().catch((error: unknown) => deps.logger.warn({ err: String(error) }, 'worker.sweep_failed'))
      sweeper = setTimeout(sweep, sweepMs * (0.75 + Math.random() / 2))
    }
    sweeper = setTimeout(sweep, sweepMs)
    options.onStarted?.(plan)
    await Promise.race([options.stop, runner.promise])
    clearTimeout(sweeper)
    await runner.stop()
  } finally {
    clearTimeout(sweeper)
    await liveness.release()
  }
  return { plan }
}

/** The streams each scheduled connection syncs, in order: the connector's session knows them (opening it makes no request). */
async function connectionStreams(deps: Deps, connections: Readonly<Record<string, ConnectionEntry>>): Promise<ConnectionStreams[]> {
  const result: ConnectionStreams[] = []
  for (const entry of Object.values(connections)) {
    if (entry.schedule === undefined) continue
    const session = await entry.connector.open(entry.settings, { logger: deps.logger, connection: entry.name })
    try {
      const streams = selectStreams(session.streams, entry.streams, entry.name).map((stream) => stream.name)
      result.push({ connection: entry.name, schedule: entry.schedule, streams, retries: entry.retries })
    } finally {
      await session.close?.().catch(() => undefined)
    }
  }
  return result
}

/** graphile-worker's own messages go to the structured log. */
function graphileLogFactory(logger: Logger): LogFunctionFactory {
  return (scope) => (level, message, meta) => {
    const fields = { worker: scope.workerId, job: scope.jobId, task: scope.taskIdentifier, ...(meta?.error instanceof Error ? { err: meta.error.message } : {}) }
    if (level === 'error') logger.error(fields, `graphile-worker: ${message}`)
    else if (level === 'warning') logger.warn(fields, `graphile-worker: ${message}`)
    else if (level === 'info') logger.info(fields, `graphile-worker: ${message}`)
    else logger.debug(fields, `graphile-worker: ${message}`)
  }
}
