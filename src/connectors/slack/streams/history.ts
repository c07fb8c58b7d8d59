/**
 * conversations.history and conversations.replies, incrementally by `ts`, per conversation. Slack
 * pages history newest first and offers no "changed since": a new reply leaves its thread's parent
 * where it was. So each read takes every message newer than the newest one read before, and re-reads
 * a lookback window before it (settings.threadLookbackDays): parents in it whose `latest_reply` moved
 * get their new replies through conversations.replies, and edits in it land as changes. Messages are
 * landed page by page; a conversation's high-water mark moves only once all of its window is read, so
 * a crash in the middle resumes at the saved page cursor of that conversation. Slack Connect senders
 * are fetched once per run through users.info.
 */
import type { WebClient } from '@slack/web-api'
import { z } from 'zod'
import { SourceError, type ApiStream, type StreamContext, type StreamPage } from '../../api-contract.ts'
import type { ApiLocation, RawRecord, RejectedInput } from '../../types.ts'
import type { SlackSettings } from '../config.ts'
import { slackMessageSchema, slackTsSchema, slackUserSchema, type SlackMessage } from '../raw.ts'
import { foreignSenderTeam, inferredSenderRecord, messageRecord, userRecord } from '../records.ts'
import { compareTs, tsMinusSeconds } from '../time.ts'
import type { OwnWorkspace } from '../workspace.ts'
import { UNREADABLE_CONVERSATION } from './conversations.ts'
import { rejectOf } from './rejects.ts'

const cursorSchema = z
  .object({
    /** Per conversation: the newest message ts read by a completed read of it. */
    channels: z.record(z.string().min(1), slackTsSchema),
    /** The conversation being read when the last page landed, and where its read resumes. */
    current: z.object({ channel: z.string().min(1), next: z.string().min(1), newest: slackTsSchema.nullable(), page: z.number().int().min(1) }).strict().optional(),
  })
  .strict()
type HistoryCursor = z.infer<typeof cursorSchema>

/** A thread's parent, as history lists it: how many replies, and the newest one's ts. */
const threadSchema = z.looseObject({ reply_count: z.number().int().min(1), latest_reply: slackTsSchema })

type Page = StreamPage<HistoryCursor>

export function historyStream(client: WebClient, settings: SlackSettings, own: OwnWorkspace): ApiStream<HistoryCursor> {
  return {
    name: 'history',
    mode: 'incremental',
    cursor: cursorSchema,
    after: ['users', 'conversations'],
    async *read(context, cursor): AsyncGenerator<Page> {
      const state: HistoryCursor = { channels: { ...(cursor?.channels ?? {}) } }
      const senders = new SenderDirectory(client, context, own)
      const resume = cursor?.current
      const channels = await conversationIds(client, context, settings)
      // The conversation a crash interrupted first, from its saved page; then every conversation.
      if (resume && channels.includes(resume.channel)) yield* readConversation(client, context, settings, senders, state, resume.channel, resume)
      for (const channel of channels) {
        if (channel === resume?.channel) continue
        yield* readConversation(client, context, settings, senders, state, channel, undefined)
      }
    },
  }
}

async function* readConversation(
  client: WebClient,
  context: StreamContext,
  settings: SlackSettings,
  senders: SenderDirectory,
  state: HistoryCursor,
  channel: string,
  resume: HistoryCursor['current'],
): AsyncGenerator<Page> {
  const previous = state.channels[channel]
  const oldest = previous === undefined ? undefined : tsMinusSeconds(previous, settings.threadLookbackDays * 86_400)
  let next = resume?.next
  let newest = resume?.newest ?? null
  let page = resume?.page ?? 1
  const listing = `conversations.history:${channel}`
  try {
    for (;;) {
      const location = { endpoint: 'conversations.history', page }
      const response = await context.call({ what: 'conversations.history' }, () =>
        client.conversations.history({ channel, limit: settings.pageSize, ...(oldest ? { oldest } : {}), ...(next ? { cursor: next } : {}) }),
      )
      const records: RawRecord<ApiLocation>[] = []
      const rejects: RejectedInput<ApiLocation>[] = []
      for (const [index, value] of (response.messages ?? []).entries()) {
        const parsed = slackMessageSchema.safeParse(value)
        if (!parsed.success) {
          rejects.push(rejectOf(parsed.error, value, location, `messages[${index}]`, 'message'))
          continue
        }
        const message = parsed.data
        if (newest === null || compareTs(message.ts, newest) > 0) newest = message.ts
        records.push(...(await senders.recordsFor(message, location)), messageRecord(message, channel, location))
        // A thread whose latest reply is newer than what the last read saw has replies to fetch.
        const thread = threadSchema.safeParse(value)
        if (thread.success && message.thread_ts === message.ts && (previous === undefined || compareTs(thread.data.latest_reply, previous) > 0)) {
          for (const reply of await repliesOf(client, context, channel, message.ts, previous)) {
            if (newest === null || compareTs(reply.ts, newest) > 0) newest = reply.ts
            records.push(...(await senders.recordsFor(reply, { endpoint: 'conversations.replies' })), messageRecord(reply, channel, { endpoint: 'conversations.replies' }))
          }
        }
      }
      next = response.response_metadata?.next_cursor || undefined
      if (next) context.page(listing, next)
      page++
      if (!next) {
        // The whole window is read: the conversation's high-water mark moves.
        const reached = [previous, newest].filter((ts): ts is string => ts !== undefined && ts !== null).sort(compareTs).at(-1)
        if (reached !== undefined) state.channels[channel] = reached
        yield { records, rejects, cursor: { channels: { ...state.channels } } }
        return
      }
      yield { records, rejects, cursor: { channels: { ...state.channels }, current: { channel, next, newest, page } } }
    }
  } catch (error) {
    if (!(error instanceof SourceError && UNREADABLE_CONVERSATION.has(error.sourceCode))) throw error
    // One conversation this token cannot read stops nothing else; it is reported with the run.
    const reject: RejectedInput<ApiLocation> = {
      code: 'W_CONVERSATION_UNREADABLE',
      message: `conversation ${channel}: ${error.sourceCode}; its messages were not read (invite the app to it, or grant the scope)`,
      location: { endpoint: 'conversations.history' },
      objectType: 'message',
    }
    yield { records: [], rejects: [reject], cursor: { channels: { ...state.channels } } }
  }
}

/**
 * A thread's replies after `after` (all of them when undefined), the parent left out, and so are
 * replies also sent to the channel (thread_broadcast): history lists those itself, in full (their ts
 * is newer than their parent's, so they are in any window the parent is in), and landing both copies
 * would flip the record between two shapes on every sync.
 */
async function repliesOf(client: WebClient, context: StreamContext, channel: string, threadTs: string, after: string | undefined): Promise<SlackMessage[]> {
  const replies: SlackMessage[] = []
  let next: string | undefined
  do {
    const response = await context.call({ what: 'conversations.replies' }, () =>
      client.conversations.replies({ channel, ts: threadTs, limit: 200, ...(after ? { oldest: after } : {}), ...(next ? { cursor: next } : {}) }),
    )
    for (const value of response.messages ?? []) {
      const parsed = slackMessageSchema.safeParse(value)
      if (parsed.success && parsed.data.ts !== threadTs && parsed.data.subtype !== 'thread_broadcast') replies.push(parsed.data)
    }
    next = response.response_metadata?.next_cursor || undefined
    if (next) context.page(`conversations.replies:${channel}:${threadTs}`, next)
  } while (next)
  return replies
}

/** Every conversation the token can see, in id order (conversations.list pages until its cursor ends). */
async function conversationIds(client: WebClient, context: StreamContext, settings: SlackSettings): Promise<string[]> {
  const ids: string[] = []
  let next: string | undefined
  do {
    const response = await context.call({ what: 'conversations.list' }, () =>
      client.conversations.list({ types: settings.conversationTypes.join(','), exclude_archived: false, limit: 1000, ...(next ? { cursor: next } : {}) }),
    )
    for (const channel of response.channels ?? []) if (channel.id) ids.push(channel.id)
    next = response.response_metadata?.next_cursor || undefined
    if (next) context.page('conversations.list (history)', next)
  } while (next)
  return [...new Set(ids)].sort()
}

/**
 * Slack Connect senders: someone whose team is not ours. Fetched once per run through users.info (a
 * record read as itself); when users.info cannot say, the message's own profile stands in (inferred).
 */
class SenderDirectory {
  readonly #seen = new Set<string>()
  readonly #client: WebClient
  readonly #context: StreamContext
  readonly #own: OwnWorkspace

  constructor(client: WebClient, context: StreamContext, own: OwnWorkspace) {
    this.#client = client
    this.#context = context
    this.#own = own
  }

  async recordsFor(message: SlackMessage, location: ApiLocation): Promise<RawRecord<ApiLocation>[]> {
    const team = foreignSenderTeam(message, this.#own.teamIds)
    const userId = message.user?.trim()
    if (!team || !userId || this.#seen.has(userId)) return []
    this.#seen.add(userId)
    try {
      const response = await this.#context.call({ what: 'users.info' }, () => this.#client.users.info({ user: userId }))
      const parsed = slackUserSchema.safeParse(response.user)
      // Marked inferred all the same: users.list never lists people of other teams, so its complete
      // pass must not count them as deleted (which `inferred` prevents).
      if (parsed.success) return [{ ...userRecord(parsed.data, { endpoint: 'users.info' }), inferred: true }]
    } catch (error) {
      if (!(error instanceof SourceError && error.sourceCode === 'user_not_found')) throw error
    }
    return [inferredSenderRecord(message, team, location)]
  }
}
