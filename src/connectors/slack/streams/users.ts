/**
 * users.list: every member of the workspace, each pass complete (Slack offers no changed-since
 * filter; unchanged users are skipped by hash when they land). Deletions are inferred after a pass
 * read from the start. The cursor is the next page's, and null between passes.
 */
import type { WebClient } from '@slack/web-api'
import { z } from 'zod'
import type { ApiStream, StreamPage } from '../../api-contract.ts'
import type { RawRecord, RejectedInput, ApiLocation } from '../../types.ts'
import { slackUserSchema } from '../raw.ts'
import { userRecord } from '../records.ts'
import { rejectOf } from './rejects.ts'

const cursorSchema = z.object({ next: z.string().min(1), page: z.number().int().min(1) }).strict()
type UsersCursor = z.infer<typeof cursorSchema>

export function usersStream(client: WebClient): ApiStream<UsersCursor> {
  return {
    name: 'users',
    mode: 'full',
    cursor: cursorSchema,
    async *read(context, cursor): AsyncGenerator<StreamPage<UsersCursor>> {
      let next = cursor?.next
      let page = cursor?.page ?? 1
      for (;;) {
        const response = await context.call({ what: 'users.list' }, () => client.users.list({ limit: 200, ...(next ? { cursor: next } : {}) }))
        const records: RawRecord<ApiLocation>[] = []
        const rejects: RejectedInput<ApiLocation>[] = []
        for (const [index, member] of (response.members ?? []).entries()) {
          const location = { endpoint: 'users.list', page }
          const parsed = slackUserSchema.safeParse(member)
          if (parsed.success) records.push(userRecord(parsed.data, location))
          else rejects.push(rejectOf(parsed.error, member, location, `members[${index}]`, 'user'))
        }
        next = response.response_metadata?.next_cursor || undefined
        if (next) context.page('users.list', next)
        page++
        yield { records, rejects, cursor: next ? { next, page } : null, ...(next ? {} : { complete: ['user'] }) }
        if (!next) return
      }
    },
  }
}
