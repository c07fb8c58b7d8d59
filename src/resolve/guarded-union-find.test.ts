import { describe, expect, it } from 'vitest'
import { GuardedUnionFind } from './guarded-union-find.ts'

describe('GuardedUnionFind', () => {
  it('joins records transitively and lists sets by their smallest member', () => {
    const sets = new GuardedUnionFind(6)
    sets.union(4, 2)
    sets.union(0, 5)
    sets.union(2, 0)
    expect(sets.sets()).toEqual([[0, 2, 4, 5], [1], [3]])
  })

  it('refuses to join two sets holding different values of one exclusive type, also through a chain', () => {
    const sets = new GuardedUnionFind(4)
    sets.setExclusive(0, 'workday_id', 'W1')
    sets.setExclusive(3, 'workday_id', 'W2')
    sets.setExclusive(1, 'salesforce_user', 'U1')
    expect(sets.union(0, 1)).toBeUndefined()
    expect(sets.union(2, 3)).toBeUndefined()
    // 1 and 2 would bridge W1 and W2 into one person.
    expect(sets.union(1, 2)).toEqual({ reason: 'exclusive_conflict', type: 'workday_id', values: ['W1', 'W2'] })
    expect(sets.sets()).toEqual([[0, 1], [2, 3]])
  })

  it('keeps exclusive values with the surviving root whichever side is larger', () => {
    const sets = new GuardedUnionFind(5)
    sets.setExclusive(4, 'workday_id', 'W9')
    sets.union(0, 1)
    sets.union(0, 2)
    // The three-member set absorbs {4}: its value must travel to the new root.
    expect(sets.union(4, 0)).toBeUndefined()
    sets.setExclusive(3, 'workday_id', 'W8')
    expect(sets.union(3, 1)).toMatchObject({ reason: 'exclusive_conflict', values: ['W8', 'W9'] })
    // The same value twice is no conflict.
    const same = new GuardedUnionFind(2)
    same.setExclusive(0, 'workday_id', 'W1')
    same.setExclusive(1, 'workday_id', 'W1')
    expect(same.union(0, 1)).toBeUndefined()
  })

  it('refuses a merge that would grow a set past the size limit', () => {
    const sets = new GuardedUnionFind(5, { maxSize: 3 })
    sets.union(0, 1)
    sets.union(2, 3)
    expect(sets.union(1, 2)).toEqual({ reason: 'cluster_too_large', size: 4, maxSize: 3 })
    expect(sets.union(1, 4)).toBeUndefined()
    expect(sets.sets()).toEqual([[0, 1, 4], [2, 3]])
  })
})
