/**
 * How organisations are resolved. Identifiers (shared domain, Slack team, cross-references) merge.
 * Records with the same normalised name are scored: the name is good evidence on its own, but two
 * records with different domains or countries are different companies that happen to share a name
 * (Acme in Ohio, Acme in Lyon). A Slack Connect team known only by its shared channel is scored
 * against the organisations whose slug the channel names (#ext-acme ↔ acme.com, Acme Inc.): as good
 * as a name, and like a name left apart when two companies answer to it (acme.com and acme.de).
 * Records that meet in a slug block but share neither a name nor a channel are not scored at all
 * (weight 0: no link, no conflict), so slugs change nothing between accounts. Fixed weights, as for
 * people. Pure.
 */
import { normalizeOrganizationName, normalizePhone } from './keys/index.ts'
import { isChannelOnlyTeam, organizationDomains, organizationSlugs } from './organization-keys.ts'
import type { FeatureEvidence, PairScore, ResolutionStrategy } from './resolve-records.ts'
import type { OrganizationRecord } from './resolvable.ts'

export interface OrganizationFeatures {
  name: string | undefined
  slugs: ReadonlySet<string>
  /** A Slack Connect team whose only evidence is its shared channel's name. */
  channelOnly: boolean
  domains: ReadonlySet<string>
  country: string | undefined
  phone: string | undefined
}

const NAME = 6
const CHANNEL = 6
const DOMAIN = { same: 6, different: -10 } as const
const COUNTRY = { same: 1, different: -4 } as const
const PHONE = { same: 3 } as const
const MAX_EVIDENCE = NAME + DOMAIN.same + COUNTRY.same + PHONE.same
const MATCH_WEIGHT = 5

function features(organization: OrganizationRecord): OrganizationFeatures {
  return {
    name: normalizeOrganizationName(organization.name),
    slugs: new Set(organizationSlugs(organization)),
    channelOnly: isChannelOnlyTeam(organization),
    domains: new Set(organizationDomains(organization)),
    country: organization.country?.trim().toLowerCase() || undefined,
    phone: normalizePhone(organization.phone),
  }
}

function score(a: OrganizationFeatures, b: OrganizationFeatures, blockSize: number): PairScore {
  const sameName = a.name !== undefined && a.name === b.name
  const channel = (a.channelOnly || b.channelOnly) && [...a.slugs].some((slug) => b.slugs.has(slug))
  if (!sameName && !channel) return { weight: 0, evidence: [{ feature: 'name', level: 'different', weight: 0 }] }
  const evidence: FeatureEvidence[] = [
    { feature: 'prior', level: `${blockSize} with this ${sameName ? 'name' : 'slug'}`, weight: Math.round(Math.log2(2 / Math.max(2, blockSize)) * 100) / 100 },
    sameName
      ? { feature: 'name', level: 'same normalised name', weight: NAME }
      : { feature: 'slack_channel', level: 'the shared channel names it', weight: CHANNEL },
  ]
  if (a.domains.size > 0 && b.domains.size > 0) {
    const same = [...a.domains].some((domain) => b.domains.has(domain))
    evidence.push({ feature: 'domain', level: same ? 'same' : 'different', weight: same ? DOMAIN.same : DOMAIN.different })
  }
  if (a.country !== undefined && b.country !== undefined) {
    const same = a.country === b.country
    evidence.push({ feature: 'country', level: same ? 'same' : 'different', weight: same ? COUNTRY.same : COUNTRY.different })
  }
  if (a.phone !== undefined && a.phone === b.phone) evidence.push({ feature: 'phone', level: 'same', weight: PHONE.same })
  return { weight: Math.round(evidence.reduce((sum, item) => sum + item.weight, 0) * 100) / 100, evidence }
}

export const organizationStrategy: ResolutionStrategy<OrganizationRecord, OrganizationFeatures> = {
  features,
  exclusive: () => [],
  identifierConflict: () => undefined,
  score,
  canLink: (blockSize) => Math.log2(2 / Math.max(2, blockSize)) + MAX_EVIDENCE >= MATCH_WEIGHT - 0.01,
  matchWeight: MATCH_WEIGHT,
  conflictWeight: -4,
  keyOrder: ['record', 'slack_team', 'domain'],
  maxRecords: 500,
  maxBlock: 200,
}
