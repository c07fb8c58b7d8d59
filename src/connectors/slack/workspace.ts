import type { WebClient } from '@slack/web-api'
import type { StreamContext } from '../api-contract.ts'

/**
 * What the sync learns about its own workspace from auth.test before the streams run: the team (and
 * Grid enterprise) the token belongs to. A Slack Connect sender is someone whose team is not ours —
 * told by team id, not by `is_stranger`, which Slack sets only in some cases.
 */
export class OwnWorkspace {
  teamIds = new Set<string>()
  enterpriseId: string | undefined
  user: string | undefined
  url: string | undefined

  async learn(client: WebClient, context: StreamContext): Promise<void> {
    const auth = await context.call({ what: 'auth.test' }, () => client.auth.test())
    if (auth.team_id) this.teamIds.add(auth.team_id)
    this.enterpriseId = auth.enterprise_id || undefined
    this.user = auth.user ?? auth.user_id
    this.url = auth.url
  }

  /** The normaliser's settings (normalize.ts reads ownTeamId / ownEnterpriseId). */
  settings(): Record<string, unknown> {
    return { ownTeamId: [...this.teamIds].sort(), ...(this.enterpriseId ? { ownEnterpriseId: this.enterpriseId } : {}) }
  }
}
