import type { AddressInfo } from 'node:net'
import { Client, LATEST_PROTOCOL_VERSION, StreamableHTTPClientTransport, type ClientOptions } from '@modelcontextprotocol/client'
import { serve, type ServerType } from '@hono/node-server'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Deps } from '../src/deps.ts'
import { createLogger } from '../src/logger.ts'
import { findResultSchema } from '../src/lookup/lookup-schema.ts'
import { handleMcpRequest } from '../src/serve/mcp-http.ts'
import { AGENT, speaking, toolError, toolOutput } from './support/mcp-client.ts'
import { databaseTargets, type TestDatabase } from './support/test-databases.ts'

describe.each(databaseTargets())('MCP over Streamable HTTP on the $name database', (target) => {
  let store: TestDatabase
  let server: ServerType
  let url: URL
  const clients: Client[] = []

  beforeAll(async () => {
    store = await target.create()
    const deps: Deps = { db: store.db, clock: { now: () => new Date() }, logger: createLogger('silent') }
    // What the HTTP server does after bearer auth, with the principal a token would give.
    const app = new Hono().all('/mcp', (c) => handleMcpRequest(c.req.raw, deps, AGENT))
    const port = await new Promise<number>((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve(info.port))
    })
    url = new URL(`http://127.0.0.1:${port}/mcp`)
  })
  afterAll(async () => {
    for (const client of clients) await client.close()
    await new Promise((resolve) => server?.close(resolve))
    await store?.dispose()
  })

  async function connect(options: ClientOptions = {}): Promise<Client> {
    const client = new Client({ name: 'customer-graph-tests', version: '1.0.0' }, options)
    await client.connect(new StreamableHTTPClientTransport(url))
    clients.push(client)
    return client
  }

  it('initializes on the default revision, lists the three tools and answers a call', async () => {
    const client = await connect()
    expect(client.getNegotiatedProtocolVersion()).toBe(LATEST_PROTOCOL_VERSION)
    const { tools } = await client.listTools()
    expect(tools.map((tool) => [tool.name, tool.annotations?.readOnlyHint, tool.outputSchema?.type])).toEqual([
      ['find_customer', true, 'object'],
      ['customer_profile', true, 'object'],
      ['customer_activity', true, 'object'],
    ])
    // An empty graph: the answer is a valid not_found, checked by the client against the output schema too.
    const result = findResultSchema.parse(toolOutput(await client.callTool({ name: 'find_customer', arguments: { query: 'nobody@example.com' } })))
    expect(result).toMatchObject({ status: 'not_found', candidates: [] })
  })

  it('answers bad input with a tool error naming the parameter', async () => {
    const client = await connect()
    const error = toolError(await client.callTool({ name: 'customer_profile', arguments: { query: 'ada@acme.com', detail: 'everything' } }))
    expect(error).toMatchObject({ code: 'E_INVALID_QUERY', location: { parameter: 'detail' } })
  })

  it.each(['2025-06-18', '2025-03-26'])('an older client speaking %s still initializes and calls', async (version) => {
    const client = await connect(speaking(version))
    expect(client.getNegotiatedProtocolVersion()).toBe(version)
    expect(toolError(await client.callTool({ name: 'find_customer', arguments: { query: '' } }))).toMatchObject({ code: 'E_INVALID_QUERY' })
  })

  it('a client that probes for the 2026-07-28 revision falls back to the one the server speaks', async () => {
    // The server offers the SDK's default revisions only; a probing host must still get the tools.
    const client = await connect({ versionNegotiation: { mode: 'auto' } })
    expect(client.getProtocolEra()).toBe('legacy')
    expect(client.getNegotiatedProtocolVersion()).toBe(LATEST_PROTOCOL_VERSION)
    expect((await client.listTools()).tools).toHaveLength(3)
  })

  it('keeps no session: a plain JSON answer without a session id, and 405 for a GET stream', async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
      }),
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    expect(response.headers.get('mcp-session-id')).toBeNull()
    expect(await response.json()).toMatchObject({ id: 1, result: { serverInfo: { name: 'customer-graph' } } })

    const stream = await fetch(url, { headers: { accept: 'text/event-stream' } })
    expect(stream.status).toBe(405)
    expect(stream.headers.get('allow')).toBe('POST')
  })

  it('refuses a call from a web page on another host (DNS rebinding), answers pages on this machine and agents without an Origin', async () => {
    const initialize = (origin?: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(origin ? { origin } : {}) },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'raw', version: '0' } } }),
      })
    for (const origin of ['http://evil.example', 'https://localhost.evil.example', 'null']) {
      const refused = await initialize(origin)
      expect(refused.status, origin).toBe(403)
      expect(JSON.stringify(await refused.json())).not.toContain('customer-graph')
    }
    for (const origin of [undefined, 'http://localhost:5173', 'http://127.0.0.1:8080']) expect((await initialize(origin)).status, origin).toBe(200)
  })

  it('answers a web page on a host the server was told to allow', async () => {
    const deps: Deps = { db: store.db, clock: { now: () => new Date() }, logger: createLogger('silent') }
    const app = new Hono().all('/mcp', (c) => handleMcpRequest(c.req.raw, deps, AGENT, { allowedOrigins: ['agent.example.com'] }))
    const call = (origin: string) =>
      app.request('/mcp', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', origin },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'raw', version: '0' } } }),
      })
    expect((await call('https://agent.example.com')).status).toBe(200)
    expect((await call('https://other.example.com')).status).toBe(403)
  })
})
