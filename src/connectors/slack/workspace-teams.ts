/**
 * The workspace's own team ids, learnt from the users files of the export. users.json lists only the
 * workspace's members (Slack Connect users are "generally absent", but not guaranteed to be), so a
 * file's own team is the MOST COMMON `team_id` of its users, not every team id in it. A Grid org
 * export adds one team per `teams/<name>/users.json` and the org's enterprise id (most common
 * `enterprise_user.enterprise_id`), which messages of org members may carry as their team. An org's
 * `org_users.json` lists the members of all its workspaces, so every team id in it is the org's own.
 */
export class TeamCounter {
  private readonly teams = new Map<string, number>()
  private readonly enterprises = new Map<string, number>()

  count(teamId: string | null | undefined, enterpriseId: string | null | undefined): void {
    increment(this.teams, teamId)
    increment(this.enterprises, enterpriseId)
  }

  /** Every team id and enterprise id seen. */
  all(): string[] {
    return [...this.teams.keys(), ...this.enterprises.keys()]
  }

  /** The most common team id and enterprise id seen (ties: the first seen). */
  mostCommon(): string[] {
    return [top(this.teams), top(this.enterprises)].filter((id): id is string => id !== undefined)
  }
}

function increment(counts: Map<string, number>, id: string | null | undefined): void {
  const key = id?.trim()
  if (key) counts.set(key, (counts.get(key) ?? 0) + 1)
}

function top(counts: Map<string, number>): string | undefined {
  let best: string | undefined
  let bestCount = 0
  for (const [id, count] of counts) {
    if (count > bestCount) {
      best = id
      bestCount = count
    }
  }
  return best
}
