import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import manifest from '../../package.json' with { type: 'json' }
import { LIMITS, lookupInputSchema, lookupResultSchema } from '../lookup/lookup-schema.ts'
import { buildOpenApiDocument } from './openapi-document.ts'

interface Operation {
  operationId: string
  security?: unknown[]
  parameters?: { name: string }[]
  responses: Record<string, unknown>
}
interface OpenApi {
  openapi: string
  security: unknown[]
  paths: Record<string, Record<string, Operation>>
  components: { schemas: Record<string, { properties: Record<string, { maximum?: number }> }>; securitySchemes: Record<string, unknown> }
}

const document: OpenApi = JSON.parse(JSON.stringify(buildOpenApiDocument()))

/** Every `$ref` anywhere in a value. */
function refs(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refs)
  if (value === null || typeof value !== 'object') return []
  return Object.entries(value).flatMap(([key, inner]) => (key === '$ref' && typeof inner === 'string' ? [inner] : refs(inner)))
}

function withoutDialect(schema: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema'))
}

function resolve(pointer: string): unknown {
  expect(pointer.startsWith('#/')).toBe(true)
  return pointer
    .slice(2)
    .split('/')
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part.replaceAll('~1', '/').replaceAll('~0', '~')], document)
}

describe('buildOpenApiDocument', () => {
  it('is an OpenAPI 3.1 document whose references all resolve', () => {
    expect(document).toMatchObject({ openapi: '3.1.0', info: { title: 'customer-graph', version: manifest.version } })
    const all = refs(document)
    expect(all.length).toBeGreaterThan(10)
    for (const pointer of all) expect(resolve(pointer), pointer).toBeDefined()
  })

  it('gives every operation a unique id and a 200 response, and every path a leading slash', () => {
    const operations = Object.entries(document.paths).flatMap(([path, methods]) => {
      expect(path.startsWith('/')).toBe(true)
      return Object.values(methods)
    })
    const ids = operations.map((operation) => operation.operationId)
    expect(new Set(ids).size).toBe(ids.length)
    for (const operation of operations) expect(operation.responses['200']).toBeDefined()
  })

  it('takes its schemas from the zod contract, not from a copy', () => {
    expect(document.components.schemas.LookupInput).toEqual(withoutDialect(z.toJSONSchema(lookupInputSchema, { io: 'input' })))
    expect(document.components.schemas.LookupInput?.properties.budget?.maximum).toBe(LIMITS.budget.max)
    expect(document.components.schemas.LookupResult).toEqual(withoutDialect(z.toJSONSchema(lookupResultSchema, { io: 'output' })))
    const budget = document.paths['/v1/customers/lookup']!.get!.parameters!.find((parameter) => parameter.name === 'budget')
    expect(budget).toMatchObject({ in: 'query', required: false, schema: { type: 'integer', minimum: LIMITS.budget.min, maximum: LIMITS.budget.max } })
  })

  it('asks for a bearer token everywhere but the health check and itself', () => {
    expect(document.security).toEqual([{ bearer: [] }])
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' })
    expect(document.paths['/healthz']?.get?.security).toEqual([])
    expect(document.paths['/openapi.json']?.get?.security).toEqual([])
    expect(document.paths['/v1/customers/find']?.get?.security).toBeUndefined()
  })
})
