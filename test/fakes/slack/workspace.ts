import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import { slackChannelSchema, slackMessageSchema, slackUserSchema, type SlackChannel, type SlackMessage, type SlackUser } from '../../../src/connectors/slack/raw.ts'

/**
 * The in-memory workspace the Slack fake serves, loaded from a customer-graph generated (or any
 * unpacked) Slack export folder so the API hands out exactly the ids and ts the export holds: a test
 * can import the export, then sync the API, and expect no duplicates.
 */

/** conversations.list `types` values; each export channel file maps to one. */
export type ConversationKind = 'public_channel' | 'private_channel' | 'mpim' | 'im'

export interface FakeConversation {
  readonly id: string
  readonly kind: ConversationKind
  /** The export's channel object without `members` (the API lists members separately). */
  record: SlackChannel
  members: string[]
  /** Every message of the conversation (top-level, replies, broadcasts), ascending ts. */
  messages: SlackMessage[]
  /** Channel `updated` (epoch milliseconds, as conversations.list reports it). */
  updatedMs: number
}

export interface FakeTeam {
  id: string
  name: string
  domain: string
  email_domain: string
  /** Set only for an Enterprise Grid workspace; auth.test and team.info then report it. */
  enterprise_id?: string
}

export interface SlackWorkspace {
  team: FakeTeam
  /** users.json: the workspace's own members (incl. deleted users and bots), in file order. */
  readonly users: Map<string, SlackUser>
  /**
   * Slack Connect users of other teams, answered by users.info only (users.list lists the workspace's
   * own members). Derived from the `user_profile` of their messages, as the export reader does.
   */
  readonly externalUsers: Map<string, SlackUser>
  /** Channels, private channels, MPIMs, DMs, in that order (the order conversations.list pages through). */
  readonly conversations: Map<string, FakeConversation>
}

const channelFiles: ReadonlyArray<readonly [string, ConversationKind]> = [
  ['channels.json', 'public_channel'],
  ['groups.json', 'private_channel'],
  ['mpims.json', 'mpim'],
  ['dms.json', 'im'],
]

export async function loadSlackWorkspace(folder: string, team: Partial<FakeTeam> = {}): Promise<SlackWorkspace> {
  const users = z.array(slackUserSchema).parse(await readJsonFile(path.join(folder, 'users.json')))
  const conversations = new Map<string, FakeConversation>()
  const folderToId = new Map<string, string>()
  for (const [file, kind] of channelFiles) {
    const raw = await readJsonFile(path.join(folder, file), [])
    for (const channel of z.array(slackChannelSchema).parse(raw)) {
      const { members, ...record } = channel
      conversations.set(channel.id, { id: channel.id, kind, record, members: [...new Set(members ?? [])], messages: [], updatedMs: epochSeconds(channel.created) * 1000 })
      // Day-file folders are named by the channel name; DM folders by the D-id.
      folderToId.set(kind === 'im' ? channel.id : (channel.name ?? channel.id), channel.id)
    }
  }
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue
    const conversation = conversations.get(folderToId.get(entry.name) ?? '')
    if (!conversation) throw new Error(`${path.join(folder, entry.name)}: no channel file names this folder; the fake serves only conversations listed in channels/groups/mpims/dms.json`)
    for (const day of (await readdir(path.join(folder, entry.name))).filter((name) => name.endsWith('.json')).sort()) {
      const messages = z.array(slackMessageSchema).parse(await readJsonFile(path.join(folder, entry.name, day)))
      conversation.messages.push(...messages)
    }
    conversation.messages.sort((a, b) => compareTs(a.ts, b.ts))
  }
  const ownTeamId = team.id ?? mostCommon(users.map((user) => user.team_id ?? '')) ?? 'T00000000'
  const emailDomain = team.email_domain ?? mostCommon(users.map((user) => user.profile?.email?.split('@')[1] ?? '')) ?? 'example.com'
  const domain = team.domain ?? emailDomain.split('.')[0] ?? 'example'
  const workspace: SlackWorkspace = {
    team: {
      id: ownTeamId,
      name: team.name ?? domain.split('-').map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join(' '),
      domain,
      email_domain: emailDomain,
      ...(team.enterprise_id ? { enterprise_id: team.enterprise_id } : {}),
    },
    users: new Map(users.map((user) => [user.id, user])),
    externalUsers: new Map(),
    conversations,
  }
  for (const conversation of conversations.values()) {
    for (const message of conversation.messages) rememberExternalSender(workspace, message)
  }
  return workspace
}

function rememberExternalSender(workspace: SlackWorkspace, message: SlackMessage): void {
  const userId = message.user
  const teamId = message.user_team ?? message.user_profile?.team
  if (!userId || !teamId || teamId === workspace.team.id || workspace.users.has(userId) || workspace.externalUsers.has(userId)) return
  const profile = message.user_profile ?? {}
  // users.info on a Slack Connect user: a foreign team_id and a reduced profile (no e-mail).
  workspace.externalUsers.set(userId, {
    id: userId,
    team_id: teamId,
    name: profile.name ?? userId,
    deleted: false,
    real_name: profile.real_name ?? '',
    profile: { ...profile, team: teamId, real_name: profile.real_name ?? '', display_name: profile.display_name ?? '' },
    is_bot: false,
    is_app_user: false,
    updated: Math.floor(Number(message.ts)),
  })
}

// --- Mutation helpers: change the workspace between two syncs -------------------------------------

/** Adds a user or merges changes into one (own or external); `updated` moves to `nowSeconds`. */
export function upsertUser(workspace: SlackWorkspace, user: SlackUser, nowSeconds: number): SlackUser {
  const external = user.team_id !== undefined && user.team_id !== null && user.team_id !== workspace.team.id
  const map = external || workspace.externalUsers.has(user.id) ? workspace.externalUsers : workspace.users
  const before = map.get(user.id)
  const merged: SlackUser = { ...before, ...user, profile: { ...before?.profile, ...user.profile }, updated: nowSeconds }
  map.set(user.id, merged)
  return merged
}

export interface NewMessage {
  ts: string
  user: string
  text: string
  [field: string]: unknown
}

/** Posts a top-level message at the given ts (unique per conversation, as in Slack). */
export function postMessage(workspace: SlackWorkspace, channelId: string, message: NewMessage): SlackMessage {
  const conversation = requireConversation(workspace, channelId)
  const posted: SlackMessage = { type: 'message', team: workspace.team.id, ...message }
  insertMessage(conversation, posted)
  return posted
}

/**
 * Posts a reply in the thread of `threadTs` and updates the parent's reply_count, reply_users,
 * reply_users_count and latest_reply as Slack does; `broadcast` makes it a thread_broadcast, which
 * conversations.history lists as well.
 */
export function postReply(workspace: SlackWorkspace, channelId: string, threadTs: string, message: NewMessage, options: { broadcast?: boolean } = {}): SlackMessage {
  const conversation = requireConversation(workspace, channelId)
  const parent = conversation.messages.find((candidate) => candidate.ts === threadTs)
  if (!parent) throw new Error(`postReply: ${channelId} has no message ${threadTs} to reply to`)
  const reply: SlackMessage = {
    type: 'message',
    team: workspace.team.id,
    ...message,
    thread_ts: threadTs,
    parent_user_id: parent.user ?? undefined,
    ...(options.broadcast ? { subtype: 'thread_broadcast', root: { text: parent.text, user: parent.user, ts: parent.ts, thread_ts: threadTs, team: parent.team } } : {}),
  }
  insertMessage(conversation, reply)
  const replies = conversation.messages.filter((candidate) => candidate.thread_ts === threadTs && candidate.ts !== threadTs)
  const replyUsers = [...new Set(replies.map((candidate) => candidate.user).filter((id): id is string => typeof id === 'string'))]
  Object.assign(parent, {
    thread_ts: threadTs,
    reply_count: replies.length,
    reply_users: replyUsers,
    reply_users_count: replyUsers.length,
    latest_reply: replies.at(-1)?.ts ?? threadTs,
  })
  return reply
}

/** Edits a message's text in place: the ts stays, `edited` is set (what history then returns). */
export function editMessage(workspace: SlackWorkspace, channelId: string, ts: string, text: string, edited: { user: string; ts: string }): SlackMessage {
  const message = requireConversation(workspace, channelId).messages.find((candidate) => candidate.ts === ts)
  if (!message) throw new Error(`editMessage: ${channelId} has no message ${ts}`)
  Object.assign(message, { text, edited })
  return message
}

export function archiveConversation(workspace: SlackWorkspace, channelId: string, nowMs: number): void {
  const conversation = requireConversation(workspace, channelId)
  conversation.record = { ...conversation.record, is_archived: true }
  conversation.updatedMs = nowMs
}

// --- ts helpers ------------------------------------------------------------------------------------

/** Orders Slack ts strings numerically ("1516454398.000069"); fractions are compared as 6 digits. */
export function compareTs(a: string, b: string): number {
  const key = (ts: string): string => {
    const [seconds = '0', fraction = ''] = ts.split('.')
    return seconds.padStart(12, '0') + fraction.padEnd(9, '0')
  }
  const left = key(a)
  const right = key(b)
  return left < right ? -1 : left > right ? 1 : 0
}

function insertMessage(conversation: FakeConversation, message: SlackMessage): void {
  if (conversation.messages.some((candidate) => candidate.ts === message.ts)) {
    throw new Error(`${conversation.id} already has a message at ts ${message.ts}; ts is unique per conversation`)
  }
  const index = conversation.messages.findIndex((candidate) => compareTs(candidate.ts, message.ts) > 0)
  conversation.messages.splice(index === -1 ? conversation.messages.length : index, 0, message)
}

function requireConversation(workspace: SlackWorkspace, channelId: string): FakeConversation {
  const conversation = workspace.conversations.get(channelId)
  if (!conversation) throw new Error(`no conversation ${channelId} in the fake workspace`)
  return conversation
}

async function readJsonFile(file: string, fallback?: unknown): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown
  } catch (error) {
    if (fallback !== undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') return fallback
    throw error
  }
}

function epochSeconds(value: string | number | null | undefined): number {
  const seconds = Number(value ?? 0)
  return Number.isFinite(seconds) ? seconds : 0
}

function mostCommon(values: string[]): string | undefined {
  const counts = new Map<string, number>()
  for (const value of values) if (value !== '') counts.set(value, (counts.get(value) ?? 0) + 1)
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0]
}
