import { describe, expect, it } from 'vitest'
import type { CanonicalRecord, Organization, Person } from '../schema/canonical.ts'
import { identitySignature } from './identity-signature.ts'
import { keyRecord } from './record-keys.ts'

const ref = { system: 'salesforce', objectType: 'Contact', sourceId: '003000000000001AAA' }

const contact = (): Person => ({
  kind: 'person',
  name: { full: 'Ada Lovelace', given: 'Ada', family: 'Lovelace' },
  emails: [{ address: 'ada@acme.com', type: 'work' }],
  phones: [{ number: '+44 20 7946 0000', type: 'work' }],
  title: 'Engineer',
  organizationRef: { system: 'salesforce', objectType: 'Account', sourceId: '001000000000001AAA' },
  internal: false,
  externalIds: [],
  updatedAt: '2026-01-01T00:00:00.000Z',
})

const account = (): Organization => ({ kind: 'organization', name: 'Acme', domains: ['acme.com'], internal: false, industry: 'Software' })

const signature = (records: CanonicalRecord[], deleted = false) => identitySignature(keyRecord(ref, records, deleted))

describe('identity signature', () => {
  it('stays the same when only what resolution does not read changes', () => {
    const before = signature([contact()])
    expect(signature([{ ...contact(), title: 'CTO', updatedAt: '2030-01-01T00:00:00.000Z', location: 'London', timezone: 'Europe/London' }])).toBe(before)
    // The same values in another order, or written differently, normalise alike.
    expect(signature([{ ...contact(), emails: [{ address: ' ADA@Acme.com ', type: 'work' }] }])).toBe(before)
  })

  it('changes with anything a comparison, a key or the entity reads', () => {
    const before = signature([contact()])
    const changed: Partial<Person>[] = [
      { emails: [{ address: 'ada.l@acme.com', type: 'work' }] },
      { phones: [] },
      { name: { full: 'Augusta Lovelace', given: 'Augusta', family: 'Lovelace' } },
      // Only the entity's display name reads the full name: it counts too.
      { name: { full: 'Ada King Lovelace', given: 'Ada', family: 'Lovelace' } },
      { organizationRef: { system: 'salesforce', objectType: 'Account', sourceId: '001000000000002AAA' } },
      { organizationName: 'Acme Ltd' },
      { internal: true },
      { isBot: true },
      { externalTeamId: 'T0123' },
      { employment: { employeeId: 'E1' } },
    ]
    for (const change of changed) expect(signature([{ ...contact(), ...change }]), JSON.stringify(change)).not.toBe(before)
    expect(signature([contact()], true)).not.toBe(before)
  })

  it('counts every field of an organisation', () => {
    const before = signature([account()])
    expect(signature([{ ...account(), industry: 'Hardware' }])).not.toBe(before)
    expect(signature([account()])).toBe(before)
  })
})
