import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LATEST_PROTOCOL_VERSION, type Client } from '@modelcontextprotocol/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportConnectors } from '../src/connectors/registry.ts'
import type { Deps } from '../src/deps.ts'
import { openExportSource } from '../src/formats/export-source.ts'
import { generateCompany } from '../src/generate/generate-company.ts'
import { createLogger } from '../src/logger.ts'
import { activityResultSchema, findResultSchema, lookupResultSchema } from '../src/lookup/lookup-schema.ts'
import { runImport } from '../src/pipeline/run-import.ts'
import { runResolution } from '../src/resolve/run-resolution.ts'
import { formatTools } from '../src/serve/function-schemas.ts'
import { TOOL_DEFINITIONS } from '../src/serve/tool-definitions.ts'
import { AGENT, connectInProcess, speaking, toolError, toolOutput } from './support/mcp-client.ts'
import { databaseTargets, type TestDatabase } from './support/test-databases.ts'

const SYSTEMS = ['workday', 'google', 'salesforce', 'slack'] as const

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cg-mcp-'))
  await generateCompany({ dir: join(dir, 'company'), people: 200, seed: 1 })
})
afterAll(() => rm(dir, { recursive: true, force: true }))

/** A customer with a deal, as the generated Salesforce export names them: email, full name. */
async function customerWithDeal(): Promise<{ email: string; name: string }> {
  const csv = async (object: string) => (await readFile(join(dir, 'company', 'salesforce', `${object}.csv`), 'utf8')).trim().split('\n').map(parseCsvLine)
  const [roleHeader, ...roles] = await csv('OpportunityContactRole')
  const contactId = roles[0]![roleHeader!.indexOf('ContactId')]!
  const [contactHeader, ...contacts] = await csv('Contact')
  const contact = contacts.find((row) => row[contactHeader!.indexOf('Id')] === contactId)!
  return { email: contact[contactHeader!.indexOf('Email')]!, name: contact[contactHeader!.indexOf('Name')]! }
}

/** The generator quotes every value and never puts a quote or newline inside one. */
const parseCsvLine = (line: string): string[] => line.slice(1, -1).split('","')

describe.each(databaseTargets())('MCP server in process on the $name database', (target) => {
  let store: TestDatabase
  let deps: Deps
  let client: Client

  beforeAll(async () => {
    store = await target.create()
    deps = { db: store.db, clock: { now: () => new Date('2026-12-08T12:00:00Z') }, logger: createLogger('silent') }
    for (const system of SYSTEMS) {
      const path = join(dir, 'company', system === 'slack' ? 'slack-export.zip' : system)
      await runImport(deps, { connector: exportConnectors[system], path, openSource: () => openExportSource(path) })
    }
    await runResolution(deps)
    client = await connectInProcess(deps)
  }, 180_000)
  afterAll(async () => {
    await client?.close()
    await store?.dispose()
  })

  it('negotiates the protocol revision the SDK defaults to and names itself', () => {
    expect(client.getNegotiatedProtocolVersion()).toBe(LATEST_PROTOCOL_VERSION)
    expect(client.getServerVersion()).toMatchObject({ name: 'customer-graph', version: expect.stringMatching(/^\d+\.\d+\.\d+/) })
    expect(client.getInstructions()).toMatch(/untrusted/)
  })

  it('lists the three tools exactly as `tools --format mcp` prints them: read-only, with output schemas', async () => {
    const { tools } = await client.listTools()
    const printed = formatTools(TOOL_DEFINITIONS, 'mcp')
    expect(tools.map((tool) => tool.name)).toEqual(['find_customer', 'customer_profile', 'customer_activity'])
    for (const [index, tool] of tools.entries()) {
      expect(tool).toMatchObject(printed[index]!)
      expect(tool.annotations).toEqual({ readOnlyHint: true, idempotentHint: true, destructiveHint: false, openWorldHint: false })
      expect(tool.outputSchema).toMatchObject({ type: 'object', properties: expect.any(Object) })
    }
  })

  it.each([
    ['customer_profile', { query: '' }, 'query'],
    ['customer_profile', {}, 'query'],
    ['customer_profile', { query: 'ada@acme.com', budget: 10 }, 'budget'],
    ['customer_profile', { query: 'ada@acme.com', sections: ['everything'] }, 'sections.0'],
    ['customer_profile', { query: 'ada@acme.com', colour: 'red' }, 'colour'],
    ['find_customer', { query: '%%%' }, 'query'],
    ['find_customer', { query: 'ada', limit: 0 }, 'limit'],
    ['customer_activity', { entity_id: 'e', section: 'lunches' }, 'section'],
  ])('%s with %j is a tool error E_INVALID_QUERY naming %s, not a protocol error', async (name, args, parameter) => {
    const error = toolError(await client.callTool({ name, arguments: args }))
    expect(error).toMatchObject({ code: 'E_INVALID_QUERY', location: { parameter }, retryable: false })
    expect(error.message).toContain(parameter)
  })

  it('reads null arguments as omitted, as an OpenAI strict caller sends them', async () => {
    const { email } = await customerWithDeal()
    const result = await client.callTool({ name: 'customer_profile', arguments: { query: email, budget: null, detail: null, sections: null } })
    expect(lookupResultSchema.parse(toolOutput(result)).status).toBe('found')
  })

  it('customer_profile: one customer in one call, as the output schema says', async () => {
    const { email } = await customerWithDeal()
    const profile = lookupResultSchema.parse(toolOutput(await client.callTool({ name: 'customer_profile', arguments: { query: email } })))
    expect(profile.status).toBe('found')
    expect(profile.profile).toMatchObject({ kind: 'person', matchedBy: 'email' })
    expect(profile.size.bytes).toBeLessThanOrEqual(profile.size.budgetBytes)
  })

  it('find_customer: the customer among the candidates for their name', async () => {
    const { email, name } = await customerWithDeal()
    const found = lookupResultSchema.parse(toolOutput(await client.callTool({ name: 'customer_profile', arguments: { query: email } })))
    const result = findResultSchema.parse(toolOutput(await client.callTool({ name: 'find_customer', arguments: { query: name, limit: 20 } })))
    expect(result.status).not.toBe('not_found')
    expect(result.candidates.map((candidate) => candidate.entityId)).toContain(found.profile!.entityId)
  })

  it('customer_activity: their deals page by page', async () => {
    const { email } = await customerWithDeal()
    const found = lookupResultSchema.parse(toolOutput(await client.callTool({ name: 'customer_profile', arguments: { query: email } })))
    const entityId = found.profile!.entityId
    const page = activityResultSchema.parse(
      toolOutput(await client.callTool({ name: 'customer_activity', arguments: { entity_id: entityId, section: 'deals', limit: 1 } })),
    )
    expect(page).toMatchObject({ entityId, section: 'deals' })
    expect(page.items).toHaveLength(1)
    if (page.next !== null) {
      const next = activityResultSchema.parse(toolOutput(await client.callTool({ name: 'customer_activity', arguments: { handle: page.next } })))
      expect(next.items[0]).not.toEqual(page.items[0])
    }
  })

  it('records each call in lookup_audit under the principal and the mcp surface', async () => {
    const rows = await store.db.selectFrom('lookup_audit').select(['principal', 'surface']).where('principal', '=', AGENT.id).execute()
    expect(rows.length).toBeGreaterThan(0)
    expect(new Set(rows.map((row) => row.surface))).toEqual(new Set(['mcp']))
  })

  it.each(['2025-06-18', '2025-03-26'])('an older client speaking %s still initializes, lists and calls', async (version) => {
    const older = await connectInProcess(deps, speaking(version))
    try {
      expect(older.getNegotiatedProtocolVersion()).toBe(version)
      expect((await older.listTools()).tools).toHaveLength(3)
      expect(toolError(await older.callTool({ name: 'find_customer', arguments: { query: '' } }))).toMatchObject({ code: 'E_INVALID_QUERY' })
    } finally {
      await older.close()
    }
  })
})

describe.each(databaseTargets())('MCP server when the $name database fails', (target) => {
  it('answers a tool error with a generic message: no SQL, no stack', async () => {
    const store = await target.create()
    const logged: string[] = []
    const logger = createLogger('error', { write: (line: string) => logged.push(line) } as unknown as NodeJS.WritableStream)
    const client = await connectInProcess({ db: store.db, clock: { now: () => new Date() }, logger })
    await store.dispose()
    try {
      const error = toolError(await client.callTool({ name: 'customer_profile', arguments: { query: 'ada@acme.com' } }))
      expect(error.code).not.toBe('E_INVALID_QUERY')
      expect(error.message).toBe("customer_profile failed on the server; the server's log has the details")
      expect(error.message).not.toMatch(/select|from|\bat \w/i)
      expect(logged.join('')).toMatch(/tool call failed/)
    } finally {
      await client.close()
    }
  })
})
