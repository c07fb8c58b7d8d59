import { describe, expect, it } from 'vitest'
import { nullable, toOpenAiStrictSchema } from './openai-strict-schema.ts'

describe('toOpenAiStrictSchema', () => {
  it('requires every property, makes the optional ones nullable and closes every object', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: {
        query: { type: 'string', minLength: 1, maxLength: 256 },
        budget: { type: 'integer', minimum: 256, maximum: 32000, default: 4000 },
        detail: { type: 'string', enum: ['brief', 'full'] },
        sections: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: ['profile', 'deals'] } },
        filter: { type: 'object', properties: { since: { type: 'string', format: 'date-time' }, tag: { type: 'string', format: 'slug' } }, required: ['since'] },
      },
      required: ['query'],
    }
    expect(toOpenAiStrictSchema(schema)).toEqual({
      type: 'object',
      properties: {
        query: { type: 'string' },
        budget: { type: ['integer', 'null'], minimum: 256, maximum: 32000 },
        detail: { type: ['string', 'null'], enum: ['brief', 'full', null] },
        sections: { type: ['array', 'null'], minItems: 1, items: { type: 'string', enum: ['profile', 'deals'] } },
        filter: {
          type: ['object', 'null'],
          properties: { since: { type: 'string', format: 'date-time' }, tag: { type: ['string', 'null'] } },
          required: ['since', 'tag'],
          additionalProperties: false,
        },
      },
      required: ['query', 'budget', 'detail', 'sections', 'filter'],
      additionalProperties: false,
    })
  })

  it('closes objects inside unions, array items and definitions', () => {
    const schema = {
      type: 'object',
      properties: {
        who: { anyOf: [{ type: 'object', properties: { email: { type: 'string' } } }, { $ref: '#/$defs/id' }] },
      },
      required: ['who'],
      $defs: { id: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'], additionalProperties: true } },
    }
    expect(toOpenAiStrictSchema(schema)).toEqual({
      type: 'object',
      properties: {
        who: {
          anyOf: [
            { type: 'object', properties: { email: { type: ['string', 'null'] } }, required: ['email'], additionalProperties: false },
            { $ref: '#/$defs/id' },
          ],
        },
      },
      required: ['who'],
      additionalProperties: false,
      $defs: { id: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'], additionalProperties: false } },
    })
  })

  it('refuses a root that is not an object', () => {
    expect(() => toOpenAiStrictSchema({ type: 'string' })).toThrow(/object of parameters/)
    expect(() => toOpenAiStrictSchema({ anyOf: [{ type: 'object' }, { type: 'null' }] })).toThrow(/object of parameters/)
  })

  it('keeps the properties an object names, even one called like a keyword', () => {
    const schema = { type: 'object', properties: { default: { type: 'string' }, type: { type: 'string' } }, required: ['default', 'type'] }
    expect(toOpenAiStrictSchema(schema).properties).toEqual({ default: { type: 'string' }, type: { type: 'string' } })
  })
})

describe('nullable', () => {
  it('adds null to a type list once', () => {
    expect(nullable({ type: ['string', 'null'] })).toEqual({ type: ['string', 'null'] })
    expect(nullable({ type: ['string', 'integer'] })).toEqual({ type: ['string', 'integer', 'null'] })
  })

  it('adds a null branch to a union once', () => {
    expect(nullable({ anyOf: [{ type: 'string' }] })).toEqual({ anyOf: [{ type: 'string' }, { type: 'null' }] })
    expect(nullable({ anyOf: [{ type: 'string' }, { type: 'null' }] })).toEqual({ anyOf: [{ type: 'string' }, { type: 'null' }] })
  })

  it('wraps a reference or a constant, keeping the description outside', () => {
    expect(nullable({ $ref: '#/$defs/id', description: 'who' })).toEqual({ description: 'who', anyOf: [{ $ref: '#/$defs/id' }, { type: 'null' }] })
    expect(nullable({ const: 'x' })).toEqual({ anyOf: [{ const: 'x' }, { type: 'null' }] })
  })
})
