/**
 * How organisations are resolved. Identifiers (shared domain, Slack team, cross-references) merge.
 * Records with the same normalised name are scored: the name is good evidence on its own, but two
 * records with different domains or countries are different companies that happen to share a name
 * (Acme in Ohio, Acme in Lyon). A Slack Connect team known only by its shared channel is scored
 * against the organisations whose slug the channel names: a channel named like a company's domain
 * (#ext-acme ↔ acme.com) is better evidence than a name, which companies share (Fay Inc of fay.com
 * and Fay Inc of fayinc.com: #ext-fay is the first's); one named like a company's name (#ext-acme ↔
 * Acme Inc.) counts as a name; and like a name the link is left apart when two companies answer to
 * it equally (acme.com and acme.de).
 * Records that meet in a slug block but share neither a name nor a channel are not scored at all
 * (weight 0: no link, no conflict), so slugs change nothing between accounts. Fixed weights, as for
 * people. Pure.
 */
import { normalizeOrganizationName, normalizePhone } from './keys/index.ts'
import { organizationDomains, organizationSlugParts } from './organization-keys.ts'
import type { FeatureEvidence, PairScore, ResolutionStrategy } from './resolve-records.ts'
import type { OrganizationRecord } from './resolvable.ts'

export interface OrganizationFeatures {
  name: string | undefined
  domainSlugs: ReadonlySet<string>
  nameSlugs: ReadonlySet<string>
  /** A Slack Connect team whose only evidence is its shared channel: the channel's slug. */
  channelSlug: string | undefined
  domains: ReadonlySet<string>
  country: string | undefined
  phone: string | undefined
}

const NAME = 6
const CHANNEL = { domain: 9, name: 6 } as const
const DOMAIN = { same: 6, different: -10 } as const
const COUNTRY = { same: 1, different: -4 } as const
const PHONE = { same: 3 } as const
const MAX_EVIDENCE = CHANNEL.domain + DOMAIN.same + COUNTRY.same + PHONE.same
const MATCH_WEIGHT = 5

function features(organization: OrganizationRecord): OrganizationFeatures {
  return {
    name: normalizeOrganizationName(organization.name),
    ...slugFeatures(organization),
    domains: new Set(organizationDomains(organization)),
    country: organization.country?.trim().toLowerCase() || undefined,
    phone: normalizePhone(organization.phone),
  }
}

function slugFeatures(organization: OrganizationRecord): Pick<OrganizationFeatures, 'domainSlugs' | 'nameSlugs' | 'channelSlug'> {
  const { domain, name, channel } = organizationSlugParts(organization)
  return { domainSlugs: new Set(domain), nameSlugs: new Set(name), channelSlug: channel }
}

/** How a channel-only team's channel names the other organisation, if it does. */
function channelEvidence(team: OrganizationFeatures, other: OrganizationFeatures): FeatureEvidence | undefined {
  const slug = team.channelSlug
  if (slug === undefined) return undefined
  if (other.domainSlugs.has(slug)) return { feature: 'slack_channel', level: 'the shared channel names its domain', weight: CHANNEL.domain }
  if (other.nameSlugs.has(slug) || other.channelSlug === slug) return { feature: 'slack_channel', level: 'the shared channel names it', weight: CHANNEL.name }
  return undefined
}

function score(a: OrganizationFeatures, b: OrganizationFeatures, blockSize: number): PairScore {
  const evidence: FeatureEvidence[] = []
  return { weight: weight(a, b, blockSize, evidence), evidence }
}

/** The weight of {@link score}, with the evidence pushed to `evidence` when one is given. */
function weight(a: OrganizationFeatures, b: OrganizationFeatures, blockSize: number, evidence?: FeatureEvidence[]): number {
  const sameName = a.name !== undefined && a.name === b.name
  const channels = [channelEvidence(a, b), channelEvidence(b, a)].filter((item) => item !== undefined).sort((x, y) => y.weight - x.weight)
  const channel = channels[0]
  if (!sameName && channel === undefined) {
    evidence?.push({ feature: 'name', level: 'different', weight: 0 })
    return 0
  }
  let sum = 0
  const add = (item: FeatureEvidence) => {
    sum += item.weight
    evidence?.push(item)
  }
  const byChannel = channel !== undefined && (!sameName || channel.weight > NAME)
  add({ feature: 'prior', level: `${blockSize} with this ${byChannel ? 'slug' : 'name'}`, weight: Math.round(Math.log2(2 / Math.max(2, blockSize)) * 100) / 100 })
  add(byChannel ? channel : { feature: 'name', level: 'same normalised name', weight: NAME })
  if (a.domains.size > 0 && b.domains.size > 0) {
    const same = [...a.domains].some((domain) => b.domains.has(domain))
    add({ feature: 'domain', level: same ? 'same' : 'different', weight: same ? DOMAIN.same : DOMAIN.different })
  }
  if (a.country !== undefined && b.country !== undefined) {
    const same = a.country === b.country
    add({ feature: 'country', level: same ? 'same' : 'different', weight: same ? COUNTRY.same : COUNTRY.different })
  }
  if (a.phone !== undefined && a.phone === b.phone) add({ feature: 'phone', level: 'same', weight: PHONE.same })
  return Math.round(sum * 100) / 100
}

export const organizationStrategy: ResolutionStrategy<OrganizationRecord, OrganizationFeatures> = {
  features,
  exclusive: () => [],
  identifierConflict: () => undefined,
  score,
  weight,
  // Organisation blocks are few and small: every pair of one is scored.
  mayLink: () => true,
  canLink: (blockSize) => Math.log2(2 / Math.max(2, blockSize)) + MAX_EVIDENCE >= MATCH_WEIGHT - 0.01,
  matchWeight: MATCH_WEIGHT,
  conflictWeight: -4,
  keyOrder: ['record', 'slack_team', 'domain'],
  maxRecords: 500,
  maxBlock: 200,
}
