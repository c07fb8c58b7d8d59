import { setTimeout as delay } from 'node:timers/promises'
import type { StreamPage } from '../../api-contract.ts'
import { CgError, errorMessage } from '../../../errors.ts'
import { bulkJobStatus, bulkResults, createBulkQueryJob, deleteBulkJob, type BulkJob } from '../calls.ts'
import { bulkSoql, settledPosition } from '../soql.ts'
import { readChanges } from './changes.ts'
import type { BulkCursor, ObjectCursor } from './cursor.ts'
import { DELETE_LOG_OVERLAP_MS } from './object-read.ts'
import { PageBuilder, type ObjectRead } from './object-read.ts'

/**
 * A large first load through a Bulk API 2.0 queryAll job, page by page: the job's id is saved before
 * the first page (a crash resumes the same job rather than starting another), each results page lands
 * with the locator of the next, and the last page switches the cursor to reading changes after the
 * highest SystemModstamp landed. Bulk CSV is what the Data Export writes (every cell text, empty for
 * null, datetimes with Z), so its rows are export-shaped payloads as they come. A job that fails or is
 * aborted falls back to the REST read, with a warning.
 *
 * Each request is its own `context.call` (jsforce's `bulk2.query()` would poll, then stream every
 * page inside one call: no checkpoint between pages, and one timeout for the whole load).
 */
export async function* bulkLoad(read: ObjectRead, resume: BulkCursor | null, options: { fromStart: boolean; startedAt: string }): AsyncGenerator<StreamPage<ObjectCursor>> {
  const { calls, objectType, description, settings } = read
  let state: BulkCursor
  if (resume === null) {
    const job = await createBulkQueryJob(calls, objectType, bulkSoql(objectType, description.fields))
    state = { phase: 'bulk', jobId: job.id, locator: null, maxSystemModstamp: null, startedAt: options.startedAt }
    yield { records: [], cursor: state }
  } else {
    state = resume
  }

  const job = await waitForJob(read, state.jobId)
  if (job.state !== 'JobComplete') {
    calls.context.logger.warn(
      { objectType, jobId: state.jobId, state: job.state, reason: job.errorMessage ?? undefined },
      `salesforce.bulk_job_${job.state.toLowerCase()}: reading ${objectType} through the REST API instead`,
    )
    yield* readChanges(read, { phase: 'changes', after: null, deletedUntil: state.startedAt }, { fromStart: options.fromStart })
    return
  }

  const endpoint = `bulk2 ${objectType}`
  for (let page = 1; ; page++) {
    if (state.locator !== null) calls.context.page(endpoint, state.locator)
    const results = await bulkResults(calls, objectType, state.jobId, state.locator, settings.bulkPageSize)
    const builder = new PageBuilder(objectType, { endpoint, page })
    let maxStamp = state.maxSystemModstamp
    for (const row of results.rows) {
      const position = builder.add(row)
      if (position && (maxStamp === null || position.systemModstamp > maxStamp)) maxStamp = position.systemModstamp
    }
    if (results.next === null) {
      const cursor: ObjectCursor = {
        phase: 'changes',
        // Bulk results are unordered: the next read starts at the highest SystemModstamp landed,
        // taking every record of that stamp again (id ''), since a later one may share it.
        after: settledPosition(maxStamp === null ? null : { systemModstamp: maxStamp, id: '' }, jobStartedAt(state), settings.modstampLagMs, null),
        deletedUntil: state.startedAt,
      }
      yield { records: builder.records, rejects: builder.rejects, cursor, ...(options.fromStart ? { complete: [objectType] } : {}) }
      break
    }
    state = { ...state, locator: results.next, maxSystemModstamp: maxStamp }
    yield { records: builder.records, rejects: builder.rejects, cursor: state }
  }
  try {
    await deleteBulkJob(calls, objectType, state.jobId)
  } catch (error) {
    // The load landed; a job left behind only counts against the daily job limit until Salesforce drops it.
    calls.context.logger.warn({ objectType, jobId: state.jobId, error: errorMessage(error) }, 'salesforce.bulk_job_not_deleted')
  }
}

/** Salesforce's clock when the job was created (startedAt is a minute before it, for the delete log). */
function jobStartedAt(state: BulkCursor): Date {
  return new Date(Date.parse(state.startedAt) + DELETE_LOG_OVERLAP_MS)
}

async function waitForJob(read: ObjectRead, jobId: string): Promise<BulkJob> {
  const { calls, objectType, settings } = read
  // Elapsed time, not the sync's clock (tests hold that still): this bounds how long this run waits.
  const deadline = performance.now() + settings.bulkPollTimeoutMs
  for (;;) {
    const job = await bulkJobStatus(calls, objectType, jobId)
    if (job.state === 'JobComplete' || job.state === 'Failed' || job.state === 'Aborted') return job
    if (performance.now() >= deadline) {
      throw new CgError(
        'E_SOURCE_UNAVAILABLE',
        `${objectType}: the Bulk API 2.0 job ${jobId} is still ${job.state} after ${Math.round(settings.bulkPollTimeoutMs / 1000)} s (bulkPollTimeoutMs); ` +
          `nothing of it landed yet, and the next sync goes on waiting for the same job`,
        { retryable: true, location: { endpoint: `bulk2 ${objectType}` } },
      )
    }
    await delay(settings.bulkPollIntervalMs)
  }
}
