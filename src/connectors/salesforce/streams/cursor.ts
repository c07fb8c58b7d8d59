import { z } from 'zod'

const isoDateTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 datetime' })
const recordId = z.string().regex(/^[A-Za-z0-9]{18}$/, 'must be an 18-character Salesforce id')

/**
 * Reading changes: the SystemModstamp and Id of the last record landed (null before the first), and
 * how far the delete log (getDeleted) has been read.
 */
export const changesCursor = z
  .object({
    phase: z.literal('changes'),
    after: z.object({ systemModstamp: isoDateTime, id: recordId.or(z.literal('')) }).strict().nullable(),
    deletedUntil: isoDateTime,
  })
  .strict()

/**
 * A first load through a Bulk API 2.0 query job: the job, the results locator of the next page (null
 * before the first), the highest SystemModstamp landed (results are unordered) and when the load began
 * (the delete log is read from there on).
 */
export const bulkCursor = z
  .object({
    phase: z.literal('bulk'),
    jobId: z.string().regex(/^750[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$/, 'must be a Bulk API job id (750…)'),
    locator: z.string().min(1).max(200).nullable(),
    maxSystemModstamp: isoDateTime.nullable(),
    startedAt: isoDateTime,
  })
  .strict()

export const objectCursor = z.discriminatedUnion('phase', [changesCursor, bulkCursor])

export type ChangesCursor = z.infer<typeof changesCursor>
export type BulkCursor = z.infer<typeof bulkCursor>
export type ObjectCursor = z.infer<typeof objectCursor>
