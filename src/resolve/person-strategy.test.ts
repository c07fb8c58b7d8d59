import { describe, expect, it } from 'vitest'
import { MATCH_WEIGHT, personBlockCanLink, personPairMayLink, personPairWeight, scorePersonPair, type PersonFeatures } from './person-strategy.ts'

/** The strongest pair there can be: same given name, same organisation, both our employees. */
const strongest = (): PersonFeatures => ({
  given: 'ada',
  family: 'lovelace',
  emails: new Set(),
  workDomains: new Set(),
  phones: new Set(),
  organizations: new Set(['ref:salesforce:Account:001']),
  organizationTypes: new Set(['ref']),
  internal: true,
  bot: false,
})

describe('person name blocks', () => {
  it('compares a block only while its strongest pair could still link', () => {
    for (const people of [2, 10, 64, 128, 129, 256, 5000]) {
      const best = scorePersonPair(strongest(), strongest(), people).weight
      expect(personBlockCanLink(people), `${people} in block, best weight ${best}`).toBe(best >= MATCH_WEIGHT)
    }
    expect(personBlockCanLink(128)).toBe(true)
    expect(personBlockCanLink(129)).toBe(false)
  })
})

describe('person pair weight', () => {
  it('is the weight scorePersonPair explains, feature by feature', () => {
    const variants: Partial<PersonFeatures>[] = [
      {},
      { given: 'augusta' },
      { given: 'adda' },
      { given: '' },
      { given: 'a' },
      { given: 'charles', family: 'babbage' },
      { organizations: new Set(['domain:example.com']), organizationTypes: new Set(['domain']) },
      { internal: false },
      { internal: null },
      { phones: new Set(['+442071234567']) },
      { emails: new Set(['ada@example.com']), workDomains: new Set(['example.com']) },
      { bot: true },
    ]
    const people = [...variants, { emails: new Set(['a.lovelace@example.com']), workDomains: new Set(['example.com']), phones: new Set(['+442079999999']) }].map((variant) => ({ ...strongest(), ...variant }))
    for (const a of people) {
      for (const b of people) {
        for (const block of [2, 7, 100]) {
          const scored = scorePersonPair(a, b, block)
          expect(personPairWeight(a, b, block)).toBe(scored.weight)
          if (scored.weight >= MATCH_WEIGHT) expect(personPairMayLink(a, b, block)).toBe(true)
          const explained = scored.evidence.reduce((sum, item) => sum + item.weight, 0)
          expect(Math.round(explained * 100) / 100).toBe(scored.weight)
        }
      }
    }
  })
})
