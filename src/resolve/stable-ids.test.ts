import { describe, expect, it } from 'vitest'
import { assignStableIds, type StableIdInput } from './stable-ids.ts'

function run(clusters: string[][], previous: Record<string, string>, age: Record<string, number> = {}) {
  let next = 0
  const input: StableIdInput = {
    clusters,
    previous: new Map(Object.entries(previous)),
    age: new Map(Object.entries(age)),
    newId: () => `new${++next}`,
  }
  return assignStableIds(input)
}

describe('assignStableIds', () => {
  it('gives new clusters new ids, in the order of their smallest record', () => {
    expect(run([['c', 'd'], ['a']], {})).toEqual({ ids: ['new2', 'new1'], created: ['new1', 'new2'], redirects: new Map() })
  })

  it('keeps an entity id when its records stay together and a record joins', () => {
    expect(run([['a', 'b', 'z']], { a: 'E1', b: 'E1' })).toEqual({ ids: ['E1'], created: [], redirects: new Map() })
  })

  it('on a merge keeps the id holding most records and redirects the other', () => {
    const result = run([['a', 'b', 'c']], { a: 'E1', b: 'E2', c: 'E2' })
    expect(result.ids).toEqual(['E2'])
    expect(result.redirects).toEqual(new Map([['E1', 'E2']]))
  })

  it('breaks a tie in favour of the older entity', () => {
    expect(run([['a', 'b']], { a: 'E9', b: 'E1' }, { E1: 5, E9: 2 }).ids).toEqual(['E9'])
    expect(run([['a', 'b']], { a: 'E9', b: 'E1' }).ids).toEqual(['E1'])
  })

  it('on a split leaves the id with the larger part and gives the rest a new id', () => {
    const result = run([['a'], ['b', 'c']], { a: 'E1', b: 'E1', c: 'E1' })
    expect(result).toEqual({ ids: ['new1', 'E1'], created: ['new1'], redirects: new Map() })
  })

  it('gives the same answer whatever the order of clusters and of their records', () => {
    const previous = { a: 'E1', b: 'E1', c: 'E2', d: 'E2', e: 'E3' }
    const one = run([['a', 'c'], ['b', 'd', 'e']], previous)
    const other = run([['e', 'd', 'b'], ['c', 'a']], previous)
    expect(one.ids).toEqual([...other.ids].reverse())
    expect(one.redirects).toEqual(other.redirects)
  })

  it('on an even split keeps the id with the records the entity began with, and gives the others their old id back', () => {
    // S (Smith) was merged into L (Lumbergh); unlinking Smith splits them again.
    const result = assignStableIds({
      clusters: [['smith'], ['lumbergh']],
      previous: new Map([['smith', 'L'], ['lumbergh', 'L']]),
      origin: new Map([['smith', 'S'], ['lumbergh', 'L']]),
      age: new Map(),
      newId: () => 'new',
    })
    expect(result).toEqual({ ids: ['S', 'L'], created: [], redirects: new Map() })
  })

  it('on an even split of records with one origin keeps the id with the record seen first', () => {
    // A worker's entity picked up a CRM contact; the contact is taken out again.
    const result = assignStableIds({
      clusters: [['salesforce:Contact:003'], ['workday:worker:1001']],
      previous: new Map([['salesforce:Contact:003', 'E'], ['workday:worker:1001', 'E']]),
      origin: new Map([['salesforce:Contact:003', 'E'], ['workday:worker:1001', 'E']]),
      firstSeen: new Map([['salesforce:Contact:003', 2000], ['workday:worker:1001', 1000]]),
      age: new Map(),
      newId: () => 'new',
    })
    expect(result.ids).toEqual(['new', 'E'])
  })
})
