/**
 * Rewrites a JSON Schema into the subset OpenAI accepts for a function with `strict: true`
 * (platform.openai.com/docs/guides/structured-outputs#supported-schemas). Strict mode compiles the
 * schema into a grammar before decoding, so it refuses what a validator would accept:
 *
 * - every object lists all its properties in `required` and says `additionalProperties: false`; an
 *   optional property stays required but may be null (the model then sends null for "not given",
 *   which is why the tools strip null-valued arguments before the library sees them);
 * - only these keywords: the structural ones, `pattern` and a few `format`s on strings, numeric
 *   ranges and `multipleOf`, `minItems`/`maxItems` on arrays. Anything else (`$schema`, `default`,
 *   `minLength`, `uniqueItems` …) is dropped: the library checks its own bounds on every call anyway.
 * - the root is an object, not a union.
 */

export type JsonSchema = Record<string, unknown>

const KEPT_KEYWORDS = new Set([
  'type',
  'description',
  'title',
  'enum',
  'const',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'anyOf',
  '$defs',
  '$ref',
  'pattern',
  'format',
  'multipleOf',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minItems',
  'maxItems',
])
/** The string formats strict mode knows; a schema with another one is refused, so it is dropped. */
const KEPT_FORMATS = new Set(['date-time', 'time', 'date', 'duration', 'email', 'hostname', 'ipv4', 'ipv6', 'uuid'])

export function toOpenAiStrictSchema(schema: JsonSchema): JsonSchema {
  const strict = strictNode(schema)
  if (strict.type !== 'object' || 'anyOf' in strict) {
    throw new Error(`an OpenAI strict function takes an object of parameters; this schema's root is ${JSON.stringify(strict.type ?? 'a union')}`)
  }
  return strict
}

function strictNode(node: JsonSchema): JsonSchema {
  const out: JsonSchema = {}
  for (const [key, value] of Object.entries(node)) {
    if (!KEPT_KEYWORDS.has(key)) continue
    if (key === 'format' && !KEPT_FORMATS.has(value as string)) continue
    out[key] = value
  }
  if (isObjectSchema(out)) {
    const properties = (out.properties ?? {}) as Record<string, JsonSchema>
    const required = new Set((out.required ?? []) as string[])
    out.properties = Object.fromEntries(
      Object.entries(properties).map(([name, property]) => {
        const strict = strictNode(property)
        return [name, required.has(name) ? strict : nullable(strict)]
      }),
    )
    out.required = Object.keys(properties)
    out.additionalProperties = false
  }
  if (isJsonSchema(out.items)) out.items = strictNode(out.items)
  if (Array.isArray(out.anyOf)) out.anyOf = (out.anyOf as JsonSchema[]).map(strictNode)
  if (isJsonSchema(out.$defs)) {
    out.$defs = Object.fromEntries(Object.entries(out.$defs as Record<string, JsonSchema>).map(([name, def]) => [name, strictNode(def)]))
  }
  return out
}

/** The same schema, also accepting null: in the type (and enum) where it can say so, else as a union. */
export function nullable(node: JsonSchema): JsonSchema {
  const type = node.type
  if (typeof type === 'string' || Array.isArray(type)) {
    const types = Array.isArray(type) ? (type as string[]) : [type]
    const out: JsonSchema = { ...node, type: types.includes('null') ? types : [...types, 'null'] }
    // Strict mode checks enum and type together: a null the enum does not list is still refused.
    if (Array.isArray(node.enum) && !node.enum.includes(null)) out.enum = [...(node.enum as unknown[]), null]
    return out
  }
  if (Array.isArray(node.anyOf)) {
    const branches = node.anyOf as JsonSchema[]
    return branches.some((branch) => branch.type === 'null') ? node : { ...node, anyOf: [...branches, { type: 'null' }] }
  }
  // A $ref or a const: wrap it, keeping its description where the model reads it.
  const { description, ...rest } = node
  return { ...(description === undefined ? {} : { description }), anyOf: [rest, { type: 'null' }] }
}

function isObjectSchema(node: JsonSchema): boolean {
  return node.type === 'object' || (Array.isArray(node.type) && node.type.includes('object')) || isJsonSchema(node.properties)
}

function isJsonSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
