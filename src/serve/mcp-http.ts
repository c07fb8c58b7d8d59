/**
 * MCP over Streamable HTTP, stateless: every POST gets a fresh server and transport, so any instance
 * behind a load balancer can answer any request and nothing is kept between them. Responses are plain
 * JSON (no SSE): the tools answer once, with nothing to stream. The HTTP server mounts this at /mcp
 * after it has authenticated the bearer token into a principal.
 *
 * A request that comes from a web page (it has an Origin header) is answered 403 unless the page's
 * host is allowed, as the MCP transport spec requires against DNS rebinding: by default only pages on
 * this machine (localhost, 127.0.0.1, [::1]). Agents that are not browsers send no Origin and pass.
 */
import { localhostAllowedOrigins, originValidationResponse, WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/server'
import type { Deps } from '../deps.ts'
import type { Principal } from '../lookup/lookup-schema.ts'
import { createMcpServer } from './mcp-server.ts'

export interface McpHttpOptions {
  /** Hostnames of web pages that may call besides this machine's (no scheme or port). */
  allowedOrigins?: readonly string[]
}

export async function handleMcpRequest(request: Request, deps: Deps, principal: Principal, options: McpHttpOptions = {}): Promise<Response> {
  const refused = originValidationResponse(request, [...localhostAllowedOrigins(), ...(options.allowedOrigins ?? [])])
  if (refused) return refused
  // Without sessions there is no stream for a GET to resume and no session for a DELETE to end; the
  // spec lets such a server answer 405, and clients then carry on with POST alone.
  if (request.method !== 'POST') {
    return new Response(null, { status: 405, headers: { allow: 'POST' } })
  }
  const server = createMcpServer(deps, principal)
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true })
  await server.connect(transport)
  try {
    return await transport.handleRequest(request)
  } finally {
    // With JSON responses the body is complete when handleRequest resolves: nothing is left to send.
    await server.close()
  }
}
