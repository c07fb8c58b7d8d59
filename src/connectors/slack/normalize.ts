import { z } from 'zod'
import type { CanonicalRecord, Conversation, Message, Organization, Person } from '../../schema/canonical.ts'
import { refTo, type LandedRecord, type NormalizeContext, type NormalizeIssue, type NormalizeResult } from '../types.ts'
import { conversationTypeFromFlags } from './conversation-type.ts'
import { mentionedUserIds } from './mentions.ts'
import {
  slackChannelMemberSchema,
  slackChannelSchema,
  slackMessageSchema,
  slackTeamSchema,
  slackUserSchema,
  type SlackChannel,
  type SlackMessage,
  type SlackTeam,
  type SlackUser,
} from './raw.ts'
import { sharedChannelLabel } from '../../resolve/organization-context.ts'
import { epochSecondsToIso, slackTsToIso } from './time.ts'

/**
 * Pure normalisation of landed Slack records: user → person, channel → conversation + member_of
 * links, message → message, team (a Slack Connect team the reader found on a shared channel) →
 * organisation. Externality of people needs the workspace's own team id, which only
 * the connection settings know (`ownTeamId`, or `ownTeamIds` for an Enterprise Grid org, and
 * `ownEnterpriseId`); without it a user counts as ours unless the record itself says it is not
 * (`is_external` set by the reader for Slack Connect senders, or `is_stranger` from the API).
 */

const settingsSchema = z.looseObject({
  ownTeamId: z.union([z.string(), z.array(z.string())]).optional().catch(undefined),
  ownTeamIds: z.array(z.string()).optional().catch(undefined),
  ownEnterpriseId: z.string().optional().catch(undefined),
})

interface OwnWorkspace {
  teamIds: ReadonlySet<string>
  enterpriseId: string | undefined
}

/** Channel ids the reader could not resolve (see export.ts): messages still land, keyed by these. */
export const unknownChannelId = 'unknown'
export const channelNamePrefix = 'name:'

/** System messages whose text names the actor (`<@U1> has joined the channel`): not mentions. */
const membershipSubtypes: ReadonlySet<string> = new Set(['channel_join', 'channel_leave', 'group_join', 'group_leave'])

export function normalizeSlackRecord(record: LandedRecord, context: NormalizeContext): NormalizeResult {
  const own = ownWorkspace(context.settings)
  switch (record.objectType) {
    case 'user':
      return parsed(slackUserSchema, record, (user) => ({ records: [personOf(user, own)], issues: [] }))
    case 'channel':
      return parsed(slackChannelSchema, record, (channel) => ({ records: conversationOf(channel, own), issues: [] }))
    case 'channel_member':
      return parsed(slackChannelMemberSchema, record, (member) => ({ records: [memberLink(member.user, member.channel)], issues: [] }))
    case 'message':
      return parsed(slackMessageSchema, record, (message) => messageOf(message, record))
    case 'team':
      return parsed(slackTeamSchema, record, (team) => ({ records: [teamOf(team)], issues: [] }))
    default:
      return {
        records: [],
        issues: [{ code: 'E_UNKNOWN_OBJECT_TYPE', message: `Slack has no object type "${record.objectType}"; expected user, channel, channel_member, message or team.` }],
      }
  }
}

function parsed<T>(schema: z.ZodType<T>, record: LandedRecord, build: (value: T) => NormalizeResult): NormalizeResult {
  const result = schema.safeParse(record.payload)
  if (result.success) return build(result.data)
  const issue = result.error.issues[0]
  const path = issue?.path.map(String).join('.')
  return {
    records: [],
    issues: [
      {
        code: 'E_SCHEMA',
        message: `Slack ${record.objectType} ${record.sourceId}: ${path ? `${path}: ` : ''}${issue?.message ?? 'invalid payload'}.`,
        ...(path ? { path } : {}),
      },
    ],
  }
}

function ownWorkspace(settings: Record<string, unknown>): OwnWorkspace {
  const parsedSettings = settingsSchema.safeParse(settings)
  const values = parsedSettings.success ? parsedSettings.data : {}
  const teamIds = new Set<string>()
  const single = values.ownTeamId
  for (const id of [...(Array.isArray(single) ? single : single === undefined ? [] : [single]), ...(values.ownTeamIds ?? [])]) {
    if (id.trim() !== '') teamIds.add(id.trim())
  }
  return { teamIds, enterpriseId: clean(values.ownEnterpriseId) }
}

function personOf(user: SlackUser, own: OwnWorkspace): Person {
  const profile = user.profile ?? {}
  const teamId = clean(user.team_id) ?? clean(profile.team)
  const internal = isInternal(user, teamId, own)
  const email = clean(profile.email)
  const phone = clean(profile.phone)
  const enterpriseUserId = clean(user.enterprise_user?.id)
  return {
    kind: 'person',
    name: definedOnly({
      full: clean(user.real_name) ?? clean(profile.real_name),
      preferred: clean(profile.display_name),
      given: clean(profile.first_name),
      family: clean(profile.last_name),
    }),
    emails: email ? [{ address: email, type: 'work' }] : [],
    phones: phone ? [{ number: phone, type: 'work' }] : [],
    internal,
    // USLACKBOT is the one built-in bot whose is_bot is false.
    isBot: user.is_bot === true || user.is_workflow_bot === true || user.id === 'USLACKBOT',
    externalIds: enterpriseUserId && enterpriseUserId !== user.id ? [{ type: 'slack_enterprise_user_id', value: enterpriseUserId }] : [],
    ...definedOnly({
      title: clean(profile.title),
      externalTeamId: internal === false ? teamId : undefined,
      status: statusOf(user),
      timezone: clean(user.tz),
      updatedAt: epochSecondsToIso(user.updated),
    }),
  }
}

function isInternal(user: SlackUser, teamId: string | undefined, own: OwnWorkspace): boolean {
  if (user.is_external === true || user.is_stranger === true) return false
  if (own.teamIds.size === 0 || teamId === undefined) return true
  if (own.teamIds.has(teamId)) return true
  // Enterprise Grid: a member of another workspace of our own org is still one of ours.
  const enterpriseId = clean(user.enterprise_user?.enterprise_id)
  return own.enterpriseId !== undefined && enterpriseId === own.enterpriseId
}

function statusOf(user: SlackUser): Person['status'] {
  if (user.deleted === true) return 'deleted'
  if (user.is_restricted === true || user.is_ultra_restricted === true) return 'guest'
  // A user derived from a message says nothing about its account state.
  if (user.derived_from === 'message') return undefined
  return 'active'
}

function conversationOf(channel: SlackChannel, own: OwnWorkspace): CanonicalRecord[] {
  const foreignTeams = foreignTeamIds(channel, own)
  const externallyShared = channel.is_ext_shared === true || (channel.is_shared === true && foreignTeams.length > 0)
  const conversation: Conversation = {
    kind: 'conversation',
    // The reader sets conversation_type from the export file; older landed API objects may lack it.
    conversationType: channel.conversation_type ?? conversationTypeFromFlags(channel),
    archived: channel.is_archived === true,
    externallyShared,
    sharedTeamIds: externallyShared ? foreignTeams : [],
    ...definedOnly({
      name: clean(channel.name),
      topic: clean(channel.topic?.value),
      purpose: clean(channel.purpose?.value),
      createdAt: epochSecondsToIso(channel.created),
    }),
  }
  // Members come as channel_member records of their own (see export.ts); a channel object from an API
  // response or an older export may still carry them inline.
  const members = new Set((channel.members ?? []).map((id) => id.trim()).filter((id) => id !== ''))
  return [conversation, ...[...members].map((userId) => memberLink(userId, channel.id))]
}

/**
 * A Slack Connect team as an organisation: named by the team's own name when the record has one,
 * else by the shared channel that reaches it without its prefix (#ext-acme-corp → acme-corp).
 */
function teamOf(team: SlackTeam): Organization {
  const name = clean(team.name) ?? sharedChannelLabel(team.channel ?? '')
  return { kind: 'organization', domains: [], slackTeamId: team.id, internal: false, ...(name ? { name } : {}) }
}

function memberLink(userId: string, channelId: string): CanonicalRecord {
  return { kind: 'link', linkType: 'member_of', from: refTo('slack', 'user', userId), to: refTo('slack', 'channel', channelId), attributes: {} }
}


/** Teams a channel is shared with that are not ours: Slack lists our own team among shared_team_ids. */
function foreignTeamIds(channel: SlackChannel, own: OwnWorkspace): string[] {
  const ours = new Set([...own.teamIds, ...(channel.internal_team_ids ?? [])])
  const context = clean(channel.context_team_id)
  if (context) ours.add(context)
  const foreign = new Set<string>()
  for (const id of [...(channel.shared_team_ids ?? []), ...(channel.connected_team_ids ?? [])]) {
    const teamId = id.trim()
    if (teamId !== '' && !ours.has(teamId)) foreign.add(teamId)
  }
  return [...foreign]
}

function messageOf(message: SlackMessage, record: LandedRecord): NormalizeResult {
  const issues: NormalizeIssue[] = []
  const sentAt = slackTsToIso(message.ts)
  if (sentAt === undefined) {
    return { records: [], issues: [{ code: 'E_SCHEMA', message: `Slack message ${record.sourceId}: ts "${message.ts}" is not a valid time.`, path: 'ts' }] }
  }
  const channelId = clean(message.channel) ?? clean(record.sourceId.slice(0, record.sourceId.lastIndexOf(':'))) ?? unknownChannelId
  if (channelId === unknownChannelId || channelId.startsWith(channelNamePrefix)) {
    issues.push({
      code: 'W_UNRESOLVED_CHANNEL',
      message: `Slack message ${record.sourceId}: no channel file of its import named its channel, so it landed under "${channelId}"; import it together with the export's channels.json, groups.json, dms.json and mpims.json, or give loose message files the channel id (import option channel).`,
      path: 'channel',
    })
  }
  const userId = clean(message.user)
  const isBotMessage = message.subtype === 'bot_message' || (userId === undefined && clean(message.bot_id) !== undefined)
  const authorName = isBotMessage
    ? (clean(message.username) ?? clean(message.bot_profile?.name))
    : userId === undefined
      ? (clean(message.user_profile?.display_name) ?? clean(message.user_profile?.real_name) ?? clean(message.username))
      : undefined
  const editedTs = clean(message.edited?.ts)
  const result: Message = {
    kind: 'message',
    conversationRef: refTo('slack', 'channel', channelId),
    text: (message.text ?? '').trim(),
    sentAt,
    ts: message.ts,
    mentionRefs: membershipSubtypes.has(message.subtype ?? '')
      ? []
      : mentionedUserIds(message.text, message.blocks).map((id) => refTo('slack', 'user', id)),
    reactions: (message.reactions ?? []).flatMap((reaction) => {
      const name = clean(reaction.name)
      if (name === undefined) return []
      const userRefs = uniqueIds(reaction.users).map((id) => refTo('slack', 'user', id))
      const count = reaction.count ?? userRefs.length
      return [{ name, count: Number.isInteger(count) ? count : userRefs.length, userRefs }]
    }),
    files: filesOf(message),
    ...definedOnly({
      authorRef: userId === undefined ? undefined : refTo('slack', 'user', userId),
      authorName,
      threadTs: clean(message.thread_ts),
      subtype: clean(message.subtype),
      editedAt: editedTs === undefined ? undefined : slackTsToIso(editedTs),
    }),
  }
  return { records: [result], issues }
}

function filesOf(message: SlackMessage): Message['files'] {
  const files = [...(message.files ?? []), ...(message.file ? [message.file] : [])]
  const seen = new Set<string>()
  const result: Message['files'] = []
  for (const file of files) {
    // Tombstones and placeholders without an id describe nothing that can be referred to.
    const id = clean(file.id)
    if (id === undefined || seen.has(id)) continue
    seen.add(id)
    result.push({
      id,
      ...definedOnly({ name: clean(file.name), title: clean(file.title), mimetype: clean(file.mimetype), size: file.size ?? undefined }),
    })
  }
  return result
}

function uniqueIds(ids: readonly string[] | null | undefined): string[] {
  return [...new Set((ids ?? []).map((id) => id.trim()).filter((id) => id !== ''))]
}

/** Trimmed text, or undefined for null, undefined and blank strings. */
function clean(value: string | null | undefined): string | undefined {
  const trimmed = value?.trim()
  return trimmed === undefined || trimmed === '' ? undefined : trimmed
}

/** The object without its undefined properties (canonical records leave absent values out). */
function definedOnly<T extends Record<string, unknown>>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const result: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) if (item !== undefined) result[key] = item
  return result as { [K in keyof T]?: Exclude<T[K], undefined> }
}

