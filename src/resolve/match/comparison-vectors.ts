import type { CandidatePairs } from './blocking.ts'
import type { Comparison, PreparedRecord } from './types.ts'

/** Levels of every comparison for every candidate pair: row p holds pair p's levels, one byte each. */
export interface ComparisonVectors {
  readonly width: number
  readonly count: number
  readonly levels: Uint8Array
}

export function compareCandidates(records: readonly PreparedRecord[], comparisons: readonly Comparison[], pairs: CandidatePairs): ComparisonVectors {
  const width = comparisons.length
  const levels = new Uint8Array(pairs.count * width)
  for (let p = 0; p < pairs.count; p++) {
    const a = records[pairs.a[p] ?? 0]
    const b = records[pairs.b[p] ?? 0]
    if (a === undefined || b === undefined) continue
    for (let c = 0; c < width; c++) levels[p * width + c] = comparisons[c]?.compare(a, b) ?? 0
  }
  return { width, count: pairs.count, levels }
}

/** Distinct comparison vectors with how often each occurs: EM iterates over these, not over pairs. */
export interface PatternTable {
  readonly width: number
  readonly levels: Uint8Array
  readonly counts: Float64Array
  readonly size: number
}

export function countPatterns(vectors: ComparisonVectors): PatternTable {
  const { width, count, levels } = vectors
  const index = new Map<string, number>()
  const counts: number[] = []
  const rows: number[] = []
  for (let p = 0; p < count; p++) {
    const row = levels.subarray(p * width, (p + 1) * width)
    const patternKey = String.fromCharCode(...row)
    const known = index.get(patternKey)
    if (known === undefined) {
      index.set(patternKey, counts.length)
      counts.push(1)
      rows.push(p)
    } else counts[known] = (counts[known] ?? 0) + 1
  }
  const patternLevels = new Uint8Array(rows.length * width)
  rows.forEach((p, i) => patternLevels.set(levels.subarray(p * width, (p + 1) * width), i * width))
  return { width, levels: patternLevels, counts: Float64Array.from(counts), size: rows.length }
}
