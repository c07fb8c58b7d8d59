/**
 * Keeps entity ids stable across resolution runs. Given the new clusters (record keys) and the entity
 * each record belonged to before, every cluster gets an id: the previous entity that holds most of its
 * records keeps its id (ties: the older entity, then the smaller id), each previous id goes to at most
 * one cluster (a split leaves it with the part holding most of its records), the other clusters get new
 * ids, and a previous entity whose records all moved elsewhere redirects to where most of them went.
 * Pure and independent of input order: the same clusters and history give the same answer.
 */
export interface StableIdInput {
  clusters: readonly (readonly string[])[]
  /** Record key → entity id it belonged to before this run. */
  previous: ReadonlyMap<string, string>
  /** Entity id → age rank (smaller is older), for ties; unknown ids count as newest. */
  age: ReadonlyMap<string, number>
  newId: () => string
}

export interface StableIdResult {
  /** Entity id of each cluster, by cluster index. */
  ids: string[]
  /** Ids created in this run. */
  created: string[]
  /** Previous entity id → the survivor it now redirects to. */
  redirects: Map<string, string>
}

interface Claim {
  entity: string
  cluster: number
  count: number
}

export function assignStableIds(input: StableIdInput): StableIdResult {
  const { clusters, previous, age } = input
  // The order of clusters must not matter: rank them by their smallest record key.
  const clusterOrder = clusters.map((members, index) => ({ index, first: [...members].sort()[0] ?? '' }))
  clusterOrder.sort((a, b) => compare(a.first, b.first))
  const rankOfCluster = new Map(clusterOrder.map((entry, rank) => [entry.index, rank]))

  const claims: Claim[] = []
  clusters.forEach((members, cluster) => {
    const counts = new Map<string, number>()
    for (const key of members) {
      const entity = previous.get(key)
      if (entity !== undefined) counts.set(entity, (counts.get(entity) ?? 0) + 1)
    }
    for (const [entity, count] of counts) claims.push({ entity, cluster, count })
  })
  const ageOf = (entity: string) => age.get(entity) ?? Number.POSITIVE_INFINITY
  claims.sort(
    (a, b) =>
      b.count - a.count ||
      ageOf(a.entity) - ageOf(b.entity) ||
      compare(a.entity, b.entity) ||
      rankOfCluster.get(a.cluster)! - rankOfCluster.get(b.cluster)!,
  )

  const ids: (string | undefined)[] = clusters.map(() => undefined)
  const taken = new Set<string>()
  for (const claim of claims) {
    if (ids[claim.cluster] !== undefined || taken.has(claim.entity)) continue
    ids[claim.cluster] = claim.entity
    taken.add(claim.entity)
  }

  const created: string[] = []
  for (const { index } of clusterOrder) {
    if (ids[index] === undefined) {
      const id = input.newId()
      ids[index] = id
      created.push(id)
    }
  }

  // An entity that lost its id to no cluster redirects to the cluster holding most of its records
  // (claims are sorted, so the first claim of an entity is its biggest share).
  const redirects = new Map<string, string>()
  for (const claim of claims) {
    if (taken.has(claim.entity) || redirects.has(claim.entity)) continue
    redirects.set(claim.entity, ids[claim.cluster]!)
  }
  return { ids: ids as string[], created, redirects }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
