/**
 * Probabilistic record linkage (Fellegi–Sunter, unsupervised), in the spirit of Splink:
 *
 *   prepare   normalise each field once per record (prepare.ts; keys from src/resolve/keys/)
 *   block     union of candidate pairs from several exact-key rules, oversized blocks windowed (blocking.ts)
 *   train     u from random pairs, m and the prior λ by EM on the candidates (training.ts)
 *   score     match weight = log2 prior odds + Σ log2(m/u) per field, kept per pair as evidence (scorer.ts)
 *   cluster   strongest links first, refusing merges of confident non-matches (clustering.ts),
 *             or one-to-one assignment when linking two sources
 *
 * Records speak the field vocabulary of types.ts; nothing here knows any particular source.
 */
export { type BlockingReport, type BlockingRule, defaultBlockingRules, type RuleReport } from './blocking.ts'
export { type ClusterReport, type RefusedMerge } from './clustering.ts'
export { comparisonFor } from './comparisons.ts'
export {
  DEFAULT_MATCH_PROBABILITY,
  DEFAULT_MAX_CLUSTER_SIZE,
  explainPair,
  type LinkResult,
  linkRecords,
  type MatchOptions,
  pairAt,
  pairsAbove,
  type MatchRun,
  resolveRecords,
  type ResolveResult,
} from './resolve.ts'
export { formatEvidence, probabilityOfWeight, weightOfProbability } from './scorer.ts'
export { damerauLevenshtein, jaro, jaroWinkler, withinOneEdit } from './string-similarity.ts'
export { type TrainingOptions } from './training.ts'
export * from './types.ts'
