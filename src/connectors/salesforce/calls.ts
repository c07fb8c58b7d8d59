import { parse } from 'csv-parse/sync'
import { z } from 'zod'
import type { StreamContext } from '../api-contract.ts'
import type { SalesforceClient } from './client.ts'
import { readDescription, type ObjectDescription } from './describe.ts'
import { SalesforceApiError, SalesforcePayloadError, SalesforcePositionExpired } from './errors.ts'
import type { SalesforceObjectType } from './object-types.ts'

/**
 * The Salesforce requests the streams make, one `context.call` each (its timeout, retries and quota),
 * made with jsforce through the client, and their answers checked with zod before anything relies on
 * them. Errors that mean "read again from the start" become SalesforcePositionExpired inside the call,
 * so classify() sees them as cursor_expired.
 */

export interface Calls {
  client: SalesforceClient
  context: StreamContext
}

export async function describeObject({ client, context }: Calls, objectType: SalesforceObjectType): Promise<ObjectDescription> {
  const body = await context.call({ what: `${objectType} describe` }, (signal) => client.run(signal, (conn) => conn.request(`/sobjects/${objectType}/describe`)))
  return readDescription(body, objectType)
}

const queryResultSchema = z.looseObject({
  totalSize: z.number().int().min(0),
  done: z.boolean(),
  // Followed with the session's bearer token, so only a path on the same instance is accepted.
  nextRecordsUrl: z
    .string()
    .regex(/^\/services\/data\/v\d+\.\d\/query(?:All)?\/[A-Za-z0-9-]+$/, 'must be a query locator path on the instance')
    .nullish(),
  records: z.array(z.unknown()),
})
export type QueryResult = z.infer<typeof queryResultSchema>

function queryResult(body: unknown, what: string): QueryResult {
  const parsed = queryResultSchema.safeParse(body)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  throw new SalesforcePayloadError(`${what}: the answer is not a query result (${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'})`)
}

/** queryAll: live records and those in the recycle bin (IsDeleted = true), so soft deletes are read as changes. */
export async function queryAll({ client, context }: Calls, what: string, soql: string, batchSize: number): Promise<QueryResult> {
  return context.call({ what }, (signal) =>
    client.run(signal, async (conn) => {
      const body = await conn.request({ method: 'GET', url: `/queryAll?q=${encodeURIComponent(soql)}`, headers: { 'Sforce-Query-Options': `batchSize=${batchSize}` } })
      return queryResult(body, what)
    }),
  )
}

/**
 * The next page of a query. A locator Salesforce has dropped (INVALID_QUERY_LOCATOR: 15 minutes idle,
 * or too many open cursors) is not an error of the data: `restart` runs the query again from the last
 * position landed, in the same call.
 */
export async function queryMore({ client, context }: Calls, what: string, nextRecordsUrl: string, batchSize: number, restart: () => string): Promise<QueryResult> {
  return context.call({ what }, (signal) =>
    client.run(signal, async (conn) => {
      const headers = { 'Sforce-Query-Options': `batchSize=${batchSize}` }
      try {
        return queryResult(await conn.request({ method: 'GET', url: nextRecordsUrl, headers }), what)
      } catch (error) {
        if (!(error instanceof Error) || (error as { errorCode?: unknown }).errorCode !== 'INVALID_QUERY_LOCATOR') throw error
        context.logger.warn({ what }, 'salesforce.query_locator_expired: querying again from the last record landed')
        return queryResult(await conn.request({ method: 'GET', url: `/queryAll?q=${encodeURIComponent(restart())}`, headers }), what)
      }
    }),
  )
}

export async function countRecords(calls: Calls, objectType: SalesforceObjectType, soql: string): Promise<number> {
  return (await queryAll(calls, `${objectType} count`, soql, 2000)).totalSize
}

const deletedSchema = z.looseObject({
  deletedRecords: z.array(z.looseObject({ id: z.string(), deletedDate: z.string() })),
  earliestDateAvailable: z.string().nullish(),
  latestDateCovered: z.string().nullish(),
})
export type DeletedResult = z.infer<typeof deletedSchema>

/**
 * getDeleted for [start, end). INVALID_REPLICATION_DATE here means the delete log no longer reaches
 * back to `start` (15 days, or purged earlier by the org): deletes before it cannot be read, so the
 * object must be read again in full and what is missing inferred deleted, as Salesforce's replication
 * guide says.
 */
export async function getDeleted({ client, context }: Calls, objectType: SalesforceObjectType, start: Date, end: Date): Promise<DeletedResult> {
  const what = `${objectType} getDeleted`
  const expired = (error: unknown): unknown =>
    error instanceof SalesforceApiError && error.errorCode === 'INVALID_REPLICATION_DATE'
      ? new SalesforcePositionExpired(
          `the ${objectType} delete log does not reach back to ${start.toISOString()}, where the last sync stopped reading it (${error.message}); ` +
            `deletes before its earliest date cannot be read, so every ${objectType} is read again and the ones missing are marked deleted`,
        )
      : error
  return context.call({ what }, (signal) =>
    client.run(
      signal,
      async (conn) => {
        const parsed = deletedSchema.safeParse(await conn.sobject(objectType).deleted(start, end))
        if (!parsed.success) throw new SalesforcePayloadError(`${what}: the answer is not a getDeleted result (${parsed.error.issues[0]?.message ?? 'invalid'})`)
        return parsed.data
      },
      { translate: expired },
    ),
  )
}

const jobSchema = z.looseObject({
  id: z.string().regex(/^750[A-Za-z0-9]{12,15}$/),
  state: z.enum(['Open', 'UploadComplete', 'InProgress', 'Aborted', 'JobComplete', 'Failed']),
  errorMessage: z.string().nullish(),
})
export type BulkJob = z.infer<typeof jobSchema>

function bulkJob(body: unknown, what: string): BulkJob {
  const parsed = jobSchema.safeParse(body)
  if (parsed.success) return parsed.data
  throw new SalesforcePayloadError(`${what}: the answer is not Bulk API 2.0 job info (${parsed.error.issues[0]?.message ?? 'invalid'})`)
}

export async function createBulkQueryJob({ client, context }: Calls, objectType: SalesforceObjectType, soql: string): Promise<BulkJob> {
  const what = `${objectType} bulk2 create job`
  return context.call({ what }, (signal) =>
    client.run(signal, async (conn) => {
      const body = JSON.stringify({ operation: 'queryAll', query: soql, columnDelimiter: 'COMMA', lineEnding: 'LF' })
      return bulkJob(await conn.request({ method: 'POST', url: '/jobs/query', body, headers: { 'Content-Type': 'application/json; charset=utf-8' } }), what)
    }),
  )
}

/** A job Salesforce no longer has (results are kept for 7 days; someone deleted it): load again from the start. */
const jobGone = (objectType: SalesforceObjectType, jobId: string) => (error: unknown): unknown => {
  if (error instanceof SalesforceApiError && (error.status === 404 || error.errorCode === 'NOT_FOUND')) {
    return new SalesforcePositionExpired(`the Bulk API 2.0 job ${jobId} of the ${objectType} load is gone (${error.message}); the load starts again with a new job`)
  }
  return error
}

export async function bulkJobStatus({ client, context }: Calls, objectType: SalesforceObjectType, jobId: string): Promise<BulkJob> {
  const what = `${objectType} bulk2 job status`
  return context.call({ what }, (signal) =>
    client.run(signal, async (conn) => bulkJob(await conn.request(`/jobs/query/${jobId}`), what), { translate: jobGone(objectType, jobId) }),
  )
}

export interface BulkResultsPage {
  /** One object per record, keyed by the header line's field names; every value text, '' for null. */
  rows: Record<string, string>[]
  /** The locator of the next page; null after the last. */
  next: string | null
}

export async function bulkResults({ client, context }: Calls, objectType: SalesforceObjectType, jobId: string, locator: string | null, maxRecords: number): Promise<BulkResultsPage> {
  const what = `${objectType} bulk2 results`
  return context.call({ what }, (signal) =>
    client.run(
      signal,
      async (conn, scope) => {
        const query = new URLSearchParams({ maxRecords: String(maxRecords), ...(locator === null ? {} : { locator }) })
        // text/plain: the CSV comes back as written; the sync parses it itself.
        const csv: unknown = await conn.request({ method: 'GET', url: `/jobs/query/${jobId}/results?${query.toString()}`, headers: { Accept: 'text/csv' } }, { responseType: 'text/plain' })
        if (typeof csv !== 'string') throw new SalesforcePayloadError(`${what}: the answer is not CSV text`)
        const rows = csvRows(csv, what)
        const header = scope.responses.at(-1)?.headers['sforce-locator']
        // Salesforce writes the string "null" when there is no next page.
        return { rows, next: header === undefined || header === '' || header === 'null' ? null : header }
      },
      { translate: jobGone(objectType, jobId) },
    ),
  )
}

/** Bulk results CSV: a header line, then one row per record, every cell quoted (RFC 4180, LF). */
function csvRows(csv: string, what: string): Record<string, string>[] {
  try {
    return parse<Record<string, string>>(csv, { columns: true, bom: true, skip_empty_lines: true })
  } catch (error) {
    throw new SalesforcePayloadError(`${what}: the results are not readable CSV (${error instanceof Error ? error.message : String(error)})`)
  }
}

/** Query jobs count against the org's daily job limit until deleted; a finished load deletes its own. */
export async function deleteBulkJob({ client, context }: Calls, objectType: SalesforceObjectType, jobId: string): Promise<void> {
  await context.call({ what: `${objectType} bulk2 delete job` }, (signal) => client.run(signal, async (conn) => void (await conn.request({ method: 'DELETE', url: `/jobs/query/${jobId}` }))))
}
