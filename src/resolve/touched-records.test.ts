import { describe, expect, it } from 'vitest'
import type { EntityToWrite } from './store/write-entities.ts'
import { touchedRecords } from './touched-records.ts'

/** An entity as a batch writes it: `members` are record ids. */
function entity(id: string, members: number[], created = false): EntityToWrite {
  return {
    id,
    created,
    displayName: null,
    isInternal: null,
    members: members.map((recordId) => ({ recordId, rule: 'seed', score: null, evidence: {}, origin: id })),
  }
}

const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b)

describe('touchedRecords', () => {
  it('touches nothing when every entity comes out as it was and none holds a seed', () => {
    const entityOf = new Map([[1, 'A'], [2, 'A'], [3, 'B']])
    expect(touchedRecords([1, 2, 3], entityOf, [entity('A', [1, 2]), entity('B', [3])], new Set())).toEqual([])
  })

  it('touches every member of an entity holding a seed, whose name or side may have changed, and only that entity', () => {
    const entityOf = new Map([[1, 'A'], [2, 'A'], [3, 'B']])
    expect(sorted(touchedRecords([1, 2, 3], entityOf, [entity('A', [1, 2]), entity('B', [3])], new Set([2])))).toEqual([1, 2])
  })

  it('touches every member of a new entity', () => {
    expect(sorted(touchedRecords([7, 8], new Map(), [entity('N', [7, 8], true)], new Set()))).toEqual([7, 8])
  })

  it('touches the members of an entity that gained a record, and the entity it came from', () => {
    const entityOf = new Map([[1, 'A'], [2, 'A'], [3, 'B'], [4, 'B']])
    const touched = touchedRecords([1, 2, 3, 4], entityOf, [entity('A', [1, 2, 3]), entity('B', [4])], new Set())
    expect(sorted(touched)).toEqual([1, 2, 3, 4])
  })

  it('touches the members of an entity that lost a record, and a record left without an entity', () => {
    const entityOf = new Map([[1, 'A'], [2, 'A'], [3, 'A']])
    // Record 3 comes out in no entity (deleted at the source): its old edges must go.
    expect(sorted(touchedRecords([1, 2, 3], entityOf, [entity('A', [1, 2])], new Set()))).toEqual([1, 2, 3])
  })

  it('does not touch a record that had no entity and still has none', () => {
    expect(touchedRecords([5], new Map(), [], new Set([5]))).toEqual([])
  })
})
