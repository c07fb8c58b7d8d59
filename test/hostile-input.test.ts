/**
 * Hostile strings (fast-check) into every parameter of the HTTP API, over a real socket, against a
 * resolved generated company: no answer is a 500, none carries SQL or a stack, a refused value is
 * E_INVALID_QUERY naming its parameter, and every other answer has the documented shape.
 * 1,000 strings per parameter (about 20 s a database); `HOSTILE_RUNS` sets fewer for a quick local run.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { createToken } from '../src/auth/tokens.ts'
import { exportConnectors } from '../src/connectors/registry.ts'
import type { Deps } from '../src/deps.ts'
import { openExportSource } from '../src/formats/export-source.ts'
import { generateCompany } from '../src/generate/generate-company.ts'
import { createLogger } from '../src/logger.ts'
import { runImport } from '../src/pipeline/run-import.ts'
import { runResolution } from '../src/resolve/run-resolution.ts'
import { activityResultSchema, findResultSchema, lookupResultSchema } from '../src/lookup/lookup-schema.ts'
import { API_PATHS } from '../src/serve/openapi-document.ts'
import { createHttpApp } from '../src/serve/http-app.ts'
import { startHttpServer, type HttpServer } from '../src/serve/start-http-server.ts'
import { hostile, LEAKS } from './support/hostile-strings.ts'
import { databaseTargets, type TestDatabase } from './support/test-databases.ts'

const RUNS = Number(process.env.HOSTILE_RUNS ?? 1000)
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cg-hostile-'))
  await generateCompany({ dir: join(dir, 'company'), people: 60, seed: 7 })
})
afterAll(() => rm(dir, { recursive: true, force: true }))

/** Stands for a real person's entity id in a parameter's base, filled in once the store is resolved. */
const ENTITY = '<entity>'

const PARAMETERS: { path: string; parameter: string; base: Record<string, string> }[] = [
  { path: API_PATHS.find, parameter: 'query', base: {} },
  { path: API_PATHS.find, parameter: 'limit', base: { query: 'smith' } },
  { path: API_PATHS.lookup, parameter: 'query', base: {} },
  { path: API_PATHS.lookup, parameter: 'budget', base: { query: 'smith' } },
  { path: API_PATHS.lookup, parameter: 'detail', base: { query: 'smith' } },
  { path: API_PATHS.lookup, parameter: 'sections', base: { query: 'smith' } },
  { path: API_PATHS.activity, parameter: 'handle', base: {} },
  { path: API_PATHS.activity, parameter: 'entity_id', base: { section: 'messages' } },
  { path: API_PATHS.activity, parameter: 'section', base: { entity_id: ENTITY } },
  { path: API_PATHS.activity, parameter: 'limit', base: { section: 'messages', entity_id: ENTITY } },
]

const RESULT_SCHEMAS: Record<string, z.ZodType> = { [API_PATHS.find]: findResultSchema, [API_PATHS.lookup]: lookupResultSchema, [API_PATHS.activity]: activityResultSchema }

describe.each(databaseTargets())('hostile input over HTTP on the $name database', (target) => {
  let database: TestDatabase
  let server: HttpServer
  let token: string
  let entityId: string

  beforeAll(async () => {
    database = await target.create()
    const deps: Deps = { db: database.db, clock: { now: () => new Date() }, logger: createLogger('silent') }
    for (const system of ['salesforce', 'workday', 'google'] as const) {
      const path = join(dir, 'company', system)
      await runImport(deps, { connector: exportConnectors[system], path, openSource: () => openExportSource(path) })
    }
    const slack = join(dir, 'company', 'slack-export.zip')
    await runImport(deps, { connector: exportConnectors.slack, path: slack, openSource: () => openExportSource(slack) })
    await runResolution(deps)
    entityId = (await database.db.selectFrom('entities').select('id').where('kind', '=', 'person').where('redirect_to', 'is', null).orderBy('id').executeTakeFirstOrThrow()).id
    token = (await createToken(database.db, { name: 'hostile', scopes: ['lookup'] })).token
    server = await startHttpServer(createHttpApp(deps, { rateLimit: { perMinute: 1_000_000, burst: 1_000_000 } }).fetch, { port: 0, host: '127.0.0.1', closeGraceMs: 100 })
  }, 180_000)
  afterAll(async () => {
    await server?.close()
    await database?.dispose()
  })

  it.each(PARAMETERS)('$path $parameter: no 500, no leak, a refusal names the parameter, an answer has its shape', async ({ path, parameter, base }) => {
    await fc.assert(
      fc.asyncProperty(hostile, async (value) => {
        const given = { ...Object.fromEntries(Object.entries(base).map(([key, each]) => [key, each === ENTITY ? entityId : each])), [parameter]: value }
        const params = new URLSearchParams(given)
        const response = await fetch(`${server.url}${path}?${params.toString()}`, { headers: { Authorization: `Bearer ${token}` } })
        const text = await response.text()
        // 404: an id or handle that names nothing (E_NOT_FOUND), never a route that is not there.
        expect([200, 400, 404], text.slice(0, 300)).toContain(response.status)
        expect(text).not.toMatch(LEAKS)
        const body = JSON.parse(text) as { error?: { code: string; location?: { parameter?: string } } }
        if (response.status !== 200) {
          expect(body.error?.code).toBe(response.status === 400 ? 'E_INVALID_QUERY' : 'E_NOT_FOUND')
          // The parameter, or an item of it (sections.0).
          expect(Object.keys(given)).toContain(body.error?.location?.parameter?.split('.')[0])
        } else {
          expect(RESULT_SCHEMAS[path]!.safeParse(body).error).toBeUndefined()
        }
      }),
      { numRuns: RUNS, seed: 20261207 },
    )
  }, 300_000)
})
