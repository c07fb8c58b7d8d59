import type { CandidatePairs } from './blocking.ts'
import { compareCandidates, countPatterns, type ComparisonVectors, type PatternTable } from './comparison-vectors.ts'
import { createRandom } from './random.ts'
import type { Comparison, MatchMode, MatchModel, PreparedRecord } from './types.ts'

export interface TrainingOptions {
  /** Random pairs drawn per comparison (among records that have its field) to estimate u. */
  randomPairs: number
  seed: number
  maxIterations: number
  /** EM stops when no probability moves by more than this between iterations. */
  tolerance: number
  /**
   * Keep u at the random-pair estimate during EM (as Splink does) instead of fitting a separate
   * non-match distribution to the candidate pairs. See trainModel for why the default fits it.
   * Unset: fixed only with fewer than three comparisons, because a two-class latent model needs at
   * least three conditionally independent indicators to be identifiable.
   */
  fixU?: boolean
}

export const DEFAULT_TRAINING_OPTIONS: TrainingOptions = {
  randomPairs: 40_000,
  seed: 20_240_601,
  maxIterations: 200,
  tolerance: 1e-6,
}

/** Smallest probability a level may take, so that no weight is infinite. */
const FLOOR = 1e-6

interface Sides {
  mode: MatchMode
  /** When linking: records [0, leftCount) are the left source. */
  leftCount: number
}

/**
 * u-probabilities: how often each level occurs between two records drawn at random (across
 * sources when linking), almost all of which are non-matches. The exact level is counted from
 * value frequencies, which is exact and cheap (Σ c·(c−1) over equal values); the other levels are
 * sampled. Unseen levels get a pseudo-count of one, so a rare level is strong evidence, not infinite.
 */
export function estimateU(records: readonly PreparedRecord[], comparison: Comparison, sides: Sides, options: TrainingOptions): number[] {
  const field = comparison.field
  const left: number[] = []
  const right: number[] = []
  for (const record of records) {
    if (record.values[field] === undefined) continue
    if (sides.mode === 'dedupe' || record.index < sides.leftCount) left.push(record.index)
    if (sides.mode === 'link' && record.index >= sides.leftCount) right.push(record.index)
  }
  const levelCount = comparison.levels.length
  const u = new Array<number>(levelCount).fill(0)
  u[0] = 1
  const totalPairs = sides.mode === 'dedupe' ? (left.length * (left.length - 1)) / 2 : left.length * right.length
  if (totalPairs === 0) {
    for (let level = 1; level < levelCount; level++) u[level] = 1 / (levelCount - 1)
    return u
  }

  const textOf = (index: number): string => records[index]?.values[field]?.text ?? ''
  const leftCounts = countValues(left, textOf)
  let equalPairs = 0
  if (sides.mode === 'dedupe') for (const count of leftCounts.values()) equalPairs += (count * (count - 1)) / 2
  else for (const [text, count] of countValues(right, textOf)) equalPairs += count * (leftCounts.get(text) ?? 0)
  const exact = Math.max(FLOOR, (equalPairs + 1) / (totalPairs + 1))

  const random = createRandom(options.seed)
  const pick = (list: readonly number[]): number => list[Math.floor(random() * list.length)] ?? 0
  const otherSide = sides.mode === 'dedupe' ? left : right
  const counts = new Array<number>(levelCount).fill(0)
  let sampled = 0
  for (let draw = 0; draw < options.randomPairs; draw++) {
    const a = records[pick(left)]
    const b = records[pick(otherSide)]
    if (a === undefined || b === undefined || a.index === b.index) continue
    const level = comparison.compare(a, b)
    if (level <= 1) continue
    counts[level] = (counts[level] ?? 0) + 1
    sampled++
  }
  const inexactLevels = levelCount - 2
  for (let level = 2; level < levelCount; level++) {
    u[level] = Math.max(FLOOR, ((1 - exact) * ((counts[level] ?? 0) + 1)) / (sampled + inexactLevels))
  }
  u[1] = exact
  return u
}

function countValues(indexes: readonly number[], textOf: (index: number) => string): Map<string, number> {
  const counts = new Map<string, number>()
  for (const index of indexes) {
    const text = textOf(index)
    counts.set(text, (counts.get(text) ?? 0) + 1)
  }
  return counts
}

export interface EmResult {
  m: number[][]
  /** The non-match distribution among candidate pairs (not the u used for scoring). */
  candidateU: number[][]
  /** λ among candidate pairs. */
  matchShare: number
  iterations: number
  converged: boolean
}

/**
 * Expectation–maximisation for the two-class latent model over the candidate pairs' comparison
 * vectors, assuming levels independent within each class. Works on distinct patterns with counts.
 * m starts tilted towards agreement and the non-match class starts at the candidates' overall level
 * mix (they are mostly non-matches), which keeps EM in the basin where the match class is the one
 * that agrees.
 */
export function runEm(patterns: PatternTable, levelCounts: readonly number[], u: readonly (readonly number[])[], options: TrainingOptions): EmResult {
  const width = patterns.width
  let m = levelCounts.map((count) => {
    const raw = Array.from({ length: count }, (_, level) => (level === 0 ? 0 : 2 ** -(level - 1)))
    raw[count - 1] = (raw[count - 1] ?? 0) / 4
    return normalise(raw)
  })
  const fixU = options.fixU === true
  let candidateU = fixU ? u.map((row) => [...row]) : marginals(patterns, levelCounts)
  let matchShare = 0.1
  let iterations = 0
  let converged = false
  const posterior = new Float64Array(patterns.size)

  while (iterations < options.maxIterations && !converged) {
    iterations++
    const logM = m.map((row) => row.map((p) => Math.log(Math.max(p, FLOOR))))
    const logU = candidateU.map((row) => row.map((p) => Math.log(Math.max(p, FLOOR))))
    const logPrior = Math.log(matchShare) - Math.log(1 - matchShare)
    for (let p = 0; p < patterns.size; p++) {
      let logRatio = logPrior
      for (let c = 0; c < width; c++) {
        const level = patterns.levels[p * width + c] ?? 0
        if (level === 0) continue
        logRatio += (logM[c]?.[level] ?? 0) - (logU[c]?.[level] ?? 0)
      }
      posterior[p] = 1 / (1 + Math.exp(-logRatio))
    }

    const matchCounts = levelCounts.map((count) => new Array<number>(count).fill(0))
    const nonMatchCounts = levelCounts.map((count) => new Array<number>(count).fill(0))
    let matchTotal = 0
    let total = 0
    for (let p = 0; p < patterns.size; p++) {
      const count = patterns.counts[p] ?? 0
      const match = (posterior[p] ?? 0) * count
      matchTotal += match
      total += count
      for (let c = 0; c < width; c++) {
        const level = patterns.levels[p * width + c] ?? 0
        if (level === 0) continue
        const matchRow = matchCounts[c]
        const nonMatchRow = nonMatchCounts[c]
        if (matchRow !== undefined) matchRow[level] = (matchRow[level] ?? 0) + match
        if (nonMatchRow !== undefined) nonMatchRow[level] = (nonMatchRow[level] ?? 0) + count - match
      }
    }
    const nextM = matchCounts.map(smoothed)
    const nextU = fixU ? candidateU : nonMatchCounts.map(smoothed)
    const nextShare = Math.min(1 - FLOOR, Math.max(FLOOR, matchTotal / Math.max(total, 1)))
    const change = Math.max(maxDifference(m, nextM), maxDifference(candidateU, nextU), Math.abs(nextShare - matchShare))
    m = nextM
    candidateU = nextU
    matchShare = nextShare
    converged = change < options.tolerance
  }
  return { m, candidateU, matchShare, iterations, converged }
}

/** Level shares over the non-missing levels, with a tiny pseudo-count so no level is impossible. */
function smoothed(row: readonly number[]): number[] {
  const pseudo = 1e-3
  const present = row.reduce((sum, value, level) => (level === 0 ? sum : sum + value), 0)
  return row.map((value, level) => (level === 0 ? 1 : Math.max(FLOOR, (value + pseudo) / (present + pseudo * (row.length - 1)))))
}

function normalise(row: readonly number[]): number[] {
  const sum = row.reduce((total, value, level) => (level === 0 ? total : total + value), 0)
  return row.map((value, level) => (level === 0 ? 1 : value / sum))
}

function marginals(patterns: PatternTable, levelCounts: readonly number[]): number[][] {
  const counts = levelCounts.map((count) => new Array<number>(count).fill(0))
  for (let p = 0; p < patterns.size; p++) {
    for (let c = 0; c < patterns.width; c++) {
      const level = patterns.levels[p * patterns.width + c] ?? 0
      const row = counts[c]
      if (row !== undefined && level !== 0) row[level] = (row[level] ?? 0) + (patterns.counts[p] ?? 0)
    }
  }
  return counts.map(smoothed)
}

function maxDifference(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): number {
  let max = 0
  a.forEach((row, c) => row.forEach((value, level) => (max = Math.max(max, Math.abs(value - (b[c]?.[level] ?? 0))))))
  return max
}

export interface TrainingInput {
  records: readonly PreparedRecord[]
  comparisons: readonly Comparison[]
  pairs: CandidatePairs
  mode: MatchMode
  leftCount: number
}

/**
 * Unsupervised training: u from random pairs, m and the match share by EM on the candidate pairs.
 *
 * EM fits both classes to the candidates, because blocking makes the candidates' non-matches agree
 * far more often than random pairs do (they share a blocking key); holding u at the random-pair
 * values would push those agreeing non-matches into the match class and inflate m. The matches, in
 * contrast, are (nearly) all among the candidates, so the fitted m is the population's m. Scoring
 * then combines that m with the random-pair u and the population prior λ = expected matches among
 * candidates / all pairs: P(match | comparison vector) over all pairs, not just the candidates.
 */
export function trainModel(input: TrainingInput, options: TrainingOptions = DEFAULT_TRAINING_OPTIONS): { model: MatchModel; vectors: ComparisonVectors } {
  const { records, comparisons, pairs, mode, leftCount } = input
  const sides = { mode, leftCount }
  const u = comparisons.map((comparison, c) => estimateU(records, comparison, sides, { ...options, seed: options.seed + c }))
  const vectors = compareCandidates(records, comparisons, pairs)
  const patterns = countPatterns(vectors)
  const em = runEm(
    patterns,
    comparisons.map((comparison) => comparison.levels.length),
    u,
    { ...options, fixU: options.fixU ?? comparisons.length < 3 },
  )
  const totalPairs = mode === 'dedupe' ? (records.length * (records.length - 1)) / 2 : leftCount * (records.length - leftCount)
  const expectedMatches = em.matchShare * pairs.count
  const prior = Math.min(0.5, Math.max(1 / Math.max(totalPairs, 1), expectedMatches / Math.max(totalPairs, 1)))
  const model: MatchModel = {
    version: 1,
    mode,
    prior,
    comparisons: comparisons.map((comparison, c) => ({
      field: comparison.field,
      levels: [...comparison.levels],
      m: em.m[c] ?? [],
      u: u[c] ?? [],
    })),
    training: {
      candidatePairs: pairs.count,
      patterns: patterns.size,
      randomPairs: options.randomPairs,
      candidateMatchShare: em.matchShare,
      iterations: em.iterations,
      converged: em.converged,
    },
  }
  return { model, vectors }
}
