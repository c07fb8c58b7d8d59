import {
  type BlockingReport,
  type BlockingRule,
  DEFAULT_MAX_BLOCK_SIZE,
  DEFAULT_WINDOW_SIZE,
  defaultBlockingRules,
  generateCandidates,
} from './blocking.ts'
import { assignOneToOne, type ClusterReport, clusterRecords, type RefusedMerge } from './clustering.ts'
import { type ComparisonVectors, compareCandidates } from './comparison-vectors.ts'
import { comparisonFor } from './comparisons.ts'
import { prepareRecords } from './prepare.ts'
import {
  compareRecords,
  createScorer,
  evidenceWeight,
  explainLevels,
  matchWeight,
  probabilityOfWeight,
  type Scorer,
  weightOfProbability,
} from './scorer.ts'
import { DEFAULT_TRAINING_OPTIONS, type TrainingOptions, trainModel } from './training.ts'
import {
  FIELD_NAMES,
  type FieldEvidence,
  type FieldName,
  type MatchMode,
  type MatchModel,
  type MatchRecord,
  type PreparedRecord,
  type ScoredPair,
  type ScoredPairs,
} from './types.ts'

export interface MatchOptions {
  /** Blocking rules; the default covers every field kind (see defaultBlockingRules). */
  rules?: readonly BlockingRule[]
  maxBlockSize?: number
  windowSize?: number
  training?: Partial<TrainingOptions>
  /** A trained model to score with instead of training one on these records. */
  model?: MatchModel
  /**
   * Posterior match probability a pair needs to be a link (default 0.9). The same probability,
   * mirrored, decides which pairs are confident non-matches for the clustering guard.
   */
  matchProbability?: number
  /** Clusters never grow past this size; merges beyond it are refused and reported. */
  maxClusterSize?: number
  /**
   * Refuse merges that would put two confident non-matches in one cluster (default true). Off, the
   * clusters are the plain connected components of the links: only for measuring the guard.
   */
  guardClusters?: boolean
  /** Weigh exact agreement on names and places by how common the value is (default true; see scorer.ts). */
  termFrequencies?: boolean
  /** Field kinds to compare (default: every kind present in at least two records, or on both sides when linking). */
  fields?: readonly FieldName[]
}

export const DEFAULT_MATCH_PROBABILITY = 0.9
export const DEFAULT_MAX_CLUSTER_SIZE = 1000

export interface MatchRun {
  model: MatchModel
  scorer: Scorer
  records: PreparedRecord[]
  blocking: BlockingReport
  /** Every candidate pair, scored, in candidate order. */
  pairs: ScoredPairs
  /** Milliseconds per stage. */
  timings: Record<'prepare' | 'blocking' | 'training' | 'scoring' | 'clustering', number>
}

export interface ResolveResult extends MatchRun {
  /** The pairs at or above the match threshold, strongest first, with their evidence. */
  links: ScoredPair[]
  /** Cluster id (the id of its first record) by record id. */
  clusterOf: Map<string, string>
  clusters: ClusterReport
  refusedMerges: RefusedMerge[]
}

export interface LinkResult extends MatchRun {
  /** Accepted one-to-one links: left record id, right record id, pair. */
  links: { left: string; right: string; pair: ScoredPair }[]
}

/** One scored pair, materialised (its levels are a view into the run's columns). */
export function pairAt(pairs: ScoredPairs, index: number): ScoredPair {
  const weight = pairs.weights[index] ?? Number.NaN
  return {
    a: pairs.a[index] ?? 0,
    b: pairs.b[index] ?? 0,
    weight,
    probability: probabilityOfWeight(weight),
    levels: pairs.levels.subarray(index * pairs.width, (index + 1) * pairs.width),
  }
}

/** The pairs at or above a match weight, strongest first. Only these become objects. */
export function pairsAbove(pairs: ScoredPairs, threshold: number): ScoredPair[] {
  const chosen: ScoredPair[] = []
  for (let p = 0; p < pairs.count; p++) if ((pairs.weights[p] ?? -Infinity) >= threshold) chosen.push(pairAt(pairs, p))
  return chosen.sort((x, y) => y.weight - x.weight || x.a - y.a || x.b - y.b)
}

/** Everything about one pair, in the model's terms. */
export function explainPair(run: MatchRun, pair: ScoredPair): FieldEvidence[] {
  const a = run.records[pair.a]
  if (a === undefined) throw new Error(`pair refers to record ${pair.a}, which this run does not have`)
  return explainLevels(run.scorer, pair.levels, a)
}

/** Field kinds worth a comparison: present in two records (one on each side when linking). */
function presentFields(records: readonly PreparedRecord[], mode: MatchMode, leftCount: number): FieldName[] {
  return FIELD_NAMES.filter((field) => {
    let left = 0
    let right = 0
    for (const record of records) {
      if (record.values[field] === undefined) continue
      if (mode === 'link' && record.index >= leftCount) right++
      else left++
    }
    return mode === 'link' ? left > 0 && right > 0 : left >= 2
  })
}

function elapsed(since: number): number {
  return Math.round(performance.now() - since)
}

function run(input: readonly MatchRecord[], mode: MatchMode, leftCount: number, options: MatchOptions): MatchRun {
  let started = performance.now()
  const records = prepareRecords(input)
  const timings = { prepare: elapsed(started), blocking: 0, training: 0, scoring: 0, clustering: 0 }

  started = performance.now()
  const { pairs: candidates, report: blocking } = generateCandidates(records, {
    mode,
    leftCount,
    rules: options.rules ?? defaultBlockingRules(),
    maxBlockSize: options.maxBlockSize ?? DEFAULT_MAX_BLOCK_SIZE,
    windowSize: options.windowSize ?? DEFAULT_WINDOW_SIZE,
  })
  timings.blocking = elapsed(started)

  started = performance.now()
  let model = options.model
  let vectors: ComparisonVectors
  if (model === undefined) {
    const fields = options.fields ?? presentFields(records, mode, leftCount)
    const comparisons = fields.map((field) => comparisonFor(field))
    const trainingOptions = { ...DEFAULT_TRAINING_OPTIONS, ...options.training }
    const trained = trainModel({ records, comparisons, pairs: candidates, mode, leftCount }, trainingOptions)
    model = trained.model
    vectors = trained.vectors
  } else {
    // The prior means "per random pair within one list" or "per cross pair": not interchangeable.
    if (model.mode !== mode) throw new Error(`a model trained to ${model.mode} records cannot ${mode} them; train one for ${mode}`)
    vectors = compareCandidates(records, createScorer(model, records).comparisons, candidates)
  }
  const scorer = createScorer(model, records, { termFrequencies: options.termFrequencies ?? true })
  timings.training = elapsed(started)

  started = performance.now()
  const weights = new Float64Array(candidates.count)
  for (let p = 0; p < candidates.count; p++) {
    const a = records[candidates.a[p] ?? 0]
    if (a !== undefined) weights[p] = matchWeight(scorer, vectors.levels.subarray(p * vectors.width, (p + 1) * vectors.width), a)
  }
  const pairs: ScoredPairs = { count: candidates.count, a: candidates.a, b: candidates.b, weights, levels: vectors.levels, width: vectors.width }
  timings.scoring = elapsed(started)
  return { model, scorer, records, blocking, pairs, timings }
}

/**
 * Deduplicates one list of records (from any number of sources): blocking, unsupervised training
 * (unless a model is given), scoring and guarded clustering.
 */
export function resolveRecords(input: readonly MatchRecord[], options: MatchOptions = {}): ResolveResult {
  const result = run(input, 'dedupe', input.length, options)
  const started = performance.now()
  const probability = options.matchProbability ?? DEFAULT_MATCH_PROBABILITY
  const { records, scorer } = result
  const pairEvidence = (a: number, b: number): number => {
    const recordA = records[a]
    const recordB = records[b]
    return recordA === undefined || recordB === undefined ? 0 : evidenceWeight(scorer, compareRecords(scorer, recordA, recordB), recordA)
  }
  const threshold = weightOfProbability(probability)
  const links = pairsAbove(result.pairs, threshold)
  const clustering = clusterRecords(records.length, links, pairEvidence, {
    threshold,
    conflictWeight: options.guardClusters === false ? -Infinity : -weightOfProbability(probability),
    maxClusterSize: options.maxClusterSize ?? DEFAULT_MAX_CLUSTER_SIZE,
  })
  const clusterOf = new Map<string, string>()
  records.forEach((record, i) => clusterOf.set(record.id, records[clustering.clusterOf[i] ?? i]?.id ?? record.id))
  result.timings.clustering = elapsed(started)
  return { ...result, links, clusterOf, clusters: clustering.report, refusedMerges: clustering.refused }
}

/** Links two sources one-to-one: only cross pairs are compared, each record is linked at most once. */
export function linkRecords(left: readonly MatchRecord[], right: readonly MatchRecord[], options: MatchOptions = {}): LinkResult {
  const result = run([...left, ...right], 'link', left.length, options)
  const started = performance.now()
  const probability = options.matchProbability ?? DEFAULT_MATCH_PROBABILITY
  const threshold = weightOfProbability(probability)
  const links = assignOneToOne(pairsAbove(result.pairs, threshold), threshold).flatMap((pair) => {
    const leftRecord = result.records[pair.a]
    const rightRecord = result.records[pair.b]
    return leftRecord === undefined || rightRecord === undefined ? [] : [{ left: leftRecord.id, right: rightRecord.id, pair }]
  })
  result.timings.clustering = elapsed(started)
  return { ...result, links }
}
