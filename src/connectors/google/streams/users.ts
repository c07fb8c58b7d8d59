import { z } from 'zod'
import type { ApiStream, StreamPage } from '../../api-contract.ts'
import type { ApiLocation, RawRecord, RejectedInput } from '../../types.ts'
import type { GoogleClients } from '../client.ts'
import type { GoogleSettings } from '../config.ts'
import { clean } from '../csv-cells.ts'
import { directoryUserSchema, usersPageSchema } from '../raw.ts'
import { itemReject, nonEmpty, parseEnvelope } from './page-items.ts'

/**
 * Directory users (admin directory_v1 users.list). The Directory API has no change feed a read-only
 * sync can use (no updatedMin, no sync token; users.watch needs a push endpoint), so every pass lists
 * all users: unchanged ones land as unchanged (same content hash), and a pass from the start that
 * lost no user tells the sync that users missing from it were deleted. Deleted users are not listed
 * (they appear only with showDeleted=true), so that inference is how deletions land. The cursor is
 * the page token while a pass is under way and null between passes.
 */
export const usersCursor = z.object({ pageToken: z.string().min(1) }).strict()
export type UsersCursor = z.infer<typeof usersCursor>

const ENDPOINT = 'users.list'

export function usersStream(clients: GoogleClients, settings: GoogleSettings): ApiStream<UsersCursor> {
  return {
    name: 'users',
    mode: 'full',
    cursor: usersCursor,
    async *read(context, start): AsyncGenerator<StreamPage<UsersCursor>> {
      let pageToken = start?.pageToken
      let lostAny = false
      for (let page = 1; ; page += 1) {
        const token = pageToken
        const envelope = await context.call({ what: `directory ${ENDPOINT}` }, async (signal) =>
          parseEnvelope(
            usersPageSchema,
            await clients.request(signal, (options) =>
              clients.admin.users.list({ customer: settings.customer, maxResults: settings.pageSize.users, ...(token ? { pageToken: token } : {}) }, options),
            ),
            ENDPOINT,
          ),
        )
        const location: ApiLocation = { endpoint: ENDPOINT, page }
        const { records, rejects } = usersOfPage(envelope.users ?? [], location)
        lostAny ||= rejects.length > 0
        pageToken = nonEmpty(envelope.nextPageToken)
        if (pageToken !== undefined) context.page(ENDPOINT, pageToken)
        const last = pageToken === undefined
        yield {
          records,
          rejects,
          cursor: pageToken === undefined ? null : { pageToken },
          // A user that could not be read may exist: only a pass that lost none speaks for the others.
          ...(last && !lostAny ? { complete: ['user'] } : {}),
        }
        if (last) return
      }
    },
  }
}

function usersOfPage(items: unknown[], location: ApiLocation): { records: RawRecord<ApiLocation>[]; rejects: RejectedInput<ApiLocation>[] } {
  const records: RawRecord<ApiLocation>[] = []
  const rejects: RejectedInput<ApiLocation>[] = []
  items.forEach((item, index) => {
    const parsed = directoryUserSchema.safeParse(item)
    if (!parsed.success) {
      rejects.push(itemReject(parsed.error, item, location, index, 'users', 'user'))
      return
    }
    const deletionTime = clean(parsed.data.deletionTime)
    records.push({
      objectType: 'user',
      // The Admin console CSV has no user id: both paths key a user by the lower-cased primary e-mail.
      sourceId: parsed.data.primaryEmail.trim().toLowerCase(),
      payload: item as Record<string, unknown>,
      provenance: location,
      ...(deletionTime !== undefined ? { deleted: { reason: `deletionTime ${deletionTime}` } } : {}),
    })
  })
  return { records, rejects }
}
