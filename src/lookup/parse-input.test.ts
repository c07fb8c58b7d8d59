import { describe, expect, it } from 'vitest'
import { CgError } from '../errors.ts'
import { activityInputSchema, findInputSchema, LIMITS, lookupInputSchema } from './lookup-schema.ts'
import { parseInput } from './parse-input.ts'

function failure(run: () => unknown): { code: string; parameter: string | undefined; message: string } {
  try {
    run()
  } catch (error) {
    if (error instanceof CgError) return { code: error.code, parameter: error.location?.parameter, message: error.message }
    throw error
  }
  throw new Error('expected a failure')
}

describe('parseInput', () => {
  it('accepts a plain query and the documented options', () => {
    expect(parseInput(lookupInputSchema, { query: 'ada@example.com', budget: 1000, detail: 'brief', sections: ['profile', 'deals'] })).toEqual({
      query: 'ada@example.com',
      budget: 1000,
      detail: 'brief',
      sections: ['profile', 'deals'],
    })
  })

  it.each([
    [{ query: 'ada\u0007@example.com' }, 'query', /U\+0007 at position 3/],
    [{ query: 'a\u202Eb' }, 'query', /U\+202e/],
    [{ query: 'x'.repeat(LIMITS.queryMaxLength + 1) }, 'query', /at most 256/],
    [{ query: `${'a'.repeat(300)}@example.com` }, 'query', /characters long/],
    [{ query: '*' }, 'query', /wildcards/],
    [{ query: '%%' }, 'query', /wildcards/],
    [{ query: '   ' }, 'query', /empty/],
    [{ query: 'ada', budget: LIMITS.budget.max + 1 }, 'budget', /32000/],
    [{ query: 'ada', budget: 1.5 }, 'budget', /expected int/],
    [{ query: 'ada', detail: 'everything' }, 'detail', /brief/],
    [{ query: 'ada', sections: ['secrets'] }, 'sections.0', /profile/],
    [{ query: 'ada', limit: 5 }, 'limit', /limit/],
    [{}, 'query', /string/],
  ])('refuses %j naming %s', (input, parameter, message) => {
    const error = failure(() => parseInput(lookupInputSchema, input))
    expect(error.code).toBe('E_INVALID_QUERY')
    expect(error.parameter).toBe(parameter)
    expect(error.message).toMatch(message)
  })

  it('checks limits and handles of the other tools', () => {
    expect(failure(() => parseInput(findInputSchema, { query: 'ada', limit: 0 })).parameter).toBe('limit')
    expect(failure(() => parseInput(activityInputSchema, { handle: 'x'.repeat(600) })).parameter).toBe('handle')
    expect(failure(() => parseInput(activityInputSchema, { entity_id: 'a\u0000' })).parameter).toBe('entity_id')
  })
})
