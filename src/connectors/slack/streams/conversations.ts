/**
 * conversations.list with conversations.members: every channel, private channel, group DM and DM the
 * token can see, with its members and the Slack Connect teams it reaches; each pass complete, like
 * the export's channel files (deletions inferred after a pass read from the start). The cursor is the
 * next list page's, and null between passes.
 */
import type { WebClient } from '@slack/web-api'
import { z } from 'zod'
import type { ApiStream, StreamContext, StreamPage } from '../../api-contract.ts'
import type { ApiLocation, RawRecord, RejectedInput } from '../../types.ts'
import type { SlackSettings } from '../config.ts'
import { conversationTypeFromFlags } from '../conversation-type.ts'
import { slackChannelSchema, type SlackChannel } from '../raw.ts'
import { channelRecords } from '../records.ts'
import type { OwnWorkspace } from '../workspace.ts'
import { SourceError } from '../../api-contract.ts'
import { rejectOf } from './rejects.ts'

const cursorSchema = z.object({ next: z.string().min(1), page: z.number().int().min(1) }).strict()
type ConversationsCursor = z.infer<typeof cursorSchema>

/** Answers that mean one conversation cannot be read by this token; the others still can. */
export const UNREADABLE_CONVERSATION: ReadonlySet<string> = new Set(['channel_not_found', 'not_in_channel', 'missing_scope', 'method_not_supported_for_channel_type'])

export function conversationsStream(client: WebClient, settings: SlackSettings, own: OwnWorkspace): ApiStream<ConversationsCursor> {
  return {
    name: 'conversations',
    mode: 'full',
    cursor: cursorSchema,
    async *read(context, cursor): AsyncGenerator<StreamPage<ConversationsCursor>> {
      let next = cursor?.next
      let page = cursor?.page ?? 1
      let membersComplete = true
      for (;;) {
        const location = { endpoint: 'conversations.list', page }
        const response = await context.call({ what: 'conversations.list' }, () =>
          client.conversations.list({ types: settings.conversationTypes.join(','), exclude_archived: false, limit: 200, ...(next ? { cursor: next } : {}) }),
        )
        const records: RawRecord<ApiLocation>[] = []
        const rejects: RejectedInput<ApiLocation>[] = []
        for (const [index, value] of (response.channels ?? []).entries()) {
          const parsed = slackChannelSchema.safeParse(value)
          if (!parsed.success) {
            rejects.push(rejectOf(parsed.error, value, location, `channels[${index}]`, 'channel'))
            continue
          }
          const members = await membersOf(client, context, parsed.data)
          if (members === undefined) membersComplete = false
          records.push(...channelRecords(parsed.data, conversationTypeFromFlags(parsed.data), members, own.teamIds, location, () => ({ endpoint: 'conversations.members', page })))
        }
        next = response.response_metadata?.next_cursor || undefined
        if (next) context.page('conversations.list', next)
        page++
        const complete = next ? [] : ['channel', ...(membersComplete ? ['channel_member'] : [])]
        yield { records, rejects, cursor: next ? { next, page } : null, complete }
        if (!next) return
      }
    },
  }
}

/** A conversation's members, every page; undefined when this token may not list them. */
async function membersOf(client: WebClient, context: StreamContext, channel: SlackChannel): Promise<string[] | undefined> {
  const members: string[] = []
  let next: string | undefined
  try {
    do {
      const response = await context.call({ what: 'conversations.members' }, () => client.conversations.members({ channel: channel.id, limit: 1000, ...(next ? { cursor: next } : {}) }))
      members.push(...(response.members ?? []))
      next = response.response_metadata?.next_cursor || undefined
      if (next) context.page(`conversations.members:${channel.id}`, next)
    } while (next)
  } catch (error) {
    if (error instanceof SourceError && UNREADABLE_CONVERSATION.has(error.sourceCode)) {
      context.logger.warn({ channel: channel.id, reason: error.sourceCode }, 'slack.members_unreadable')
      return undefined
    }
    throw error
  }
  return members
}
