/**
 * Union–find over records 0…n−1 where a merge may be refused. Each set carries "exclusive" values
 * (one Workday id per person, one Salesforce user per person …): two sets holding different values of
 * the same exclusive type are never merged, and a set never grows past `maxSize`. The caller records
 * refusals with their reason. Results depend on the order of union calls, so callers make that order a
 * function of the data (sorted keys), never of import order.
 */
export type Refusal =
  | { reason: 'exclusive_conflict'; type: string; values: [string, string] }
  | { reason: 'cluster_too_large'; size: number; maxSize: number }

export class GuardedUnionFind {
  readonly #parent: Int32Array
  readonly #size: Int32Array
  /** Exclusive values of each root; absent for sets that have none (most). */
  readonly #exclusive = new Map<number, Map<string, string>>()
  readonly #maxSize: number

  constructor(count: number, options: { maxSize?: number } = {}) {
    this.#parent = new Int32Array(count)
    this.#size = new Int32Array(count).fill(1)
    for (let index = 0; index < count; index++) this.#parent[index] = index
    this.#maxSize = options.maxSize ?? Number.POSITIVE_INFINITY
  }

  /** Declares that record `index` holds `value` of an exclusive type (call before any union). */
  setExclusive(index: number, type: string, value: string): void {
    const root = this.find(index)
    let values = this.#exclusive.get(root)
    if (!values) this.#exclusive.set(root, (values = new Map<string, string>()))
    values.set(type, value)
  }

  find(index: number): number {
    let root = index
    while (this.#parent[root] !== root) root = this.#parent[root]!
    // Path halving keeps later finds near constant time.
    let node = index
    while (this.#parent[node] !== root) {
      const next = this.#parent[node]!
      this.#parent[node] = root
      node = next
    }
    return root
  }

  /**
   * Merges the sets of a and b; returns the refusal instead when a guard forbids it. `force` (a human
   * override) merges whatever the guards say.
   */
  union(a: number, b: number, options: { force?: boolean } = {}): Refusal | undefined {
    let rootA = this.find(a)
    let rootB = this.find(b)
    if (rootA === rootB) return undefined
    const size = this.#size[rootA]! + this.#size[rootB]!
    if (size > this.#maxSize && options.force !== true) return { reason: 'cluster_too_large', size, maxSize: this.#maxSize }
    const valuesA = this.#exclusive.get(rootA)
    const valuesB = this.#exclusive.get(rootB)
    if (valuesA && valuesB && options.force !== true) {
      for (const [type, value] of valuesB) {
        const other = valuesA.get(type)
        if (other !== undefined && other !== value) {
          return { reason: 'exclusive_conflict', type, values: other < value ? [other, value] : [value, other] }
        }
      }
    }
    // The larger set absorbs the smaller: keeps trees shallow.
    if (this.#size[rootA]! < this.#size[rootB]!) [rootA, rootB] = [rootB, rootA]
    this.#parent[rootB] = rootA
    this.#size[rootA] = size
    const absorbed = this.#exclusive.get(rootB)
    if (absorbed) {
      const kept = this.#exclusive.get(rootA)
      if (kept) for (const [type, value] of absorbed) kept.set(type, value)
      else this.#exclusive.set(rootA, absorbed)
      this.#exclusive.delete(rootB)
    }
    return undefined
  }

  /** The sets as arrays of member indexes, each sorted, in order of their smallest member. */
  sets(): number[][] {
    const byRoot = new Map<number, number[]>()
    for (let index = 0; index < this.#parent.length; index++) {
      const root = this.find(index)
      let members = byRoot.get(root)
      if (!members) byRoot.set(root, (members = []))
      members.push(index)
    }
    return [...byRoot.values()]
  }
}
