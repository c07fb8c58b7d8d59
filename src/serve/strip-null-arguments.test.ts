import { describe, expect, it } from 'vitest'
import { stripNullArguments } from './strip-null-arguments.ts'

describe('stripNullArguments', () => {
  it('drops the top-level arguments a strict caller sent as null', () => {
    expect(stripNullArguments({ query: 'ada@acme.com', budget: null, detail: null, sections: null })).toEqual({ query: 'ada@acme.com' })
  })

  it('keeps falsy values that are not null, and nulls inside a value', () => {
    expect(stripNullArguments({ query: '', limit: 0, flag: false, sections: [null] })).toEqual({ query: '', limit: 0, flag: false, sections: [null] })
  })

  it('leaves what is not an object of arguments for the library to refuse', () => {
    expect(stripNullArguments(null)).toBe(null)
    expect(stripNullArguments(undefined)).toBe(undefined)
    expect(stripNullArguments(['query'])).toEqual(['query'])
    expect(stripNullArguments('ada')).toBe('ada')
  })
})
