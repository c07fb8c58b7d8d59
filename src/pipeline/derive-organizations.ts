/**
 * Organisations that records imply without stating them: the work email domains people use. An
 * organisation record exists only where a system keeps one (a Salesforce Account); a Lead at a
 * prospect, a Google contact, a calendar attendee or a Slack guest at a company with no account
 * would otherwise work nowhere.
 *
 * Why here, in the pipeline, and not in each connector: the evidence is the canonical person, which
 * every connector already produces; deriving from it is one rule for all four systems (a Salesforce
 * Lead, a Google contact and a Slack guest agree on what a work domain is), and a connector added
 * later gets it for free. Slack Connect teams are the exception: which teams are ours is known only
 * to the Slack reader (from the users files), so it emits them (connectors/slack/export.ts).
 *
 * Each derived record is an inferred record of the importing system, keyed by what it stands for,
 * so the same domain seen on a thousand contacts is one record (`salesforce:email_domain:acme.com`):
 * repeats in a page are dropped by the caller, repeats across pages are folded by the pipeline like
 * any inferred record, and nothing is held for the whole import. Its payload is the key alone, so
 * it hashes the same whichever person brought it first, and a re-import changes nothing. Inferred
 * records are never inferred deleted: a domain that stops being used stays an organisation.
 *
 *   email_domain   a work domain of a person on the external side (or whose side is unknown)
 *   own_domain     a work domain of one of our own people (HR, directory, CRM users, our Slack
 *                  members; guests excluded): our company, an internal organisation, so employees
 *                  do not appear to work at a customer; merges with email_domain records of the
 *                  same domain through the domain key
 *   team_domain    a Slack Connect person's team together with their work domain (`T0ACME:acme.com`):
 *                  the evidence that a foreign Slack team is the company of that domain
 *
 * Never a free-mail domain, a generic mailbox (support@ says nothing about anyone's employer beyond
 * what the people there say, and person keys ignore it too) or an address typed personal. Pure.
 */
import type { CanonicalRecord, Organization, Person } from '../schema/canonical.ts'
import { isFreeMailDomain, isGenericMailbox, normalizeEmail, registrableDomain } from '../resolve/keys/index.ts'

export const DERIVED_ORGANIZATION_TYPES = ['email_domain', 'own_domain', 'team_domain'] as const
export type DerivedOrganizationType = (typeof DERIVED_ORGANIZATION_TYPES)[number]

export interface DerivedOrganization {
  objectType: DerivedOrganizationType
  sourceId: string
  payload: Record<string, string>
  organization: Organization
}

/** The organisations the canonical records of one source record imply; none for a deleted record. */
export function deriveOrganizations(canonical: readonly CanonicalRecord[], deleted: boolean): DerivedOrganization[] {
  if (deleted) return []
  const derived = new Map<string, DerivedOrganization>()
  for (const part of canonical) {
    if (part.kind !== 'person' || part.isBot === true) continue
    const own = part.internal === true && part.status !== 'guest'
    for (const domain of workDomains(part)) {
      const organization: Organization = { kind: 'organization', domains: [domain], internal: own ? true : null }
      const objectType = own ? 'own_domain' : 'email_domain'
      derived.set(`${objectType}\u0000${domain}`, { objectType, sourceId: domain, payload: { domain }, organization })
      const team = own ? undefined : part.externalTeamId
      if (team !== undefined) {
        const sourceId = `${team}:${domain}`
        derived.set(`team_domain\u0000${sourceId}`, {
          objectType: 'team_domain',
          sourceId,
          payload: { team, domain },
          organization: { kind: 'organization', domains: [domain], slackTeamId: team, internal: false },
        })
      }
    }
  }
  return [...derived.values()]
}

/** Registrable, non-free-mail domains of a person's addresses that are not generic or personal. */
export function workDomains(person: Person): string[] {
  const domains = new Set<string>()
  for (const email of person.emails) {
    if (email.type === 'personal') continue
    const normalized = normalizeEmail(email.address)
    if (!normalized || isGenericMailbox(normalized.local)) continue
    const domain = registrableDomain(normalized.domain)
    if (domain && !isFreeMailDomain(domain)) domains.add(domain)
  }
  return [...domains].sort()
}
