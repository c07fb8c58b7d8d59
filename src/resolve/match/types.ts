/**
 * The vocabulary of the matcher. Datasets and connectors map their columns onto these field kinds;
 * each kind has one comparator, so the engine itself knows nothing about any particular source.
 */
export const FIELD_NAMES = [
  'givenName',
  'middleName',
  'familyName',
  'fullName',
  'birthDate',
  'email',
  'phone',
  'streetNumber',
  'street',
  'addressLine2',
  'streetAddress',
  'locality',
  'city',
  'postcode',
  'region',
  'country',
  'organization',
  'domain',
  'website',
  'idNumber',
  'title',
] as const

export type FieldName = (typeof FIELD_NAMES)[number]

export interface MatchRecord {
  id: string
  /** The system or file the record came from; linkage only pairs records of different sources. */
  source?: string
  fields: Partial<Record<FieldName, string>>
}

/**
 * A field value normalised once per record, so that comparing a pair only compares prepared forms.
 * Which members a kind fills is documented with its preparer in prepare.ts.
 */
export interface PreparedValue {
  /** The normalised form "exact" compares. Never empty: an empty value is a missing one. */
  readonly text: string
  /** Sorted distinct tokens, for token-set comparisons (organisation names, addresses). */
  readonly tokens: readonly string[]
  /** Kind-specific parts: [year, month, day] of a date, [local, domain] of an email, [number, name] of an address. */
  readonly parts: readonly string[]
  /** Day number of a valid date (days since 1970-01-01), for "within a year". */
  readonly day?: number
  /** Nickname groups of a given name (their formal names), from the keys' nicknameGroup. */
  readonly groups?: readonly string[]
}

export interface PreparedRecord {
  /** Position in the input list; pairs refer to records by it. */
  readonly index: number
  readonly id: string
  readonly source: string | undefined
  readonly values: Partial<Record<FieldName, PreparedValue>>
}

/** Level 0 of every comparison: a side is missing, which is neither evidence for nor against. */
export const MISSING_LEVEL = 0

/**
 * One comparison of a pair: a field kind and its ordered levels, most similar first. levels[0] is
 * always "missing" and the last is "different"; compare returns the index of the first level that
 * holds.
 */
export interface Comparison {
  readonly field: FieldName
  readonly levels: readonly string[]
  compare(a: PreparedRecord, b: PreparedRecord): number
}

/** m and u probabilities of one comparison, indexed like its levels (index 0, missing, is unused and 1). */
export interface ComparisonParameters {
  field: FieldName
  levels: string[]
  m: number[]
  u: number[]
}

export type MatchMode = 'dedupe' | 'link'

/** A trained Fellegi–Sunter model; plain data, so JSON.stringify / parse round-trips it. */
export interface MatchModel {
  version: 1
  mode: MatchMode
  /** λ: the probability that two records drawn at random (across sources, when linking) are a match. */
  prior: number
  comparisons: ComparisonParameters[]
  training: TrainingReport
}

export interface TrainingReport {
  /** Distinct candidate pairs EM ran on. */
  candidatePairs: number
  /** Distinct comparison vectors among them (EM works on these with their counts). */
  patterns: number
  /** Random pairs drawn to estimate u. */
  randomPairs: number
  /** Share of candidate pairs EM takes to be matches. */
  candidateMatchShare: number
  iterations: number
  converged: boolean
}

/** One comparison's contribution to a pair's score. */
export interface FieldEvidence {
  field: FieldName
  level: string
  /** log2(m / u) of the level; 0 for missing. */
  weight: number
  /** For a term-frequency adjusted exact agreement: the share of records holding the value (its u). */
  valueShare?: number
}

/**
 * Every candidate pair of a run, scored, in columns: a few bytes per pair, so millions of
 * candidates stay affordable. pairAt materialises one as a ScoredPair.
 */
export interface ScoredPairs {
  readonly count: number
  readonly a: Int32Array
  readonly b: Int32Array
  readonly weights: Float64Array
  /** Row p holds pair p's level of each comparison (width per row): the evidence of every pair. */
  readonly levels: Uint8Array
  readonly width: number
}

export interface ScoredPair {
  /** Record indexes, a < b for deduplication, a from the first source when linking. */
  a: number
  b: number
  /** Match weight: log2 prior odds plus the sum of field weights. */
  weight: number
  probability: number
  /** The level of each of the model's comparisons, in the model's order: the pair's evidence. */
  levels: Uint8Array
}
