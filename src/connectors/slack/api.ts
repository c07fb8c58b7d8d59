/**
 * The Slack connector's live half: a workspace read through the Web API with the real
 * `@slack/web-api` client. Users, conversations (with members and Slack Connect teams) and message
 * history land as the same source records as a workspace export, normalised by the same function.
 */
import type { ApiConnector, ApiSession, CheckResult } from '../api-contract.ts'
import { slackSettings, type SlackSettings } from './config.ts'
import { normalizeSlackRecord } from './normalize.ts'
import { conversationsStream } from './streams/conversations.ts'
import { historyStream } from './streams/history.ts'
import { usersStream } from './streams/users.ts'
import { OwnWorkspace } from './workspace.ts'

/** The scopes each stream needs, by conversation type where it matters. */
function neededScopes(settings: SlackSettings): Record<string, string[]> {
  const read = { public_channel: 'channels', private_channel: 'groups', mpim: 'mpim', im: 'im' } as const
  const types = settings.conversationTypes.map((type) => read[type])
  return {
    'users:read': ['users', 'history'],
    'users:read.email': ['users'],
    ...Object.fromEntries(types.map((prefix) => [`${prefix}:read`, ['conversations', 'history']])),
    ...Object.fromEntries(types.map((prefix) => [`${prefix}:history`, ['history']])),
  }
}

async function openSlack(settings: SlackSettings): Promise<ApiSession> {
  // The SDK loads only when a Slack connection is used, not with every command.
  const { classifySlackError, createSlackClient } = await import('./client.ts')
  const { client, abortInFlight } = createSlackClient(settings)
  const own = new OwnWorkspace()
  return {
    close: () => Promise.resolve(abortInFlight()),
    streams: [usersStream(client), conversationsStream(client, settings, own), historyStream(client, settings, own)],
    classify: classifySlackError,
    async normalizeSettings(context) {
      await own.learn(client, context)
      return own.settings()
    },
    async check(context): Promise<CheckResult> {
      const auth = await context.call({ what: 'auth.test' }, () => client.auth.test())
      const granted = new Set(auth.response_metadata?.scopes ?? [])
      return {
        identity: `${auth.user ?? auth.user_id ?? 'unknown user'}${auth.bot_id ? ` (bot ${auth.bot_id})` : ''}`,
        account: `${auth.team ?? 'workspace'} ${auth.team_id ?? ''}${auth.url ? ` ${auth.url}` : ''}`.trim(),
        scopes: Object.entries(neededScopes(settings)).map(([name, neededBy]) => ({ name, granted: granted.has(name), neededBy })),
      }
    },
  }
}

export const slackApiConnector: ApiConnector<SlackSettings> = {
  system: 'slack',
  settings: slackSettings,
  open: openSlack,
  normalize: normalizeSlackRecord,
}
