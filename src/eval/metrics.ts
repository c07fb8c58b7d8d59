/**
 * Partition metrics for entity resolution. Both partitions map a record id to an entity id; the
 * records evaluated are the truth's, and a record the prediction does not mention counts as a
 * predicted singleton.
 */

export interface PairwiseMetrics {
  /** Within-entity record pairs in the truth, in the prediction, and in both. */
  truePairs: number
  predictedPairs: number
  correctPairs: number
  precision: number
  recall: number
  f1: number
}

export interface BCubedMetrics {
  precision: number
  recall: number
  f1: number
}

export interface PartitionMetrics {
  records: number
  trueEntities: number
  predictedEntities: number
  largestTrueCluster: number
  largestPredictedCluster: number
  pairwise: PairwiseMetrics
  bcubed: BCubedMetrics
}

function f1(precision: number, recall: number): number {
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall)
}

function pairsIn(size: number): number {
  return (size * (size - 1)) / 2
}

/** Not Math.max(...values): spreading a million arguments overflows the stack. */
function largest(sizesByCluster: ReadonlyMap<string, number>): number {
  let max = 0
  for (const size of sizesByCluster.values()) max = Math.max(max, size)
  return max
}

function sizes(clusterOf: ReadonlyMap<string, string>): Map<string, number> {
  const counts = new Map<string, number>()
  for (const cluster of clusterOf.values()) counts.set(cluster, (counts.get(cluster) ?? 0) + 1)
  return counts
}

/**
 * Pairwise precision/recall/F1 over within-cluster record pairs, and B-cubed precision/recall/F1
 * (per record: the share of its predicted cluster that truly belongs with it, and the share of its
 * true cluster that was predicted with it; averaged over records). Empty sets of pairs count as
 * perfectly precise / complete.
 */
export function evaluatePartition(truth: ReadonlyMap<string, string>, predicted: ReadonlyMap<string, string>): PartitionMetrics {
  // Predicted clusters restricted to the truth's records; a missing record is its own cluster.
  const prediction = new Map<string, string>()
  for (const id of truth.keys()) {
    const cluster = predicted.get(id)
    prediction.set(id, cluster === undefined ? `\u0000singleton:${id}` : `\u0001${cluster}`)
  }
  const trueSizes = sizes(truth)
  const predictedSizes = sizes(prediction)
  // Size of each (true entity, predicted cluster) intersection.
  const overlap = new Map<string, number>()
  for (const [id, entity] of truth) {
    const cell = `${entity}\u0002${prediction.get(id) ?? ''}`
    overlap.set(cell, (overlap.get(cell) ?? 0) + 1)
  }

  let truePairs = 0
  for (const size of trueSizes.values()) truePairs += pairsIn(size)
  let predictedPairs = 0
  for (const size of predictedSizes.values()) predictedPairs += pairsIn(size)
  let correctPairs = 0
  for (const size of overlap.values()) correctPairs += pairsIn(size)
  const precision = predictedPairs === 0 ? 1 : correctPairs / predictedPairs
  const recall = truePairs === 0 ? 1 : correctPairs / truePairs

  let bPrecision = 0
  let bRecall = 0
  for (const [id, entity] of truth) {
    const cluster = prediction.get(id) ?? ''
    const shared = overlap.get(`${entity}\u0002${cluster}`) ?? 1
    bPrecision += shared / (predictedSizes.get(cluster) ?? 1)
    bRecall += shared / (trueSizes.get(entity) ?? 1)
  }
  const records = truth.size
  const bcubedPrecision = records === 0 ? 1 : bPrecision / records
  const bcubedRecall = records === 0 ? 1 : bRecall / records

  return {
    records,
    trueEntities: trueSizes.size,
    predictedEntities: predictedSizes.size,
    largestTrueCluster: largest(trueSizes),
    largestPredictedCluster: largest(predictedSizes),
    pairwise: { truePairs, predictedPairs, correctPairs, precision, recall, f1: f1(precision, recall) },
    bcubed: { precision: bcubedPrecision, recall: bcubedRecall, f1: f1(bcubedPrecision, bcubedRecall) },
  }
}
