/**
 * An example connector module: HubSpot CRM companies and contacts through the CRM v3 REST API, written
 * only against `customer-graph/connector`, as an outside package would be. A connection uses it so:
 *
 *   connections:
 *     hubspot:
 *       module: ./examples/hubspot/connector.ts    # relative to the connections file, or a package name
 *       token: ${HUBSPOT_TOKEN}                    # a private app's access token
 *
 * It brings a system of its own, `hubspot`: its records land as `hubspot:company:<id>` and
 * `hubspot:contact:<id>` and resolve into the same people and organisations as the built-in systems'.
 *
 * Both streams are full reads: the list endpoint has no change filter (and the search endpoint stops
 * at 10,000 results), so every sync lists every record. Unchanged records land as unchanged, and a
 * pass that read everything lets the sync mark the records it no longer lists (archived in HubSpot)
 * as deleted. The cursor is the `after` token while a pass is under way and null between passes.
 */
import { z } from 'zod'
import {
  httpUrl,
  secret,
  SourceError,
  type ApiConnector,
  type ApiLocation,
  type ApiSession,
  type ApiStream,
  type CanonicalRecord,
  type CheckResult,
  type LandedRecord,
  type NormalizeResult,
  type RawRecord,
  type RejectedInput,
  type SourceFailure,
  type StreamContext,
  type StreamPage,
} from 'customer-graph/connector'

const SYSTEM = 'hubspot'

const hubspotSettings = z
  .object({
    token: secret,
    apiUrl: httpUrl.default('https://api.hubapi.com'),
    pageSize: z.number().int().min(1).max(100).default(100),
  })
  .strict()
type Settings = z.infer<typeof hubspotSettings>

/** The CRM objects read: the list path, the object type records land as, and the properties asked for. */
const OBJECTS = {
  companies: { objectType: 'company', properties: ['name', 'domain', 'website', 'phone', 'industry', 'country'], scope: 'crm.objects.companies.read' },
  contacts: { objectType: 'contact', properties: ['firstname', 'lastname', 'email', 'phone', 'jobtitle', 'company'], scope: 'crm.objects.contacts.read' },
} as const
type CrmObject = keyof typeof OBJECTS

const crmRecord = z.object({
  id: z.string().regex(/^\d+$/),
  properties: z.record(z.string(), z.string().nullable()),
  updatedAt: z.iso.datetime({ offset: true }),
  associations: z.record(z.string(), z.object({ results: z.array(z.object({ id: z.string(), type: z.string() })) })).optional(),
})
const listPage = z.object({ results: z.array(z.unknown()), paging: z.object({ next: z.object({ after: z.string().min(1) }) }).optional() })
const cursor = z.object({ after: z.string().min(1) }).strict()
type Cursor = z.infer<typeof cursor>

/** A refused request, as HubSpot answers it: the status, its `category` and the wait a 429 asks for. */
class HubSpotError extends Error {
  readonly status: number
  readonly retryAfterMs: number | undefined
  constructor(message: string, status: number, retryAfterMs: number | undefined) {
    super(message)
    this.status = status
    this.retryAfterMs = retryAfterMs
  }
}

async function get(settings: Settings, path: string, signal: AbortSignal): Promise<unknown> {
  const response = await fetch(new URL(path, settings.apiUrl), { headers: { authorization: `Bearer ${settings.token.reveal()}` }, signal })
  const text = await response.text()
  if (response.ok) return JSON.parse(text) as unknown
  const body = (() => {
    try {
      return JSON.parse(text) as { message?: string; category?: string }
    } catch {
      return {}
    }
  })()
  // HubSpot's 429 names its window (X-HubSpot-RateLimit-Interval-Milliseconds); a Retry-After wins.
  const retryAfter = Number(response.headers.get('retry-after') ?? NaN) * 1000
  const interval = Number(response.headers.get('x-hubspot-ratelimit-interval-milliseconds') ?? NaN)
  const wait = Number.isFinite(retryAfter) ? retryAfter : Number.isFinite(interval) ? interval : undefined
  throw new HubSpotError(`HTTP ${response.status} ${body.category ?? ''} ${body.message ?? ''}`.replace(/\s+/g, ' ').trim(), response.status, wait)
}

/** How a failed request reads: the sync retries, waits, stops or skips by this. */
function classify(error: unknown): SourceFailure {
  if (error instanceof HubSpotError) {
    if (error.status === 429) return { kind: 'rate_limited', ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }), detail: error.message }
    if (error.status >= 500) return { kind: 'transient', detail: error.message }
    if (error.status === 401) return { kind: 'auth', detail: error.message }
    if (error.status === 403) return { kind: 'fatal', code: 'E_HUBSPOT_FORBIDDEN', detail: error.message }
    return { kind: 'fatal', code: 'E_HUBSPOT_REQUEST', detail: error.message }
  }
  if (error instanceof z.ZodError) return { kind: 'fatal', code: 'E_HUBSPOT_RESPONSE', detail: `not a CRM list page: ${error.issues[0]?.message ?? ''}` }
  // A reset, a body cut short (`terminated`, or JSON that ends early) and the sync's own timeout.
  if (error instanceof TypeError || error instanceof SyntaxError) return { kind: 'transient', detail: error.message }
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) return { kind: 'transient', detail: 'timed out' }
  return { kind: 'fatal', code: 'E_HUBSPOT_UNEXPECTED', detail: error instanceof Error ? error.message : String(error) }
}

function listPath(settings: Settings, object: CrmObject, after: string | undefined, limit = settings.pageSize): string {
  const query = new URLSearchParams({ limit: String(limit), properties: OBJECTS[object].properties.join(','), archived: 'false' })
  if (object === 'contacts') query.set('associations', 'companies')
  if (after !== undefined) query.set('after', after)
  return `/crm/v3/objects/${object}?${query.toString()}`
}

function objectStream(settings: Settings, object: CrmObject): ApiStream<Cursor> {
  const { objectType } = OBJECTS[object]
  const endpoint = `GET /crm/v3/objects/${object}`
  return {
    name: object,
    mode: 'full',
    cursor,
    async *read(context, start): AsyncGenerator<StreamPage<Cursor>> {
      let after = start?.after
      let lostAny = false
      for (let page = 1; ; page += 1) {
        const path = listPath(settings, object, after)
        const body = await context.call({ what: endpoint }, async (signal) => listPage.parse(await get(settings, path, signal)))
        const location: ApiLocation = { endpoint, page }
        const records: RawRecord<ApiLocation>[] = []
        const rejects: RejectedInput<ApiLocation>[] = []
        for (const item of body.results) {
          const parsed = crmRecord.safeParse(item)
          if (parsed.success) {
            records.push({ objectType, sourceId: parsed.data.id, payload: parsed.data, sourceUpdatedAt: parsed.data.updatedAt, provenance: location })
          } else {
            rejects.push({ code: 'E_SCHEMA', message: `${objectType}: ${parsed.error.issues[0]?.message ?? 'unexpected shape'}`, location, objectType, raw: JSON.stringify(item) })
          }
        }
        lostAny ||= rejects.length > 0
        after = body.paging?.next.after
        if (after !== undefined) context.page(endpoint, after)
        yield { records, rejects, cursor: after === undefined ? null : { after }, ...(after === undefined && !lostAny ? { complete: [objectType] } : {}) }
        if (after === undefined) return
      }
    },
  }
}

async function check(settings: Settings, context: StreamContext): Promise<CheckResult> {
  const account = z.object({ portalId: z.number(), uiDomain: z.string().optional() }).parse(
    await context.call({ what: 'GET /account-info/v3/details' }, (signal) => get(settings, '/account-info/v3/details', signal)),
  )
  const scopes = []
  for (const object of Object.keys(OBJECTS) as CrmObject[]) {
    const granted = await context.call({ what: `GET /crm/v3/objects/${object}` }, (signal) => get(settings, listPath(settings, object, undefined, 1), signal)).then(
      () => true,
      (error: unknown) => {
        if (error instanceof SourceError && error.sourceCode === 'E_HUBSPOT_FORBIDDEN') return false
        throw error
      },
    )
    scopes.push({ name: OBJECTS[object].scope, granted, neededBy: [object] })
  }
  return { identity: 'private app token', account: `HubSpot account ${account.portalId}${account.uiDomain ? ` (${account.uiDomain})` : ''}`, scopes }
}

/** Pure: a landed company or contact → canonical records, refs in the `hubspot` system. */
function normalize(record: LandedRecord): NormalizeResult {
  const parsed = crmRecord.safeParse(record.payload)
  if (!parsed.success) return { records: [], issues: [{ code: 'E_SCHEMA', message: parsed.error.issues[0]?.message ?? 'unexpected shape' }] }
  const { properties, updatedAt, associations } = parsed.data
  const value = (name: string): string | undefined => properties[name]?.trim() || undefined
  if (record.objectType === 'company') {
    const domain = value('domain')
    const organization: CanonicalRecord = {
      kind: 'organization',
      name: value('name'),
      domains: domain ? [domain] : [],
      website: value('website'),
      phone: value('phone'),
      industry: value('industry'),
      country: value('country'),
      internal: false,
      updatedAt,
    }
    return { records: [organization], issues: [] }
  }
  const email = value('email')
  const phone = value('phone')
  const company = associations?.companies?.results[0]
  const person: CanonicalRecord = {
    kind: 'person',
    name: { given: value('firstname'), family: value('lastname') },
    emails: email ? [{ address: email, type: 'work' }] : [],
    phones: phone ? [{ number: phone, type: 'work' }] : [],
    title: value('jobtitle'),
    organizationName: value('company'),
    ...(company ? { organizationRef: { system: SYSTEM, objectType: 'company', sourceId: company.id } } : {}),
    internal: false,
    externalIds: [],
    updatedAt,
  }
  if (!company) return { records: [person], issues: [] }
  // The association as an edge of the graph: this person works at that company.
  const worksAt: CanonicalRecord = {
    kind: 'link',
    linkType: 'works_at',
    from: { system: SYSTEM, objectType: 'contact', sourceId: record.sourceId },
    to: { system: SYSTEM, objectType: 'company', sourceId: company.id },
    attributes: {},
  }
  return { records: [person, worksAt], issues: [] }
}

export const connector: ApiConnector<Settings> = {
  system: SYSTEM,
  settings: hubspotSettings,
  open(settings): ApiSession {
    return {
      streams: [objectStream(settings, 'companies'), objectStream(settings, 'contacts')],
      check: (context) => check(settings, context),
      classify,
    }
  },
  normalize,
}
export default connector
