import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Client as McpClient, StreamableHTTPClientTransport } from '@modelcontextprotocol/client'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCliProcess } from './support/run-cli.ts'
import { cliDatabase, databaseTargets } from './support/test-databases.ts'

const BIN = fileURLToPath(new URL('../bin/customer-graph.js', import.meta.url))
/** The read-only role .ci/run creates (a test run as a superuser creates it itself). */
const READER = 'customer_graph_reader'

async function ensureRole(url: string, role: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  try {
    await admin.query(`create role ${role} login`).catch((error: { code?: string }) => {
      // Already there, or this user may not create roles (CI creates it beforehand).
      if (error.code !== '42710' && error.code !== '42501') throw error
    })
    const { rows } = await admin.query<{ exists: boolean }>('select exists (select 1 from pg_roles where rolname = $1) as exists', [role])
    if (!rows[0]?.exists) throw new Error(`role ${role} is missing; create it as a superuser (create role ${role} login), as .ci/run does`)
  } finally {
    await admin.end()
  }
}

async function auditRows(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query<{ count: number }>('select count(*)::int as count from lookup_audit')).rows[0]!.count
  } finally {
    await client.end()
  }
}

const scratch: string[] = []
const databases: (() => Promise<void>)[] = []
afterAll(async () => {
  for (const drop of databases) await drop()
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true })
})

/** A working folder and a database for the CLI processes of one describe block, both gone after the file. */
async function workspace(target: { name: string }, prefix: string): Promise<{ cwd: string; env: Record<string, string> }> {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  scratch.push(cwd)
  const database = await cliDatabase(target)
  databases.push(database.drop)
  return { cwd, env: database.env }
}

interface Served {
  endpoint: string
  stop(signal: NodeJS.Signals): Promise<{ code: number | null; stderr: string; stdout: string }>
}

/** Starts the real `customer-graph serve` and waits for the log line that says where it listens. */
function serve(args: string[], cwd: string, env: Record<string, string>): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } })
  let stderr = ''
  let stdout = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')))
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`serve did not start; stderr: ${stderr}`))
    }, 60_000)
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8')
      const line = stderr.split('\n').find((each) => each.includes('"msg":"serving"'))
      if (!line) return
      clearTimeout(timer)
      resolve({
        endpoint: (JSON.parse(line) as { endpoint: string }).endpoint,
        stop: async (signal) => {
          child.kill(signal)
          const code = await exited
          return { code, stderr, stdout }
        },
      })
    })
    void exited.then((code) => reject(new Error(`serve exited with ${code}; stderr: ${stderr}`)))
  })
}

describe.each(databaseTargets())('customer-graph serve on the $name database', (target) => {
  let cwd: string
  let env: Record<string, string>
  beforeAll(async () => ({ cwd, env } = await workspace(target, 'cg-serve-')))

  it.each(['SIGTERM', 'SIGINT'] as const)('migrates, serves with tokens the CLI made, and stops cleanly on %s', async (signal) => {
    const created = await runCliProcess(['token', 'create', '--name', 'serve test', '--scopes', 'lookup', '--json'], { cwd, env })
    expect(created.code).toBe(0)
    const { token } = JSON.parse(created.stdout) as { token: string }

    const served = await serve(['--rate-limit', '120/min'], cwd, env)
    expect(served.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(await (await fetch(`${served.endpoint}/healthz`)).json()).toEqual({ status: 'ok' })
    expect((await fetch(`${served.endpoint}/v1/customers/find?query=ada`)).status).toBe(401)
    const found = await fetch(`${served.endpoint}/v1/customers/find?query=ada`, { headers: { Authorization: `Bearer ${token}` } })
    expect(found.status).toBe(200)
    expect(await found.json()).toMatchObject({ status: 'not_found' })

    const stopped = await served.stop(signal)
    expect(stopped.code).toBe(0)
    expect(stopped.stdout).toBe('')
    const lines = stopped.stderr.trim().split('\n').map((line) => JSON.parse(line) as { msg: string; path?: string; status?: number })
    // On a server, serving as the schema's owner (as here) is allowed, with a warning.
    const owner = target.name === 'server' ? ['serving as a role that can write the store; serve as a read-only one (customer-graph grant-reader)'] : []
    expect(lines.map((line) => line.msg)).toEqual([...owner, 'serving', 'request', 'request', 'request', 'stopping', 'stopped'])
    expect(lines.filter((line) => line.msg === 'request').map((line) => [line.path, line.status])).toEqual([
      ['/healthz', 200],
      ['/v1/customers/find', 401],
      ['/v1/customers/find', 200],
    ])
    expect(stopped.stderr).not.toContain(token.slice(-43))
    // The database was closed: the next command opens it (the embedded folder's lock is free).
    expect((await runCliProcess(['status', '--json'], { cwd, env })).code).toBe(0)
  }, 180_000)

  it('serves the MCP tools over Streamable HTTP at /mcp to a bearer token, audited as mcp', async () => {
    const created = await runCliProcess(['token', 'create', '--name', 'agent', '--scopes', 'lookup', '--json'], { cwd, env })
    const { token } = JSON.parse(created.stdout) as { token: string }
    const served = await serve(['--allow-origin', 'agent.example.com'], cwd, env)
    try {
      const endpoint = new URL('/mcp', served.endpoint)
      // A web page may call only from this machine or from a host --allow-origin names.
      const fromPage = (origin: string) =>
        fetch(endpoint, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, origin, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
        })
      expect((await fromPage('https://evil.example')).status).toBe(403)
      expect((await fromPage('https://agent.example.com')).status).not.toBe(403)
      expect((await fromPage('http://localhost:3000')).status).not.toBe(403)
      await expect(new McpClient({ name: 'no-token', version: '1.0.0' }).connect(new StreamableHTTPClientTransport(endpoint))).rejects.toThrow()
      const client = new McpClient({ name: 'agent', version: '1.0.0' })
      await client.connect(new StreamableHTTPClientTransport(endpoint, { requestInit: { headers: { Authorization: `Bearer ${token}` } } }))
      const { tools } = await client.listTools()
      expect(tools.map((tool) => tool.name).sort()).toEqual(['customer_activity', 'customer_profile', 'find_customer'])
      const result = await client.callTool({ name: 'find_customer', arguments: { query: 'nobody@example.com' } })
      expect(result.structuredContent).toMatchObject({ status: 'not_found' })
      const invalid = await client.callTool({ name: 'customer_profile', arguments: { query: '*' } })
      expect(invalid.isError).toBe(true)
      await client.close()
    } finally {
      await served.stop('SIGTERM')
    }
    const status = await runCliProcess(['status', '--json'], { cwd, env })
    expect((JSON.parse(status.stdout) as { tables: { lookup_audit: number } }).tables.lookup_audit).toBeGreaterThanOrEqual(2)
  }, 180_000)

  it('refuses a bad port or rate limit as a usage error', async () => {
    const port = await runCliProcess(['serve', '--port', '70000'], { cwd, env })
    expect(port.code).toBe(2)
    expect(port.stderr).toMatch(/E_USAGE .*port number/)
    const rate = await runCliProcess(['serve', '--rate-limit', 'fast'], { cwd, env })
    expect(rate.code).toBe(2)
    expect(rate.stderr).toMatch(/E_USAGE .*requests per minute/)
  })
})

describe.each(databaseTargets().filter((target) => target.name === 'server'))('customer-graph serve as a read-only role on the $name database', (target) => {
  let cwd: string
  let env: Record<string, string>
  beforeAll(async () => ({ cwd, env } = await workspace(target, 'cg-serve-reader-')))

  it('serves through a read-only role that grant-reader set up: lookups work and are audited, writes are refused', async () => {
    await ensureRole(env.DATABASE_URL!, READER)
    const granted = await runCliProcess(['grant-reader', READER, '--json'], { cwd, env })
    expect(granted.code, granted.stderr).toBe(0)
    expect(JSON.parse(granted.stdout)).toMatchObject({ role: READER, grants: expect.arrayContaining(['insert on lookup_audit']) })
    const created = await runCliProcess(['token', 'create', '--name', 'reader', '--scopes', 'lookup', '--json'], { cwd, env })
    const { token } = JSON.parse(created.stdout) as { token: string }

    const asReader = new URL(env.DATABASE_URL!)
    asReader.username = READER
    asReader.password = ''
    const served = await serve([], cwd, { ...env, DATABASE_URL: asReader.toString() })
    const before = await auditRows(env.DATABASE_URL!)
    const found = await fetch(`${served.endpoint}/v1/customers/find?query=ada`, { headers: { Authorization: `Bearer ${token}` } })
    expect(found.status).toBe(200)
    const stopped = await served.stop('SIGTERM')
    expect(stopped.code).toBe(0)
    const serving = stopped.stderr.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { msg: string; role?: string; readOnly?: boolean })
    expect(serving.find((line) => line.msg === 'serving')).toMatchObject({ role: READER, readOnly: true })
    expect(serving.some((line) => line.msg.startsWith('serving as a role that can write'))).toBe(false)
    expect(await auditRows(env.DATABASE_URL!)).toBe(before + 1)

    // The role itself cannot change the store, whatever a request could make the server do.
    const reader = new pg.Client({ connectionString: asReader.toString() })
    await reader.connect()
    try {
      for (const statement of ["insert into connections (id, system, transport) values ('x', 'slack', 'api')", 'delete from lookup_audit', "update api_tokens set scopes = '{pii}'", 'truncate source_records']) {
        await expect(reader.query(statement), statement).rejects.toMatchObject({ code: '42501' })
      }
    } finally {
      await reader.end()
    }
    const embedded = await runCliProcess(['grant-reader', READER], { cwd, env: {} })
    expect(embedded.code).toBe(2)
    expect(embedded.stderr).toMatch(/E_USAGE grant-reader needs a PostgreSQL server/)
  }, 180_000)
})
