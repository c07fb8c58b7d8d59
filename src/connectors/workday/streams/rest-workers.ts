import { z } from 'zod'
import { CgError } from '../../../errors.ts'
import type { JsonArrayItem } from '../../../formats/json.ts'
import type { ApiStream, StreamContext, StreamPage } from '../../api-contract.ts'
import type { InputLocation, RawRecord } from '../../types.ts'
import type { WorkdayClient } from '../client.ts'
import { resolveWorkerFields } from '../columns.ts'
import type { WorkdaySettings } from '../config.ts'
import { WorkdayResponseError } from '../errors.ts'
import { jsonWorkerItem } from '../json-file.ts'
import type { ColumnMapping } from '../raw.ts'
import { hashedSourceId } from '../row-id.ts'
import type { WorkerIndex } from '../worker-index.ts'
import { PageBuilder } from './pages.ts'
import { REPORT_STREAM } from './report.ts'

export const REST_WORKERS_STREAM = 'workers'

/** The last landed workers a cursor remembers, to find the place again in a shifted list. */
const ANCHORS = 5
/**
 * Rows of the previous page asked for again at the start of the next one, to see whether the list
 * shifted: a tenth of the page (5 of 100: 5% more requests), at least one.
 */
function overlapOf(limit: number): number {
  return Math.min(ANCHORS, Math.max(1, Math.floor(limit / 10)))
}
/** Windows stepped back when none of the overlap rows is in the answer (more workers left than it holds). */
const MAX_LOOKBACK = 2
/** Passes started over in one read when the position is lost altogether. */
const MAX_RESTARTS = 3

/**
 * Where a pass stands: the offset of the next unread worker, and the WIDs of the last workers landed
 * (in list order), the last of which the next request asks for again.
 */
export const restCursor = z
  .object({ offset: z.number().int().min(0), anchors: z.array(z.string().min(1)).max(ANCHORS) })
  .strict()
export type RestCursor = z.infer<typeof restCursor>

const workersPage = z.looseObject({ total: z.number().int().min(0), data: z.array(z.unknown()) })
type WorkersPage = z.infer<typeof workersPage>

export type RestSettings = NonNullable<WorkdaySettings['rest']>

export interface RestWorkersOptions {
  client: WorkdayClient
  rest: RestSettings
  mapping: ColumnMapping
  /** The connection also has a report: REST workers are matched to its workers (see below). */
  report: { index: WorkerIndex; name: string } | undefined
  connection: string
}

/**
 * REST `GET …/ccx/api/{service}/{version}/{tenant}/workers?limit=&offset=`, `{ total, data }`, in
 * full mode: the cursor is the position mid-pass and null at the end of one, so every run that
 * starts a pass reads every worker and a pass read whole says `worker` is complete.
 *
 * Offset paging shifts under a changing list: a worker removed before the position (terminated:
 * /workers lists active workers only) moves everyone after it one place forward, and the next page
 * would skip one worker, who would then look deleted. So each request starts a few rows before the
 * position and finds the last landed worker (by WID) in the answer: the workers after it are the
 * unread ones, wherever the list moved. Added workers before the position push rows back, which are
 * then skipped as already landed (the added worker itself comes with the next pass). When none of
 * the overlap rows is in the answer, earlier windows are searched; when they are lost altogether the
 * pass starts over from offset 0 (what landed stays landed; the restarted pass still reads all).
 *
 * Ids: a REST worker carries its WID (`id`) but, in the documented workerSummary, no employee id,
 * while report and export rows are keyed by Employee_ID. Without a report the worker is keyed as the
 * export importer keys a REST workers file: by an employee id key when the payload has one, else by
 * the WID. With a report in the same connection, the report is the record of each worker (it has
 * the employee id, names, manager and terminated workers) and REST workers are matched to its rows,
 * by employee id when the REST payload has one, else by WID when the report has a WID column, else by
 * work email: a matched worker is the report's record already and is not landed again (two
 * payloads of one worker would replace each other on every run), and an unmatched one is rejected
 * (E_WORKDAY_NOT_IN_REPORT) rather than landed under its WID next to the report's Employee_IDs. In
 * that setting the report decides deletions, so this stream never says `worker` is complete.
 */
export function restWorkersStream(options: RestWorkersOptions): ApiStream<RestCursor | null> {
  return {
    name: REST_WORKERS_STREAM,
    mode: 'full',
    cursor: restCursor.nullable(),
    ...(options.report === undefined ? {} : { after: [REPORT_STREAM] }),
    read: (context, cursor) => readWorkers(context, options, cursor),
  }
}

interface Located {
  windowOffset: number
  page: WorkersPage
  /** Index in page.data of the first unread worker. */
  firstFresh: number
  realigned: boolean
}

async function* readWorkers(context: StreamContext, options: RestWorkersOptions, cursor: RestCursor | null): AsyncGenerator<StreamPage<RestCursor | null>> {
  const { rest, report } = options
  if (report !== undefined && !report.index.isReady) {
    const matching = `the ${REST_WORKERS_STREAM} stream matches REST workers to the workers of report ${report.name}`
    if (report.index.wasStarted) {
      throw new CgError('E_SOURCE_UNAVAILABLE', `${options.connection}: ${matching}, and the ${REPORT_STREAM} stream did not read the report whole in this sync; the next sync tries both again`, {
        retryable: true,
        location: { endpoint: REST_WORKERS_STREAM },
      })
    }
    throw new CgError('E_CONFIG', `${options.connection}: ${matching}, so it runs only in a sync that runs the ${REPORT_STREAM} stream too; sync both (or leave rest: out of the connection)`, {
      location: { path: `connections.${options.connection}.streams` },
    })
  }
  const endpoint = `${rest.service}/${rest.version}/workers`
  const pages = new PageBuilder(endpoint, Number.POSITIVE_INFINITY)
  let position: RestCursor = cursor ?? { offset: 0, anchors: [] }
  let pass = 1
  let segment = 1
  let restarts = 0
  /** Whether this read has seen the list from offset 0: only such a pass can vouch for every worker. */
  let fromStart = position.offset === 0 && position.anchors.length === 0
  const matches = { matched: 0, unmatched: 0 }

  for (;;) {
    context.page(`${REST_WORKERS_STREAM} pass ${pass}.${segment}`, String(position.offset))
    const located = await locate(context, options, position)
    if (located === undefined) {
      if (restarts >= MAX_RESTARTS) {
        context.logger.warn({ stream: REST_WORKERS_STREAM, restarts }, 'the workers list kept changing under the pass; it ends here unfinished, and the next run reads it again')
        yield pages.take(null)
        return
      }
      restarts++
      pass++
      segment = 1
      context.logger.info({ stream: REST_WORKERS_STREAM, offset: position.offset }, 'the workers list shifted past the overlap; the pass starts over from offset 0')
      position = { offset: 0, anchors: [] }
      fromStart = true
      continue
    }
    if (located.realigned) segment++
    const { windowOffset, page, firstFresh } = located
    const location: InputLocation = { file: `Workday ${endpoint} (offset ${windowOffset})` }
    for (let index = firstFresh; index < page.data.length; index++) {
      const item: JsonArrayItem = { value: page.data[index], path: `$.data[${index}]` }
      const result = jsonWorkerItem(item, location, 'rest', { kind: 'rest' }, options.mapping)
      if (result?.type === 'record' && report !== undefined) {
        if (matchesReport(result.record, report.index, options.mapping)) matches.matched++
        else {
          matches.unmatched++
          pages.reject(notInReport(result.record, report.name, location, item.path))
        }
      } else if (result !== undefined) pages.add(result)
    }
    const nextOffset = windowOffset + page.data.length
    // `total` ends the pass, not a short page: a tenant that answers fewer than `limit` rows must not end it early.
    const done = page.data.length === 0 || nextOffset >= page.total
    if (!done) {
      position = { offset: nextOffset, anchors: page.data.slice(-ANCHORS).map(anchorOf) }
      yield pages.take(position)
      continue
    }
    if (report !== undefined) {
      context.logger.info({ stream: REST_WORKERS_STREAM, ...matches }, `REST workers matched to report ${report.name}: landed through the report`)
    }
    const complete = report === undefined && fromStart && pages.rejected === 0
    yield pages.take(null, complete ? ['worker'] : undefined)
    return
  }
}

/** Fetches the page at the position and finds where the unread workers start in it (undefined: lost). */
async function locate(context: StreamContext, options: RestWorkersOptions, position: RestCursor): Promise<Located | undefined> {
  const { anchors } = position
  const limit = options.rest.limit
  if (anchors.length === 0) return { windowOffset: position.offset, page: await fetchPage(context, options, position.offset), firstFresh: 0, realigned: false }
  const overlap = overlapOf(limit)
  let windowOffset = Math.max(0, position.offset - overlap)
  for (let back = 0; back <= MAX_LOOKBACK; back++) {
    const page = await fetchPage(context, options, windowOffset)
    const at = lastAnchorAt(page.data, anchors)
    if (at !== undefined) {
      const expected = position.offset - 1 - windowOffset
      return { windowOffset, page, firstFresh: at + 1, realigned: at !== expected }
    }
    if (windowOffset === 0) return undefined
    windowOffset = Math.max(0, windowOffset - Math.max(1, limit - overlap))
  }
  return undefined
}

/** The position in `data` of the latest anchor it holds (the last landed worker, or the one before it if that one is gone …). */
function lastAnchorAt(data: readonly unknown[], anchors: readonly string[]): number | undefined {
  const keys = data.map(anchorOf)
  for (let index = anchors.length - 1; index >= 0; index--) {
    const at = keys.lastIndexOf(anchors[index]!)
    if (at >= 0) return at
  }
  return undefined
}

/** A worker's WID; a row without one (rejected when landed) by the hash of its values. */
function anchorOf(row: unknown): string {
  if (typeof row === 'object' && row !== null && !Array.isArray(row)) {
    const id = (row as Record<string, unknown>).id
    if (typeof id === 'string' && id.trim() !== '') return id.trim()
    return hashedSourceId(row as Record<string, unknown>)
  }
  return `value:${JSON.stringify(row)}`
}

async function fetchPage(context: StreamContext, options: RestWorkersOptions, offset: number): Promise<WorkersPage> {
  const { client, rest } = options
  const what = `${rest.service}/${rest.version} workers`
  const url = client.workersUrl(rest.service, rest.version, rest.limit, offset)
  return context.call({ what }, async (signal) => {
    const response = await client.get(url, what, signal)
    // Read inside the call: a body cut short fails the call, which the sync retries.
    const parsed = workersPage.safeParse(await response.json())
    if (!parsed.success) {
      throw new WorkdayResponseError(`${what} at offset ${offset}: the answer is not a workers page {"total": n, "data": [ … ]}: ${parsed.error.issues[0]?.message ?? ''}`)
    }
    return parsed.data
  })
}

function matchesReport(record: RawRecord, index: WorkerIndex, mapping: ColumnMapping): boolean {
  const fields = resolveWorkerFields(record.payload, mapping)
  if (fields.employeeId !== undefined && index.hasEmployeeId(fields.employeeId.text)) return true
  const wid = typeof record.payload.id === 'string' ? record.payload.id : fields.wid?.text
  if (wid !== undefined && index.hasWids) return index.hasWid(wid)
  return fields.workEmail !== undefined && index.hasEmail(fields.workEmail.text)
}

function notInReport(record: RawRecord, report: string, location: InputLocation, path: string) {
  const name = typeof record.payload.descriptor === 'string' ? ` (${record.payload.descriptor})` : ''
  return {
    code: 'E_WORKDAY_NOT_IN_REPORT',
    message:
      `${location.file}, ${path}: REST worker ${record.sourceId}${name} matches no worker of report ${report} (by employee id, WID or work email); ` +
      'not landed, since the report is this connection\'s record of its workers. A worker hired after the report ran comes with the next run; ' +
      'otherwise add the worker to the report, or a WID column to it.',
    location,
    objectType: 'worker',
    raw: JSON.stringify(record.payload),
  }
}
