/**
 * The tools' function-calling schemas in the shapes the model APIs take, all generated from the same
 * zod schemas the library parses with (`customer-graph tools --format …`).
 */
import { z } from 'zod'
import { toOpenAiStrictSchema, type JsonSchema } from './openai-strict-schema.ts'
import type { ToolAnnotations, ToolDefinition } from './tool-definitions.ts'

export const TOOL_FORMATS = ['mcp', 'anthropic', 'openai'] as const
export type ToolFormat = (typeof TOOL_FORMATS)[number]

export interface McpToolListing {
  name: string
  title: string
  description: string
  inputSchema: JsonSchema
  outputSchema: JsonSchema
  annotations: ToolAnnotations
}
export interface AnthropicTool {
  name: string
  description: string
  input_schema: JsonSchema
}
export interface OpenAiFunctionTool {
  type: 'function'
  name: string
  description: string
  strict: true
  parameters: JsonSchema
}

/**
 * JSON Schema of a zod schema as the MCP SDK advertises it: draft 2020-12, the input side for
 * parameters and the output side for results (zod's `~standard.jsonSchema`, which the SDK calls).
 */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  return z.toJSONSchema(schema, { target: 'draft-2020-12', io })
}

export function formatTools(definitions: readonly ToolDefinition[], format: 'mcp'): McpToolListing[]
export function formatTools(definitions: readonly ToolDefinition[], format: 'anthropic'): AnthropicTool[]
export function formatTools(definitions: readonly ToolDefinition[], format: 'openai'): OpenAiFunctionTool[]
export function formatTools(definitions: readonly ToolDefinition[], format: ToolFormat): McpToolListing[] | AnthropicTool[] | OpenAiFunctionTool[]
export function formatTools(definitions: readonly ToolDefinition[], format: ToolFormat): McpToolListing[] | AnthropicTool[] | OpenAiFunctionTool[] {
  switch (format) {
    case 'mcp':
      return definitions.map((tool) => ({
        name: tool.name,
        title: tool.title,
        description: tool.description,
        inputSchema: jsonSchemaOf(tool.inputSchema, 'input'),
        outputSchema: jsonSchemaOf(tool.outputSchema, 'output'),
        annotations: tool.annotations,
      }))
    case 'anthropic':
      return definitions.map((tool) => ({ name: tool.name, description: tool.description, input_schema: withoutDialect(jsonSchemaOf(tool.inputSchema, 'input')) }))
    case 'openai':
      return definitions.map((tool): OpenAiFunctionTool => ({
        type: 'function',
        name: tool.name,
        description: tool.description,
        strict: true,
        parameters: toOpenAiStrictSchema(jsonSchemaOf(tool.inputSchema, 'input')),
      }))
  }
}

/** Tool APIs take a bare schema; the `$schema` dialect marker is noise to them. */
function withoutDialect(schema: JsonSchema): JsonSchema {
  return Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema'))
}
