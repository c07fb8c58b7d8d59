/**
 * Keeps entity ids stable across resolution runs. Given the new clusters (record keys) and the entity
 * each record belonged to before, every cluster gets an id: the previous entity that holds most of its
 * records keeps its id, each previous id goes to at most one cluster (a split leaves it with the part
 * holding most of its records), and a previous entity whose records all moved elsewhere redirects to
 * where most of them went. Ties between the parts of a split go to the part whose records the entity
 * began with (their origin), then to the part holding the record seen first, then to the older entity
 * and the smaller id. A part that gets no id takes back its records' origin when that entity was
 * merged away earlier and is free (an unlinked record gets its old id back); otherwise a new id.
 * Pure and independent of input order: the same clusters and history give the same answer.
 */
export interface StableIdInput {
  clusters: readonly (readonly string[])[]
  /** Record key → entity id it belonged to before this run. */
  previous: ReadonlyMap<string, string>
  /** Entity id → age rank (smaller is older), for ties; unknown ids count as newest. */
  age: ReadonlyMap<string, number>
  /** Record key → the first entity the record was given (kept through merges); default: none known. */
  origin?: ReadonlyMap<string, string>
  /** Record key → when it was first seen (ms), for ties; unknown records count as newest. */
  firstSeen?: ReadonlyMap<string, number>
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
  /** Records of the cluster whose origin is the entity. */
  native: number
  /** Earliest first-seen time among the claiming records. */
  earliest: number
}

export function assignStableIds(input: StableIdInput): StableIdResult {
  const { clusters, previous, age } = input
  // The order of clusters must not matter: rank them by their smallest record key.
  const clusterOrder = clusters.map((members, index) => ({ index, first: [...members].sort()[0] ?? '' }))
  clusterOrder.sort((a, b) => compare(a.first, b.first))
  const rankOfCluster = new Map(clusterOrder.map((entry, rank) => [entry.index, rank]))

  const claims: Claim[] = []
  clusters.forEach((members, cluster) => {
    const byEntity = new Map<string, Claim>()
    for (const key of members) {
      const entity = previous.get(key)
      if (entity === undefined) continue
      let claim = byEntity.get(entity)
      if (!claim) byEntity.set(entity, (claim = { entity, cluster, count: 0, native: 0, earliest: Number.POSITIVE_INFINITY }))
      claim.count++
      if (input.origin?.get(key) === entity) claim.native++
      claim.earliest = Math.min(claim.earliest, input.firstSeen?.get(key) ?? Number.POSITIVE_INFINITY)
    }
    claims.push(...byEntity.values())
  })
  const ageOf = (entity: string) => age.get(entity) ?? Number.POSITIVE_INFINITY
  claims.sort(
    (a, b) =>
      b.count - a.count ||
      b.native - a.native ||
      a.earliest - b.earliest ||
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

  // A part left without an id takes back the origin most of its records share, if no one holds it.
  for (const { index } of clusterOrder) {
    if (ids[index] !== undefined) continue
    const origins = new Map<string, number>()
    for (const key of clusters[index]!) {
      const origin = input.origin?.get(key)
      if (origin !== undefined && !taken.has(origin)) origins.set(origin, (origins.get(origin) ?? 0) + 1)
    }
    const [revived] = [...origins].sort((a, b) => b[1] - a[1] || compare(a[0], b[0]))
    if (revived) {
      ids[index] = revived[0]
      taken.add(revived[0])
    }
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
