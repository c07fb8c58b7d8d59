import { describe, expect, it } from 'vitest'
import { activityInputSchema, lookupInputSchema } from '../lookup/lookup-schema.ts'
import { parseInput } from '../lookup/parse-input.ts'
import { createQueryReader } from './query-input.ts'

const readLookup = createQueryReader(lookupInputSchema)
const lookup = (query: string) => readLookup(new URLSearchParams(query))

function refusal(run: () => unknown): unknown {
  try {
    run()
  } catch (error) {
    return error
  }
  throw new Error('expected a refusal')
}

describe('createQueryReader', () => {
  it('coerces numbers and splits arrays as the schema says', () => {
    expect(lookup('query=ada%40acme.com&budget=2000&detail=brief&sections=profile,deals')).toEqual({
      query: 'ada@acme.com',
      budget: 2000,
      detail: 'brief',
      sections: ['profile', 'deals'],
    })
    expect(lookup('query=x&sections=profile&sections=cases')).toEqual({ query: 'x', sections: ['profile', 'cases'] })
    expect(createQueryReader(activityInputSchema)(new URLSearchParams('entity_id=e1&limit=5'))).toEqual({ entity_id: 'e1', limit: 5 })
  })

  it('leaves what is not a number as text, so the schema refuses it by name', () => {
    expect(lookup('query=x&budget=abc')).toEqual({ query: 'x', budget: 'abc' })
    expect(lookup('query=x&budget=')).toEqual({ query: 'x', budget: '' })
    expect(refusal(() => parseInput(lookupInputSchema, lookup('query=x&budget=abc')))).toMatchObject({ code: 'E_INVALID_QUERY', location: { parameter: 'budget' } })
    expect(refusal(() => parseInput(lookupInputSchema, lookup('query=x&budget=99999')))).toMatchObject({ location: { parameter: 'budget' } })
  })

  it('keeps a repeated scalar as a list and unknown names as given, for the schema to refuse', () => {
    expect(lookup('query=a&query=b')).toEqual({ query: ['a', 'b'] })
    expect(refusal(() => parseInput(lookupInputSchema, lookup('query=a&query=b')))).toMatchObject({ location: { parameter: 'query' } })
    expect(lookup('query=x&colour=red')).toEqual({ query: 'x', colour: 'red' })
    expect(refusal(() => parseInput(lookupInputSchema, lookup('query=x&colour=red')))).toMatchObject({ location: { parameter: 'colour' } })
  })

  it('does not treat names inherited by objects as parameters', () => {
    const input = lookup('query=x&constructor=1&__proto__=2')
    expect(Object.getPrototypeOf(input)).toBe(Object.prototype)
    expect(Object.keys(input)).toEqual(['query', 'constructor', '__proto__'])
    expect(refusal(() => parseInput(lookupInputSchema, input))).toMatchObject({ location: { parameter: 'constructor' } })
  })
})
