/**
 * Clustering of scored pairs into entities.
 *
 * Plain connected components over the pairs above the threshold chain: A–B and B–C are each
 * convincing, so A and C end up together even when A and C plainly disagree (two "J. Smith"s
 * bridged by a record with only a shared phone). Here edges are taken strongest first (Kruskal
 * order) and two clusters merge only if no record of one is a confident non-match of any record of
 * the other. "Confident non-match" is the mirror image of the match threshold: the pair's own
 * evidence (its Bayes factor, without the tiny population prior) would put it below 1 − p even at
 * even odds. The first edge joining two clusters is their strongest, so a refused merge keeps the
 * better-supported groups apart. Merges that would exceed maxClusterSize are refused as well.
 */

export interface ClusterOptions {
  /** Minimum match weight (log2 odds) of an edge. */
  threshold: number
  /** Two records whose evidence weight is below this may not share a cluster. */
  conflictWeight: number
  maxClusterSize: number
}

export interface Edge {
  a: number
  b: number
  weight: number
}

export interface RefusedMerge {
  /** The edge that would have merged the clusters. */
  edge: Edge
  reason: 'conflict' | 'size'
  /** For a conflict: the two records that may not be together and their evidence weight. */
  conflict?: { a: number; b: number; weight: number }
}

export interface ClusterReport {
  clusters: number
  singletons: number
  largest: number
  /** Number of clusters by size. */
  sizes: Record<number, number>
  edgesAboveThreshold: number
  refusedForConflict: number
  refusedForSize: number
}

export interface Clustering {
  /** Cluster number of each record; numbers are the lowest record index in the cluster. */
  clusterOf: Int32Array
  report: ClusterReport
  /** Every refused merge, strongest edge first. */
  refused: RefusedMerge[]
}

/**
 * @param evidenceWeight the Bayes-factor weight of any two records (candidates or not); called for
 *   cross pairs when two clusters are about to merge, so at most |A|·|B| times per merge.
 */
export function clusterRecords(
  recordCount: number,
  edges: readonly Edge[],
  evidenceWeight: (a: number, b: number) => number,
  options: ClusterOptions,
): Clustering {
  const parent = Int32Array.from({ length: recordCount }, (_, i) => i)
  const members: number[][] = Array.from({ length: recordCount }, (_, i) => [i])
  // Records each cluster is known to conflict with, kept per root and merged with it, so a refused
  // pair of clusters is refused again without re-scoring.
  const conflicts = new Map<number, number[]>()
  const find = (i: number): number => {
    let root = i
    while ((parent[root] ?? root) !== root) root = parent[root] ?? root
    while ((parent[i] ?? i) !== root) {
      const next = parent[i] ?? i
      parent[i] = root
      i = next
    }
    return root
  }

  const strong = edges.filter((edge) => edge.weight >= options.threshold).sort((x, y) => y.weight - x.weight || x.a - y.a || x.b - y.b)
  const refused: RefusedMerge[] = []
  for (const edge of strong) {
    const rootA = find(edge.a)
    const rootB = find(edge.b)
    if (rootA === rootB) continue
    const groupA = members[rootA] ?? []
    const groupB = members[rootB] ?? []
    if (groupA.length + groupB.length > options.maxClusterSize) {
      refused.push({ edge, reason: 'size' })
      continue
    }
    const known = (conflicts.get(rootA) ?? []).find((record) => find(record) === rootB)
    if (known !== undefined) {
      refused.push({ edge, reason: 'conflict' })
      continue
    }
    const conflict = findConflict(groupA, groupB, evidenceWeight, options.conflictWeight)
    if (conflict !== undefined) {
      refused.push({ edge, reason: 'conflict', conflict })
      conflicts.set(rootA, [...(conflicts.get(rootA) ?? []), conflict.b])
      conflicts.set(rootB, [...(conflicts.get(rootB) ?? []), conflict.a])
      continue
    }
    const [root, child] = groupA.length >= groupB.length ? [rootA, rootB] : [rootB, rootA]
    parent[child] = root
    const rootMembers = members[root] ?? []
    for (const record of members[child] ?? []) rootMembers.push(record)
    members[child] = []
    const childConflicts = conflicts.get(child)
    if (childConflicts !== undefined) {
      conflicts.set(root, [...(conflicts.get(root) ?? []), ...childConflicts])
      conflicts.delete(child)
    }
  }

  const clusterOf = new Int32Array(recordCount)
  const lowest = new Map<number, number>()
  for (let i = 0; i < recordCount; i++) {
    const root = find(i)
    if (!lowest.has(root)) lowest.set(root, i)
    clusterOf[i] = lowest.get(root) ?? i
  }
  return { clusterOf, report: clusterReport(clusterOf, strong.length, refused), refused }
}

function findConflict(
  groupA: readonly number[],
  groupB: readonly number[],
  evidenceWeight: (a: number, b: number) => number,
  limit: number,
): { a: number; b: number; weight: number } | undefined {
  for (const a of groupA) {
    for (const b of groupB) {
      const weight = evidenceWeight(a, b)
      if (weight < limit) return { a, b, weight }
    }
  }
  return undefined
}

export function clusterReport(clusterOf: Int32Array, edgesAboveThreshold: number, refused: readonly RefusedMerge[]): ClusterReport {
  const sizeOf = new Map<number, number>()
  for (const cluster of clusterOf) sizeOf.set(cluster, (sizeOf.get(cluster) ?? 0) + 1)
  const sizes: Record<number, number> = {}
  let largest = 0
  for (const size of sizeOf.values()) {
    sizes[size] = (sizes[size] ?? 0) + 1
    largest = Math.max(largest, size)
  }
  return {
    clusters: sizeOf.size,
    singletons: sizes[1] ?? 0,
    largest,
    sizes,
    edgesAboveThreshold,
    refusedForConflict: refused.filter((merge) => merge.reason === 'conflict').length,
    refusedForSize: refused.filter((merge) => merge.reason === 'size').length,
  }
}

/**
 * One-to-one linkage of two sources: pairs above the threshold, strongest first, each record
 * used at most once (greedy assignment; on score matrices this sparse it agrees with the optimal
 * assignment almost everywhere and is explainable pair by pair).
 */
export function assignOneToOne<E extends Edge>(edges: readonly E[], threshold: number): E[] {
  const usedA = new Set<number>()
  const usedB = new Set<number>()
  const chosen: E[] = []
  const strong = edges.filter((edge) => edge.weight >= threshold).sort((x, y) => y.weight - x.weight || x.a - y.a || x.b - y.b)
  for (const edge of strong) {
    if (usedA.has(edge.a) || usedB.has(edge.b)) continue
    usedA.add(edge.a)
    usedB.add(edge.b)
    chosen.push(edge)
  }
  return chosen
}
