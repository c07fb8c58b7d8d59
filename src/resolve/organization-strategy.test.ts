import { describe, expect, it } from 'vitest'
import type { Organization } from '../schema/canonical.ts'
import { organizationKeys, organizationSlugs } from './organization-keys.ts'
import { organizationStrategy } from './organization-strategy.ts'

const org = (overrides: Partial<Organization>): Organization => ({ kind: 'organization', domains: [], internal: false, ...overrides })
const score = (a: Organization, b: Organization, block = 2) => organizationStrategy.score(organizationStrategy.features(a), organizationStrategy.features(b), block)

describe('organisation slugs', () => {
  it('spells domains, names and a channel-only team alike', () => {
    expect(organizationSlugs(org({ name: 'Acme Corp, Inc.', website: 'https://www.acme-corp.co.uk' }))).toEqual(['acme', 'acmecorp'])
    expect(organizationSlugs(org({ name: 'acme-corp', slackTeamId: 'T0ACME' }))).toEqual(['acme', 'acmecorp'])
    expect(organizationKeys({ system: 'google', objectType: 'email_domain', sourceId: 'acme.com' }, org({ domains: ['acme.com'] }))).toContainEqual({
      kind: 'org_slug', value: 'slug:acme', role: 'blocking', isGeneric: false,
    })
  })
})

describe('organisation scores', () => {
  const team = org({ name: 'kuhnschmidt', slackTeamId: 'T0KS' })
  const account = org({ name: 'Kuhn, Schmidt and Ritchie', website: 'kuhnschmidt.com' })

  it('links a channel-only team to the company its channel names', () => {
    const { weight, evidence } = score(team, account)
    expect(weight).toBeGreaterThanOrEqual(organizationStrategy.matchWeight)
    expect(evidence.map((item) => item.feature)).toEqual(['prior', 'slack_channel'])
  })

  it('trusts a channel named like a company’s domain over one that only shares its name', () => {
    const fay = org({ name: 'fay', slackTeamId: 'T0FAY' })
    const byDomain = score(fay, org({ name: 'Fay Inc', website: 'https://www.fay.com' }), 3)
    const byName = score(fay, org({ name: 'Fay Inc', website: 'www.fayinc.com' }), 3)
    expect(byDomain.evidence[1]).toEqual({ feature: 'slack_channel', level: 'the shared channel names its domain', weight: 9 })
    expect(byName.evidence[1]).toEqual({ feature: 'name', level: 'same normalised name', weight: 6 })
    expect(byDomain.weight - byName.weight).toBeGreaterThan(2) // more than the ambiguity margin
  })

  it('does not score two companies that only share a slug (acme.com and acme.de)', () => {
    expect(score(org({ domains: ['acme.com'] }), org({ domains: ['acme.de'] })).weight).toBe(0)
    expect(score(org({ name: 'Acme Widgets', domains: ['acme.com'] }), org({ name: 'Acme Tools', domains: ['acme.de'] })).weight).toBe(0)
  })

  it('keeps the name comparison as it was', () => {
    expect(score(org({ name: 'Acme Inc', domains: ['acme.com'] }), org({ name: 'ACME', domains: ['acme.de'] })).weight).toBeLessThanOrEqual(organizationStrategy.conflictWeight)
  })
})
