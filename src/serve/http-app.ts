/**
 * The HTTP API: thin routes over the lookup library (parse → lookup → JSON). Authentication, the rate
 * limit, body size and the error envelope live here; input validation, masking and auditing live in
 * the library, the same for every surface.
 */
import { randomUUID } from 'node:crypto'
import { Hono, type Context, type MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { sql } from 'kysely'
import { authenticate } from '../auth/authenticate.ts'
import type { Deps } from '../deps.ts'
import { CgError } from '../errors.ts'
import { customerActivity } from '../lookup/customer-activity.ts'
import { findCustomer } from '../lookup/find-customer.ts'
import { lookupCustomer } from '../lookup/lookup-customer.ts'
import { activityInputSchema, findInputSchema, lookupInputSchema, type Principal } from '../lookup/lookup-schema.ts'
import { requireScope } from '../lookup/viewer.ts'
import { errorResponse, PAYLOAD_TOO_LARGE } from './http-error.ts'
import { API_PATHS, buildOpenApiDocument } from './openapi-document.ts'
import { createQueryReader } from './query-input.ts'
import { createRateLimiter, DEFAULT_RATE_LIMIT, type RateLimit } from './rate-limiter.ts'

/** A lookup input is a query and a few options; 64 KiB is far beyond any honest one. */
export const MAX_BODY_BYTES = 64 * 1024

export interface HttpAppOptions {
  rateLimit?: RateLimit
  maxBodyBytes?: number
  /**
   * MCP over Streamable HTTP, mounted at /mcp behind the same authentication and rate limit. The
   * principal arrives with surface 'mcp', so lookup_audit tells the two surfaces apart.
   */
  mcp?: (request: Request, principal: Principal) => Promise<Response>
}

interface AppEnv {
  Variables: { principal: Principal; requestId: string }
}

type LookupFunction = (deps: Deps, input: unknown, principal: Principal) => Promise<unknown>

export function createHttpApp(deps: Deps, options: HttpAppOptions = {}): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  const limiter = createRateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT, deps.clock)
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES
  const openapi = JSON.stringify(buildOpenApiDocument())
  const fail = (c: Context<AppEnv>, error: unknown, extra: { status?: number; headers?: Record<string, string> } = {}) =>
    errorResponse(error, { logger: deps.logger, requestId: c.get('requestId'), ...extra })

  app.use('*', async (c, next) => {
    const requestId = randomUUID()
    c.set('requestId', requestId)
    const started = performance.now()
    await next()
    // Answers are about people: no cache between caller and server may keep one.
    c.header('Cache-Control', 'no-store')
    c.header('X-Request-Id', requestId)
    // The path only: query strings carry the lookup's query, which may be personal data.
    deps.logger.info(
      { requestId, method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started), principal: c.get('principal')?.id },
      'request',
    )
  })
  app.onError((error, c) => fail(c, error))
  app.notFound((c) => fail(c, new CgError('E_NOT_FOUND', `no route ${c.req.method} ${c.req.path}; GET ${API_PATHS.openapi} lists the routes`)))

  app.get(API_PATHS.health, async (c) => {
    try {
      await sql`select 1`.execute(deps.db)
    } catch (error) {
      deps.logger.error({ requestId: c.get('requestId'), err: error }, 'health check: the database cannot be reached')
      return fail(c, new CgError('E_DB_CONNECT', 'the database cannot be reached', { retryable: true }), { status: 503 })
    }
    return c.json({ status: 'ok' })
  })
  app.get(API_PATHS.openapi, (c) => c.body(openapi, 200, { 'Content-Type': 'application/json' }))

  const guard: MiddlewareHandler<AppEnv> = async (c, next) => {
    const principal = await authenticate(deps.db, c.req.header('Authorization'), deps.clock)
    c.set('principal', principal)
    // Limited before the scope check: a token that may not look up still costs a request.
    const decision = limiter.take(principal.id)
    if (!decision.allowed) {
      const error = new CgError('E_RATE_LIMITED', `token ${principal.id} is over its rate limit; retry in ${decision.retryAfterSeconds} s`, { retryable: true })
      return fail(c, error, { headers: { 'Retry-After': String(decision.retryAfterSeconds) } })
    }
    requireScope(principal, 'lookup')
    await next()
  }
  const limitBody = bodyLimit({
    maxSize: maxBodyBytes,
    onError: (c) =>
      fail(c as Context<AppEnv>, new CgError('E_INVALID_QUERY', `the request body is over ${maxBodyBytes} bytes`, { location: { parameter: 'body' } }), {
        status: PAYLOAD_TOO_LARGE,
      }),
  })
  app.use('/v1/*', guard, limitBody)

  const route = (path: string, lookup: LookupFunction, readQuery: ReturnType<typeof createQueryReader>, post: boolean) => {
    app.get(path, async (c) => c.json(await lookup(deps, readQuery(new URL(c.req.url).searchParams), c.get('principal'))))
    if (post) app.post(path, async (c) => c.json(await lookup(deps, await jsonBody(c), c.get('principal'))))
  }
  route(API_PATHS.find, findCustomer, createQueryReader(findInputSchema), false)
  route(API_PATHS.lookup, lookupCustomer, createQueryReader(lookupInputSchema), true)
  route(API_PATHS.activity, customerActivity, createQueryReader(activityInputSchema), true)

  const mcp = options.mcp
  if (mcp) {
    app.use(API_PATHS.mcp, guard, limitBody)
    app.all(API_PATHS.mcp, (c) => mcp(c.req.raw, { ...c.get('principal'), surface: 'mcp' }))
  }
  return app
}

async function jsonBody(c: Context<AppEnv>): Promise<unknown> {
  const text = await c.req.text()
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new CgError('E_INVALID_QUERY', 'the request body is not JSON; send an object such as {"query": "ada@acme.com"} with Content-Type: application/json', {
      location: { parameter: 'body' },
    })
  }
}
