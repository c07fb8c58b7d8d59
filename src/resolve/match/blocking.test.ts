import { describe, expect, it } from 'vitest'
import { type BlockingRule, defaultBlockingRules, generateCandidates } from './blocking.ts'
import { prepareRecords } from './prepare.ts'
import type { MatchRecord } from './types.ts'

function pairs(result: ReturnType<typeof generateCandidates>): string[] {
  return Array.from({ length: result.pairs.count }, (_, p) => `${result.pairs.a[p]}-${result.pairs.b[p]}`).sort()
}

const byFamilyName: BlockingRule = { name: 'familyName', keys: (r) => (r.values.familyName ? [r.values.familyName.text] : []) }

describe('generateCandidates', () => {
  it('unions the pairs of several rules and reports what each added', () => {
    const records: MatchRecord[] = [
      { id: '0', fields: { givenName: 'Isla', familyName: 'Hall', birthDate: '1985-02-07' } },
      { id: '1', fields: { givenName: 'Hall', familyName: 'Isla', birthDate: '1985-02-07' } },
      { id: '2', fields: { givenName: 'Isla', familyName: 'Hall', email: 'islahall97@example.com' } },
      { id: '3', fields: { givenName: 'Oliver', familyName: 'Griffiths', email: 'islahall97@example.org' } },
      { id: '4', fields: { givenName: 'Lola', familyName: 'Brown' } },
    ]
    const result = generateCandidates(prepareRecords(records), { mode: 'dedupe', rules: defaultBlockingRules(), maxBlockSize: 100, windowSize: 10 })
    expect(pairs(result)).toEqual(['0-1', '0-2', '1-2', '2-3'])
    expect(result.report.candidatePairs).toBe(4)
    const namesInAnyOrder = result.report.rules.find((rule) => rule.rule === 'names in any order')
    expect(namesInAnyOrder).toMatchObject({ blocks: 1, pairs: 3 })
  })

  it('sub-blocks an oversized block by sorted neighbourhood and reports it', () => {
    const records: MatchRecord[] = Array.from({ length: 50 }, (_, i) => ({ id: String(i), fields: { familyName: 'Smith', givenName: `name${String(i).padStart(2, '0')}` } }))
    const result = generateCandidates(prepareRecords(records), { mode: 'dedupe', rules: [byFamilyName], maxBlockSize: 20, windowSize: 3 })
    // Each record meets the next three in sort order: 47·3 + 2 + 1 pairs, not 50·49/2.
    expect(result.report.candidatePairs).toBe(47 * 3 + 3)
    expect(result.report.rules[0]).toMatchObject({ oversizedBlocks: 1, oversizedRecords: 50 })
    expect(pairs(result)).toContain('0-1')
    expect(pairs(result)).not.toContain('0-4')
  })

  it('pairs only across the two sources when linking', () => {
    const records: MatchRecord[] = [
      { id: 'a0', fields: { familyName: 'Hall' } },
      { id: 'a1', fields: { familyName: 'Hall' } },
      { id: 'b0', fields: { familyName: 'Hall' } },
      { id: 'b1', fields: { familyName: 'Brown' } },
    ]
    const result = generateCandidates(prepareRecords(records), { mode: 'link', leftCount: 2, rules: [byFamilyName], maxBlockSize: 100, windowSize: 10 })
    expect(pairs(result)).toEqual(['0-2', '1-2'])
  })
})
