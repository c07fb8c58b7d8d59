import { sql } from 'kysely'
import type { ExportConnector, ExportSource, InputLocation, RawRecord, RejectedInput } from '../connectors/types.ts'
import type { Deps } from '../deps.ts'
import { CgError, errorMessage, type ErrorLocation } from '../errors.ts'
import type { RecordCounts, RunStatus, SystemName } from '../schema/database.ts'
import { canonicalJson, hashCanonicalJson } from './content-hash.ts'
import { inferDeletions, type DeletionDecision } from './infer-deletions.ts'
import { landPage, type PreparedRecord } from './land-page.ts'
import { storableJson } from './storable.ts'

export interface ImportRequest {
  connector: ExportConnector
  /** The path as the user gave it, for the report and the run's input. */
  path: string
  /** Opens the export; called inside the run, so an unreadable input is reported like any failure. */
  openSource: () => Promise<ExportSource>
  /** Connection the records are landed under; default `<system>-export`. */
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
  onProgress?: (progress: ImportProgress) => void
}

export interface ImportProgress {
  records: RecordCounts
}

export interface ReportedError {
  code: string
  location: ErrorLocation
  message: string
}

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
}

const DEFAULT_PAGE_SIZE = 2000
const MAX_PAGE_BYTES = 8 * 1024 * 1024
const MAX_REPORTED_ERRORS = 1000

/**
 * Imports one export: reads it through the connector, lands it page by page (each page with the run's
 * progress in one transaction), then, after an error-free complete read of an object type, marks what
 * the export no longer contains as deleted. A crash loses nothing: a rerun lands the same records again,
 * skipping unchanged ones by hash.
 */
export async function runImport(deps: Deps, request: ImportRequest): Promise<ImportReport> {
  const { connector } = request
  const system = connector.system
  const connectionId = request.connectionId ?? `${system}-export`
  const started = deps.clock.now()
  const settings = { ...(await ensureConnection(deps, connectionId, system)), ...request.settings }
  const runId = await startRun(deps, connectionId, request.path)

  const report: ImportReport = {
    system,
    connection: connectionId,
    runId,
    status: 'running',
    path: request.path,
    records: { read: 0, new: 0, changed: 0, unchanged: 0, rejected: 0, deleted: 0 },
    errors: [],
    errorsOmitted: 0,
    skipped: [],
    deletions: [],
    durationMs: 0,
  }
  const noteError = (error: ReportedError) => {
    if (report.errors.length < MAX_REPORTED_ERRORS) report.errors.push(error)
    else report.errorsOmitted++
  }

  const completeTypes = new Set<string>()
  const rejectedTypes = new Set<string>()
  let records: PreparedRecord[] = []
  let rejects: RejectedInput[] = []
  let pageBytes = 0

  const flush = async () => {
    if (records.length === 0 && rejects.length === 0) return
    const page = { runId, connectionId, system, records, rejects }
    records = []
    rejects = []
    pageBytes = 0
    const now = deps.clock.now()
    const landed = await deps.db.transaction().execute(async (trx) => {
      const result = await landPage(trx, page, now)
      const counts = addCounts(report.records, result.counts)
      await trx.updateTable('sync_runs').set({ counts: JSON.stringify(counts) }).where('id', '=', runId).execute()
      return { ...result, counts }
    })
    report.records = landed.counts
    for (const reject of landed.rejects) {
      // A rejected row may be a record that still exists, so its type gets no deletions this run; a
      // duplicate's id was landed by its first copy, so it does not count.
      if (reject.objectType && reject.code !== 'E_DUPLICATE_ID') rejectedTypes.add(reject.objectType)
      noteError({ code: reject.code, location: reject.location, message: reject.message })
    }
    request.onProgress?.({ records: report.records })
  }

  let fatal: ReportedError | undefined
  try {
    const source = await request.openSource()
    for await (const item of connector.read(source, { options: request.readOptions ?? {} })) {
      switch (item.type) {
        case 'record': {
          report.records.read++
          const { prepared, bytes } = prepareRecord(connector, item.record, settings)
          records.push(prepared)
          pageBytes += bytes
          break
        }
        case 'reject':
          report.records.read++
          rejects.push(item.reject)
          pageBytes += (item.reject.raw?.length ?? 0) * 2
          break
        case 'complete':
          completeTypes.add(item.objectType)
          break
        case 'skipped':
          report.skipped.push({ location: item.location, reason: item.reason })
          break
      }
      if (records.length + rejects.length >= (request.pageSize ?? DEFAULT_PAGE_SIZE) || pageBytes > MAX_PAGE_BYTES) await flush()
    }
    await flush()
  } catch (error) {
    // What was read before the failure is good: land it, then report why the read stopped.
    await flush().catch(() => undefined)
    fatal = toReportedError(error, request.path)
    noteError(fatal)
  }

  if (!fatal && request.deletion?.enabled !== false) {
    for (const objectType of [...completeTypes].sort()) {
      if (rejectedTypes.has(objectType)) continue
      const decision = await deps.db.transaction().execute((trx) =>
        inferDeletions(trx, {
          system,
          connectionId,
          objectType,
          runId,
          now: deps.clock.now(),
          maxShare: request.deletion?.maxShare ?? 0.1,
          allowMassDelete: request.deletion?.allowMassDelete ?? false,
        }),
      )
      report.deletions.push(decision)
      if (decision.applied) report.records.deleted += decision.missing
      else if (decision.missing > 0) noteError(massDeleteError(decision, request.deletion?.maxShare ?? 0.1, request.path))
    }
  }

  report.status = fatal ? 'failed' : report.errors.length > 0 ? 'partial' : 'succeeded'
  report.durationMs = deps.clock.now().getTime() - started.getTime()
  await finishRun(deps, report, fatal)
  return report
}

/** The record ready to land, and roughly what it weighs in a page (its JSON length). */
function prepareRecord(connector: ExportConnector, raw: RawRecord, settings: Record<string, unknown>): { prepared: PreparedRecord; bytes: number } {
  const clean: RawRecord = { ...raw, payload: storableJson(raw.payload), provenance: storableJson(raw.provenance) }
  const json = canonicalJson(clean.payload)
  return { prepared: normalizeRecord(connector, clean, hashCanonicalJson(json), settings), bytes: json.length * 2 }
}

function normalizeRecord(connector: ExportConnector, clean: RawRecord, hash: string, settings: Record<string, unknown>): PreparedRecord {
  try {
    const result = connector.normalize(
      {
        system: connector.system,
        objectType: clean.objectType,
        sourceId: clean.sourceId,
        payload: clean.payload,
        sourceUpdatedAt: clean.sourceUpdatedAt,
      },
      { settings },
    )
    return { raw: clean, hash, canonical: result.records, issues: result.issues }
  } catch (error) {
    // A normaliser bug must not lose the raw record: it lands, with the failure recorded on it.
    return { raw: clean, hash, canonical: [], issues: [{ code: 'E_NORMALIZE', message: errorMessage(error) }] }
  }
}

async function ensureConnection(deps: Deps, connectionId: string, system: SystemName): Promise<Record<string, unknown>> {
  await deps.db
    .insertInto('connections')
    .values({ id: connectionId, system, transport: 'export' })
    .onConflict((conflict) => conflict.column('id').doNothing())
    .execute()
  const connection = await deps.db.selectFrom('connections').select(['system', 'settings']).where('id', '=', connectionId).executeTakeFirstOrThrow()
  if (connection.system !== system) {
    throw new CgError(
      'E_CONFIG',
      `connection "${connectionId}" belongs to ${connection.system}, not ${system}; choose another --connection name`,
      { location: { parameter: '--connection' } },
    )
  }
  return connection.settings
}

async function startRun(deps: Deps, connectionId: string, path: string): Promise<number> {
  // Keys seen by runs that are over (a crash leaves them behind) are no longer needed by anyone.
  await sql`delete from import_seen where run_id in (select id from sync_runs where status <> 'running')`.execute(deps.db)
  const run = await deps.db
    .insertInto('sync_runs')
    .values({
      connection_id: connectionId,
      trigger: 'import',
      status: 'running',
      started_at: deps.clock.now(),
      input: JSON.stringify({ path }),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return run.id
}

async function finishRun(deps: Deps, report: ImportReport, fatal: ReportedError | undefined): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('sync_runs')
      .set({
        status: report.status,
        finished_at: deps.clock.now(),
        counts: JSON.stringify(report.records),
        error: fatal ? JSON.stringify(fatal) : null,
      })
      .where('id', '=', report.runId)
      .execute()
    await trx.deleteFrom('import_seen').where('run_id', '=', report.runId).execute()
  })
}

function addCounts(total: RecordCounts, page: Omit<RecordCounts, 'read'>): RecordCounts {
  return {
    read: total.read,
    new: total.new + page.new,
    changed: total.changed + page.changed,
    unchanged: total.unchanged + page.unchanged,
    rejected: total.rejected + page.rejected,
    deleted: total.deleted + page.deleted,
  }
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
