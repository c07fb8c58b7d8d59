import { Client, InMemoryTransport, type CallToolResult, type ClientOptions } from '@modelcontextprotocol/client'
import type { Deps } from '../../src/deps.ts'
import type { Principal } from '../../src/lookup/lookup-schema.ts'
import { createMcpServer } from '../../src/serve/mcp-server.ts'

/** A principal as a token would carry it: what the tests' servers are made for. */
export const AGENT: Principal = { id: 'tok_test_agent', surface: 'mcp', scopes: new Set(['lookup', 'pii']), subject: 'all' }

/** The real SDK client connected to our server through the SDK's linked in-memory transports. */
export async function connectInProcess(deps: Deps, options: ClientOptions = {}, principal: Principal = AGENT): Promise<Client> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
  await createMcpServer(deps, principal).connect(serverSide)
  const client = new Client({ name: 'customer-graph-tests', version: '1.0.0' }, options)
  await client.connect(clientSide)
  return client
}

/** A client that speaks only this protocol revision, as an older host would. */
export const speaking = (version: string): ClientOptions => ({ supportedProtocolVersions: [version] })

/** The `{"error": …}` document a failed tool call carries as its text. */
export function toolError(result: CallToolResult): { code: string; message: string; location?: { parameter?: string }; retryable: boolean } {
  if (result.isError !== true) throw new Error(`expected a tool error, got ${JSON.stringify(result).slice(0, 500)}`)
  const text = result.content.find((block) => block.type === 'text')
  if (!text || text.type !== 'text') throw new Error('a tool error without text')
  return (JSON.parse(text.text) as { error: ReturnType<typeof toolError> }).error
}

/** The structured content of a successful call, after checking its text carries the same JSON. */
export function toolOutput(result: CallToolResult): Record<string, unknown> {
  if (result.isError) throw new Error(`the tool failed: ${JSON.stringify(result.content)}`)
  const text = result.content.find((block) => block.type === 'text')
  if (!text || text.type !== 'text' || !result.structuredContent) throw new Error('a tool result without text or structured content')
  if (JSON.stringify(JSON.parse(text.text)) !== JSON.stringify(result.structuredContent)) throw new Error('text and structured content differ')
  return result.structuredContent as Record<string, unknown>
}
