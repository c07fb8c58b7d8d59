import type { DatasetResult } from './evaluate-dataset.ts'

const HEADER = [
  'dataset',
  'records',
  'true entities',
  'predicted entities',
  'largest cluster',
  'pairwise P',
  'pairwise R',
  'pairwise F1',
  'B³ P',
  'B³ R',
  'B³ F1',
  'candidate pairs',
  'seconds',
]

function fixed(value: number): string {
  return value.toFixed(3)
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n')
}

/** Pair counts, blocking recall and what training and clustering did, one row per dataset. */
export function detailsTable(results: readonly DatasetResult[]): string {
  const header = [
    'dataset',
    'true pairs',
    'predicted pairs',
    'correct pairs',
    'blocking recall',
    'oversized blocks',
    'λ (prior)',
    'EM iterations',
    'links ≥ threshold',
    'merges refused (conflict / size)',
  ]
  const rows = results.map((result) => {
    const { pairwise } = result.metrics
    const { model, blocking } = result.run
    const oversized = blocking.rules.reduce((sum, rule) => sum + rule.oversizedBlocks, 0)
    const clusters = result.clusters
    return [
      result.name,
      String(pairwise.truePairs),
      String(pairwise.predictedPairs),
      String(pairwise.correctPairs),
      fixed(pairwise.truePairs === 0 ? 1 : result.trueCandidatePairs / pairwise.truePairs),
      String(oversized),
      model.prior.toExponential(2),
      `${model.training.iterations}${model.training.converged ? '' : ' (not converged)'}`,
      clusters === undefined ? '–' : String(clusters.edgesAboveThreshold),
      clusters === undefined ? '– (one-to-one)' : `${clusters.refusedForConflict} / ${clusters.refusedForSize}`,
    ]
  })
  return table(header, rows)
}

/** The results as a Markdown table, one row per dataset. */
export function resultsTable(results: readonly DatasetResult[]): string {
  const rows = results.map((result) => {
    const { metrics } = result
    return [
      result.name,
      String(metrics.records),
      String(metrics.trueEntities),
      String(metrics.predictedEntities),
      `${metrics.largestPredictedCluster} (true ${metrics.largestTrueCluster})`,
      fixed(metrics.pairwise.precision),
      fixed(metrics.pairwise.recall),
      fixed(metrics.pairwise.f1),
      fixed(metrics.bcubed.precision),
      fixed(metrics.bcubed.recall),
      fixed(metrics.bcubed.f1),
      String(result.candidatePairs),
      result.seconds.toFixed(1),
    ]
  })
  return table(HEADER, rows)
}
