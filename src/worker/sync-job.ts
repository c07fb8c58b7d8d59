/**
 * One scheduled job: sync one stream of one connection, within the connection's run time bound, and
 * tell graphile-worker what became of it:
 * - done (succeeded, partial, or failed for a reason retrying cannot fix: credentials, settings, a
 *   saved cursor that does not parse, a run that hit its time bound) — the job completes; the failure
 *   and its reason stay in sync_runs, where `status` and `runs` show them;
 * - failed for a passing reason (the source down, a lost connection, another run of the connection
 *   in progress, the worker shutting down) — the job throws, and graphile-worker runs it again with
 *   exponential backoff, up to the connection's `retries`;
 * - rate limited past the wait cap — the job completes and a new one is queued for when the source
 *   said to come back;
 * - for a connection this worker's connections file does not name — retried, for a worker that does.
 */
import type { JobHelpers } from 'graphile-worker'
import type { Deps } from '../deps.ts'
import { CgError } from '../errors.ts'
import type { ReportedError } from '../pipeline/connection-run.ts'
import type { ConnectionEntry } from '../sync/connections-config.ts'
import { runSync, type SyncReport } from '../sync/run-sync.ts'
import { SYNC_TASK, syncJobSpec, type SyncJobPayload } from './queue-names.ts'

type SyncJobOutcome =
  /** No report when the run could not start (the connection belongs to another system). */
  | { kind: 'done'; report?: SyncReport; failure?: ReportedError }
  | { kind: 'retry'; reason: string }
  | { kind: 'rescheduled'; report: SyncReport; at: Date }

/** Thrown to graphile-worker so that it retries the job with backoff; the message lands in the job's last_error. */
class RetryLater extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RetryLater'
  }
}

export async function runSyncJob(deps: Deps, connections: Readonly<Record<string, ConnectionEntry>>, payload: unknown, helpers: JobHelpers): Promise<void> {
  const { connection, stream } = payload as SyncJobPayload
  const entry = connections[connection]
  const log = deps.logger.child({ job: helpers.job.id, attempt: helpers.job.attempts, connection, stream })
  if (!entry) {
    // Another worker's connections file names it (a rolling deploy): retried, so one that knows the
    // connection runs it; if none does, it fails for good after its attempts, and status shows why.
    const reason = `E_CONFIG connection "${connection}" is not in this worker's connections file`
    log.error({ code: 'E_CONFIG' }, 'worker.job_unknown_connection')
    throw new RetryLater(reason)
  }
  const outcome = await syncWithinBound(deps, entry, stream, helpers.abortSignal)
  switch (outcome.kind) {
    case 'done':
      if (outcome.failure) log.error({ runId: outcome.report?.runId, code: outcome.failure.code, message: outcome.failure.message }, 'worker.job_failed_for_good')
      else log.info({ runId: outcome.report?.runId, status: outcome.report?.status, records: outcome.report?.records }, 'worker.job_done')
      return
    case 'rescheduled':
      // The running job still holds the key: graphile-worker gives this one a new job of its own.
      await helpers.addJob(SYNC_TASK, { connection, stream } satisfies SyncJobPayload, {
        ...syncJobSpec(connection, stream, { priority: helpers.job.priority, maxAttempts: entry.retries + 1 }),
        runAt: outcome.at,
      })
      log.warn({ runId: outcome.report.runId, retryAt: outcome.at.toISOString() }, 'worker.job_rescheduled')
      return
    case 'retry':
      log.warn({ reason: outcome.reason }, 'worker.job_retry')
      throw new RetryLater(outcome.reason)
  }
}

/** Runs the sync with a stop signal for the run's time bound and the worker's shutdown, and classifies the result. */
async function syncWithinBound(deps: Deps, entry: ConnectionEntry, stream: string, shutdown: AbortSignal): Promise<SyncJobOutcome> {
  const stop = new AbortController()
  const interrupt = () => stop.abort(new CgError('E_INTERRUPTED', `${entry.name}: the worker is shutting down; the run stopped after its last committed page and runs again from there`, { retryable: true }))
  shutdown.addEventListener('abort', interrupt, { once: true })
  const seconds = Math.round(entry.runTimeoutMs / 1000)
  const timer = setTimeout(
    () => stop.abort(new CgError('E_RUN_TIMEOUT', `${entry.name}: ${stream} was still running after ${seconds} s (runTimeoutMs); stopped and marked failed, the next run resumes from the last committed page`, { location: { endpoint: stream } })),
    entry.runTimeoutMs,
  )
  try {
    if (shutdown.aborted) interrupt()
    const report = await runSync(deps, { connection: entry, streams: [stream], trigger: 'schedule', signal: stop.signal })
    return classify(report)
  } catch (error) {
    // Before the run started: another run of the connection holds it, or the database is unreachable.
    if (error instanceof CgError && !error.retryable) return { kind: 'done', failure: { code: error.code, location: error.location ?? { endpoint: stream }, message: error.message, retryable: false } }
    return { kind: 'retry', reason: error instanceof CgError ? `${error.code} ${error.message}` : `E_INTERNAL ${error instanceof Error ? error.message : String(error)}` }
  } finally {
    clearTimeout(timer)
    shutdown.removeEventListener('abort', interrupt)
  }
}

function classify(report: SyncReport): SyncJobOutcome {
  const streamReport = report.streams[0]
  const failure = report.error ?? (streamReport?.status === 'failed' ? streamReport.errors.at(-1) : undefined)
  if (streamReport?.status === 'rescheduled' && streamReport.retryAt) return { kind: 'rescheduled', report, at: new Date(streamReport.retryAt) }
  if (failure?.retryable) return { kind: 'retry', reason: `${failure.code} ${failure.message}` }
  return failure ? { kind: 'done', report, failure } : { kind: 'done', report }
}
