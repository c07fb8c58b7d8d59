import { describe, expect, it } from 'vitest'
import { evaluatePartition } from './metrics.ts'

function partition(clusters: Record<string, string[]>): Map<string, string> {
  const map = new Map<string, string>()
  for (const [cluster, ids] of Object.entries(clusters)) for (const id of ids) map.set(id, cluster)
  return map
}

const truth = partition({ T1: ['a', 'b', 'c'], T2: ['d', 'e'], T3: ['f'] })

describe('evaluatePartition', () => {
  it('gives pairwise and B-cubed figures computed by hand', () => {
    const metrics = evaluatePartition(truth, partition({ P1: ['a', 'b'], P2: ['c', 'd', 'e'], P3: ['f'] }))
    // True pairs ab ac bc de; predicted ab cd ce de; both: ab de.
    expect(metrics.pairwise).toEqual({ truePairs: 4, predictedPairs: 4, correctPairs: 2, precision: 0.5, recall: 0.5, f1: 0.5 })
    // B³ precision per record: 1, 1, 1/3, 2/3, 2/3, 1; recall: 2/3, 2/3, 1/3, 1, 1, 1. Both average 7/9.
    expect(metrics.bcubed.precision).toBeCloseTo(7 / 9, 12)
    expect(metrics.bcubed.recall).toBeCloseTo(7 / 9, 12)
    expect(metrics.bcubed.f1).toBeCloseTo(7 / 9, 12)
    expect(metrics).toMatchObject({ records: 6, trueEntities: 3, predictedEntities: 3, largestTrueCluster: 3, largestPredictedCluster: 3 })
  })

  it('scores the perfect partition 1 everywhere, whatever the cluster names', () => {
    const metrics = evaluatePartition(truth, partition({ x: ['a', 'b', 'c'], y: ['d', 'e'], z: ['f'] }))
    expect(metrics.pairwise.f1).toBe(1)
    expect(metrics.bcubed.f1).toBe(1)
  })

  it('treats records the prediction does not mention as singletons', () => {
    const metrics = evaluatePartition(truth, new Map())
    expect(metrics.pairwise).toMatchObject({ predictedPairs: 0, precision: 1, recall: 0, f1: 0 })
    // B³ recall per record: 1/3 ×3, 1/2 ×2, 1.
    expect(metrics.bcubed.precision).toBe(1)
    expect(metrics.bcubed.recall).toBeCloseTo(0.5, 12)
    expect(metrics.predictedEntities).toBe(6)
  })

  it('punishes one big cluster on pairwise precision', () => {
    const metrics = evaluatePartition(truth, partition({ all: ['a', 'b', 'c', 'd', 'e', 'f'] }))
    expect(metrics.pairwise.precision).toBeCloseTo(4 / 15, 12)
    expect(metrics.pairwise.recall).toBe(1)
    // B³ precision per record: 3/6 ×3, 2/6 ×2, 1/6.
    expect(metrics.bcubed.precision).toBeCloseTo((1.5 + 4 / 6 + 1 / 6) / 6, 12)
  })
})
