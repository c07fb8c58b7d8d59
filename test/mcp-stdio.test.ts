import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Client, LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/client'
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../src/db/open-database.ts'
import { findResultSchema } from '../src/lookup/lookup-schema.ts'
import { speaking, toolError, toolOutput } from './support/mcp-client.ts'
import { cliDatabase, databaseTargets } from './support/test-databases.ts'

const BIN = fileURLToPath(new URL('../bin/customer-graph.js', import.meta.url))

describe.each(databaseTargets())('customer-graph mcp over stdio on the $name database', (target) => {
  let cwd: string
  let env: Record<string, string>
  let drop: () => Promise<void>

  beforeAll(async () => {
    cwd = await mkdtemp(path.join(os.tmpdir(), 'cg-mcp-stdio-'))
    ;({ env, drop } = await cliDatabase(target))
  })
  afterAll(async () => {
    await drop?.()
    await rm(cwd, { recursive: true, force: true })
  })

  /** The environment a host gives the server: built from scratch, so the test run's DATABASE_URL never leaks in. */
  const childEnv = () => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env })

  async function connect(options = {}): Promise<{ client: Client; stderr: () => string }> {
    const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp', '--log-level', 'info'], cwd, env: childEnv(), stderr: 'pipe' })
    let stderr = ''
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const client = new Client({ name: 'customer-graph-tests', version: '1.0.0' }, options)
    await client.connect(transport)
    return { client, stderr: () => stderr }
  }

  it('the real CLI: migrates, lists the tools, refuses bad input by parameter, answers and audits a lookup', async () => {
    const { client, stderr } = await connect()
    try {
      expect(client.getNegotiatedProtocolVersion()).toBe(LATEST_PROTOCOL_VERSION)
      const { tools } = await client.listTools()
      expect(tools.map((tool) => tool.name)).toEqual(['find_customer', 'customer_profile', 'customer_activity'])
      for (const tool of tools) {
        expect(tool.annotations).toEqual({ readOnlyHint: true, idempotentHint: true, destructiveHint: false, openWorldHint: false })
        expect(tool.outputSchema?.type).toBe('object')
      }
      const error = toolError(await client.callTool({ name: 'find_customer', arguments: { query: 'ada', limit: 500 } }))
      expect(error).toMatchObject({ code: 'E_INVALID_QUERY', location: { parameter: 'limit' } })
      const found = findResultSchema.parse(toolOutput(await client.callTool({ name: 'find_customer', arguments: { query: 'nobody@example.com', limit: null } })))
      expect(found.status).toBe('not_found')
    } finally {
      await client.close()
    }
    // The log went to stderr (stdout carried only protocol, or the client could not have parsed it).
    expect(stderr()).toMatch(/"msg":"MCP server on stdio"/)
    // The lookup was audited under the local operator, on the mcp surface.
    const database = await openDatabase(env.DATABASE_URL ? { mode: 'server', url: env.DATABASE_URL } : { mode: 'embedded', dataDir: path.join(cwd, '.customer-graph') })
    try {
      const rows = await database.db.selectFrom('lookup_audit').select(['principal', 'surface']).execute()
      expect(rows.length).toBeGreaterThan(0)
      for (const row of rows) expect(row).toEqual({ principal: `cli:${os.userInfo().username}`, surface: 'mcp' })
    } finally {
      await database.close()
    }
  })

  it('an older client speaking 2025-03-26 still initializes', async () => {
    const { client } = await connect(speaking('2025-03-26'))
    try {
      expect(client.getNegotiatedProtocolVersion()).toBe('2025-03-26')
      expect((await client.listTools()).tools).toHaveLength(3)
    } finally {
      await client.close()
    }
  })

  /** The server as a host starts it, talked to by hand: one initialize, every stdout line kept. */
  async function startRaw(): Promise<{ child: ChildProcessWithoutNullStreams; stdout: string[]; stderr: () => string }> {
    const child = spawn(process.execPath, [BIN, 'mcp', '--log-level', 'debug'], { cwd, env: childEnv() })
    const stdout: string[] = []
    let buffered = ''
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const answered = new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString()
        const lines = buffered.split('\n')
        buffered = lines.pop()!
        stdout.push(...lines)
        if (lines.length > 0) resolve()
      })
    })
    const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'raw', version: '0' } } }
    child.stdin.write(JSON.stringify(initialize) + '\n')
    await answered
    return { child, stdout, stderr: () => stderr }
  }

  it('writes nothing but protocol messages to stdout, and exits 0 when the host closes stdin', async () => {
    const { child, stdout, stderr } = await startRaw()
    const exited = once(child, 'exit')
    child.stdin.end()
    const [code] = await exited
    expect(code, stderr()).toBe(0)
    expect(stdout.length).toBeGreaterThan(0)
    for (const line of stdout) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' })
    expect(JSON.parse(stdout[0]!)).toMatchObject({ id: 1, result: { protocolVersion: LATEST_PROTOCOL_VERSION, serverInfo: { name: 'customer-graph' } } })
    expect(stderr()).toMatch(/MCP server on stdio/)
  })

  it('closes the database and exits 0 on SIGTERM', async () => {
    const { child, stderr } = await startRaw()
    const exited = once(child, 'exit')
    child.kill('SIGTERM')
    const [code, signal] = await exited
    expect({ code, signal }, stderr()).toEqual({ code: 0, signal: null })
    // The embedded database's folder lock was released: another process opens it at once.
    const next = await startRaw()
    const nextExited = once(next.child, 'exit')
    next.child.stdin.end()
    expect((await nextExited)[0], next.stderr()).toBe(0)
  })
})
