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
 * they have tokens of one type but none in common. The store works out what each hint expands to
 * (store/load-organization-context.ts); this module holds the spelling rules and the lookup. Pure.
 */
import { foldText } from './keys/index.ts'

export interface OrganizationContext {
  expand(token: string): readonly string[]
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

/** The context of what each hint is known to expand to; a domain also expands to its slug. */
export function expandWith(byHint: ReadonlyMap<string, ReadonlySet<string>>): OrganizationContext {
  return {
    expand(hint) {
      const known = byHint.get(hint)
      if (hint.startsWith('domain:')) return [`slug:${domainSlug(hint.slice('domain:'.length))}`, ...(known ?? [])]
      return known ? [...known] : []
    },
  }
}
