import { comparisonFor } from './comparisons.ts'
import type { Comparison, FieldEvidence, FieldName, MatchModel, PreparedRecord } from './types.ts'

/**
 * Field kinds whose exact agreement is weighed by how common the value is (term-frequency
 * adjustment): two records sharing a rare surname is stronger evidence than two sharing "Smith".
 * Not dates, codes or contact points, whose values are close to uniformly spread or unique anyway.
 */
const TERM_FREQUENCY_FIELDS: ReadonlySet<FieldName> = new Set([
  'givenName',
  'middleName',
  'familyName',
  'fullName',
  'organization',
  'street',
  'locality',
  'city',
])

/** A model made executable: its comparisons rebuilt from the field kinds and its weights precomputed. */
export interface Scorer {
  readonly model: MatchModel
  readonly comparisons: readonly Comparison[]
  /** log2(m/u) per comparison and level; 0 for the missing level. */
  readonly weights: readonly (readonly number[])[]
  /** log2 of the prior odds λ / (1 − λ). */
  readonly priorWeight: number
  /**
   * Per comparison, the share of records (among those with the field) holding each value, when
   * that comparison's exact level is term-frequency adjusted; computed from the records scored.
   */
  readonly termFrequencies: readonly (ReadonlyMap<string, number> | undefined)[]
}

export interface ScorerOptions {
  /** Weigh exact agreement on names and places by the value's frequency in these records (default true). */
  termFrequencies?: boolean
}

export function createScorer(model: MatchModel, records: readonly PreparedRecord[], options: ScorerOptions = {}): Scorer {
  const comparisons = model.comparisons.map((parameters) => {
    const comparison = comparisonFor(parameters.field)
    if (comparison.levels.join('\u0000') !== parameters.levels.join('\u0000')) {
      throw new Error(
        `the model's ${parameters.field} levels (${parameters.levels.join(', ')}) are not this version's (${comparison.levels.join(', ')}); retrain the model`,
      )
    }
    return comparison
  })
  const weights = model.comparisons.map((parameters) =>
    parameters.levels.map((_, level) => (level === 0 ? 0 : Math.log2((parameters.m[level] ?? 1) / (parameters.u[level] ?? 1)))),
  )
  const adjust = options.termFrequencies ?? true
  const termFrequencies = comparisons.map((comparison) =>
    adjust && TERM_FREQUENCY_FIELDS.has(comparison.field) && comparison.levels[1] === 'exact' ? valueShares(records, comparison.field) : undefined,
  )
  return { model, comparisons, weights, priorWeight: Math.log2(model.prior / (1 - model.prior)), termFrequencies }
}

function valueShares(records: readonly PreparedRecord[], field: FieldName): Map<string, number> {
  const counts = new Map<string, number>()
  let present = 0
  for (const record of records) {
    const text = record.values[field]?.text
    if (text === undefined) continue
    present++
    counts.set(text, (counts.get(text) ?? 0) + 1)
  }
  for (const [text, count] of counts) counts.set(text, count / present)
  return counts
}

export function compareRecords(scorer: Scorer, a: PreparedRecord, b: PreparedRecord): Uint8Array {
  return Uint8Array.from(scorer.comparisons, (comparison) => comparison.compare(a, b))
}

/**
 * One comparison's weight for a pair. An exact agreement on a term-frequency adjusted field uses
 * u = the value's share of records (the chance a random record agrees with this one on it) in
 * place of the average over all values, as Splink's term-frequency adjustment does.
 */
function fieldWeight(scorer: Scorer, c: number, level: number, a: PreparedRecord): { weight: number; share?: number } {
  const base = scorer.weights[c]?.[level] ?? 0
  const shares = scorer.termFrequencies[c]
  if (level !== 1 || shares === undefined) return { weight: base }
  const comparison = scorer.comparisons[c]
  const parameters = scorer.model.comparisons[c]
  const text = comparison === undefined ? undefined : a.values[comparison.field]?.text
  const share = text === undefined ? undefined : shares.get(text)
  if (share === undefined || parameters === undefined) return { weight: base }
  return { weight: Math.log2((parameters.m[1] ?? 1) / share), share }
}

/** The sum of field weights: log2 of the Bayes factor, the evidence without the prior. */
export function evidenceWeight(scorer: Scorer, levels: ArrayLike<number>, a: PreparedRecord): number {
  let total = 0
  for (let c = 0; c < scorer.weights.length; c++) total += fieldWeight(scorer, c, levels[c] ?? 0, a).weight
  return total
}

/** Match weight: prior log-odds plus evidence. */
export function matchWeight(scorer: Scorer, levels: ArrayLike<number>, a: PreparedRecord): number {
  return scorer.priorWeight + evidenceWeight(scorer, levels, a)
}

export function probabilityOfWeight(weight: number): number {
  return 1 / (1 + 2 ** -weight)
}

/** The weight a pair needs to reach the given match probability. */
export function weightOfProbability(probability: number): number {
  return Math.log2(probability / (1 - probability))
}

/** Each comparison's level and weight for a pair, in the model's order. */
export function explainLevels(scorer: Scorer, levels: ArrayLike<number>, a: PreparedRecord): FieldEvidence[] {
  return scorer.comparisons.map((comparison, c) => {
    const level = levels[c] ?? 0
    const { weight, share } = fieldWeight(scorer, c, level, a)
    return { field: comparison.field, level: comparison.levels[level] ?? 'unknown', weight, ...(share === undefined ? {} : { valueShare: share }) }
  })
}

/** "familyName exact +8.1, birthDate one component differs +2.3, postcode different −4.0" (missing fields left out). */
export function formatEvidence(evidence: readonly FieldEvidence[]): string {
  return evidence
    .filter((item) => item.level !== 'missing')
    .map((item) => {
      const share = item.valueShare === undefined ? '' : ` (value in ${formatShare(item.valueShare)} of records)`
      return `${item.field} ${item.level}${share} ${item.weight >= 0 ? '+' : '−'}${Math.abs(item.weight).toFixed(1)}`
    })
    .join(', ')
}

function formatShare(share: number): string {
  const percent = share * 100
  return `${percent >= 1 ? percent.toFixed(0) : percent.toPrecision(1)}%`
}
