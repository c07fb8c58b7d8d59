import { sql, type Kysely } from 'kysely'
import type { ExportConnector, ExportSource, InputLocation, NormalizeIssue, RawRecord, RejectedInput } from '../connectors/types.ts'
import type { Deps } from '../deps.ts'
import { CgError, errorMessage, type ErrorLocation } from '../errors.ts'
import type { DB, RecordCounts, RunStatus, SystemName } from '../schema/database.ts'
import { canonicalJson, hashCanonicalJson } from './content-hash.ts'
import { deriveOrganizations } from './derive-organizations.ts'
import { inferDeletions, type DeletionDecision } from './infer-deletions.ts'
import { landPage, type PageCounts, type PageToLand, type PreparedRecord } from './land-page.ts'
import { storableJson, storableText } from './storable.ts'

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

/** The run's totals after a page, and everything that page rejected. */
interface LandedTotals {
  counts: RecordCounts
  rejects: RejectedInput[]
}

const DEFAULT_PAGE_SIZE = 2000
/** What one canonical record weighs in a page, roughly (objects, then JSON for the statement). */
const CANONICAL_RECORD_BYTES = 400
const MAX_PAGE_BYTES = 8 * 1024 * 1024
const MAX_REPORTED_ERRORS = 1000

/**
 * Imports one export: reads it through the connector, lands it page by page (each page with the run's
 * progress in one transaction), then, after an error-free complete read of an object type, marks what
 * the export no longer contains as deleted. A crash loses nothing: a rerun lands the same records again,
 * skipping unchanged ones by hash. One run per connection at a time, across processes.
 */
export async function runImport(deps: Deps, request: ImportRequest): Promise<ImportReport> {
  const system = request.connector.system
  const connectionId = request.connectionId ?? `${system}-export`
  // One connection for the whole run: it holds the run's advisory lock (a session lock).
  return deps.db.connection().execute(async (db) => {
    const settings = { ...(await ensureConnection(db, connectionId, system)), ...request.settings }
    await lockConnection(db, connectionId)
    try {
      await abandonDeadRuns(db, connectionId, deps.clock.now())
      return await importLocked({ ...deps, db }, request, connectionId, settings)
    } finally {
      await sql`select pg_advisory_unlock(hashtext(${lockName(connectionId)}))`.execute(db)
    }
  })
}

async function importLocked(deps: Deps, request: ImportRequest, connectionId: string, settings: Record<string, unknown>): Promise<ImportReport> {
  const { connector } = request
  const system = connector.system
  const started = deps.clock.now()
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
  // What the canonical records derive from besides the payload: a new mapping must rebuild them.
  const settingsJson = canonicalJson(settings)
  const completeTypes = new Set<string>()
  const rejectedTypes = new Set<string>()
  let records: PreparedRecord[] = []
  let rejects: RejectedInput[] = []
  let pageBytes = 0
  // Derived records already in this page (see derive-organizations.ts): bounded by the page size.
  let derivedInPage = new Set<string>()

  const flush = async () => {
    if (records.length === 0 && rejects.length === 0) return
    const page: PageToLand = { runId, connectionId, system, records, rejects }
    records = []
    rejects = []
    pageBytes = 0
    derivedInPage = new Set()
    const landed = await landWhole(deps, page, report.records).catch((error: unknown) => {
      // Bad data (SQLSTATE class 22: a value PostgreSQL cannot store) costs only its own record.
      if (!isDataException(error)) throw error
      return landOneByOne(deps, page, report.records)
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
    try {
      const source = await request.openSource()
      for await (const item of connector.read(source, { options: request.readOptions ?? {} })) {
        switch (item.type) {
          case 'record': {
            report.records.read++
            const { prepared, bytes } = prepareRecord(connector, item.record, settings, settingsJson)
            records.push(prepared)
            pageBytes += bytes
            for (const derived of derivedRecords(prepared, derivedInPage)) {
              report.records.read++
              records.push(derived)
            }
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
        if (decision.applied) report.records.deleted += decision.missing
        else if (decision.missing > 0) noteError(massDeleteError(decision, maxShare, request.path))
      }
    }
  } catch (error) {
    fatal = toReportedError(error, request.path)
    noteError(fatal)
  } finally {
    report.status = fatal ? 'failed' : report.errors.length > 0 ? 'partial' : 'succeeded'
    report.durationMs = deps.clock.now().getTime() - started.getTime()
    await finishRun(deps, report, fatal)
  }
  return report
}

async function landWhole(deps: Deps, page: PageToLand, totals: RecordCounts): Promise<LandedTotals> {
  return deps.db.transaction().execute(async (trx) => {
    const landed = await landPage(trx, page, deps.clock.now())
    const counts = addCounts(totals, landed.counts)
    await trx.updateTable('sync_runs').set({ counts: JSON.stringify(counts) }).where('id', '=', page.runId).execute()
    return { counts, rejects: landed.rejects }
  })
}

/** A page PostgreSQL refused for its data: each record on its own, the one it cannot store rejected. */
async function landOneByOne(deps: Deps, page: PageToLand, totals: RecordCounts): Promise<LandedTotals> {
  let counts = totals
  const rejects: RejectedInput[] = []
  const single = (records: PreparedRecord[], pageRejects: RejectedInput[]): PageToLand => ({ ...page, records, rejects: pageRejects })
  for (const record of page.records) {
    try {
      const landed = await landWhole(deps, single([record], []), counts)
      counts = landed.counts
      rejects.push(...landed.rejects)
    } catch (error) {
      if (!isDataException(error)) throw error
      const reject: RejectedInput = {
        code: 'E_UNSTORABLE',
        message: `${record.raw.objectType} ${record.raw.sourceId}: the database cannot store this record (${errorMessage(error)}); it is not imported`,
        location: record.raw.provenance,
        objectType: record.raw.objectType,
        raw: JSON.stringify(record.raw.payload),
      }
      const landed = await landWhole(deps, single([], [reject]), counts)
      counts = landed.counts
      rejects.push(...landed.rejects)
    }
  }
  const landed = await landWhole(deps, single([], page.rejects), counts)
  return { counts: landed.counts, rejects: [...rejects, ...landed.rejects] }
}

function isDataException(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.startsWith('22')
}

/** The record ready to land, and roughly what it weighs in a page (its JSON length). */
function prepareRecord(
  connector: ExportConnector,
  raw: RawRecord,
  settings: Record<string, unknown>,
  settingsJson: string,
): { prepared: PreparedRecord; bytes: number } {
  const issues: NormalizeIssue[] = []
  const sourceUpdatedAt = storableTime(raw.sourceUpdatedAt, issues)
  const clean: RawRecord = {
    ...raw,
    objectType: storableText(raw.objectType),
    sourceId: storableText(raw.sourceId),
    payload: storableJson(raw.payload),
    provenance: storableJson(raw.provenance),
    ...(sourceUpdatedAt === undefined ? { sourceUpdatedAt: undefined } : { sourceUpdatedAt }),
  }
  const json = canonicalJson(clean.payload)
  const hash = hashCanonicalJson(`${json}\n${settingsJson}`)
  const prepared = normalizeRecord(connector, clean, hash, settings)
  prepared.issues.unshift(...issues)
  // The page carries the canonical records too: a channel's 150k member ids become 150k links, each
  // several times the size of its id in the payload.
  return { prepared, bytes: json.length * 2 + prepared.canonical.length * CANONICAL_RECORD_BYTES }
}

/**
 * The organisations a record implies (its people's work domains), as inferred records of the same
 * system found where the record was read; each only once per page (`inPage`), later pages fold
 * theirs into the first copy. The payload is the whole record, so its hash is that of the payload.
 */
function derivedRecords(prepared: PreparedRecord, inPage: Set<string>): PreparedRecord[] {
  const result: PreparedRecord[] = []
  for (const derived of deriveOrganizations(prepared.canonical, prepared.raw.deleted !== undefined)) {
    const key = `${derived.objectType}\u0000${derived.sourceId}`
    if (inPage.has(key)) continue
    inPage.add(key)
    const raw: RawRecord = { objectType: derived.objectType, sourceId: derived.sourceId, payload: derived.payload, provenance: prepared.raw.provenance, inferred: true }
    result.push({ raw, hash: hashCanonicalJson(canonicalJson(derived.payload)), canonical: [derived.organization], issues: [] })
  }
  return result
}

/**
 * The source's modification time as ISO 8601 UTC, or nothing with an issue saying why it was dropped:
 * unparseable, outside years 1–9999, or a calendar day that does not exist (V8 reads 2024-02-30 as
 * March 1; PostgreSQL refuses it, which would fail the whole page).
 */
function storableTime(value: string | undefined, issues: NormalizeIssue[]): string | undefined {
  if (value === undefined) return undefined
  const time = Date.parse(value)
  const date = new Date(time)
  const stated = /^(\d{4})-(\d{2})-(\d{2})/.exec(value.trim())
  const dayExists = !stated || new Date(Date.UTC(Number(stated[1]), Number(stated[2]) - 1, Number(stated[3]))).getUTCDate() === Number(stated[3])
  if (!Number.isNaN(time) && dayExists && date.getUTCFullYear() >= 1 && date.getUTCFullYear() <= 9999) return date.toISOString()
  issues.push({ code: 'W_SOURCE_TIME', message: `the source's modification time "${storableText(value)}" is not a valid date between years 1 and 9999; not kept` })
  return undefined
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
    return { raw: clean, hash, canonical: storableJson(result.records), issues: storableJson(result.issues) }
  } catch (error) {
    // A normaliser bug must not lose the raw record: it lands, with the failure recorded on it.
    return { raw: clean, hash, canonical: [], issues: [{ code: 'E_NORMALIZE', message: storableText(errorMessage(error)) }] }
  }
}

async function ensureConnection(db: Kysely<DB>, connectionId: string, system: SystemName): Promise<Record<string, unknown>> {
  await db
    .insertInto('connections')
    .values({ id: connectionId, system, transport: 'export' })
    .onConflict((conflict) => conflict.column('id').doNothing())
    .execute()
  const connection = await db.selectFrom('connections').select(['system', 'settings']).where('id', '=', connectionId).executeTakeFirstOrThrow()
  if (connection.system !== system) {
    throw new CgError('E_CONFIG', `connection "${connectionId}" belongs to ${connection.system}, not ${system}; choose another --connection name`, {
      location: { parameter: '--connection' },
    })
  }
  return connection.settings
}

const lockName = (connectionId: string) => `customer-graph:run:${connectionId}`

async function lockConnection(db: Kysely<DB>, connectionId: string): Promise<void> {
  const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(hashtext(${lockName(connectionId)})) as locked`.execute(db)
  if (rows[0]?.locked) return
  const running = await db.selectFrom('sync_runs').select('id').where('connection_id', '=', connectionId).where('status', '=', 'running').orderBy('id', 'desc').executeTakeFirst()
  throw new CgError(
    'E_ALREADY_RUNNING',
    `connection "${connectionId}" is being imported or synced by another process${running ? ` (run ${running.id})` : ''}; wait for it to finish, or import under another --connection`,
    { retryable: true, location: { parameter: '--connection' } },
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

async function startRun(deps: Deps, connectionId: string, path: string): Promise<number> {
  const run = await deps.db
    .insertInto('sync_runs')
    .values({
      connection_id: connectionId,
      trigger: 'import',
      status: 'running',
      started_at: deps.clock.now(),
      input: JSON.stringify(storableJson({ path })),
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
        error: fatal ? JSON.stringify(storableJson(fatal)) : null,
      })
      .where('id', '=', report.runId)
      .execute()
    await trx.deleteFrom('import_seen').where('run_id', '=', report.runId).execute()
  })
}

function addCounts(total: RecordCounts, page: PageCounts): RecordCounts {
  return {
    // A folded copy was counted when read, but it is no record of its own.
    read: total.read - page.folded,
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
