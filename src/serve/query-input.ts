/**
 * Reads a GET request's query string into the object a lookup input schema parses, guided by that
 * schema's JSON Schema: numbers are coerced (budget=abc stays a string, so the schema names `budget`),
 * arrays are comma-separated or repeated (sections=deals,cases). A scalar given twice stays a list
 * and is refused by the schema instead of one value silently winning; unknown names pass through so
 * the strict schema names them.
 */
import { z } from 'zod'

interface PropertySchema {
  type?: string | string[]
}

export type QueryReader = (params: URLSearchParams) => Record<string, unknown>

export function createQueryReader(schema: z.ZodType): QueryReader {
  const json = z.toJSONSchema(schema, { io: 'input' }) as { properties?: Record<string, PropertySchema> }
  const properties = json.properties ?? {}
  const typeOf = (name: string): string | undefined => {
    const type = Object.hasOwn(properties, name) ? properties[name]!.type : undefined
    return Array.isArray(type) ? type.find((each) => each !== 'null') : type
  }

  const read = (name: string, values: string[]): unknown => {
    const type = typeOf(name)
    if (type === 'array') return values.flatMap((value) => value.split(',')).map((value) => value.trim())
    if (values.length > 1) return values
    return type === 'integer' || type === 'number' ? numberOrText(values[0]!) : values[0]!
  }
  // fromEntries defines own properties: `__proto__=…` becomes a parameter the schema refuses, not a prototype.
  return (params) => Object.fromEntries([...new Set(params.keys())].map((name) => [name, read(name, params.getAll(name))]))
}

function numberOrText(text: string): number | string {
  const number = Number(text)
  return text.trim() !== '' && Number.isFinite(number) ? number : text
}
