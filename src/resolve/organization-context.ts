/**
 * What is known about organisations when people are compared: each record's organisation hints
 * (`ref:` its account, `domain:` its work email domain, `name:` a company name, `team:` its Slack
 * Connect team) are expanded into comparable tokens, so that hints of different kinds can agree:
 *
 *   ref:salesforce:Account:001…  → org:<entity>, domain:acme.com, slug:acme, name:acme
 *   domain:acme.com              → slug:acme, org:<entity of the account with that domain>
 *   name:acme                    → org:<entity of the one account of that name>
 *   team:T0ACME                  → slug:acme (from the shared channel #ext-acme)
 *
 * Two people share an organisation when their token sets intersect, and are at different ones when
 * they have tokens of one type but none in common. Pure: built from rows the store loads.
 */
import { domainFromWebsite, foldText, isFreeMailDomain, normalizeOrganizationName, registrableDomain } from './keys/index.ts'
import { formatRef, type OrganizationRecord } from './resolvable.ts'
import type { SourceRef } from '../schema/canonical.ts'

export interface OrganizationContext {
  expand(token: string): readonly string[]
}

export interface ContextOrganization {
  ref: SourceRef
  data: OrganizationRecord
  entityId: string | null
}

export interface ContextChannel {
  name: string
  sharedTeamIds: readonly string[]
}

export const EMPTY_CONTEXT: OrganizationContext = { expand: () => [] }

/** Prefixes teams put before a customer's name in the name of a shared channel. */
const SHARED_CHANNEL_PREFIX = /^(?:ext|extern|external|shared|sc|connect|x|partner|customer|cust)[-_.]+/
const NON_ALPHANUMERIC = /[^a-z0-9]+/g

/** Letters and digits only, as a shared channel would spell a company: acme-corp → acmecorp. */
export function compactSlug(text: string): string {
  return text.replace(NON_ALPHANUMERIC, '')
}

/** The first label of a registrable domain, letters and digits only: acme-corp.co.uk → acmecorp. */
export function domainSlug(domain: string): string {
  return compactSlug(domain.split('.')[0] ?? '')
}

/** A shared channel's customer part: #ext-acme-corp → acmecorp; undefined when nothing is left. */
export function channelSlug(name: string): string | undefined {
  const slug = compactSlug(foldText(name.toLowerCase()).replace(SHARED_CHANNEL_PREFIX, ''))
  return slug.length >= 3 ? slug : undefined
}

/** A shared channel's customer part as a name: #ext-acme-corp → acme-corp; undefined when too short to name anyone. */
export function sharedChannelLabel(name: string): string | undefined {
  const label = name.trim().replace(/^#/, '').toLowerCase().replace(SHARED_CHANNEL_PREFIX, '')
  return channelSlug(label) === undefined ? undefined : label
}

export function buildOrganizationContext(organizations: readonly ContextOrganization[], channels: readonly ContextChannel[]): OrganizationContext {
  const byToken = new Map<string, Set<string>>()
  const add = (token: string, values: Iterable<string>) => {
    let set = byToken.get(token)
    if (!set) byToken.set(token, (set = new Set()))
    for (const value of values) set.add(value)
  }
  const entitiesOfName = new Map<string, Set<string>>()
  for (const { ref, data, entityId } of organizations) {
    const domains = new Set<string>()
    for (const raw of [data.website, ...data.domains]) {
      const domain = registrableDomain(domainFromWebsite(raw))
      if (domain && !isFreeMailDomain(domain)) domains.add(domain)
    }
    const name = normalizeOrganizationName(data.name)
    const tokens = [
      ...(entityId ? [`org:${entityId}`] : []),
      ...[...domains].flatMap((domain) => [`domain:${domain}`, `slug:${domainSlug(domain)}`]),
      ...(name ? [`name:${name}`] : []),
    ]
    add(`ref:${formatRef(ref)}`, tokens)
    if (entityId) {
      for (const domain of domains) add(`domain:${domain}`, [`org:${entityId}`])
      if (name) entitiesOfName.set(name, new Set([...(entitiesOfName.get(name) ?? []), entityId]))
    }
  }
  // A name shared by several organisations says nothing about which one.
  for (const [name, entities] of entitiesOfName) if (entities.size === 1) add(`name:${name}`, [`org:${[...entities][0]!}`])
  for (const channel of channels) {
    const slug = channelSlug(channel.name)
    if (slug) for (const team of channel.sharedTeamIds) add(`team:${team}`, [`slug:${slug}`])
  }
  return {
    expand(token) {
      const known = byToken.get(token)
      if (token.startsWith('domain:')) return [`slug:${domainSlug(token.slice('domain:'.length))}`, ...(known ?? [])]
      return known ? [...known] : []
    },
  }
}
