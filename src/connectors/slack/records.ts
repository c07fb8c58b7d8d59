/**
 * The raw records a Slack user, conversation or message becomes, whether it was read from an export
 * file or from the Web API: both paths build them here, so they land as the same source records
 * (same object types, ids and payload shapes) and the one normaliser reads both.
 */
import type { RawRecord, SourceLocation } from '../types.ts'
import type { ConversationType, SlackChannel, SlackMessage, SlackUser } from './raw.ts'
import { redactMessage, redactTokens } from './redact.ts'
import { epochSecondsToIso, slackTsToIso } from './time.ts'

export function userRecord<L extends SourceLocation>(user: SlackUser, provenance: L): RawRecord<L> {
  return { objectType: 'user', sourceId: user.id, payload: redactTokens(user), ...definedTime(epochSecondsToIso(user.updated)), provenance }
}

/**
 * A channel record, then one `channel_member` record per member, then the Slack Connect teams it
 * reaches. A workspace's #general lists every member (150k at a large company): as one record its
 * links would not fit a bounded page, so each membership is a small record of its own, as the
 * paginated conversations.members API returns them.
 */
export function channelRecords<L extends SourceLocation>(
  channel: SlackChannel,
  conversationType: ConversationType,
  members: readonly string[] | null | undefined,
  ownTeamIds: ReadonlySet<string>,
  provenance: L,
  memberProvenance: (index: number) => L,
): RawRecord<L>[] {
  const memberIds = [...new Set((members ?? []).map((id) => id.trim()).filter((id) => id !== ''))]
  const records: RawRecord<L>[] = [
    {
      objectType: 'channel',
      sourceId: channel.id,
      payload: redactTokens({ ...channel, conversation_type: conversationType, ...(members ? { member_count: memberIds.length } : {}) }),
      provenance,
    },
  ]
  for (const [index, userId] of memberIds.entries()) {
    records.push({ objectType: 'channel_member', sourceId: `${channel.id}:${userId}`, payload: { channel: channel.id, user: userId }, provenance: memberProvenance(index) })
  }
  for (const teamId of foreignTeams(channel, ownTeamIds)) {
    // Named by the channel that reaches it: neither exports nor conversations.list carry a foreign
    // team's name. A team shared through several channels is named by the first one read, and later
    // copies are folded into it.
    const payload = { id: teamId, ...(channel.name ? { channel: channel.name } : {}) }
    records.push({ objectType: 'team', sourceId: teamId, payload, provenance, inferred: true })
  }
  return records
}

/**
 * The Slack Connect teams a shared channel reaches: its shared and connected team ids that are not
 * ours. Only with our own team known: Slack lists the host team among shared_team_ids, and without
 * knowing which one is ours our own workspace would become a customer's.
 */
function foreignTeams(channel: SlackChannel, ownTeamIds: ReadonlySet<string>): string[] {
  if (ownTeamIds.size === 0 || (channel.is_ext_shared !== true && channel.is_shared !== true)) return []
  const ours = new Set([...ownTeamIds, ...(channel.internal_team_ids ?? [])])
  const context = channel.context_team_id?.trim()
  if (context) ours.add(context)
  const foreign = new Set<string>()
  for (const id of [...(channel.shared_team_ids ?? []), ...(channel.connected_team_ids ?? [])]) {
    const teamId = id.trim()
    if (teamId !== '' && !ours.has(teamId)) foreign.add(teamId)
  }
  return [...foreign].sort()
}

export function messageRecord<L extends SourceLocation>(message: SlackMessage, channelId: string, provenance: L): RawRecord<L> {
  const sentAt = slackTsToIso(message.ts)
  return {
    objectType: 'message',
    sourceId: `${channelId}:${message.ts}`,
    payload: redactMessage({ ...message, channel: channelId }),
    // Edits keep the original ts; the edit time is the message's last change.
    ...definedTime((message.edited?.ts ? slackTsToIso(message.edited.ts) : undefined) ?? sentAt),
    provenance,
  }
}

/**
 * The team of a message's sender when it is not ours (a Slack Connect sender), from the team fields
 * messages carry; undefined for our own people, and when our own team is not known.
 */
export function foreignSenderTeam(message: SlackMessage, ownTeamIds: ReadonlySet<string>): string | undefined {
  if (!message.user?.trim() || ownTeamIds.size === 0) return undefined
  const teamId = (message.user_team ?? message.user_profile?.team ?? message.team)?.trim()
  return teamId && !ownTeamIds.has(teamId) ? teamId : undefined
}

/**
 * The user record of a Slack Connect sender pieced together from a message (the export has no other
 * source for them): inferred, so it never overwrites a record read as itself (users.info).
 */
export function inferredSenderRecord<L extends SourceLocation>(message: SlackMessage, teamId: string, provenance: L): RawRecord<L> {
  const userId = message.user!.trim()
  const profile = message.user_profile
  const payload = { id: userId, team_id: teamId, ...(profile?.name ? { name: profile.name } : {}), ...(profile ? { profile } : {}), is_external: true, derived_from: 'message' }
  return { objectType: 'user', sourceId: userId, payload: redactTokens(payload), ...definedTime(slackTsToIso(message.ts)), provenance, inferred: true }
}

function definedTime(iso: string | undefined): { sourceUpdatedAt?: string } {
  return iso === undefined ? {} : { sourceUpdatedAt: iso }
}
