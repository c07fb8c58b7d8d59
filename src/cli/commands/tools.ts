import { InvalidArgumentError, type Command } from 'commander'
import { formatTools, TOOL_FORMATS, type ToolFormat } from '../../serve/function-schemas.ts'
import { TOOL_DEFINITIONS } from '../../serve/tool-definitions.ts'
import type { CliCommand } from '../run-cli.ts'

interface ToolsFlags {
  format: ToolFormat
}

export const toolsCommand: CliCommand = {
  define: (program: Command) =>
    program
      .command('tools')
      .description("print the lookup tools' function-calling schemas as JSON, for an agent framework that takes tool definitions")
      .option(
        '--format <format>',
        'mcp (the MCP tools/list shape), anthropic (Messages API tools) or openai (Responses API functions, strict mode)',
        (value: string) => {
          if (!(TOOL_FORMATS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected ${TOOL_FORMATS.join(', ')}`)
          return value as ToolFormat
        },
        'mcp',
      ),

  run: (_context, args) => {
    const [flags] = args as [ToolsFlags]
    const tools = formatTools(TOOL_DEFINITIONS, flags.format)
    return Promise.resolve({ data: tools, text: JSON.stringify(tools, null, 2) })
  },
}
