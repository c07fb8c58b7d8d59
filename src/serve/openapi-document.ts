/**
 * The HTTP API's OpenAPI 3.1 document, generated from the lookup's zod schemas (z.toJSONSchema, JSON
 * Schema 2020-12, which is OpenAPI 3.1's own dialect): the document cannot drift from what the server
 * validates, because both read the same schemas.
 */
import { z } from 'zod'
import { PACKAGE_VERSION } from '../package-version.ts'
import {
  activityInputSchema,
  activityResultSchema,
  findInputSchema,
  findResultSchema,
  lookupInputSchema,
  lookupResultSchema,
} from '../lookup/lookup-schema.ts'
import { errorResponseSchema, PAYLOAD_TOO_LARGE } from './http-error.ts'

type JsonObject = Record<string, unknown>

export const API_PATHS = {
  find: '/v1/customers/find',
  lookup: '/v1/customers/lookup',
  activity: '/v1/customers/activity',
  health: '/healthz',
  openapi: '/openapi.json',
  mcp: '/mcp',
} as const

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  // Each schema becomes a component; `$schema` belongs to a standalone document, not to a component.
  const document = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonObject
  delete document.$schema
  return document
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const json = (schema: JsonObject) => ({ 'application/json': { schema } })

/** Query parameters of a GET route, one per property of the input schema. */
function queryParameters(schema: z.ZodType): JsonObject[] {
  const { properties = {}, required = [] } = jsonSchema(schema, 'input') as { properties?: Record<string, JsonObject>; required?: string[] }
  return Object.entries(properties).map(([name, { description, ...property }]) => ({
    name,
    in: 'query',
    required: required.includes(name),
    ...(description === undefined ? {} : { description }),
    schema: property,
    // sections=profile,deals: what the server reads (query-input.ts).
    ...(property.type === 'array' ? { style: 'form', explode: false } : {}),
  }))
}

const errorResponses = {
  '400': { $ref: '#/components/responses/InvalidQuery' },
  '401': { $ref: '#/components/responses/Unauthorized' },
  '403': { $ref: '#/components/responses/Forbidden' },
  '429': { $ref: '#/components/responses/RateLimited' },
  '500': { $ref: '#/components/responses/InternalError' },
}

function operation(operationId: string, summary: string, result: string, extra: JsonObject, moreResponses: JsonObject = {}): JsonObject {
  return {
    operationId,
    summary,
    ...extra,
    responses: { '200': { description: summary, content: json(ref(result)) }, ...errorResponses, ...moreResponses },
  }
}

/** A route taking its input as query parameters (GET) or as a JSON body (POST). */
function getAndPost(name: string, summary: string, input: z.ZodType, inputName: string, result: string): JsonObject {
  const tooLarge = { [PAYLOAD_TOO_LARGE]: { description: 'E_INVALID_QUERY: the body is over the size limit', content: json(ref('Error')) } }
  return {
    get: operation(`${name}Get`, summary, result, { parameters: queryParameters(input) }),
    post: operation(name, summary, result, { requestBody: { required: true, content: json(ref(inputName)) } }, tooLarge),
  }
}

export function buildOpenApiDocument(): JsonObject {
  const errorContent = json(ref('Error'))
  const lookup = getAndPost('lookupCustomer', 'Everything about one customer in one call: profile with provenance, related entities, activity', lookupInputSchema, 'LookupInput', 'LookupResult')
  const activity = getAndPost('customerActivity', 'More of one activity section of a customer (deals, cases, meetings, messages), page by page', activityInputSchema, 'ActivityInput', 'ActivityResult')
  return {
    openapi: '3.1.0',
    info: {
      title: 'customer-graph',
      version: PACKAGE_VERSION,
      description: 'One-call customer lookup over the customer graph. Authenticate with "Authorization: Bearer cgt_…" (customer-graph token create).',
    },
    security: [{ bearer: [] }],
    paths: {
      [API_PATHS.find]: {
        get: operation('findCustomer', 'Candidates for a query, with the facts that tell them apart', 'FindResult', { parameters: queryParameters(findInputSchema) }),
      },
      [API_PATHS.lookup]: lookup,
      [API_PATHS.activity]: activity,
      [API_PATHS.health]: {
        get: {
          operationId: 'health',
          summary: 'Whether the server can reach its database',
          security: [],
          responses: {
            '200': { description: 'Healthy', content: json({ type: 'object', properties: { status: { const: 'ok' } }, required: ['status'] }) },
            '503': { description: 'The database cannot be reached', content: errorContent },
          },
        },
      },
      [API_PATHS.openapi]: {
        get: { operationId: 'openapi', summary: 'This document', security: [], responses: { '200': { description: 'OpenAPI 3.1 document', content: json({ type: 'object' }) } } },
      },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A cgt_… token from customer-graph token create' } },
      schemas: {
        LookupInput: jsonSchema(lookupInputSchema, 'input'),
        FindInput: jsonSchema(findInputSchema, 'input'),
        ActivityInput: jsonSchema(activityInputSchema, 'input'),
        LookupResult: jsonSchema(lookupResultSchema, 'output'),
        FindResult: jsonSchema(findResultSchema, 'output'),
        ActivityResult: jsonSchema(activityResultSchema, 'output'),
        Error: jsonSchema(errorResponseSchema, 'output'),
      },
      responses: {
        InvalidQuery: { description: 'E_INVALID_QUERY: a parameter is missing, of the wrong type, out of range or unknown; location.parameter names it', content: errorContent },
        Unauthorized: {
          description: 'E_AUTH: no token, or one that is malformed, unknown, revoked or expired',
          headers: { 'WWW-Authenticate': { schema: { type: 'string' } } },
          content: errorContent,
        },
        Forbidden: { description: 'E_FORBIDDEN: the token lacks the lookup scope', content: errorContent },
        RateLimited: {
          description: "E_RATE_LIMITED: the token's request bucket is empty",
          headers: { 'Retry-After': { description: 'Seconds until a request is allowed again', schema: { type: 'integer' } } },
          content: errorContent,
        },
        InternalError: { description: 'E_INTERNAL: the server failed; the log has the details under the request id in the message', content: errorContent },
      },
    },
  }
}
