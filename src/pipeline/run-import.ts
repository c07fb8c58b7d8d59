import { sql } from 'kysely'
import { loadSuppression } from '../erase/load-suppression.ts'
import type { ExportConnector, ExportSource, InputLocation } from '../connectors/types.ts'
import type { Deps } from '../deps.ts'
import { CgError, errorMessage, type ErrorLocation } from '../errors.ts'
import type { RecordCounts, RunStatus, SystemName } from '../schema/database.ts'
import { finishRun, startRun, withConnectionRun, type ReportedError } from './connection-run.ts'
import { inferDeletions, type DeletionDecision } from './infer-deletions.ts'
import { fingerprintExport } from './export-fingerprint.ts'
import { SEEN_REFRESH_MS } from './land-page.ts'
import { PageWriter } from './page-writer.ts'

export interface ImportRequest {
  connector: ExportConnector
  /** The path as the user gave it, for the report and the run's input. */
  path: string
  /** Opens the export; called inside the run, so an unreadable input is reported like any failure. */
  openSource: () => Promise<ExportSource>
  /** Connection the records belong to (one org, workspace or tenant); default `<system>-export`. */
  connectionId?: string
  /** Connector read options, e.g. a Workday column mapping. */
  readOptions?: Record<string, unknown>
  /** Settings the normaliser sees (merged over the connection's stored settings). */
  settings?: Record<string, unknown>
  deletion?: {
    /** False for an export known to be partial: then nothing is inferred deleted. */
    enabled?: boolean
    /** Largest share of live records one read may mark deleted without allowMassDelete. */
    maxShare?: number
    allowMassDelete?: boolean
  }
  /** Records (and rejects) per committed page. */
  pageSize?: number
  /** Read every record even when the export is identical to the one the last import of the connection read. */
  reread?: boolean
  onProgress?: (progress: ImportProgress) => void
}

export interface ImportProgress {
  records: RecordCounts
}

export type { ReportedError } from './connection-run.ts'

export interface ImportReport {
  system: SystemName
  connection: string
  runId: number
  status: RunStatus
  path: string
  records: RecordCounts
  errors: ReportedError[]
  /** Errors beyond the first MAX_REPORTED_ERRORS: counted, and all kept in rejected_records. */
  errorsOmitted: number
  skipped: { location: InputLocation; reason: string }[]
  deletions: DeletionDecision[]
  durationMs: number
  /**
   * The export is byte for byte the one the connection's last run imported successfully, with the same
   * settings: that run's id. Nothing was read or written (but last_seen_at, once a day).
   */
  unchangedSince?: number
}

const DEFAULT_PAGE_SIZE = 2000
const MAX_REPORTED_ERRORS = 1000

/**
 * Imports one export: reads it through the connector, lands it page by page (each page with the run's
 * progress in one transaction), then, after an error-free complete read of an object type, marks what
 * the export no longer contains as deleted. A crash loses nothing: a rerun lands the same records again,
 * skipping unchanged ones by hash. One run per connection at a time, across processes.
 */
export async function runImport(deps: Deps, request: ImportRequest): Promise<ImportReport> {
  const system = request.connector.system
  const connection = { id: request.connectionId ?? `${system}-export`, system, transport: 'export' as const, parameter: '--connection' }
  return withConnectionRun(deps, connection, (locked, stored) => importLocked(locked, request, connection.id, { ...stored, ...request.settings }))
}

async function importLocked(deps: Deps, request: ImportRequest, connectionId: string, settings: Record<string, unknown>): Promise<ImportReport> {
  const { connector } = request
  const system = connector.system
  const started = deps.clock.now()
  const fingerprint = await fingerprintOf(request, settings)
  const unchanged = fingerprint && !request.reread ? await lastImportOf(deps, connectionId, fingerprint) : undefined
  const runId = await startRun(deps, { connectionId, trigger: 'import', input: { path: request.path, ...(fingerprint ? { fingerprint } : {}) } })
  const report: ImportReport = {
    system,
    connection: connectionId,
    runId,
    status: 'running',
    path: request.path,
    records: { read: 0, new: 0, changed: 0, unchanged: 0, rejected: 0, deleted: 0, suppressed: 0 },
    errors: [],
    errorsOmitted: 0,
    skipped: [],
    deletions: [],
    durationMs: 0,
  }
  if (unchanged) return finishUnchanged(deps, report, unchanged, started)
  const noteError = (error: ReportedError) => {
    if (report.errors.length < MAX_REPORTED_ERRORS) report.errors.push(error)
    else report.errorsOmitted++
  }
  const completeTypes = new Set<string>()
  const rejectedTypes = new Set<string>()
  const writer = new PageWriter(deps, {
    suppression: await loadSuppression(deps.db),
    runId,
    connectionId,
    system,
    normalize: (record, context) => connector.normalize(record, context),
    settings,
    repeats: 'reject',
    onLanded: (trx, counts) => trx.updateTable('sync_runs').set({ counts: JSON.stringify(counts) }).where('id', '=', runId).execute().then(() => undefined),
  })

  const flush = async () => {
    if (writer.buffered === 0) return
    const rejects = await writer.flush()
    report.records = writer.counts
    for (const reject of rejects) {
      // A rejected row may be a record that still exists, so its type gets no deletions this run; a
      // duplicate's id was landed by its first copy, so it does not count.
      if (reject.objectType && reject.code !== 'E_DUPLICATE_ID') rejectedTypes.add(reject.objectType)
      noteError({ code: reject.code, location: reject.location, message: reject.message })
    }
    request.onProgress?.({ records: report.records })
  }

  let fatal: ReportedError | undefined
  try {
    try {
      const source = await request.openSource()
      for await (const item of connector.read(source, { options: request.readOptions ?? {} })) {
        switch (item.type) {
          case 'record':
            writer.add(item.record)
            break
          case 'reject':
            writer.reject(item.reject)
            break
          case 'complete':
            completeTypes.add(item.objectType)
            break
          case 'skipped':
            report.skipped.push({ location: item.location, reason: item.reason })
            break
        }
        if (writer.buffered >= (request.pageSize ?? DEFAULT_PAGE_SIZE) || writer.overweight) await flush()
      }
      await flush()
    } catch (error) {
      fatal = toReportedError(error, request.path)
      // What was read before the failure is good: land it, then report why the read stopped.
      await flush().catch((flushError: unknown) => noteError(toReportedError(flushError, request.path)))
      noteError(fatal)
    }

    if (!fatal && request.deletion?.enabled !== false) {
      const maxShare = request.deletion?.maxShare ?? 0.1
      for (const objectType of [...completeTypes].sort()) {
        if (rejectedTypes.has(objectType)) continue
        const decision = await deps.db.transaction().execute((trx) =>
          inferDeletions(trx, { system, connectionId, objectType, runId, now: deps.clock.now(), maxShare, allowMassDelete: request.deletion?.allowMassDelete ?? false }),
        )
        report.deletions.push(decision)
        if (decision.applied) report.records = { ...report.records, deleted: report.records.deleted + decision.missing }
        else if (decision.missing > 0) noteError(massDeleteError(decision, maxShare, request.path))
      }
    }
  } catch (error) {
    fatal = toReportedError(error, request.path)
    noteError(fatal)
  } finally {
    report.status = fatal ? 'failed' : report.errors.length > 0 ? 'partial' : 'succeeded'
    report.durationMs = deps.clock.now().getTime() - started.getTime()
    await finishRun(deps, { runId, status: report.status, counts: report.records, fatal })
  }
  return report
}

/**
 * What decides an import's outcome besides the store: the export's bytes and every option. None when
 * the path cannot be read: the read then reports why.
 */
async function fingerprintOf(request: ImportRequest, settings: Record<string, unknown>): Promise<string | undefined> {
  const options = { system: request.connector.system, settings, read: request.readOptions ?? {}, deletion: request.deletion ?? {} }
  return fingerprintExport(request.path, options).catch(() => undefined)
}

/** The connection's last run, when it was a successful import of the same fingerprint. */
async function lastImportOf(deps: Deps, connectionId: string, fingerprint: string): Promise<{ runId: number; counts: Partial<RecordCounts> } | undefined> {
  const last = await deps.db
    .selectFrom('sync_runs')
    .select(['id', 'status', 'trigger', 'input', 'counts'])
    .where('connection_id', '=', connectionId)
    .orderBy('id', 'desc')
    .executeTakeFirst()
  if (!last || last.status !== 'succeeded' || last.trigger !== 'import' || last.input.fingerprint !== fingerprint) return undefined
  return { runId: last.id, counts: last.counts }
}

/**
 * An export identical to the last one imported: every record it holds is unchanged, none is missing,
 * so nothing is read. Records are marked seen, as a read would (at most once a day).
 */
async function finishUnchanged(deps: Deps, report: ImportReport, since: { runId: number; counts: Partial<RecordCounts> }, started: Date): Promise<ImportReport> {
  const now = deps.clock.now()
  await sql`update source_records set last_seen_at = ${now}, last_run_id = ${report.runId}
    where connection_id = ${report.connection} and deleted_at is null and last_seen_at < ${new Date(now.getTime() - SEEN_REFRESH_MS)}`.execute(deps.db)
  const counts = since.counts
  const records: RecordCounts = {
    read: counts.read ?? 0,
    new: 0,
    changed: 0,
    unchanged: (counts.new ?? 0) + (counts.changed ?? 0) + (counts.unchanged ?? 0),
    rejected: 0,
    deleted: 0,
    suppressed: counts.suppressed ?? 0,
  }
  const done: ImportReport = { ...report, status: 'succeeded', records, unchangedSince: since.runId, durationMs: deps.clock.now().getTime() - started.getTime() }
  await finishRun(deps, { runId: report.runId, status: 'succeeded', counts: records, fatal: undefined })
  return done
}

function toReportedError(error: unknown, path: string): ReportedError {
  if (error instanceof CgError) return { code: error.code, location: error.location ?? { file: path }, message: error.message }
  const coded = error as { code?: unknown; location?: unknown }
  if (error instanceof Error && typeof coded.code === 'string' && coded.code.startsWith('E_')) {
    const location = typeof coded.location === 'object' && coded.location !== null ? (coded.location as ErrorLocation) : { file: path }
    return { code: coded.code, location, message: error.message }
  }
  return { code: 'E_INTERNAL', location: { file: path }, message: `reading stopped unexpectedly: ${errorMessage(error)}` }
}

function massDeleteError(decision: DeletionDecision, maxShare: number, path: string): ReportedError {
  const share = Math.round((decision.missing / decision.live) * 100)
  return {
    code: 'E_MASS_DELETE',
    location: { file: path },
    message:
      `${decision.objectType}: ${decision.missing} of ${decision.live} live records (${share}%) are missing from this complete export, ` +
      `more than the ${Math.round(maxShare * 100)}% allowed, so none were marked deleted; ` +
      'if the export is right, import it again with --allow-mass-delete',
  }
}
