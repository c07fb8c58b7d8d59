import { type ClusterReport, linkRecords, type MatchOptions, type MatchRun, resolveRecords } from '../resolve/match/index.ts'
import type { Dataset } from './datasets.ts'
import { evaluatePartition, type PartitionMetrics } from './metrics.ts'

export interface DatasetResult {
  name: string
  task: Dataset['task']
  metrics: PartitionMetrics
  candidatePairs: number
  /** Candidate pairs that are true matches: blocking recall is this over the true pairs. */
  trueCandidatePairs: number
  seconds: number
  run: MatchRun
  /** Cluster sizes and refused merges, when deduplicating. */
  clusters?: ClusterReport
  /** Predicted entity by record id. */
  predicted: Map<string, string>
}

/**
 * Runs the matcher on one dataset exactly as it would run on unlabelled data, then scores its
 * partition against the truth. Linking yields a partition too: each link is a two-record entity.
 */
export function evaluateDataset(dataset: Dataset, options: MatchOptions = {}): DatasetResult {
  const started = performance.now()
  const predicted = new Map<string, string>()
  let run: MatchRun
  let clusters: ClusterReport | undefined
  if (dataset.task === 'dedupe') {
    const result = resolveRecords(dataset.records, options)
    for (const [id, cluster] of result.clusterOf) predicted.set(id, cluster)
    run = result
    clusters = result.clusters
  } else {
    const result = linkRecords(dataset.left, dataset.right, options)
    for (const record of [...dataset.left, ...dataset.right]) predicted.set(record.id, record.id)
    for (const link of result.links) predicted.set(link.right, link.left)
    run = result
  }
  const seconds = (performance.now() - started) / 1000
  let trueCandidatePairs = 0
  const { pairs, records } = run
  for (let p = 0; p < pairs.count; p++) {
    const entityA = dataset.truth.get(records[pairs.a[p] ?? 0]?.id ?? '')
    if (entityA !== undefined && entityA === dataset.truth.get(records[pairs.b[p] ?? 0]?.id ?? '')) trueCandidatePairs++
  }
  return {
    name: dataset.name,
    task: dataset.task,
    metrics: evaluatePartition(dataset.truth, predicted),
    candidatePairs: run.blocking.candidatePairs,
    trueCandidatePairs,
    seconds,
    run,
    ...(clusters === undefined ? {} : { clusters }),
    predicted,
  }
}
