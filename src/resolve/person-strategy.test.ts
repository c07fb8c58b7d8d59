import { describe, expect, it } from 'vitest'
import { MATCH_WEIGHT, personBlockCanLink, scorePersonPair, type PersonFeatures } from './person-strategy.ts'

/** The strongest pair there can be: same given name, same organisation, both our employees. */
const strongest = (): PersonFeatures => ({
  given: 'ada',
  family: 'lovelace',
  emails: new Set(),
  workDomains: new Set(),
  phones: new Set(),
  organizations: new Set(['ref:salesforce:Account:001']),
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
