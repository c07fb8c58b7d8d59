import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken } from '../src/auth/tokens.ts'
import { openDatabase, type Database } from '../src/db/open-database.ts'
import { systemClock } from '../src/deps.ts'
import { createLogger } from '../src/logger.ts'
import { createHttpApp } from '../src/serve/http-app.ts'
import { startHttpServer, type HttpServer } from '../src/serve/start-http-server.ts'
import { runCliProcess } from './support/run-cli.ts'
import { cliDatabase, databaseTargets } from './support/test-databases.ts'

const SYSTEMS = ['salesforce', 'workday', 'google', 'slack']

interface Contact {
  Id: string
  Name: string
  Email: string
  Phone: string
}

interface Field {
  field: string
  value: string
  claims?: { value: string; masked?: boolean }[]
}

/** A JSON body as the tests read it: whatever shape the assertion expects. */
type JsonBody = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any -- asserting on the shape is the test

const scratch: string[] = []
afterAll(() => {
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true })
})

/**
 * A generated company, imported from all four systems and resolved through the real CLI, then served
 * in-process on the same database: the lookup's answers through HTTP, as a caller sees them.
 */
describe.each(databaseTargets())('HTTP lookup of a generated company on the $name database', (target) => {
  let cwd: string
  let drop: () => Promise<void> = async () => {}
  let database: Database
  let server: HttpServer
  let contacts: Contact[]
  let truth: Map<string, string>
  const tokens = { lookup: '', pii: '', lookupId: '' }

  beforeAll(async () => {
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-http-lookup-'))
    scratch.push(cwd)
    const cli = await cliDatabase(target)
    drop = cli.drop
    const run = async (...args: string[]) => {
      const result = await runCliProcess(args, { cwd, env: cli.env, timeoutMs: 180_000 })
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0)
    }
    await run('generate', 'company', '--people', '200', '--seed', '1', '--json')
    for (const system of SYSTEMS) await run('import', system, path.join('company', system), '--connection', `generated-${system}`, '--no-resolve', '--json')
    await run('resolve', '--json')

    contacts = parse(fs.readFileSync(path.join(cwd, 'company', 'salesforce', 'Contact.csv')), { columns: true })
    const people: { entity_id: string; system: string; object_type: string; source_id: string }[] = parse(
      fs.readFileSync(path.join(cwd, 'company', 'ground-truth', 'people.csv')),
      { columns: true },
    )
    truth = new Map(people.filter((row) => row.system === 'salesforce' && row.object_type === 'Contact').map((row) => [row.source_id, row.entity_id]))

    // The CLI processes have exited, so the embedded folder is free to open here.
    database = await openDatabase(cli.env.DATABASE_URL ? { mode: 'server', url: cli.env.DATABASE_URL } : { mode: 'embedded', dataDir: path.join(cwd, '.customer-graph') })
    const lookupOnly = await createToken(database.db, { name: 'agent', scopes: ['lookup'] })
    tokens.lookup = lookupOnly.token
    tokens.lookupId = lookupOnly.id
    tokens.pii = (await createToken(database.db, { name: 'support', scopes: ['lookup', 'pii'] })).token
    const deps = { db: database.db, clock: systemClock, logger: createLogger('silent') }
    server = await startHttpServer(createHttpApp(deps).fetch, { port: 0, host: '127.0.0.1', closeGraceMs: 100 })
  }, 600_000)
  afterAll(async () => {
    await server?.close()
    await database?.close()
    await drop()
  })

  async function get(pathAndQuery: string, token: string): Promise<{ status: number; body: JsonBody }> {
    const response = await fetch(`${server.url}${pathAndQuery}`, { headers: { Authorization: `Bearer ${token}` } })
    return { status: response.status, body: (await response.json()) as JsonBody }
  }

  /** A contact with an email and a phone that the generator gave no other contact. */
  function contactWithPhone(): Contact {
    const emails = new Map<string, number>()
    for (const contact of contacts) emails.set(contact.Email.toLowerCase(), (emails.get(contact.Email.toLowerCase()) ?? 0) + 1)
    const found = contacts.find((contact) => contact.Phone !== '' && contact.Email !== '' && emails.get(contact.Email.toLowerCase()) === 1)
    expect(found).toBeDefined()
    return found!
  }

  it('finds one person by email, and masks the phone for a token without the pii scope', async () => {
    const contact = contactWithPhone()
    const query = `/v1/customers/lookup?query=${encodeURIComponent(contact.Email)}&sections=profile`
    const masked = await get(query, tokens.lookup)
    expect(masked.status).toBe(200)
    expect(masked.body).toMatchObject({ status: 'found', query: { interpretedAs: 'email' }, profile: { kind: 'person', name: contact.Name } })
    const digits = contact.Phone.replace(/\D/g, '')
    const maskedFields: Field[] = masked.body.profile.fields
    const maskedPhones = maskedFields.filter((field) => field.field === 'phone')
    expect(maskedPhones.length).toBeGreaterThan(0)
    for (const field of maskedPhones) {
      expect(field.value).toMatch(/^\+?•+\d{2}$/)
      for (const claim of field.claims ?? []) expect(claim).toMatchObject({ masked: true })
    }
    expect(JSON.stringify(masked.body)).not.toContain(contact.Phone)

    const open = await get(query, tokens.pii)
    expect(open.body.profile.entityId).toBe(masked.body.profile.entityId)
    const openFields: Field[] = open.body.profile.fields
    const phones = openFields.filter((field) => field.field === 'phone').map((field) => field.value.replace(/\D/g, ''))
    expect(phones.some((phone) => phone.endsWith(digits.slice(-10)))).toBe(true)
  })

  it('answers ambiguous, with the candidates, for a name two different people share', async () => {
    const byName = new Map<string, Set<string>>()
    for (const contact of contacts) {
      const entity = truth.get(contact.Id)
      if (entity) byName.set(contact.Name, (byName.get(contact.Name) ?? new Set()).add(entity))
    }
    const shared = [...byName].find(([, entities]) => entities.size >= 2)
    expect(shared).toBeDefined()
    const [name, entities] = shared!
    for (const route of ['/v1/customers/find', '/v1/customers/lookup']) {
      const reply = await get(`${route}?query=${encodeURIComponent(name)}`, tokens.lookup)
      expect(reply.status).toBe(200)
      expect(reply.body.status, route).toBe('ambiguous')
      expect(reply.body.candidates.length).toBeGreaterThanOrEqual(entities.size)
      expect(reply.body.profile).toBeUndefined()
      for (const candidate of reply.body.candidates) expect(candidate).toMatchObject({ kind: 'person', name, matchedBy: 'name' })
    }
  })

  it('answers not_found for nobody, through POST as through GET', async () => {
    const response = await fetch(`${server.url}/v1/customers/lookup`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${tokens.lookup}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ query: 'nobody@no-such-company.com', budget: 512, detail: 'brief' }),
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ status: 'not_found', query: { text: 'nobody@no-such-company.com', interpretedAs: 'email' } })
    expect((await get('/v1/customers/find?query=nobody%40no-such-company.com', tokens.lookup)).body).toMatchObject({ status: 'not_found', candidates: [] })
  })

  it('pages activity for an entity a lookup found, and audits every call as the token over http', async () => {
    const contact = contactWithPhone()
    const profile = await get(`/v1/customers/lookup?query=${encodeURIComponent(contact.Email)}`, tokens.lookup)
    const entityId: string = profile.body.profile.entityId
    const meetings = await get(`/v1/customers/activity?entity_id=${entityId}&section=meetings&limit=2`, tokens.lookup)
    expect(meetings.status).toBe(200)
    expect(meetings.body).toMatchObject({ entityId, section: 'meetings' })
    expect(meetings.body.items.length).toBeLessThanOrEqual(2)

    const audit = await database.db.selectFrom('lookup_audit').select(['principal', 'surface', 'tool', 'status']).where('principal', '=', tokens.lookupId).execute()
    expect(audit.length).toBeGreaterThanOrEqual(5)
    expect(new Set(audit.map((row) => row.surface))).toEqual(new Set(['http']))
    expect(audit.map((row) => row.tool)).toEqual(expect.arrayContaining(['find_customer', 'customer_profile', 'customer_activity']))
  })
})
