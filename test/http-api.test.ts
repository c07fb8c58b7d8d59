import { Writable } from 'node:stream'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { parseToken } from '../src/auth/token-secret.ts'
import { createToken, listTokens, revokeToken } from '../src/auth/tokens.ts'
import type { Deps } from '../src/deps.ts'
import { createLogger } from '../src/logger.ts'
import { LIMITS, lookupInputSchema } from '../src/lookup/lookup-schema.ts'
import { createHttpApp, MAX_BODY_BYTES, type HttpAppOptions } from '../src/serve/http-app.ts'
import { startHttpServer, type HttpServer } from '../src/serve/start-http-server.ts'
import { databaseTargets, type TestDatabase } from './support/test-databases.ts'

const START = Date.parse('2026-12-07T10:00:00Z')

/** A JSON body as the tests read it: whatever shape the assertion expects. */
type JsonBody = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any -- asserting on the shape is the test

interface Reply {
  status: number
  headers: Headers
  text: string
  body: JsonBody
}

describe.each(databaseTargets())('HTTP API over a socket on the $name database', (target) => {
  let database: TestDatabase
  let now = START
  const logs: string[] = []
  const replies: Reply[] = []
  const secrets: string[] = []
  const servers: HttpServer[] = []
  let server: HttpServer
  let deps: Deps

  async function start(options: HttpAppOptions = {}): Promise<HttpServer> {
    const started = await startHttpServer(createHttpApp(deps, options).fetch, { port: 0, host: '127.0.0.1', closeGraceMs: 100 })
    servers.push(started)
    return started
  }

  /** Every reply is kept so the last test can search them all for secrets. */
  async function call(path: string, init: RequestInit & { token?: string } = {}, on: HttpServer = server): Promise<Reply> {
    const headers = new Headers(init.headers)
    if (init.token) headers.set('Authorization', `Bearer ${init.token}`)
    const response = await fetch(`${on.url}${path}`, { ...init, headers })
    const text = await response.text()
    const reply = { status: response.status, headers: response.headers, text, body: text.startsWith('{') ? JSON.parse(text) : {} }
    replies.push(reply)
    expect(response.headers.get('cache-control')).toBe('no-store')
    return reply
  }

  async function token(scopes: string[], extra: { expiresAt?: Date } = {}): Promise<{ id: string; token: string }> {
    const created = await createToken(database.db, { name: `test ${scopes.join(',')}`, scopes, ...extra })
    secrets.push(parseToken(created.token)!.secret, created.token)
    return created
  }

  beforeAll(async () => {
    database = await target.create()
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(chunk.toString('utf8'))
        done()
      },
    })
    deps = { db: database.db, clock: { now: () => new Date(now) }, logger: createLogger('trace', sink) }
    server = await start()
  })
  afterAll(async () => {
    for (const each of servers) await each.close()
    await database.dispose()
  })

  it('answers /healthz and /openapi.json without a token', async () => {
    const health = await call('/healthz')
    expect(health).toMatchObject({ status: 200, body: { status: 'ok' } })

    const openapi = await call('/openapi.json')
    expect(openapi.status).toBe(200)
    expect(openapi.headers.get('content-type')).toMatch(/^application\/json/)
    expect(openapi.body.openapi).toBe('3.1.0')
    expect(Object.keys(openapi.body.paths)).toEqual(expect.arrayContaining(['/v1/customers/find', '/v1/customers/lookup', '/v1/customers/activity']))
    expect(openapi.body.components.schemas.LookupInput.properties.budget.maximum).toBe(LIMITS.budget.max)
    const fromZod = z.toJSONSchema(lookupInputSchema, { io: 'input' })
    expect({ $schema: fromZod.$schema, ...openapi.body.components.schemas.LookupInput }).toEqual(fromZod)
    const parameters: { name: string; schema: { maximum?: number } }[] = openapi.body.paths['/v1/customers/lookup'].get.parameters
    expect(parameters.find((parameter) => parameter.name === 'budget')?.schema.maximum).toBe(LIMITS.budget.max)
  })

  it('refuses a request without a token, or with a malformed, unknown, revoked or expired one, with 401 E_AUTH', async () => {
    const good = await token(['lookup'])
    const revoked = await token(['lookup'])
    await revokeToken(database.db, revoked.id, deps.clock)
    const expiring = await token(['lookup'], { expiresAt: new Date(now + 60_000) })
    const unknown = `cgt_tok_000000000000000000_${parseToken(good.token)!.secret}`

    expect((await call('/v1/customers/find?query=ada', { token: expiring.token })).status).toBe(200)
    now += 60_000
    const attempts: (string | undefined)[] = [undefined, 'nope', `${good.token}x`, unknown, revoked.token, expiring.token]
    for (const attempt of attempts) {
      const reply = await call('/v1/customers/find?query=ada', attempt === undefined ? {} : { token: attempt })
      expect(reply.status, String(attempt)).toBe(401)
      expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer\b/)
      expect(reply.body.error).toMatchObject({ code: 'E_AUTH', location: { parameter: 'Authorization' } })
    }
    const basic = await call('/v1/customers/lookup', { method: 'POST', headers: { Authorization: `Basic ${good.token}` }, body: '{"query":"ada"}' })
    expect(basic.status).toBe(401)
    expect((await call('/v1/customers/find?query=ada', { token: good.token })).status).toBe(200)
  })

  it('refuses a token without the lookup scope with 403 E_FORBIDDEN', async () => {
    for (const scopes of [['pii'], ['admin']]) {
      const { token: forbidden } = await token(scopes)
      const reply = await call('/v1/customers/lookup?query=ada', { token: forbidden })
      expect(reply.status).toBe(403)
      expect(reply.body.error.code).toBe('E_FORBIDDEN')
    }
  })

  it('refuses bad input with 400 E_INVALID_QUERY naming the parameter', async () => {
    const { token: good } = await token(['lookup'])
    const long = 'a'.repeat(LIMITS.queryMaxLength + 1)
    const cases: [string, RequestInit, string][] = [
      ['/v1/customers/lookup?query=ada%00lovelace', {}, 'query'],
      ['/v1/customers/lookup?query=ada%1B%5B31m', {}, 'query'],
      [`/v1/customers/lookup?query=${long}`, {}, 'query'],
      ['/v1/customers/lookup?query=*', {}, 'query'],
      ['/v1/customers/find?query=%25%25', {}, 'query'],
      ['/v1/customers/lookup?budget=4000', {}, 'query'],
      ['/v1/customers/lookup?query=ada&budget=abc', {}, 'budget'],
      [`/v1/customers/lookup?query=ada&budget=${LIMITS.budget.max + 1}`, {}, 'budget'],
      [`/v1/customers/lookup?query=ada&budget=${LIMITS.budget.min - 1}`, {}, 'budget'],
      ['/v1/customers/lookup?query=ada&detail=everything', {}, 'detail'],
      ['/v1/customers/lookup?query=ada&sections=profile,secrets', {}, 'sections.1'],
      ['/v1/customers/lookup?query=ada&colour=red', {}, 'colour'],
      ['/v1/customers/find?query=ada&limit=0', {}, 'limit'],
      ['/v1/customers/activity?section=deals', {}, 'entity_id'],
      ['/v1/customers/activity?handle=bm90LWEtaGFuZGxl', {}, 'handle'],
      ['/v1/customers/lookup', { method: 'POST', body: '{"query": "ada", "budget": 1e9}' }, 'budget'],
      ['/v1/customers/lookup', { method: 'POST', body: '{"query": "ada", "admin": true}' }, 'admin'],
      ['/v1/customers/lookup', { method: 'POST', body: '{"query": ' }, 'body'],
      ['/v1/customers/activity', { method: 'POST', body: '' }, 'body'],
    ]
    for (const [path, init, parameter] of cases) {
      const reply = await call(path, { ...init, token: good })
      expect(reply.status, path).toBe(400)
      expect(reply.body.error, path).toMatchObject({ code: 'E_INVALID_QUERY', location: { parameter } })
    }
  })

  it('refuses a body over 64 KiB with 413 and a code', async () => {
    const { token: good } = await token(['lookup'])
    const body = JSON.stringify({ query: 'ada', padding: 'x'.repeat(MAX_BODY_BYTES) })
    const reply = await call('/v1/customers/lookup', { method: 'POST', body, token: good })
    expect(reply.status).toBe(413)
    expect(reply.body.error).toMatchObject({ code: 'E_INVALID_QUERY', location: { parameter: 'body' } })
  })

  it('answers 429 with Retry-After once a token has used its burst, and again after the refill', async () => {
    const limited = await start({ rateLimit: { perMinute: 1, burst: 2 } })
    const { token: first } = await token(['lookup'])
    const { token: second } = await token(['lookup'])
    expect((await call('/v1/customers/find?query=ada', { token: first }, limited)).status).toBe(200)
    expect((await call('/v1/customers/find?query=ada', { token: first }, limited)).status).toBe(200)
    const refused = await call('/v1/customers/find?query=ada', { token: first }, limited)
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBe('60')
    expect(refused.body.error).toMatchObject({ code: 'E_RATE_LIMITED', retryable: true })
    expect((await call('/v1/customers/find?query=ada', { token: second }, limited)).status).toBe(200)
    now += 60_000
    expect((await call('/v1/customers/find?query=ada', { token: first }, limited)).status).toBe(200)
  })

  it('answers an unknown route with 404 E_NOT_FOUND, and a failure with a 500 that hides its details', async () => {
    const { token: good } = await token(['lookup'])
    const missing = await call('/v1/customers/delete', { token: good })
    expect(missing.status).toBe(404)
    expect(missing.body.error.code).toBe('E_NOT_FOUND')

    // A real failure inside the lookup: its audit table is gone.
    await sql`alter table lookup_audit rename to lookup_audit_away`.execute(database.db)
    try {
      const failed = await call('/v1/customers/find?query=ada', { token: good })
      expect(failed.status).toBe(500)
      expect(failed.body.error.code).toBe('E_INTERNAL')
      const requestId = failed.headers.get('x-request-id')!
      expect(failed.body.error.message).toContain(requestId)
      expect(failed.text).not.toMatch(/lookup_audit|relation|insert|\bat \w+ \(/i)
      const logged = logs.filter((line) => line.includes(requestId) && line.includes('"level":50'))
      expect(logged.join('')).toMatch(/lookup_audit/)
    } finally {
      await sql`alter table lookup_audit_away rename to lookup_audit`.execute(database.db)
    }
  })

  it('passes /mcp to the hook with the principal, behind the same authentication', async () => {
    const withMcp = await start({
      mcp: async (request, principal) => Response.json({ method: request.method, body: await request.text(), id: principal.id, surface: principal.surface }),
    })
    expect((await call('/mcp', { method: 'POST', body: '{}' }, withMcp)).status).toBe(401)
    const { id, token: good } = await token(['lookup'])
    const reply = await call('/mcp', { method: 'POST', body: '{"jsonrpc":"2.0"}', token: good }, withMcp)
    expect(reply).toMatchObject({ status: 200, body: { method: 'POST', body: '{"jsonrpc":"2.0"}', id, surface: 'mcp' } })
    expect((await call('/mcp', { method: 'POST', body: '{}', token: good })).status).toBe(404)
  })

  it('never lets a token or its secret reach a response, a log line or the database', async () => {
    const tokens = await listTokens(database.db, deps.clock)
    expect(tokens.length).toBeGreaterThan(10)
    expect(tokens.some((each) => each.lastUsedAt !== null)).toBe(true)
    expect(secrets.length).toBeGreaterThan(20)
    expect(logs.some((line) => line.includes('"msg":"request"'))).toBe(true)
    const { rows } = await sql`select * from api_tokens`.execute(database.db)
    const audit = await sql`select * from lookup_audit`.execute(database.db)
    expect(audit.rows.length).toBeGreaterThan(0)
    const everything = [
      ...replies.map((reply) => reply.text + JSON.stringify([...reply.headers])),
      ...logs,
      JSON.stringify(rows),
      JSON.stringify(audit.rows),
    ].join('\n')
    for (const secret of secrets) expect(everything).not.toContain(secret)
  })
})
