import type { StandardSchemaWithJSON } from '@modelcontextprotocol/server'
import type { z } from 'zod'

/**
 * A tool input schema for the MCP SDK that advertises the zod schema in tools/list but lets every
 * argument through to the tool. The SDK would otherwise validate first and answer a bad call with its
 * own message, before the library's parse (parse-input.ts) could name the parameter with
 * E_INVALID_QUERY, and it would refuse the nulls strict function callers send for omitted parameters.
 * The library parses its own input on every surface, so nothing goes unchecked.
 */
export function advertisedInput(schema: z.ZodType): StandardSchemaWithJSON<unknown, unknown> {
  const standard = schema['~standard']
  return {
    '~standard': {
      version: 1,
      vendor: 'customer-graph',
      validate: (value: unknown) => ({ value }),
      jsonSchema: standard.jsonSchema,
    },
  }
}
