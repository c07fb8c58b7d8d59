/**
 * The keys an organisation record is resolved by: its own reference and the records it states it is,
 * the registrable domains of its website and email domains (never free-mail ones), and a Slack
 * Connect team id as identifiers; its normalised name ('Acme, Inc.' = 'ACME Incorporated') as a
 * blocking key, and its slugs (`slug:acme` for acme.com, for the name Acme and for a Slack Connect
 * team reached through #ext-acme) as another, so that a team known only by its shared channel meets
 * the company the channel is named after. Pure.
 */
import type { Link, SourceRef } from '../schema/canonical.ts'
import { domainFromWebsite, isFreeMailDomain, normalizeOrganizationName, registrableDomain } from './keys/index.ts'
import { channelSlug, compactSlug, domainSlug } from './organization-context.ts'
import { formatRef, type OrganizationRecord, type ResolutionKey } from './resolvable.ts'

export function organizationKeys(ref: SourceRef, organization: OrganizationRecord, links: readonly Link[] = []): ResolutionKey[] {
  const keys = new Map<string, ResolutionKey>()
  const add = (kind: string, value: string, role: ResolutionKey['role'] = 'identifier') => keys.set(`${kind}\u0000${value}`, { kind, value, role, isGeneric: false })
  add('record', formatRef(ref))
  for (const link of links) {
    if (link.linkType === 'same_as' && link.to.objectType === ref.objectType) add('record', formatRef(link.to))
  }
  for (const domain of organizationDomains(organization)) add('domain', domain)
  if (organization.slackTeamId) add('slack_team', organization.slackTeamId)
  const name = normalizeOrganizationName(organization.name)
  if (name) add('org_name', name, 'blocking')
  for (const slug of organizationSlugs(organization)) add('org_slug', `slug:${slug}`, 'blocking')
  return [...keys.values()]
}

/** A Slack Connect team known by nothing but the channel that reaches it (its name comes from there). */
export function isChannelOnlyTeam(organization: OrganizationRecord): boolean {
  return organization.slackTeamId !== undefined && organization.website === undefined && organization.domains.length === 0
}

/** An organisation's slugs by where they come from (see {@link organizationSlugs}). */
export interface OrganizationSlugs {
  /** The first label of each registrable domain: acme-corp.co.uk → acmecorp. */
  domain: string[]
  /** The normalised name run together: Acme Corp, Inc. → acme. */
  name: string[]
  /** A channel-only team's channel name: #ext-acme-corp → acmecorp. */
  channel: string | undefined
}

export function organizationSlugParts(organization: OrganizationRecord): OrganizationSlugs {
  const domain = new Set<string>()
  for (const registrable of organizationDomains(organization)) {
    const slug = domainSlug(registrable)
    if (slug.length >= 3) domain.add(slug)
  }
  const name = normalizeOrganizationName(organization.name)
  const compact = name === undefined ? undefined : compactSlug(name)
  const channel = isChannelOnlyTeam(organization) && organization.name !== undefined ? channelSlug(organization.name) : undefined
  return { domain: [...domain].sort(), name: compact !== undefined && compact.length >= 3 ? [compact] : [], channel }
}

/**
 * The organisation's names as a shared channel would spell them, letters and digits only: its
 * domains' first labels, its name run together, and for a channel-only team its channel's name.
 */
export function organizationSlugs(organization: OrganizationRecord): string[] {
  const { domain, name, channel } = organizationSlugParts(organization)
  return [...new Set([...domain, ...name, ...(channel ? [channel] : [])])].sort()
}

/** Registrable, non-free-mail domains of the website and the stated domains. */
export function organizationDomains(organization: OrganizationRecord): string[] {
  const domains = new Set<string>()
  for (const raw of [organization.website, ...organization.domains]) {
    const domain = registrableDomain(domainFromWebsite(raw))
    if (domain && !isFreeMailDomain(domain)) domains.add(domain)
  }
  return [...domains].sort()
}

/** The first domain of the first organisation that has one: the name of an organisation that has none. */
export function organizationDomainName(organizations: readonly OrganizationRecord[]): string | null {
  for (const organization of organizations) {
    const domain = organizationDomains(organization)[0]
    if (domain) return domain
  }
  return null
}
