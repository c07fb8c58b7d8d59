import { z } from 'zod'
import { CgError } from '../../errors.ts'

/**
 * Per-import options of a Slack export import (ReadContext.options):
 * - `ownTeamId` (a team id or several, for a Grid org): the workspace's own team, added to the ones
 *   learnt from users.json. Needed to recognise Slack Connect senders when no users.json is imported.
 * - `channel`: the channel id of loose message files that do not say it themselves
 *   (`conversations.history` responses, a single exported message). Without it they land under the
 *   channel id `unknown`.
 */
const optionsSchema = z.looseObject({
  ownTeamId: z.union([z.string().trim().min(1), z.array(z.string().trim().min(1))]).optional(),
  channel: z.string().trim().regex(/^[CDG][A-Z0-9]+$/, 'expected a Slack channel id such as C0123ABCD').optional(),
})

export interface SlackReadOptions {
  ownTeamIds: string[]
  channel: string | undefined
}

export function parseReadOptions(options: Record<string, unknown>): SlackReadOptions {
  const parsed = optionsSchema.safeParse(options)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const name = issue?.path.map(String).join('.') ?? ''
    throw new CgError('E_USAGE', `Slack import option ${name}: ${issue?.message ?? 'invalid value'}.`, { location: { parameter: name } })
  }
  const { ownTeamId, channel } = parsed.data
  return { ownTeamIds: ownTeamId === undefined ? [] : Array.isArray(ownTeamId) ? ownTeamId : [ownTeamId], channel }
}
