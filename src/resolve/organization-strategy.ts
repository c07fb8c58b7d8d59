/**
 * How organisations are resolved. Identifiers (shared domain, Slack team, cross-references) merge.
 * Records with the same normalised name are scored: the name is good evidence on its own, but two
 * records with different domains or countries are different companies that happen to share a name
 * (Acme in Ohio, Acme in Lyon). Fixed weights, as for people. Pure.
 */
import { normalizePhone } from './keys/index.ts'
import { organizationDomains } from './organization-keys.ts'
import type { FeatureEvidence, PairScore, ResolutionStrategy } from './resolve-records.ts'
import type { OrganizationRecord } from './resolvable.ts'

export interface OrganizationFeatures {
  domains: ReadonlySet<string>
  country: string | undefined
  phone: string | undefined
}

const NAME = 6
const DOMAIN = { same: 6, different: -10 } as const
const COUNTRY = { same: 1, different: -4 } as const
const PHONE = { same: 3 } as const
const MAX_EVIDENCE = NAME + DOMAIN.same + COUNTRY.same + PHONE.same
const MATCH_WEIGHT = 5

function features(organization: OrganizationRecord): OrganizationFeatures {
  return {
    domains: new Set(organizationDomains(organization)),
    country: organization.country?.trim().toLowerCase() || undefined,
    phone: normalizePhone(organization.phone),
  }
}

function score(a: OrganizationFeatures, b: OrganizationFeatures, blockSize: number): PairScore {
  const evidence: FeatureEvidence[] = []
  return { weight: weight(a, b, blockSize, evidence), evidence }
}

/** The weight of {@link score}, with the evidence pushed to `evidence` when one is given. */
function weight(a: OrganizationFeatures, b: OrganizationFeatures, blockSize: number, evidence?: FeatureEvidence[]): number {
  let sum = 0
  const add = (feature: string, level: string, weight: number) => {
    sum += weight
    evidence?.push({ feature, level, weight })
  }
  add('prior', `${blockSize} with this name`, Math.round(Math.log2(2 / Math.max(2, blockSize)) * 100) / 100)
  add('name', 'same normalised name', NAME)
  if (a.domains.size > 0 && b.domains.size > 0) {
    const same = [...a.domains].some((domain) => b.domains.has(domain))
    add('domain', same ? 'same' : 'different', same ? DOMAIN.same : DOMAIN.different)
  }
  if (a.country !== undefined && b.country !== undefined) {
    const same = a.country === b.country
    add('country', same ? 'same' : 'different', same ? COUNTRY.same : COUNTRY.different)
  }
  if (a.phone !== undefined && a.phone === b.phone) add('phone', 'same', PHONE.same)
  return Math.round(sum * 100) / 100
}

export const organizationStrategy: ResolutionStrategy<OrganizationRecord, OrganizationFeatures> = {
  features,
  exclusive: () => [],
  identifierConflict: () => undefined,
  score,
  weight,
  canLink: (blockSize) => Math.log2(2 / Math.max(2, blockSize)) + MAX_EVIDENCE >= MATCH_WEIGHT - 0.01,
  matchWeight: MATCH_WEIGHT,
  conflictWeight: -4,
  keyOrder: ['record', 'slack_team', 'domain'],
  maxRecords: 500,
  maxBlock: 200,
}
