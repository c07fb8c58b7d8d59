import { describe, expect, it } from 'vitest'
import { assignOneToOne, clusterRecords, type Edge } from './clustering.ts'

/** Evidence between records, symmetric; unspecified pairs are mildly positive. */
function evidence(weights: Record<string, number>): (a: number, b: number) => number {
  return (a, b) => weights[`${Math.min(a, b)}-${Math.max(a, b)}`] ?? 1
}

const options = { threshold: 3, conflictWeight: -3, maxClusterSize: 100 }

describe('clusterRecords', () => {
  it('joins records linked above the threshold, transitively', () => {
    const edges: Edge[] = [
      { a: 0, b: 1, weight: 10 },
      { a: 1, b: 2, weight: 8 },
      { a: 3, b: 4, weight: 2 },
    ]
    const { clusterOf, report } = clusterRecords(5, edges, evidence({}), options)
    expect([...clusterOf]).toEqual([0, 0, 0, 3, 4])
    expect(report).toMatchObject({ clusters: 3, singletons: 2, largest: 3, sizes: { 1: 2, 3: 1 }, edgesAboveThreshold: 2 })
  })

  it('refuses the chain merge that would put two confident non-matches together', () => {
    // 0–1 and 1–2 both link, but 0 and 2 disagree strongly: 1 stays with its stronger partner.
    const edges: Edge[] = [
      { a: 0, b: 1, weight: 12 },
      { a: 1, b: 2, weight: 6 },
    ]
    const guarded = clusterRecords(3, edges, evidence({ '0-2': -9 }), options)
    expect([...guarded.clusterOf]).toEqual([0, 0, 2])
    expect(guarded.report.refusedForConflict).toBe(1)
    expect(guarded.refused[0]).toMatchObject({ reason: 'conflict', edge: { a: 1, b: 2 }, conflict: { a: 0, b: 2, weight: -9 } })

    const unguarded = clusterRecords(3, edges, evidence({ '0-2': -9 }), { ...options, conflictWeight: -Infinity })
    expect([...unguarded.clusterOf]).toEqual([0, 0, 0])
  })

  it('keeps refusing a known conflict without rescoring, and lets weak disagreement pass', () => {
    const edges: Edge[] = [
      { a: 0, b: 1, weight: 12 },
      { a: 2, b: 3, weight: 11 },
      { a: 1, b: 2, weight: 6 },
      { a: 0, b: 3, weight: 5 },
    ]
    let calls = 0
    const weights = evidence({ '1-3': -20, '0-2': -1 })
    const { clusterOf, report } = clusterRecords(
      4,
      edges,
      (a, b) => {
        calls++
        return weights(a, b)
      },
      options,
    )
    expect([...clusterOf]).toEqual([0, 0, 2, 2])
    expect(report.refusedForConflict).toBe(2)
    // One call per singleton merge, four for the refused {0,1}×{2,3}, none for the second refusal.
    expect(calls).toBe(6)
  })

  it('refuses merges beyond the maximum cluster size', () => {
    const edges: Edge[] = [
      { a: 0, b: 1, weight: 9 },
      { a: 1, b: 2, weight: 8 },
    ]
    const { clusterOf, report } = clusterRecords(3, edges, evidence({}), { ...options, maxClusterSize: 2 })
    expect([...clusterOf]).toEqual([0, 0, 2])
    expect(report.refusedForSize).toBe(1)
  })
})

describe('assignOneToOne', () => {
  it('takes the strongest links first and uses each record once', () => {
    const edges: Edge[] = [
      { a: 0, b: 10, weight: 5 },
      { a: 0, b: 11, weight: 9 },
      { a: 1, b: 11, weight: 7 },
      { a: 2, b: 12, weight: 1 },
    ]
    expect(assignOneToOne(edges, 3)).toEqual([
      { a: 0, b: 11, weight: 9 },
    ])
  })
})
