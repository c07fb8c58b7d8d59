/**
 * How a tool's outcome goes back to an agent. A failure is a tool result with `isError`, not a protocol
 * error: the model sees it and can correct its call (MCP: "errors in the tool result, so the model can
 * handle them"). Its text is the same `{"error":{code,message,location,retryable}}` document the CLI
 * prints with --json.
 */
import { CgError, isCgError, type ErrorCode } from '../errors.ts'
import type { Logger } from '../logger.ts'

export interface ToolResult {
  [key: string]: unknown
  content: { type: 'text'; text: string }[]
  structuredContent?: Record<string, unknown>
  isError?: boolean
}

/**
 * Codes whose message is about what the caller sent or may see, written for them. Anything else (a
 * database that failed, a bug) may carry SQL or internals in its message: the caller gets the code
 * and a generic sentence, the log gets the rest.
 */
const CALLER_FACING: ReadonlySet<ErrorCode> = new Set(['E_INVALID_QUERY', 'E_NOT_FOUND', 'E_AMBIGUOUS', 'E_AUTH', 'E_FORBIDDEN', 'E_RATE_LIMITED'])

/** The result as structured content (checked against the tool's output schema) and as JSON text, for hosts that read only text. */
export function toolSuccess(result: Record<string, unknown>): ToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: result }
}

export function toolFailure(error: unknown, tool: string, logger: Logger): ToolResult {
  const shown = isCgError(error) && CALLER_FACING.has(error.code) ? error : hidden(error, tool, logger)
  return { content: [{ type: 'text', text: JSON.stringify({ error: shown.toJSON() }) }], isError: true }
}

function hidden(error: unknown, tool: string, logger: Logger): CgError {
  logger.error({ err: error, tool }, 'tool call failed')
  const code: ErrorCode = isCgError(error) ? error.code : 'E_INTERNAL'
  const retryable = isCgError(error) && error.retryable
  return new CgError(code, `${tool} failed on the server${retryable ? '; retrying may help' : ''}; the server's log has the details`, { retryable })
}
