/**
 * One sync of one connection through its live API: opens the connector's session, then runs its
 * streams in order. Each stream resumes from its committed cursor and lands every page it reads
 * together with the cursor reached after it, in one transaction: a crash anywhere resumes with nothing
 * lost and nothing doubled. After a full pass that this run read from the start, what the pass did not
 * contain is marked deleted (with the same safety share as exports). A stream that fails stops alone;
 * the others still run. One import or sync of a connection at a time, across processes.
 */
import { loadSuppression } from '../erase/load-suppression.ts'
import type { ApiStream, StreamContext } from '../connectors/api-contract.ts'
import type { Deps } from '../deps.ts'
import { CgError, errorMessage } from '../errors.ts'
import { finishRun, startRun, withConnectionRun, type ReportedError } from '../pipeline/connection-run.ts'
import { inferDeletions, type DeletionDecision } from '../pipeline/infer-deletions.ts'
import { markDeleted } from '../pipeline/mark-deleted.ts'
import { PageWriter } from '../pipeline/page-writer.ts'
import type { RecordCounts, RunStatus, SystemName } from '../schema/database.ts'
import type { ConnectionEntry } from './connections-config.ts'
import { QuotaGovernor } from './quota-governor.ts'
import { redactSecrets, secretsIn, type Secret } from './secret.ts'
import { connectionContext, CursorExpired, RateLimitedError, realSleep } from './stream-context.ts'
import { loadCursor, saveCursor } from './sync-state.ts'

export interface SyncRequest {
  connection: ConnectionEntry
  /** Read every stream from the start, ignoring saved cursors (they are replaced as pages land). */
  full?: boolean
  trigger?: 'sync' | 'schedule'
  /** Only these streams (default: the connection's `streams`, else all of the connector's). */
  streams?: string[]
  /** How waits are slept (tests make them instant). */
  sleep?: (ms: number) => Promise<void>
  deletion?: { maxShare?: number; allowMassDelete?: boolean }
  onProgress?: (progress: SyncProgress) => void
  /**
   * Stops the run: requests in flight are abandoned, the page being read is dropped (its cursor is not
   * saved) and no further stream starts. The abort reason, a CgError, is the stream's error
   * (E_RUN_TIMEOUT for the run's time bound, E_INTERRUPTED for a worker shutting down).
   */
  signal?: AbortSignal
}

export interface SyncProgress {
  stream: string
  pages: number
  records: RecordCounts
}

export type StreamStatus = 'succeeded' | 'partial' | 'failed' | 'rescheduled'

export interface StreamReport {
  name: string
  status: StreamStatus
  /** Pages landed (each with its cursor). */
  pages: number
  records: RecordCounts
  /** Whether this run read the stream from the start (only then are deletions inferred). */
  fromStart: boolean
  deletions: DeletionDecision[]
  errors: ReportedError[]
  /** When a rate-limited stream may run again. */
  retryAt?: string
}

export interface SyncReport {
  connection: string
  system: string
  runId: number
  status: RunStatus
  streams: StreamReport[]
  records: RecordCounts
  /** An error that stopped the whole run before or between streams (credentials, settings). */
  error?: ReportedError
  durationMs: number
}

const MAX_REPORTED_ERRORS = 100
const emptyCounts = (): RecordCounts => ({ read: 0, new: 0, changed: 0, unchanged: 0, rejected: 0, deleted: 0, suppressed: 0 })

export async function runSync(deps: Deps, request: SyncRequest): Promise<SyncReport> {
  const entry = request.connection
  // A built-in system, or one a connector module brings (its name was checked when the module loaded).
  const system = entry.connector.system
  const connection = { id: entry.name, system, transport: 'api' as const, parameter: '--only' }
  return withConnectionRun(deps, connection, (locked, stored) => syncLocked(locked, request, system, stored))
}

async function syncLocked(deps: Deps, request: SyncRequest, system: SystemName, stored: Record<string, unknown>): Promise<SyncReport> {
  const entry = request.connection
  const started = deps.clock.now()
  const full = request.full ?? false
  const runId = await startRun(deps, {
    connectionId: entry.name,
    trigger: request.trigger ?? 'sync',
    ...(request.streams?.length === 1 ? { stream: request.streams[0] } : {}),
    input: { full, streams: request.streams ?? entry.streams ?? 'all' },
  })
  const secrets = secretsIn(entry.settings)
  const report: SyncReport = { connection: entry.name, system, runId, status: 'running', streams: [], records: emptyCounts(), durationMs: 0 }
  const governor = new QuotaGovernor(entry.concurrency, () => deps.clock.now().getTime())
  const sleep = request.sleep ?? realSleep
  const contextFor = (stream: string): StreamContext =>
    connectionContext(entry, session, { governor, full, sleep, clock: deps.clock, logger: deps.logger.child({ connection: entry.name, stream }), signal: request.signal })
  const session = await entry.connector.open(entry.settings, { logger: deps.logger, connection: entry.name })
  try {
    const streams = selectStreams(session.streams, request.streams ?? entry.streams, entry.name)
    const learned = (await session.normalizeSettings?.(contextFor('settings'))) ?? {}
    const settings = { ...stored, ...learned }
    // Kept with the connection, so that an export imported under it later is read the same way.
    if (JSON.stringify(settings) !== JSON.stringify(stored)) {
      await deps.db.updateTable('connections').set({ settings: JSON.stringify(settings), updated_at: deps.clock.now() }).where('id', '=', entry.name).execute()
    }
    for (const stream of streams) {
      request.signal?.throwIfAborted()
      const previous = report.records
      const streamReport = await syncStream(deps, { request, system, runId, settings, secrets, stream, context: () => contextFor(stream.name), previous })
      report.streams.push(streamReport)
      report.records = sumCounts(previous, streamReport.records)
    }
  } catch (error) {
    report.error = reportedError(error, secrets, { path: `connections.${entry.name}` })
  } finally {
    await session.close?.().catch(() => undefined)
    report.status = runStatus(report)
    report.durationMs = deps.clock.now().getTime() - started.getTime()
    await finishRun(deps, { runId, status: report.status, counts: report.records, fatal: report.error ?? report.streams.find((stream) => stream.status === 'failed')?.errors.at(-1) })
  }
  return report
}

interface StreamRun {
  request: SyncRequest
  system: SystemName
  runId: number
  settings: Record<string, unknown>
  secrets: readonly Secret[]
  stream: ApiStream
  /** A fresh context per read: a re-read after an expired cursor starts with a clean pagination guard. */
  context: () => StreamContext
  /** The run's counts before this stream, so that sync_runs.counts stays the run's total. */
  previous: RecordCounts
}

async function syncStream(deps: Deps, run: StreamRun): Promise<StreamReport> {
  const { request, stream, runId } = run
  const entry = request.connection
  const report: StreamReport = { name: stream.name, status: 'succeeded', pages: 0, records: emptyCounts(), fromStart: false, deletions: [], errors: [] }
  const note = (error: ReportedError) => {
    if (report.errors.length < MAX_REPORTED_ERRORS) report.errors.push(error)
  }
  const writer = new PageWriter(deps, {
    suppression: await loadSuppression(deps.db),
    runId,
    connectionId: entry.name,
    system: run.system,
    normalize: (record, context) => entry.connector.normalize(record, context),
    settings: run.settings,
    repeats: 'replace',
    onLanded: async (trx, counts) => {
      await trx.updateTable('sync_runs').set({ counts: JSON.stringify(sumCounts(run.previous, counts)) }).where('id', '=', runId).execute()
    },
  })
  const complete = new Set<string>()
  const rejectedTypes = new Set<string>()
  /** Records the source stated deleted by id (StreamPage.deletions). */
  let stated = 0
  try {
    let cursor = request.full ? null : await loadCursor(deps.db, entry.name, stream)
    let expired = false
    for (;;) {
      report.fromStart = cursor === null
      try {
        for await (const page of stream.read(run.context(), cursor)) {
          for (const record of page.records) writer.add(record)
          for (const reject of page.rejects ?? []) writer.reject(reject)
          // Set, not added to, inside: the writer may run the commit again after a failed attempt.
          let markedInPage = 0
          const rejects = await writer.flush(async (trx) => {
            markedInPage = await markDeleted(trx, { system: run.system, connectionId: entry.name, runId, now: deps.clock.now(), deletions: page.deletions ?? [] })
            await saveCursor(trx, entry.name, stream.name, page.cursor, runId)
          })
          stated += markedInPage
          for (const reject of rejects) {
            if (reject.objectType) rejectedTypes.add(reject.objectType)
            note({ code: reject.code, location: reject.location, message: redactSecrets(reject.message, run.secrets) })
          }
          for (const objectType of page.complete ?? []) complete.add(objectType)
          report.pages++
          report.records = writer.counts
          request.onProgress?.({ stream: stream.name, pages: report.pages, records: report.records })
          // Between pages, after the commit: a stop never leaves half a page.
          request.signal?.throwIfAborted()
        }
        break
      } catch (error) {
        // An expired sync token means a full resync, once: the source said so, nothing is lost.
        if (!(error instanceof CursorExpired) || expired) throw error
        expired = true
        deps.logger.warn({ connection: entry.name, stream: stream.name, reason: error.message }, 'sync.cursor_expired')
        note({ code: 'W_CURSOR_EXPIRED', location: { endpoint: error.what }, message: `${error.message}; read the stream again from the start` })
        cursor = null
      }
    }
    if (report.fromStart) await inferStreamDeletions(deps, run, report, [...complete].filter((type) => !rejectedTypes.has(type)).sort(), note)
    if (report.errors.some((error) => error.code.startsWith('E_'))) report.status = 'partial'
  } catch (error) {
    report.status = error instanceof RateLimitedError ? 'rescheduled' : 'failed'
    if (error instanceof RateLimitedError) report.retryAt = error.retryAt.toISOString()
    note(reportedError(error, run.secrets, { endpoint: stream.name }))
    deps.logger.error({ connection: entry.name, stream: stream.name, code: report.errors.at(-1)?.code }, 'sync.stream_failed')
  }
  // What the pages landed, plus the deletions the source stated by id and those the complete pass inferred.
  const inferredDeleted = report.deletions.reduce((sum, decision) => sum + (decision.applied ? decision.missing : 0), 0)
  report.records = { ...writer.counts, deleted: writer.counts.deleted + stated + inferredDeleted }
  return report
}

/** After a full pass read from the start in this run: what it did not contain is gone from the source. */
async function inferStreamDeletions(deps: Deps, run: StreamRun, report: StreamReport, objectTypes: string[], note: (error: ReportedError) => void): Promise<void> {
  const maxShare = run.request.deletion?.maxShare ?? 0.1
  for (const objectType of objectTypes) {
    const decision = await deps.db.transaction().execute((trx) =>
      inferDeletions(trx, {
        system: run.system,
        connectionId: run.request.connection.name,
        objectType,
        runId: run.runId,
        now: deps.clock.now(),
        maxShare,
        allowMassDelete: run.request.deletion?.allowMassDelete ?? false,
      }),
    )
    report.deletions.push(decision)
    if (!decision.applied && decision.missing > 0) {
      note({
        code: 'E_MASS_DELETE',
        location: { endpoint: run.stream.name },
        message: `${objectType}: ${decision.missing} of ${decision.live} live records are missing from this complete read, more than the ${Math.round(maxShare * 100)}% allowed, so none were marked deleted`,
      })
    }
  }
}

/** The streams to run, in the connector's order with each after the ones it names in `after`. */
export function selectStreams(all: readonly ApiStream[], only: readonly string[] | undefined, connection: string): ApiStream[] {
  const names = all.map((stream) => stream.name)
  const unknown = (only ?? []).filter((name) => !names.includes(name))
  if (unknown.length > 0) {
    throw new CgError('E_CONFIG', `connection "${connection}" has no stream ${unknown.map((name) => `"${name}"`).join(', ')}; its streams are ${names.join(', ')}`, {
      location: { path: `connections.${connection}.streams` },
    })
  }
  const chosen = all.filter((stream) => !only || only.includes(stream.name))
  const ordered: ApiStream[] = []
  const visit = (stream: ApiStream, path: string[]) => {
    if (ordered.includes(stream)) return
    if (path.includes(stream.name)) throw new CgError('E_INTERNAL', `streams ${[...path, stream.name].join(' → ')} wait for each other`)
    for (const name of stream.after ?? []) {
      const before = chosen.find((candidate) => candidate.name === name)
      if (before) visit(before, [...path, stream.name])
    }
    ordered.push(stream)
  }
  for (const stream of chosen) visit(stream, [])
  return ordered
}

function runStatus(report: SyncReport): RunStatus {
  // A worker shutting down stopped it between pages: another run resumes from the committed cursors.
  if ([report.error, ...report.streams.flatMap((stream) => stream.errors)].some((error) => error?.code === 'E_INTERRUPTED')) return 'abandoned'
  if (report.error) return 'failed'
  if (report.streams.length > 0 && report.streams.every((stream) => stream.status === 'failed')) return 'failed'
  return report.streams.every((stream) => stream.status === 'succeeded') ? 'succeeded' : 'partial'
}

/** What stopped a stream or the run, secrets redacted; `retryable` when running it again later may succeed. */
function reportedError(error: unknown, secrets: readonly Secret[], fallback: ReportedError['location']): ReportedError {
  if (error instanceof CursorExpired) return { code: 'E_SOURCE', location: { endpoint: error.what }, message: redactSecrets(`${error.message}, again right after a full resync`, secrets), retryable: false }
  if (error instanceof CgError) return { code: error.code, location: error.location ?? fallback, message: redactSecrets(error.message, secrets), retryable: error.retryable }
  // Not one of ours: a lost database connection, a socket error the connector did not classify.
  return { code: 'E_INTERNAL', location: fallback, message: redactSecrets(`the sync stopped unexpectedly: ${errorMessage(error)}`, secrets), retryable: true }
}

function sumCounts(a: RecordCounts, b: RecordCounts): RecordCounts {
  return {
    read: a.read + b.read,
    new: a.new + b.new,
    changed: a.changed + b.changed,
    unchanged: a.unchanged + b.unchanged,
    rejected: a.rejected + b.rejected,
    deleted: a.deleted + b.deleted,
    suppressed: a.suppressed + b.suppressed,
  }
}
