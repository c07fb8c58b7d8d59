/**
 * The hostile corpus of test/hostile-input.test.ts through the real MCP SDK client, into every argument
 * of the three tools, against a resolved generated company: no call is a protocol error or an internal
 * one, no result carries SQL or a stack, a refusal is a tool error E_INVALID_QUERY (or E_NOT_FOUND for an
 * id that names nothing) naming the argument, and every success matches the tool's output schema (the
 * client checks it too). MCP arguments are JSON, so besides the strings an argument sometimes gets a list
 * or a number or boolean. 1,000 values per argument, as over HTTP (in process, 6–23 s a database on a
 * busy 2-core machine); `HOSTILE_RUNS` sets fewer.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Client } from '@modelcontextprotocol/client'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Deps } from '../src/deps.ts'
import { generateCompany } from '../src/generate/generate-company.ts'
import { DETAILS, LIMITS, SECTIONS } from '../src/lookup/lookup-schema.ts'
import { createLogger } from '../src/logger.ts'
import { runResolution } from '../src/resolve/run-resolution.ts'
import { TOOL_DEFINITIONS, type ToolName } from '../src/serve/tool-definitions.ts'
import { hostile, LEAKS } from './support/hostile-strings.ts'
import { importCompany } from './support/import-company.ts'
import { connectInProcess, toolError, toolOutput } from './support/mcp-client.ts'
import { databaseTargets, type TestDatabase } from './support/test-databases.ts'

const RUNS = Number(process.env.HOSTILE_RUNS ?? 1000)
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cg-mcp-hostile-'))
  await generateCompany({ dir: join(dir, 'company'), people: 60, seed: 7 })
})
afterAll(() => rm(dir, { recursive: true, force: true }))

/** Stands for a real person's entity id in an argument's base, filled in once the store is resolved. */
const ENTITY = '<entity>'

const ARGUMENTS: { tool: ToolName; argument: string; base: Record<string, unknown> }[] = [
  { tool: 'find_customer', argument: 'query', base: {} },
  { tool: 'find_customer', argument: 'limit', base: { query: 'smith' } },
  { tool: 'customer_profile', argument: 'query', base: {} },
  { tool: 'customer_profile', argument: 'budget', base: { query: 'smith' } },
  { tool: 'customer_profile', argument: 'detail', base: { query: 'smith' } },
  { tool: 'customer_profile', argument: 'sections', base: { query: 'smith' } },
  { tool: 'customer_activity', argument: 'handle', base: {} },
  { tool: 'customer_activity', argument: 'entity_id', base: { section: 'messages' } },
  { tool: 'customer_activity', argument: 'section', base: { entity_id: ENTITY } },
  { tool: 'customer_activity', argument: 'limit', base: { section: 'messages', entity_id: ENTITY } },
]

/** The words an argument may hold, so that lists and numbers near the limits sometimes pass and the answer's shape is checked too. */
const allowedWord = fc.constantFrom(...SECTIONS, ...DETAILS)

/**
 * Mostly the strings; JSON also carries lists (of hostile and allowed words), numbers around and far
 * beyond the limits, and booleans, which a tool host may send for any argument.
 */
const hostileArgument = fc.oneof(
  { weight: 8, arbitrary: hostile },
  { weight: 1, arbitrary: fc.array(fc.oneof(hostile, allowedWord), { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.oneof(fc.integer({ min: -1, max: LIMITS.budget.max + 1 }), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), allowedWord) },
)

describe.each(databaseTargets())('hostile input over MCP on the $name database', (target) => {
  let database: TestDatabase
  let client: Client
  let entityId: string

  beforeAll(async () => {
    database = await target.create()
    const deps: Deps = { db: database.db, clock: { now: () => new Date() }, logger: createLogger('silent') }
    await importCompany(deps, join(dir, 'company'))
    await runResolution(deps)
    entityId = (await database.db.selectFrom('entities').select('id').where('kind', '=', 'person').where('redirect_to', 'is', null).orderBy('id').executeTakeFirstOrThrow()).id
    // The agent of the other MCP tests: lookup and pii, sees everything; what it may see is not at issue here.
    client = await connectInProcess(deps)
    // Listing the tools gives the client their output schemas, which it then checks every result against.
    expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(TOOL_DEFINITIONS.map((definition) => definition.name))
  }, 180_000)
  afterAll(async () => {
    await client?.close()
    await database?.dispose()
  })

  it.each(ARGUMENTS)('$tool $argument: no protocol or internal error, no leak, a refusal names the argument, a success has its shape', async ({ tool, argument, base }) => {
    const outputSchema = TOOL_DEFINITIONS.find((definition) => definition.name === tool)!.outputSchema
    await fc.assert(
      fc.asyncProperty(hostileArgument, async (value) => {
        const given = { ...Object.fromEntries(Object.entries(base).map(([key, each]) => [key, each === ENTITY ? entityId : each])), [argument]: value }
        // A protocol error (or a result the client finds off its output schema) rejects here and fails the run.
        const result = await client.callTool({ name: tool, arguments: given })
        const text = JSON.stringify(result)
        expect(text).not.toMatch(LEAKS)
        if (result.isError === true) {
          const error = toolError(result)
          expect(['E_INVALID_QUERY', 'E_NOT_FOUND'], text.slice(0, 300)).toContain(error.code)
          // The argument, or an item of it (sections.0).
          expect(Object.keys(given)).toContain(error.location?.parameter?.split('.')[0])
          expect(error.retryable).toBe(false)
        } else {
          expect(outputSchema.safeParse(toolOutput(result)).error).toBeUndefined()
        }
      }),
      { numRuns: RUNS, seed: 20261208 },
    )
  }, 300_000)
})
