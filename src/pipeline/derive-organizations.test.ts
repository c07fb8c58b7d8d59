import { describe, expect, it } from 'vitest'
import type { Person } from '../schema/canonical.ts'
import { deriveOrganizations, workDomains } from './derive-organizations.ts'

const person = (overrides: Partial<Person>): Person => ({ kind: 'person', name: { full: 'Ada Lovelace' }, emails: [], phones: [], internal: false, externalIds: [], ...overrides })

describe('deriveOrganizations', () => {
  it('makes an external work domain an email_domain organisation, keyed by its registrable domain', () => {
    const derived = deriveOrganizations([person({ emails: [{ address: 'Ada@Mail.Acme.co.uk', type: 'work' }] })], false)
    expect(derived).toEqual([
      { objectType: 'email_domain', sourceId: 'acme.co.uk', payload: { domain: 'acme.co.uk' }, organization: { kind: 'organization', domains: ['acme.co.uk'], internal: null } },
    ])
  })

  it('never derives from free-mail, generic mailboxes, personal addresses, bots or deleted records', () => {
    expect(workDomains(person({ emails: [{ address: 'ada@gmail.com', type: 'other' }, { address: 'support@acme.com', type: 'work' }, { address: 'ada@lovelace.family', type: 'personal' }] }))).toEqual([])
    expect(deriveOrganizations([person({ isBot: true, emails: [{ address: 'bot@acme.com', type: 'work' }] })], false)).toEqual([])
    expect(deriveOrganizations([person({ emails: [{ address: 'ada@acme.com', type: 'work' }] })], true)).toEqual([])
  })

  it('marks our own people’s domain own_domain (internal), but a guest’s domain is a customer’s', () => {
    const employee = deriveOrganizations([person({ internal: true, emails: [{ address: 'ada@ours.com', type: 'work' }] })], false)
    expect(employee.map((item) => [item.objectType, item.organization.internal])).toEqual([['own_domain', true]])
    const guest = deriveOrganizations([person({ internal: true, status: 'guest', emails: [{ address: 'ada@acme.com', type: 'work' }] })], false)
    expect(guest.map((item) => item.objectType)).toEqual(['email_domain'])
  })

  it('ties a Slack Connect person’s team to their work domain', () => {
    const derived = deriveOrganizations([person({ externalTeamId: 'T0ACME', emails: [{ address: 'ada@acme.com', type: 'work' }] })], false)
    expect(derived.map((item) => `${item.objectType}:${item.sourceId}`)).toEqual(['email_domain:acme.com', 'team_domain:T0ACME:acme.com'])
    expect(derived[1]?.organization).toEqual({ kind: 'organization', domains: ['acme.com'], slackTeamId: 'T0ACME', internal: false })
  })

  it('gives the same payload whichever person brings the domain, so re-imports change nothing', () => {
    const a = deriveOrganizations([person({ emails: [{ address: 'ada@acme.com', type: 'work' }] })], false)
    const b = deriveOrganizations([person({ name: { full: 'Bob' }, internal: null, emails: [{ address: 'BOB@ACME.COM', type: 'other' }] })], false)
    expect(b).toEqual(a)
  })
})
