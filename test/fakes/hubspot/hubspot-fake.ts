/**
 * A local HubSpot CRM v3 API for the example connector module (examples/hubspot/connector.ts):
 * companies and contacts listed with `limit`/`after` paging (`paging.next.after`), `properties`,
 * `associations=companies` and `archived`, the account details, private-app Bearer tokens, scopes,
 * and the faults the sync must ride out (429 with HubSpot's rate-limit headers, 502, a body cut short).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface CrmObject {
  id: string
  properties: Record<string, string | null>
  updatedAt: string
  archived: boolean
  /** Contacts: the ids of their companies. */
  companyIds?: string[]
}

export interface HubSpotState {
  portalId: number
  companies: CrmObject[]
  contacts: CrmObject[]
  /** Scopes the token has; a list of an object type without its read scope is a 403 MISSING_SCOPES. */
  scopes: Set<string>
  /** Fault switches, each consumed by the next CRM list request. */
  faults: ('rate_limit' | 'bad_gateway' | 'truncated')[]
  /** Path and query of every request, never the token. */
  calls: string[]
}

export interface HubSpotFake {
  url: string
  state: HubSpotState
  close(): Promise<void>
}

const SCOPE_OF: Record<string, string> = { companies: 'crm.objects.companies.read', contacts: 'crm.objects.contacts.read' }

export async function startHubSpotFake(options: { token: string; companies: CrmObject[]; contacts: CrmObject[] }): Promise<HubSpotFake> {
  const state: HubSpotState = {
    portalId: 4_242_424,
    companies: options.companies,
    contacts: options.contacts,
    scopes: new Set(Object.values(SCOPE_OF)),
    faults: [],
    calls: [],
  }
  const server = createServer((request, response) => serve(request, response, state, options.token))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function serve(request: IncomingMessage, response: ServerResponse, state: HubSpotState, token: string): void {
  const url = new URL(request.url ?? '/', 'http://fake')
  state.calls.push(`${url.pathname}${url.search}`)
  if (request.headers.authorization !== `Bearer ${token}`) {
    return json(response, 401, {
      status: 'error',
      message: 'Authentication credentials not found. This API supports OAuth 2.0 authentication.',
      correlationId: 'c0ffee00-0000-4000-8000-000000000401',
      category: 'INVALID_AUTHENTICATION',
    })
  }
  if (request.method === 'GET' && url.pathname === '/account-info/v3/details') {
    return json(response, 200, { portalId: state.portalId, accountType: 'STANDARD', timeZone: 'Europe/Stockholm', companyCurrency: 'EUR', uiDomain: 'app-eu1.hubspot.com', dataHostingLocation: 'eu1' })
  }
  const list = /^\/crm\/v3\/objects\/(companies|contacts)$/.exec(url.pathname)
  if (request.method !== 'GET' || !list) return json(response, 404, { status: 'error', message: 'Not found', category: 'OBJECT_NOT_FOUND' })
  const object = list[1] as 'companies' | 'contacts'
  const fault = state.faults.shift()
  if (fault === 'rate_limit') {
    response.setHeader('x-hubspot-ratelimit-interval-milliseconds', '1000')
    response.setHeader('x-hubspot-ratelimit-max', '10')
    response.setHeader('x-hubspot-ratelimit-remaining', '0')
    return json(response, 429, { status: 'error', message: 'You have reached your secondly limit.', errorType: 'RATE_LIMIT', policyName: 'SECONDLY' })
  }
  if (fault === 'bad_gateway') return json(response, 502, { status: 'error', message: 'Bad gateway' })
  if (!state.scopes.has(SCOPE_OF[object]!)) {
    return json(response, 403, {
      status: 'error',
      message: 'This app hasn\u2019t been granted all required scopes to make this call.',
      category: 'MISSING_SCOPES',
      errors: [{ message: `One or more of the following scopes are required.`, context: { requiredGranularScopes: [SCOPE_OF[object]] } }],
    })
  }
  const limit = Math.min(Number(url.searchParams.get('limit') ?? 10), 100)
  const after = Number(url.searchParams.get('after') ?? 0)
  const archived = url.searchParams.get('archived') === 'true'
  const wanted = (url.searchParams.get('properties') ?? '').split(',').filter(Boolean)
  const withCompanies = (url.searchParams.get('associations') ?? '').split(',').includes('companies')
  // `after` is the position past the last record handed out, as an opaque string.
  const rows = state[object].filter((row) => row.archived === archived).sort((a, b) => Number(a.id) - Number(b.id))
  const page = rows.slice(after, after + limit)
  const body = {
    results: page.map((row) => ({
      id: row.id,
      properties: { ...Object.fromEntries(wanted.map((name) => [name, row.properties[name] ?? null])), hs_object_id: row.id, lastmodifieddate: row.updatedAt },
      createdAt: '2024-01-01T00:00:00.000Z',
      updatedAt: row.updatedAt,
      archived: row.archived,
      ...(withCompanies && row.companyIds?.length ? { associations: { companies: { results: row.companyIds.map((id) => ({ id, type: 'contact_to_company' })) } } } : {}),
    })),
    ...(after + limit < rows.length ? { paging: { next: { after: String(after + limit), link: `${url.origin}${url.pathname}?after=${after + limit}` } } } : {}),
  }
  if (fault === 'truncated') {
    const text = JSON.stringify(body)
    response.writeHead(200, { 'content-type': 'application/json;charset=utf-8', 'content-length': String(text.length) })
    response.end(text.slice(0, Math.floor(text.length / 2)))
    response.socket?.destroy()
    return
  }
  json(response, 200, body)
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json;charset=utf-8' })
  response.end(JSON.stringify(body))
}
