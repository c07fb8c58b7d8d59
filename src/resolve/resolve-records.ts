/**
 * Resolves a set of records of one entity kind into entities (DESIGN §6): human overrides first, then
 * identifiers (cross-references, employee ids, emails, phones, domains …) under guardrails, then scored
 * comparisons inside blocks for what no identifier joined. What differs between people and
 * organisations is a {@link ResolutionStrategy}. Every link that forms a cluster and every merge a guard
 * refused comes back with its rule and evidence. Pure and independent of input order: records are
 * ordered by their source reference, and every choice breaks ties by it.
 *
 * The input must be closed: every record sharing a usable key with one of them is in the set (the
 * store hands over whole components), so the result for these records is the one a full run gives.
 */
import type { SourceRef } from '../schema/canonical.ts'
import { GuardedUnionFind, type Refusal } from './guarded-union-find.ts'
import { compareRefs, formatRef, type ResolutionKey } from './resolvable.ts'

export interface RecordInput<Data> {
  id: number
  ref: SourceRef
  data: Data
  keys: readonly ResolutionKey[]
}

export interface FeatureEvidence {
  feature: string
  level: string
  weight: number
}

export interface PairScore {
  /** log2 odds that the two records are one entity. */
  weight: number
  evidence: FeatureEvidence[]
}

/** What one entity kind brings to resolution. */
export interface ResolutionStrategy<Data, Features> {
  features(data: Data): Features
  /** Values a cluster holds at most one of (one Workday worker per person): [type, value]. */
  exclusive(ref: SourceRef, keys: readonly ResolutionKey[]): [string, string][]
  /** Why a shared identifier of this kind must not merge these two records, if it must not. */
  identifierConflict(kind: string, a: Features, b: Features): string | undefined
  /** Scores two records of one block; `blockSize` counts the distinct candidates in it. */
  score(a: Features, b: Features, blockSize: number): PairScore
  /** The weight `score` gives, without building its evidence (most pairs scored are not kept). */
  weight(a: Features, b: Features, blockSize: number): number
  /**
   * False only when `weight` is surely below the match weight: a cheap test that spares scoring most
   * pairs of a block (true is always a safe answer).
   */
  mayLink(a: Features, b: Features, blockSize: number): boolean
  /**
   * Whether any pair of a block with this many candidates could reach the match weight: one that
   * cannot is not compared up front; its pairs are scored only when a merge would join them.
   */
  canLink(blockSize: number): boolean
  /** Weight a scored link needs. */
  matchWeight: number
  /** At or below this, two records are confidently different: their clusters never merge. */
  conflictWeight: number
  /** Identifier kinds in the order they are applied, most certain first (others after, by name). */
  keyOrder: readonly string[]
  /** Clusters never grow past this many records. */
  maxRecords: number
  /** Blocks larger than this are too common to compare within. */
  maxBlock: number
}

export interface OverrideInput {
  /** Later overrides (higher ids) win over earlier ones. */
  id: number
  action: 'link' | 'unlink'
  recordId: number
  otherRecordId: number | null
}

export interface MemberDecision {
  recordId: number
  /** seed (the cluster's first record), a key kind, cross_reference, probabilistic or override. */
  rule: string
  /** Match probability of a probabilistic link; null otherwise. */
  score: number | null
  evidence: Record<string, unknown>
}

export interface RefusalDecision {
  recordId: number
  otherRecordId: number
  rule: string
  reason: string
  details: Record<string, unknown>
}

export interface ResolvedRecords {
  /** Each cluster's members in reference order; the first is the seed. */
  clusters: MemberDecision[][]
  refusals: RefusalDecision[]
}

/** A candidate whose runner-up is within this many bits is ambiguous: neither is linked. */
const AMBIGUITY_MARGIN = 2

interface Edge {
  a: number
  b: number
  rule: string
  score: number | null
  evidence: Record<string, unknown>
}

export function resolveRecords<Data, Features>(
  strategy: ResolutionStrategy<Data, Features>,
  input: readonly RecordInput<Data>[],
  overrides: readonly OverrideInput[] = [],
): ResolvedRecords {
  const records = [...input].sort((x, y) => compareRefs(x.ref, y.ref) || x.id - y.id)
  const indexOf = new Map(records.map((record, index) => [record.id, index]))
  const features = records.map((record) => strategy.features(record.data))
  const uf = new GuardedUnionFind(records.length, { maxSize: strategy.maxRecords })
  records.forEach((record, index) => {
    for (const [type, value] of strategy.exclusive(record.ref, record.keys)) uf.setExclusive(index, type, value)
  })
  const edges: Edge[] = []
  const refusals: RefusalDecision[] = []
  const refuse = (a: number, b: number, rule: string, reason: string, details: Record<string, unknown>) =>
    refusals.push({ recordId: records[a]!.id, otherRecordId: records[b]!.id, rule, reason, details })
  const refusalDetails = (refusal: Refusal): Record<string, unknown> =>
    refusal.reason === 'exclusive_conflict' ? { type: refusal.type, values: refusal.values } : { size: refusal.size, maxSize: refusal.maxSize }

  const unlinked = applyOverrides(overrides, indexOf, uf, edges)

  // Identifiers: every holder of a shared value joins its first holder.
  for (const [kind, value, holders] of identifierGroups(records, strategy.keyOrder)) {
    const linkable = holders.filter((index) => !unlinked.has(index))
    const anchor = linkable[0]
    for (const index of holders) {
      if (anchor === undefined || index === anchor) continue
      if (uf.find(index) === uf.find(anchor)) continue
      const key = { kind, value }
      if (unlinked.has(index)) {
        refuse(index, anchor, kind, 'override', { key, note: 'the record was unlinked by hand' })
        continue
      }
      const conflict = strategy.identifierConflict(kind, features[anchor]!, features[index]!)
      if (conflict !== undefined) {
        refuse(anchor, index, kind, conflict, { key })
        continue
      }
      const refusal = uf.union(anchor, index)
      if (refusal) refuse(anchor, index, kind, refusal.reason, { key, ...refusalDetails(refusal) })
      else edges.push({ a: anchor, b: index, rule: kind === 'record' ? 'cross_reference' : kind, score: null, evidence: { key } })
    }
  }

  linkByScore(strategy, records, features, uf, unlinked, edges, refuse, refusalDetails)
  return { clusters: clustersOf(records, uf, edges), refusals }
}

/** Applies link overrides (forced) and returns the records an unlink override keeps apart. */
function applyOverrides(overrides: readonly OverrideInput[], indexOf: ReadonlyMap<number, number>, uf: GuardedUnionFind, edges: Edge[]): Set<number> {
  const lastUnlink = new Map<number, number>()
  for (const override of overrides) {
    if (override.action === 'unlink') lastUnlink.set(override.recordId, Math.max(override.id, lastUnlink.get(override.recordId) ?? -Infinity))
  }
  const unlinked = new Set<number>()
  for (const recordId of lastUnlink.keys()) {
    const index = indexOf.get(recordId)
    if (index !== undefined) unlinked.add(index)
  }
  const links = overrides.filter((override) => override.action === 'link').sort((x, y) => x.id - y.id)
  for (const link of links) {
    const other = link.otherRecordId
    if (other === null) continue
    // An unlink decided after a link undoes it.
    if ((lastUnlink.get(link.recordId) ?? -Infinity) > link.id || (lastUnlink.get(other) ?? -Infinity) > link.id) continue
    const a = indexOf.get(link.recordId)
    const b = indexOf.get(other)
    if (a === undefined || b === undefined || uf.find(a) === uf.find(b)) continue
    uf.union(a, b, { force: true })
    edges.push({ a, b, rule: 'override', score: null, evidence: { override: link.id } })
  }
  return unlinked
}

/** Shared, non-generic identifier values with their holders (sorted), in application order. */
function identifierGroups(records: readonly RecordInput<unknown>[], keyOrder: readonly string[]): [string, string, number[]][] {
  const groups = new Map<string, { kind: string; value: string; holders: number[] }>()
  records.forEach((record, index) => {
    for (const key of record.keys) {
      if (key.role !== 'identifier' || key.isGeneric) continue
      const id = `${key.kind}\u0000${key.value}`
      let group = groups.get(id)
      if (!group) groups.set(id, (group = { kind: key.kind, value: key.value, holders: [] }))
      if (group.holders.at(-1) !== index) group.holders.push(index)
    }
  })
  const rank = (kind: string) => {
    const position = keyOrder.indexOf(kind)
    return position === -1 ? keyOrder.length : position
  }
  return [...groups.values()]
    .filter((group) => group.holders.length > 1)
    .sort((x, y) => rank(x.kind) - rank(y.kind) || (x.kind < y.kind ? -1 : x.kind > y.kind ? 1 : 0) || (x.value < y.value ? -1 : x.value > y.value ? 1 : 0))
    .map((group) => [group.kind, group.value, group.holders])
}

interface ClusterPair {
  /** Deterministic clusters (roots after the identifier stage), low < high. */
  low: number
  high: number
  /** The strongest pair of records across the two clusters, and the size of the block it was scored in. */
  best: { weight: number; a: number; b: number; blockSize: number }
}

/** Scored comparisons inside blocks, merged strongest first under the guards. */
function linkByScore<Data, Features>(
  strategy: ResolutionStrategy<Data, Features>,
  records: readonly RecordInput<Data>[],
  features: readonly Features[],
  uf: GuardedUnionFind,
  unlinked: ReadonlySet<number>,
  edges: Edge[],
  refuse: (a: number, b: number, rule: string, reason: string, details: Record<string, unknown>) => void,
  refusalDetails: (refusal: Refusal) => Record<string, unknown>,
): void {
  const blocks = new Map<string, number[]>()
  records.forEach((record, index) => {
    if (unlinked.has(index)) return
    for (const key of record.keys) {
      if (key.role !== 'blocking') continue
      let members = blocks.get(key.value)
      if (!members) blocks.set(key.value, (members = []))
      members.push(index)
    }
  })

  // Only the cluster pairs some record pair of which could link are kept, keyed by low * n + high (a
  // number, not a string). Most pairs of a block cannot link (their given names differ): the strategy
  // rules them out cheaply before scoring. Whether two records are confidently different is asked
  // only of the few cluster pairs a merge would join (see conflicting), never stored for every pair.
  const n = records.length
  const pairs = new Map<number, ClusterPair>()
  // The blocks whose pairs decide anything, compared or not, with their candidate counts; and the
  // blocks of each record in them. Blocks where no pair can link are not compared at all.
  const candidateCounts: number[] = []
  const blocksOf = new Map<number, number[]>()
  for (const members of blocks.values()) {
    if (members.length < 2 || members.length > strategy.maxBlock) continue
    const roots = members.map((index) => uf.find(index))
    const candidates = new Set(roots).size
    if (candidates < 2) continue
    for (const index of members) {
      let list = blocksOf.get(index)
      if (!list) blocksOf.set(index, (list = []))
      list.push(candidateCounts.length)
    }
    candidateCounts.push(candidates)
    if (!strategy.canLink(candidates)) continue
    for (let i = 0; i < members.length; i++) {
      const a = members[i]!
      const rootA = roots[i]!
      const featuresA = features[a]!
      for (let j = i + 1; j < members.length; j++) {
        const rootB = roots[j]!
        if (rootA === rootB) continue
        const b = members[j]!
        if (!strategy.mayLink(featuresA, features[b]!, candidates)) continue
        const weight = strategy.weight(featuresA, features[b]!, candidates)
        if (weight < strategy.matchWeight) continue
        const low = rootA < rootB ? rootA : rootB
        const high = rootA < rootB ? rootB : rootA
        const id = low * n + high
        const known = pairs.get(id)
        if (!known) pairs.set(id, { low, high, best: { weight, a, b, blockSize: candidates } })
        else if (weight > known.best.weight) known.best = { weight, a, b, blockSize: candidates }
      }
    }
  }

  const candidatesOf = new Map<number, ClusterPair[]>()
  for (const pair of pairs.values()) {
    for (const side of [pair.low, pair.high]) {
      let list = candidatesOf.get(side)
      if (!list) candidatesOf.set(side, (list = []))
      list.push(pair)
    }
  }
  const isCandidate = (x: number, y: number) => pairs.has(x < y ? x * n + y : y * n + x)
  /** Another candidate of `side`, nearly as strong, that is no match of the other side: a coin toss. */
  const rival = (side: number, other: number, weight: number): number | undefined => {
    for (const pair of candidatesOf.get(side) ?? []) {
      const third = pair.low === side ? pair.high : pair.low
      if (third !== other && pair.best.weight >= weight - AMBIGUITY_MARGIN && !isCandidate(other, third)) return third
    }
    return undefined
  }

  // Strongest first; two cluster pairs never share their best record pair, so the order is total.
  const unique = [...pairs.values()].sort(
    (x, y) => y.best.weight - x.best.weight || compareRefs(records[x.best.a]!.ref, records[y.best.a]!.ref) || compareRefs(records[x.best.b]!.ref, records[y.best.b]!.ref),
  )
  // Which identifier-stage clusters each current cluster is made of: a merge must not join two that conflict.
  const partsOf = new Map<number, number[]>()
  const parts = (root: number) => partsOf.get(root) ?? [root]
  const membersOfPart = new Map<number, number[]>()
  for (const index of blocksOf.keys()) {
    const root = uf.find(index)
    let list = membersOfPart.get(root)
    if (!list) membersOfPart.set(root, (list = []))
    list.push(index)
  }
  /** Whether two records are confidently different in a block they share (as scored there). */
  const differ = (a: number, b: number): boolean => {
    const blocksOfB = blocksOf.get(b)!
    for (const block of blocksOf.get(a)!) {
      if (blocksOfB.includes(block) && strategy.weight(features[a]!, features[b]!, candidateCounts[block]!) <= strategy.conflictWeight) return true
    }
    return false
  }
  /** Whether a record of one identifier-stage cluster is confidently different from one of the other. */
  const conflicting = (x: number, y: number): boolean => {
    for (const a of membersOfPart.get(x) ?? []) {
      for (const b of membersOfPart.get(y) ?? []) if (differ(a, b)) return true
    }
    return false
  }

  for (const pair of unique) {
    const { a, b, weight, blockSize } = pair.best
    const { evidence } = strategy.score(features[a]!, features[b]!, blockSize)
    const details = { weight, probability: probability(weight), features: evidence }
    const rivalOfLow = rival(pair.low, pair.high, weight)
    const rivalOfHigh = rival(pair.high, pair.low, weight)
    if (rivalOfLow !== undefined || rivalOfHigh !== undefined) {
      const alternative = rivalOfLow ?? rivalOfHigh!
      refuse(a, b, 'probabilistic', 'ambiguous', { ...details, alternative: formatRef(records[alternative]!.ref) })
      continue
    }
    const rootA = uf.find(a)
    const rootB = uf.find(b)
    if (rootA === rootB) continue
    const clash = parts(rootA).some((x) => parts(rootB).some((y) => conflicting(x, y)))
    if (clash) {
      refuse(a, b, 'probabilistic', 'conflict', { ...details, note: 'another record of one cluster is confidently a different person' })
      continue
    }
    const refusal = uf.union(a, b)
    if (refusal) {
      refuse(a, b, 'probabilistic', refusal.reason, { ...details, ...refusalDetails(refusal) })
      continue
    }
    const root = uf.find(a)
    partsOf.set(root, [...parts(rootA), ...parts(rootB)])
    edges.push({ a, b, rule: 'probabilistic', score: probability(weight), evidence: details })
  }
}

function probability(weight: number): number {
  return Math.round((2 ** weight / (1 + 2 ** weight)) * 10000) / 10000
}

/** Clusters with each member's decision: the link that joined it to the tree grown from the seed. */
function clustersOf(records: readonly RecordInput<unknown>[], uf: GuardedUnionFind, edges: readonly Edge[]): MemberDecision[][] {
  const adjacent = new Map<number, Edge[]>()
  for (const edge of edges) {
    for (const end of [edge.a, edge.b]) {
      let list = adjacent.get(end)
      if (!list) adjacent.set(end, (list = []))
      list.push(edge)
    }
  }
  return uf.sets().map((members) => {
    const seed = members[0]!
    const decided = new Map<number, MemberDecision>([[seed, { recordId: records[seed]!.id, rule: 'seed', score: null, evidence: {} }]])
    const queue = [seed]
    while (queue.length > 0) {
      const node = queue.shift()!
      for (const edge of adjacent.get(node) ?? []) {
        const next = edge.a === node ? edge.b : edge.a
        if (decided.has(next)) continue
        decided.set(next, { recordId: records[next]!.id, rule: edge.rule, score: edge.score, evidence: { linkedTo: formatRef(records[node]!.ref), ...edge.evidence } })
        queue.push(next)
      }
    }
    return members.map((index) => decided.get(index) ?? { recordId: records[index]!.id, rule: 'seed', score: null, evidence: {} })
  })
}
