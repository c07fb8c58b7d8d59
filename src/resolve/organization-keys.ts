/**
 * The keys an organisation record is resolved by: its own reference and the records it states it is,
 * the registrable domains of its website and email domains (never free-mail ones), and a Slack
 * Connect team id as identifiers; its normalised name ('Acme, Inc.' = 'ACME Incorporated') as the
 * blocking key. Pure.
 */
import type { Link, SourceRef } from '../schema/canonical.ts'
import { domainFromWebsite, isFreeMailDomain, normalizeOrganizationName, registrableDomain } from './keys/index.ts'
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
  return [...keys.values()]
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
