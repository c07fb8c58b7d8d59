import type { ConversationType, SlackChannel } from './raw.ts'

/**
 * The conversation type of an API conversation object (`conversations.list`/`info`), which says it
 * through is_* flags instead of the export file it came from. DM ids start with D; legacy MPIM and
 * private channel ids both start with G, so only the flags tell those apart.
 */
export function conversationTypeFromFlags(channel: SlackChannel): ConversationType {
  if (channel.is_im === true || channel.id.startsWith('D')) return 'dm'
  if (channel.is_mpim === true) return 'group_dm'
  if (channel.is_private === true || channel.is_group === true) return 'private_channel'
  return 'channel'
}
