import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { parse as parseCsv } from 'csv-parse/sync'
import { google } from 'googleapis'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startGoogleFake, type GoogleFake } from './google-fake.ts'
import { loadGoogleTenant } from './tenant.ts'

const run = promisify(execFile)
const repo = path.resolve(import.meta.dirname, '../../..')
let dir: string
let fake: GoogleFake
let now: number

/** Small gaxios delays: 1 ms first retry, then 0 (multiplier 1). */
const fastRetry = { retryConfig: { retry: 3, retryDelay: 1, retryDelayMultiplier: 1, noResponseRetries: 2 } }

function auth(credentials: { access_token: string; refresh_token?: string } = { access_token: 'ya29.fake-access-token' }) {
  const client = new google.auth.OAuth2({ clientId: 'cid', clientSecret: 'secret', endpoints: { oauth2TokenUrl: fake.tokenUrl } })
  client.setCredentials(credentials)
  return client
}

const api = (credentials?: { access_token: string; refresh_token?: string }) => {
  const client = auth(credentials)
  return {
    admin: google.admin({ version: 'directory_v1', auth: client, rootUrl: fake.rootUrl, ...fastRetry }),
    people: google.people({ version: 'v1', auth: client, rootUrl: fake.rootUrl, ...fastRetry }),
    calendar: google.calendar({ version: 'v3', auth: client, rootUrl: fake.rootUrl, ...fastRetry }),
  }
}

/** The GaxiosError a call throws (fails the test when the call succeeds). */
/** What the tests read of a GaxiosError: the HTTP status and Google's error body. */
interface ApiFailure {
  status?: number
  response?: { data: { error: { code: number; status?: string; message: string; errors?: Record<string, unknown>[]; details?: Record<string, unknown>[] } } }
}

async function failure(promise: Promise<unknown>): Promise<ApiFailure> {
  try {
    await promise
  } catch (error) {
    return error as ApiFailure
  }
  throw new Error('expected the call to fail')
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'google-fake-'))
  await run(process.execPath, [path.join(repo, 'bin/customer-graph.js'), 'generate', dir, '--people', '200', '--seed', '1'], { cwd: repo })
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

beforeEach(async () => {
  now = Date.parse('2026-12-01T00:00:00Z')
  const tenant = await loadGoogleTenant(path.join(dir, 'google'), { clock: () => now })
  fake = await startGoogleFake({ tenant, client: { id: 'cid', secret: 'secret' } })
})

afterEach(async () => {
  await fake.close()
})

describe('Directory users', () => {
  it('pages through exactly the users of users.csv, with ids stable across loads', async () => {
    const { admin } = api()
    const emails: string[] = []
    let pageToken: string | undefined
    let pages = 0
    do {
      const { data } = await admin.users.list({ customer: 'my_customer', maxResults: 10, pageToken, orderBy: 'email' })
      expect(data.kind).toBe('admin#directory#users')
      expect(data.etag).toMatch(/^".+"$/)
      for (const user of data.users ?? []) emails.push(user.primaryEmail!)
      pageToken = data.nextPageToken ?? undefined
      pages += 1
    } while (pageToken)
    const rows = parseCsv<Record<string, string>>(await readFile(path.join(dir, 'google/users.csv'), 'utf8'), { columns: true })
    const expected = rows.map((row) => row['Email Address [Required]']!).sort()
    expect(emails).toEqual(expected)
    expect(pages).toBe(Math.ceil(expected.length / 10))

    const first = rows[1]!
    const { data: user } = await admin.users.get({ userKey: first['Email Address [Required]']! })
    expect(user).toMatchObject({
      kind: 'admin#directory#user',
      primaryEmail: first['Email Address [Required]'],
      name: { givenName: first['First Name [Required]'], familyName: first['Last Name [Required]'] },
      externalIds: [{ type: 'organization', value: first['Employee ID'] }],
      relations: [{ type: 'manager', value: first['Manager Email'] }],
      orgUnitPath: first['Org Unit Path [Required]'],
      suspended: false,
    })
    expect(user.id).toMatch(/^1\d{20}$/)
    const again = await loadGoogleTenant(path.join(dir, 'google'), { clock: () => now })
    expect(again.findUser(user.primaryEmail!)?.resource.id).toBe(user.id)
    expect((await admin.users.get({ userKey: user.id! })).data.primaryEmail).toBe(user.primaryEmail)
  })

  it('repeatPage delivers one page twice under a new page token, once', async () => {
    const { admin } = api()
    fake.state.repeatPage('users', 2)
    const pages: string[][] = []
    const tokens: string[] = []
    let pageToken: string | undefined
    do {
      const { data } = await admin.users.list({ customer: 'my_customer', maxResults: 10, pageToken, orderBy: 'email' })
      pages.push((data.users ?? []).map((user) => user.primaryEmail!))
      pageToken = data.nextPageToken ?? undefined
      if (pageToken) tokens.push(pageToken)
    } while (pageToken)
    expect(pages[2]).toEqual(pages[1])
    expect(pages[3]).not.toEqual(pages[1])
    expect(new Set(tokens).size).toBe(tokens.length)
    expect(new Set(pages.flat()).size).toBe(pages.flat().length - 10)
    expect(fake.state.pendingRepeats).toBe(0)
  })

  it('requires customer or domain, bounds maxResults, and lists deleted users only with showDeleted', async () => {
    const { admin } = api()
    const missing = await failure(admin.users.list({}))
    expect(missing.status).toBe(400)
    expect(missing.response?.data.error.errors?.[0]).toMatchObject({ domain: 'global', reason: 'badRequest' })
    expect((await failure(admin.users.list({ customer: 'my_customer', maxResults: 501 }))).status).toBe(400)

    const target = [...fake.state.tenant.users.values()][3]!.resource
    fake.state.tenant.deleteUser(target.primaryEmail)
    const live = await admin.users.list({ customer: 'my_customer', maxResults: 500 })
    expect(live.data.users?.map((user) => user.primaryEmail)).not.toContain(target.primaryEmail)
    const deleted = await admin.users.list({ customer: 'my_customer', showDeleted: 'true' })
    expect(deleted.data.users).toEqual([expect.objectContaining({ primaryEmail: target.primaryEmail, deletionTime: '2026-12-01T00:00:00.000Z' })])
    expect((await failure(admin.users.get({ userKey: target.primaryEmail }))).status).toBe(404)
  })
})

describe('People connections and otherContacts', () => {
  const personFields = 'names,emailAddresses,phoneNumbers,organizations,metadata'

  it('full sync with requestSyncToken, then an incremental sync returns only the change and the deletion', async () => {
    const { people } = api()
    const seen: string[] = []
    let pageToken: string | undefined
    let syncToken: string | undefined
    do {
      const { data } = await people.people.connections.list({ resourceName: 'people/me', personFields, pageSize: 5, requestSyncToken: true, pageToken })
      for (const person of data.connections ?? []) seen.push(person.resourceName!)
      if (data.nextPageToken) expect(data.nextSyncToken).toBeUndefined()
      pageToken = data.nextPageToken ?? undefined
      syncToken = data.nextSyncToken ?? undefined
    } while (pageToken)
    expect(syncToken).toBeTruthy()
    expect(seen).toHaveLength(fake.state.tenant.contacts.size)
    expect(seen.every((name) => /^people\/c\d{19}$/.test(name))).toBe(true)

    now += 60_000
    const [changed, removed] = [seen[2]!, seen[4]!]
    fake.state.tenant.upsertContact({ resourceName: changed, organizations: [{ name: 'New Co', title: 'CEO' }] })
    fake.state.tenant.deleteContact(removed)
    const { data } = await people.people.connections.list({ resourceName: 'people/me', personFields, requestSyncToken: true, syncToken })
    expect(data.connections?.map((person) => person.resourceName)).toEqual([changed, removed])
    expect(data.connections?.[0]).toMatchObject({ organizations: [{ name: 'New Co', title: 'CEO' }], metadata: { sources: [{ type: 'CONTACT', updateTime: '2026-12-01T00:01:00.000Z' }] } })
    expect(data.connections?.[1]).toMatchObject({ resourceName: removed, metadata: { deleted: true } })
    expect(data.nextSyncToken).toBeTruthy()

    const quiet = await people.people.connections.list({ resourceName: 'people/me', personFields, requestSyncToken: true, syncToken: data.nextSyncToken! })
    expect(quiet.data.connections).toBeUndefined()
  })

  it('answers 400 without personFields, and FAILED_PRECONDITION EXPIRED_SYNC_TOKEN for an expired token', async () => {
    const { people } = api()
    const noMask = await failure(people.people.connections.list({ resourceName: 'people/me' }))
    expect(noMask.status).toBe(400)
    expect(noMask.response?.data.error.status).toBe('INVALID_ARGUMENT')

    const first = await people.people.connections.list({ resourceName: 'people/me', personFields, pageSize: 1000, requestSyncToken: true })
    fake.state.expireSyncTokens()
    const expired = await failure(people.people.connections.list({ resourceName: 'people/me', personFields, requestSyncToken: true, syncToken: first.data.nextSyncToken! }))
    expect(expired.status).toBe(400)
    expect(expired.response?.data.error).toMatchObject({
      code: 400,
      status: 'FAILED_PRECONDITION',
      details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'EXPIRED_SYNC_TOKEN' }],
    })
    // Tokens also expire by age (7 days).
    const fresh = await people.people.connections.list({ resourceName: 'people/me', personFields, pageSize: 1000, requestSyncToken: true })
    now += 8 * 24 * 3600 * 1000
    expect((await failure(people.people.connections.list({ resourceName: 'people/me', personFields, requestSyncToken: true, syncToken: fresh.data.nextSyncToken! }))).status).toBe(400)

    // Other parameters must match the first call.
    const paged = await people.people.connections.list({ resourceName: 'people/me', personFields, pageSize: 2 })
    const mismatch = await failure(people.people.connections.list({ resourceName: 'people/me', personFields: 'names', pageSize: 2, pageToken: paged.data.nextPageToken! }))
    expect(mismatch.status).toBe(400)
  })

  it('lists other contacts (event attendees who are neither users nor contacts) with readMask', async () => {
    const { people } = api()
    const { data } = await people.otherContacts.list({ readMask: 'emailAddresses,names', pageSize: 1000 })
    expect(data.totalSize).toBe(fake.state.tenant.otherContacts.size)
    for (const contact of data.otherContacts ?? []) {
      expect(contact.resourceName).toMatch(/^otherContacts\/c\d{19}$/)
      expect(Object.keys(contact).sort()).toEqual(expect.arrayContaining(['emailAddresses', 'etag', 'resourceName']))
      expect(contact.metadata).toBeUndefined()
    }
    expect((await failure(people.otherContacts.list({ readMask: 'organizations' }))).status).toBe(400)
  })
})

describe('Calendar events', () => {
  it('lists the events of calendar.ics by iCalUID, then syncs changes and cancellations; an invalidated token gives 410', async () => {
    const { calendar } = api()
    const items: { id?: string | null; iCalUID?: string | null; status?: string | null }[] = []
    let pageToken: string | undefined
    let syncToken: string | undefined
    do {
      const { data } = await calendar.events.list({ calendarId: 'primary', maxResults: 7, pageToken })
      items.push(...(data.items ?? []))
      if (data.nextPageToken) expect(data.nextSyncToken).toBeUndefined()
      pageToken = data.nextPageToken ?? undefined
      syncToken = data.nextSyncToken ?? undefined
    } while (pageToken)
    const ics = await readFile(path.join(dir, 'google/calendar.ics'), 'utf8')
    const uids = [...ics.replace(/\r?\n /g, '').matchAll(/^UID:(.+)$/gm)].map((match) => match[1]!.trim())
    expect(items.map((item) => item.iCalUID)).toEqual(uids)
    const exception = (await calendar.events.list({ calendarId: 'primary', maxResults: 2500 })).data.items!.find((item) => item.recurringEventId)!
    const utcBasic = new Date(exception.originalStartTime!.dateTime!).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')
    expect(exception.id).toBe(`${exception.recurringEventId}_${utcBasic}`)
    expect(exception.originalStartTime?.dateTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/)

    now += 60_000
    const [changed, removed] = [items[0]!.id!, items[5]!.id!]
    fake.state.tenant.upsertEvent({ id: changed, summary: 'Renamed' })
    fake.state.tenant.deleteEvent(removed)
    const { data } = await calendar.events.list({ calendarId: 'primary', syncToken })
    expect(data.items?.map((item) => [item.id, item.status])).toEqual([
      [changed, 'confirmed'],
      [removed, 'cancelled'],
    ])
    expect(data.items?.[0]?.summary).toBe('Renamed')
    expect(data.nextSyncToken).toBeTruthy()

    const clash = await failure(calendar.events.list({ calendarId: 'primary', syncToken: data.nextSyncToken!, timeMin: '2026-01-01T00:00:00Z' }))
    expect(clash.status).toBe(400)
    fake.state.invalidateCalendarSyncTokens()
    const gone = await failure(calendar.events.list({ calendarId: 'primary', syncToken: data.nextSyncToken! }))
    expect(gone.status).toBe(410)
    expect(gone.response?.data.error.errors?.[0]).toMatchObject({ domain: 'global', reason: 'fullSyncRequired' })
    // 410 is not retried by gaxios.
    expect(fake.state.callsOf('calendar').filter((call) => call.status === 410)).toHaveLength(1)
  })

  it('expands recurring events with singleEvents and filters by timeMin/timeMax', async () => {
    const { calendar } = api()
    const all = (await calendar.events.list({ calendarId: 'primary', maxResults: 2500 })).data.items!
    const master = all.find((item) => item.recurrence?.some((line) => line.includes('COUNT=11')))!
    const count = 11
    const { data } = await calendar.events.list({ calendarId: 'primary', singleEvents: true, orderBy: 'startTime', maxResults: 2500 })
    const instances = data.items!.filter((item) => item.recurringEventId === master.id)
    expect(instances).toHaveLength(count)
    expect(instances[0]!.start).toEqual(master.start)
    expect(data.items!.some((item) => item.recurrence)).toBe(false)
    const starts = data.items!.map((item) => Date.parse(item.start!.dateTime ?? `${item.start!.date}T00:00:00Z`))
    expect(starts).toEqual([...starts].sort((a, b) => a - b))

    const windowed = await calendar.events.list({ calendarId: 'primary', singleEvents: true, timeMin: '2026-09-01T00:00:00Z', timeMax: '2026-10-01T00:00:00Z', maxResults: 2500 })
    expect(windowed.data.items!.length).toBeGreaterThan(0)
    expect(windowed.data.items!.length).toBeLessThan(data.items!.length)
    for (const item of windowed.data.items!) expect(Date.parse(item.start!.dateTime ?? `${item.start!.date}T00:00:00Z`)).toBeLessThan(Date.parse('2026-10-01T00:00:00Z'))
  })
})

describe('faults, retries and auth', () => {
  it('403 userRateLimitExceeded is not retried; 429 and 5xx are retried (counted in the call log)', async () => {
    const { admin, people, calendar } = api()
    fake.state.inject('directory', { type: 'rate_limit', reason: 'userRateLimitExceeded' })
    const limited = await failure(admin.users.list({ customer: 'my_customer' }))
    expect(limited.status).toBe(403)
    expect(limited.response?.data.error.errors?.[0]).toMatchObject({ domain: 'usageLimits', reason: 'userRateLimitExceeded' })
    expect(fake.state.callsOf('directory').map((call) => call.outcome)).toEqual(['fault:rate_limit'])

    fake.state.inject('people', { type: 'resource_exhausted' }, 2)
    const { data } = await people.people.connections.list({ resourceName: 'people/me', personFields: 'names' })
    expect(data.connections?.length).toBeGreaterThan(0)
    expect(fake.state.callsOf('people').map((call) => call.status)).toEqual([429, 429, 200])

    fake.state.inject('calendar', { type: 'server_error', status: 503 }, 4)
    expect((await failure(calendar.events.list({ calendarId: 'primary' }))).status).toBe(503)
    expect(fake.state.callsOf('calendar')).toHaveLength(4) // 1 + retry: 3
    expect(fake.state.callsOf('calendar')[0]!.params).toEqual({})
  })

  it('a reset, a truncated body and a timed-out hang are retried as "no response" errors (noResponseRetries)', async () => {
    const { admin } = api()
    const outcomes = () => fake.state.callsOf('directory').map((call) => call.outcome)
    fake.state.inject('directory', { type: 'reset' })
    expect((await admin.users.list({ customer: 'my_customer' })).data.users?.length).toBeGreaterThan(0)
    expect(outcomes()).toEqual(['fault:reset', 'ok'])

    // The body read fails inside gaxios' request, so the cut-off response is retried too.
    fake.state.inject('directory', { type: 'truncated' })
    expect((await admin.users.list({ customer: 'my_customer' })).data.kind).toBe('admin#directory#users')
    expect(outcomes().slice(2)).toEqual(['fault:truncated', 'ok'])

    // SDK quirk: a per-call `retry: false` does not beat the API-level retryConfig; the timeout is retried.
    fake.state.inject('directory', { type: 'hang' })
    await admin.users.list({ customer: 'my_customer' }, { timeout: 200, retry: false })
    expect(outcomes().slice(4)).toEqual(['fault:hang', 'ok'])

    // A per-call retryConfig does replace it: then each fault surfaces as an error.
    fake.state.inject('directory', { type: 'truncated' })
    await expect(admin.users.list({ customer: 'my_customer' }, { retryConfig: { retry: 0, noResponseRetries: 0 } })).rejects.toThrow()
    fake.state.inject('directory', { type: 'hang' })
    await expect(admin.users.list({ customer: 'my_customer' }, { timeout: 200, retryConfig: { retry: 0, noResponseRetries: 0 } })).rejects.toThrow()
    expect(outcomes().slice(6)).toEqual(['fault:truncated', 'fault:hang'])
  })

  it('401 with a refresh token refreshes once against the token endpoint; the log holds no tokens', async () => {
    const { admin } = api({ access_token: 'ya29.stale', refresh_token: '1//fake-refresh-token' })
    const { data } = await admin.users.list({ customer: 'my_customer', maxResults: 1 })
    expect(data.users).toHaveLength(1)
    expect(fake.state.calls.map((call) => `${call.api}:${call.status}`)).toEqual(['directory:401', 'token:200', 'directory:200'])
    const tokenCall = fake.state.callsOf('token')[0]!
    expect(tokenCall.params).toEqual({ grant_type: 'refresh_token', client_id: 'cid' })
    expect(JSON.stringify(fake.state.calls)).not.toMatch(/ya29|1\/\/fake/)

    // Without a refresh token a 401 is final; with a revoked refresh token the refresh fails.
    const plain = api({ access_token: 'ya29.stale' })
    const denied = await failure(plain.admin.users.list({ customer: 'my_customer' }))
    expect(denied.status).toBe(401)
    expect(denied.response?.data.error.errors?.[0]).toMatchObject({ reason: 'authError', location: 'Authorization' })
    fake.state.refreshTokens.clear()
    const revoked = api({ access_token: 'ya29.stale', refresh_token: '1//fake-refresh-token' })
    await expect(revoked.admin.users.list({ customer: 'my_customer' })).rejects.toThrow(/invalid_grant/)
  })

  it('SDK quirk: a 403 rate-limit answer with a refresh token set triggers a token refresh and one repeat', async () => {
    const { admin } = api({ access_token: 'ya29.fake-access-token', refresh_token: '1//fake-refresh-token' })
    fake.state.inject('directory', { type: 'rate_limit', reason: 'quotaExceeded' }, 2)
    expect((await failure(admin.users.list({ customer: 'my_customer' }))).status).toBe(403)
    expect(fake.state.calls.map((call) => `${call.api}:${call.status}`)).toEqual(['directory:403', 'token:200', 'directory:403'])
  })

  it('answers 403 insufficient scope for a listing whose scope the token lacks, in each API\'s error format', async () => {
    fake.state.grantedScopes.delete('https://www.googleapis.com/auth/contacts.other.readonly')
    fake.state.grantedScopes.delete('https://www.googleapis.com/auth/calendar.readonly')
    const { admin, people, calendar } = api()
    expect((await admin.users.list({ customer: 'my_customer', maxResults: 1 })).data.users).toHaveLength(1)
    expect((await people.people.connections.list({ resourceName: 'people/me', personFields: 'names', pageSize: 1 })).status).toBe(200)
    const other = await failure(people.otherContacts.list({ readMask: 'names' }))
    expect(other.status).toBe(403)
    expect(other.response?.data.error).toMatchObject({ status: 'PERMISSION_DENIED', details: [{ reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT' }] })
    const events = await failure(calendar.events.list({ calendarId: 'primary' }))
    expect(events.response?.data.error.errors?.[0]).toMatchObject({ reason: 'insufficientPermissions' })
    // A broader scope covers the narrow one.
    fake.state.grantedScopes.add('https://www.googleapis.com/auth/calendar')
    expect((await calendar.events.list({ calendarId: 'primary', maxResults: 1 })).status).toBe(200)
  })
})
