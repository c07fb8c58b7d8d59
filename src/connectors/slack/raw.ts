import { z } from 'zod'

/**
 * Zod schemas of Slack's raw objects as they appear in workspace exports and Web API responses. Only
 * the fields the connector reads are typed; every object is loose so the rest of the payload is kept
 * as is. Optional fields are `nullish`: real exports write `null` where the API omits a field
 * (`"bot_id": null` in 2018 day files).
 */

const optionalString = z.string().nullish()
const optionalBoolean = z.boolean().nullish()
/** Epoch seconds; `created` and `last_set` are strings in some real exports ("1452837318"). */
const epochSeconds = z.union([z.number(), z.string()]).nullish()
const idList = z.array(z.string()).nullish()

/** Slack message timestamps: epoch seconds plus a 6-digit sequence, always a string ("1516454398.000069"). */
export const slackTsSchema = z.string().regex(/^\d{1,12}(\.\d{1,9})?$/, 'expected a Slack ts like "1516454398.000069"')

export const userProfileSchema = z.looseObject({
  real_name: optionalString,
  display_name: optionalString,
  first_name: optionalString,
  last_name: optionalString,
  email: optionalString,
  phone: optionalString,
  title: optionalString,
  team: optionalString,
  name: optionalString,
})
export type SlackUserProfile = z.infer<typeof userProfileSchema>

/** `users.json`, `org_users.json`, `users.list` members, `users.info` user; also the user records derived from messages. */
export const slackUserSchema = z.looseObject({
  id: z.string().min(1),
  team_id: optionalString,
  name: optionalString,
  deleted: optionalBoolean,
  real_name: optionalString,
  tz: optionalString,
  is_bot: optionalBoolean,
  is_app_user: optionalBoolean,
  is_workflow_bot: optionalBoolean,
  is_restricted: optionalBoolean,
  is_ultra_restricted: optionalBoolean,
  is_stranger: optionalBoolean,
  updated: epochSeconds,
  profile: userProfileSchema.nullish(),
  enterprise_user: z.looseObject({ id: optionalString, enterprise_id: optionalString }).nullish(),
  /** Set by this connector on users derived from a message's `user_profile` (Slack Connect senders). */
  is_external: optionalBoolean,
  derived_from: optionalString,
})
export type SlackUser = z.infer<typeof slackUserSchema>

const topicSchema = z.looseObject({ value: optionalString, creator: optionalString, last_set: epochSeconds })

export const conversationTypes = ['channel', 'private_channel', 'dm', 'group_dm'] as const
export type ConversationType = (typeof conversationTypes)[number]

/** One membership, as the reader lands it from a channel's `members` (or conversations.members). */
export const slackChannelMemberSchema = z.object({ channel: z.string().min(1), user: z.string().min(1) })

/** `channels.json`, `groups.json`, `dms.json`, `mpims.json`, `conversations.list`/`conversations.info`. */
export const slackChannelSchema = z.looseObject({
  id: z.string().min(1),
  name: optionalString,
  created: epochSeconds,
  creator: optionalString,
  is_archived: optionalBoolean,
  members: idList,
  topic: topicSchema.nullish(),
  purpose: topicSchema.nullish(),
  is_channel: optionalBoolean,
  is_group: optionalBoolean,
  is_im: optionalBoolean,
  is_mpim: optionalBoolean,
  is_private: optionalBoolean,
  is_shared: optionalBoolean,
  is_ext_shared: optionalBoolean,
  is_org_shared: optionalBoolean,
  shared_team_ids: idList,
  connected_team_ids: idList,
  internal_team_ids: idList,
  context_team_id: optionalString,
  /** Set by this connector from the file the channel came from (or from the API's is_* flags). */
  conversation_type: z.enum(conversationTypes).nullish(),
})
export type SlackChannel = z.infer<typeof slackChannelSchema>

/** A Slack Connect team, inferred by the reader from a shared channel (`channel`: its name); `name` if a source names it. */
export const slackTeamSchema = z.looseObject({
  id: z.string().min(1),
  name: optionalString,
  channel: optionalString,
})
export type SlackTeam = z.infer<typeof slackTeamSchema>

/** A file attached to a message: modern `files[]` or the legacy (2016–2018) `file` of `file_share`. */
export const slackFileSchema = z.looseObject({
  id: optionalString,
  name: optionalString,
  title: optionalString,
  mimetype: optionalString,
  size: z.number().nullish(),
})

export const slackReactionSchema = z.looseObject({
  name: z.string(),
  users: idList,
  count: z.number().nullish(),
})

/** A message of a day file, `conversations.history` or `conversations.replies`. */
export const slackMessageSchema = z.looseObject({
  ts: slackTsSchema,
  type: optionalString,
  subtype: optionalString,
  user: optionalString,
  text: optionalString,
  thread_ts: optionalString,
  parent_user_id: optionalString,
  bot_id: optionalString,
  username: optionalString,
  bot_profile: z.looseObject({ name: optionalString }).nullish(),
  team: optionalString,
  user_team: optionalString,
  source_team: optionalString,
  user_profile: userProfileSchema.nullish(),
  edited: z.looseObject({ user: optionalString, ts: slackTsSchema.nullish() }).nullish(),
  reactions: z.array(slackReactionSchema).nullish(),
  files: z.array(slackFileSchema).nullish(),
  file: slackFileSchema.nullish(),
  blocks: z.array(z.unknown()).nullish(),
  /** Channel id: set by this connector on every landed message (API messages may carry it already). */
  channel: optionalString,
  /** Zulip-style exported message fixtures name the channel instead of nesting in a folder. */
  channel_name: optionalString,
})
export type SlackMessage = z.infer<typeof slackMessageSchema>

/** Elements of the shared channel files, named by the file they come from. */
export const channelFileTypes: Readonly<Record<string, ConversationType>> = {
  'channels.json': 'channel',
  'groups.json': 'private_channel',
  'dms.json': 'dm',
  'mpims.json': 'group_dm',
}

export const userFileNames: ReadonlySet<string> = new Set(['users.json', 'org_users.json'])
