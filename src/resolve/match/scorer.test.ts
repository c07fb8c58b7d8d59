import { describe, expect, it } from 'vitest'
import { prepareRecords } from './prepare.ts'
import { compareRecords, createScorer, explainLevels, formatEvidence, matchWeight, probabilityOfWeight, weightOfProbability } from './scorer.ts'
import type { MatchModel, MatchRecord } from './types.ts'

const model: MatchModel = {
  version: 1,
  mode: 'dedupe',
  prior: 1 / 1025,
  comparisons: [
    {
      field: 'familyName',
      levels: ['missing', 'exact', 'jw>=0.94', 'jw>=0.88', 'jw>=0.7', 'different'],
      m: [1, 0.8, 0.1, 0.05, 0.03, 0.02],
      u: [1, 0.05, 0.01, 0.02, 0.12, 0.8],
    },
    {
      field: 'birthDate',
      levels: ['missing', 'exact', 'one component differs', 'day-month swapped', 'within a year', 'different'],
      m: [1, 0.9, 0.05, 0.01, 0.01, 0.03],
      u: [1, 0.001, 0.01, 0.0001, 0.02, 0.9689],
    },
  ],
  training: { candidatePairs: 0, patterns: 0, randomPairs: 0, candidateMatchShare: 0, iterations: 0, converged: true },
}

const people: MatchRecord[] = [
  ...Array.from({ length: 8 }, (_, i) => ({ id: `s${i}`, fields: { familyName: 'Smith', birthDate: `1980-01-0${i + 1}` } })),
  { id: 'z0', fields: { familyName: 'Zylstra', birthDate: '1990-05-17' } },
  { id: 'z1', fields: { familyName: 'Zylstra', birthDate: '1990-05-17' } },
]
const records = prepareRecords(people)

function record(index: number): (typeof records)[number] {
  const found = records[index]
  if (found === undefined) throw new Error(`no record ${index}`)
  return found
}

describe('scorer', () => {
  it('adds log2(m/u) per field to the prior log-odds', () => {
    const scorer = createScorer(model, records, { termFrequencies: false })
    const levels = compareRecords(scorer, record(8), record(9))
    expect([...levels]).toEqual([1, 1])
    expect(scorer.priorWeight).toBeCloseTo(-10, 9)
    expect(matchWeight(scorer, levels, record(8))).toBeCloseTo(-10 + Math.log2(0.8 / 0.05) + Math.log2(0.9 / 0.001), 9)
    expect(probabilityOfWeight(weightOfProbability(0.9))).toBeCloseTo(0.9, 12)
  })

  it('weighs exact agreement on a rare name above agreement on a common one', () => {
    const scorer = createScorer(model, records)
    const smiths = explainLevels(scorer, compareRecords(scorer, record(0), record(1)), record(0))
    const zylstras = explainLevels(scorer, compareRecords(scorer, record(8), record(9)), record(8))
    // u becomes the value's share of records: 8/10 for Smith, 2/10 for Zylstra.
    expect(smiths[0]).toMatchObject({ field: 'familyName', level: 'exact', valueShare: 0.8 })
    expect(smiths[0]?.weight).toBeCloseTo(Math.log2(0.8 / 0.8), 9)
    expect(zylstras[0]?.weight).toBeCloseTo(Math.log2(0.8 / 0.2), 9)
    expect(formatEvidence(zylstras)).toBe('familyName exact (value in 20% of records) +2.0, birthDate exact +9.8')
    expect(formatEvidence(smiths)).toBe('familyName exact (value in 80% of records) +0.0, birthDate one component differs +2.3')
  })

  it('refuses a model whose levels this version does not have', () => {
    const stale: MatchModel = {
      ...model,
      comparisons: [{ field: 'familyName', levels: ['missing', 'exact', 'different'], m: [1, 0.9, 0.1], u: [1, 0.1, 0.9] }],
    }
    expect(() => createScorer(stale, records)).toThrow(/retrain the model/)
  })
})
