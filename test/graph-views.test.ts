import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parse } from 'csv-parse/sync'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../src/db/open-database.ts'
import { EXAMPLE_QUERIES } from '../src/db/schema-doc.ts'
import type { ImportReport } from '../src/pipeline/run-import.ts'
import { runCliProcess } from './support/run-cli.ts'
import { cliDatabase, databaseTargets } from './support/test-databases.ts'

// The views are checked against what the generated company's export files say (which contact works
// at which account, who owns the account, who organised which meeting) and against the graph's own
// tables, never against themselves.

type CsvRow = Record<string, string>

function readCsv(file: string): CsvRow[] {
  return parse<CsvRow>(fs.readFileSync(file), { columns: true, bom: true })
}

interface CalendarEvent {
  summary: string
  organizer: string | undefined
  attendees: string[]
}

/** The VEVENTs of an .ics file: summary, organizer and attendee addresses (lower case). */
function readCalendar(file: string): CalendarEvent[] {
  const unfolded = fs.readFileSync(file, 'utf8').replace(/\r?\n[ \t]/g, '')
  return unfolded
    .split('BEGIN:VEVENT')
    .slice(1)
    .map((block) => {
      const lines = block.split(/\r?\n/)
      const mailto = (prefix: string) =>
        lines.filter((line) => line.startsWith(prefix)).map((line) => line.slice(line.toLowerCase().lastIndexOf('mailto:') + 7).toLowerCase())
      return {
        summary: lines.find((line) => line.startsWith('SUMMARY:'))?.slice('SUMMARY:'.length) ?? '',
        organizer: mailto('ORGANIZER')[0],
        attendees: mailto('ATTENDEE'),
      }
    })
}

const isLive = (row: CsvRow) => row.IsDeleted !== 'true'

describe.each(databaseTargets())('graph views over a generated company on the $name database', (target) => {
  let cwd: string
  let company: string
  let env: Record<string, string> = {}
  let drop: () => Promise<void> = () => Promise.resolve()
  let database: Database
  /** Two contacts at different accounts that the test links into one person. */
  let linked: [CsvRow, CsvRow]

  beforeAll(async () => {
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-views-'))
    company = path.join(cwd, 'company')
    const cli = await cliDatabase(target)
    env = cli.env
    drop = cli.drop
    const generated = await runCliProcess(['generate', company, '--people', '200', '--seed', '1', '--json'], { cwd })
    expect({ code: generated.code, stderr: generated.stderr }).toEqual({ code: 0, stderr: '' })
    for (const system of ['salesforce', 'workday', 'google', 'slack']) {
      const result = await runCliProcess(['import', system, path.join(company, system), '--json'], { cwd, env, timeoutMs: 120_000 })
      expect({ system, code: result.code, stderr: result.stderr }).toEqual({ system, code: 0, stderr: '' })
      const report = JSON.parse(result.stdout) as ImportReport
      expect({ system, rejected: report.records.rejected }).toEqual({ system, rejected: 0 })
    }
    const contacts = readCsv(path.join(company, 'salesforce', 'Contact.csv')).filter((row) => isLive(row) && row.AccountId)
    const first = contacts[0]!
    linked = [first, contacts.find((row) => row.AccountId !== first.AccountId)!]
    const link = await runCliProcess(
      ['link', `salesforce:Contact:${linked[0].Id}`, `salesforce:Contact:${linked[1].Id}`, '--json'],
      { cwd, env, timeoutMs: 120_000 },
    )
    expect({ code: link.code, stderr: link.stderr }).toEqual({ code: 0, stderr: '' })
    database = await openDatabase(env.DATABASE_URL ? { mode: 'server', url: env.DATABASE_URL } : { mode: 'embedded', dataDir: path.join(cwd, '.customer-graph') })
  }, 600_000)

  afterAll(async () => {
    await database?.close()
    await drop()
    fs.rmSync(cwd, { recursive: true, force: true })
  })

  /** The entity a record belongs to, read from the membership table. */
  async function entityOf(system: string, objectType: string, sourceId: string, kind: 'person' | 'organization'): Promise<string> {
    const row = await database.db
      .selectFrom('entity_members as m')
      .innerJoin('source_records as s', 's.id', 'm.source_record_id')
      .select('m.entity_id')
      .where('s.system', '=', system as 'salesforce')
      .where('s.object_type', '=', objectType)
      .where('s.source_id', '=', sourceId)
      .where('m.entity_kind', '=', kind)
      .executeTakeFirstOrThrow(() => new Error(`no ${kind} entity for ${system}:${objectType}:${sourceId}`))
    return row.entity_id
  }

  async function entityRow(id: string) {
    return database.db.selectFrom('entities').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
  }

  it("shows each contact's account among its organisations, and exactly the internal owners of its organisations' accounts", async () => {
    const accounts = new Map(readCsv(path.join(company, 'salesforce', 'Account.csv')).filter(isLive).map((row) => [row.Id!, row]))
    // Each organisation's internal account owners, from the export: Account.OwnerId → the User's person.
    const ownersOf = new Map<string, Set<string>>()
    for (const account of accounts.values()) {
      const organization = await entityOf('salesforce', 'Account', account.Id!, 'organization')
      const owners = ownersOf.get(organization) ?? new Set<string>()
      ownersOf.set(organization, owners)
      const owner = await entityRow(await entityOf('salesforce', 'User', account.OwnerId!, 'person'))
      if (owner.is_internal === true) owners.add(owner.id)
    }
    const contacts = readCsv(path.join(company, 'salesforce', 'Contact.csv')).filter((row) => isLive(row) && accounts.has(row.AccountId!))
    expect(contacts.length).toBeGreaterThan(100)
    let owned = 0
    for (const contact of contacts) {
      const person = await entityOf('salesforce', 'Contact', contact.Id!, 'person')
      const organization = await entityRow(await entityOf('salesforce', 'Account', contact.AccountId!, 'organization'))
      const row = await database.db.selectFrom('people').selectAll().where('entity_id', '=', person).executeTakeFirstOrThrow()
      const at = row.organization_ids.indexOf(organization.id)
      expect({ contact: contact.Id, at: at >= 0 }).toEqual({ contact: contact.Id, at: true })
      expect(row.organizations[at]).toBe(organization.display_name)
      const expected = [...new Set(row.organization_ids.flatMap((id) => [...(ownersOf.get(id) ?? [])]))].sort()
      expect({ contact: contact.Id, owners: [...row.owner_ids].sort() }).toEqual({ contact: contact.Id, owners: expected })
      for (const [index, id] of row.owner_ids.entries()) expect(row.owners[index]).toBe((await entityRow(id)).display_name)
      if (expected.length > 0) owned++
    }
    expect(owned).toBeGreaterThan(100)
  })

  it('lists organisations and owners once each, sorted by name, in step with their ids', async () => {
    const people = await database.db.selectFrom('people').selectAll().execute()
    for (const person of people) {
      expect(person.organizations).toHaveLength(person.organization_ids.length)
      expect(new Set(person.organization_ids).size).toBe(person.organization_ids.length)
      expect(person.organizations).toEqual([...person.organizations].sort((a, b) => (a! < b! ? -1 : a! > b! ? 1 : 0)))
      expect(person.owners).toHaveLength(person.owner_ids.length)
      expect(new Set(person.owner_ids).size).toBe(person.owner_ids.length)
    }
    // The linked person works at both accounts of the two contacts.
    const survivor = await entityOf('salesforce', 'Contact', linked[0].Id!, 'person')
    const row = await database.db.selectFrom('people').selectAll().where('entity_id', '=', survivor).executeTakeFirstOrThrow()
    const accounts = await Promise.all(linked.map((contact) => entityOf('salesforce', 'Account', contact.AccountId!, 'organization')))
    expect(row.organization_ids).toEqual(expect.arrayContaining(accounts))
  })

  it("counts an organisation's people as its works_at edges from live people", async () => {
    const edges = await database.db
      .selectFrom('edges as w')
      .innerJoin('entities as p', 'p.id', 'w.from_entity_id')
      .select(['w.to_entity_id', 'w.from_entity_id'])
      .where('w.kind', '=', 'works_at')
      .where('p.kind', '=', 'person')
      .where('p.redirect_to', 'is', null)
      .execute()
    const expected = new Map<string, Set<string>>()
    for (const edge of edges) expected.set(edge.to_entity_id, (expected.get(edge.to_entity_id) ?? new Set()).add(edge.from_entity_id))
    const organizations = await database.db.selectFrom('organizations').select(['entity_id', 'people_count']).execute()
    expect(organizations.length).toBeGreaterThan(5)
    for (const organization of organizations) {
      expect({ organization: organization.entity_id, people: organization.people_count }).toEqual({
        organization: organization.entity_id,
        people: expected.get(organization.entity_id)?.size ?? 0,
      })
    }
    // Edges to several of the same person count once: more edges than people somewhere.
    expect(edges.length).toBeGreaterThan(organizations.reduce((sum, organization) => sum + organization.people_count, 0))
    // Every live contact of an account is among the account's people.
    const contacts = readCsv(path.join(company, 'salesforce', 'Contact.csv')).filter((row) => isLive(row) && row.AccountId)
    const account = contacts[0]!.AccountId!
    const persons = new Set(await Promise.all(contacts.filter((row) => row.AccountId === account).map((row) => entityOf('salesforce', 'Contact', row.Id!, 'person'))))
    const organization = await entityOf('salesforce', 'Account', account, 'organization')
    const row = await database.db.selectFrom('organizations').select('people_count').where('entity_id', '=', organization).executeTakeFirstOrThrow()
    expect(row.people_count).toBeGreaterThanOrEqual(persons.size)
    expect(persons.size).toBeGreaterThan(1)
  })

  it('lists the meetings a person organised and attended in the calendar, and the Salesforce events naming a contact', async () => {
    const events = readCalendar(path.join(company, 'google', 'calendar.ics'))
    const byOrganizer = Map.groupBy(events.filter((event) => event.organizer), (event) => event.organizer!)
    const [organizer, organized] = [...byOrganizer].sort(([a, x], [b, y]) => y.length - x.length || (a < b ? -1 : 1))[0]!
    expect(organized.length).toBeGreaterThan(1)
    const found = await database.db.selectFrom('people').select(['entity_id', 'last_activity_at']).where(sql<boolean>`${organizer} = any(emails)`).execute()
    expect(found).toHaveLength(1)
    const person = found[0]!.entity_id
    const meetings = await database.db
      .selectFrom('entity_activity')
      .select(['activity_id', 'title', 'role', 'occurred_at'])
      .where('entity_id', '=', person)
      .where('kind', '=', 'meeting')
      .where('system', '=', 'google')
      .execute()
    const titles = (role: string) => meetings.filter((meeting) => meeting.role === role).map((meeting) => meeting.title).sort()
    expect(titles('organizer')).toEqual(organized.map((event) => event.summary).sort())
    expect(titles('attendee')).toEqual(events.filter((event) => event.attendees.includes(organizer)).map((event) => event.summary).sort())
    const newest = Math.max(...meetings.map((meeting) => meeting.occurred_at.getTime()))
    expect(found[0]!.last_activity_at!.getTime()).toBeGreaterThanOrEqual(newest)

    const salesforceEvents = readCsv(path.join(company, 'salesforce', 'Event.csv')).filter((row) => isLive(row) && row.WhoId)
    expect(salesforceEvents.length).toBeGreaterThan(0)
    for (const event of salesforceEvents) {
      const objectType = event.WhoId!.startsWith('00Q') ? 'Lead' : 'Contact'
      const who = await entityOf('salesforce', objectType, event.WhoId!, 'person')
      const rows = await database.db
        .selectFrom('entity_activity')
        .select(['kind', 'title', 'role', 'object_type', 'source_id', 'occurred_at'])
        .where('entity_id', '=', who)
        .where('source_id', '=', event.WhoId!)
        .where('title', '=', event.Subject!)
        .execute()
      expect(rows).toContainEqual({ kind: 'meeting', title: event.Subject, role: 'related', object_type: objectType, source_id: event.WhoId, occurred_at: new Date(event.StartDateTime!) })
    }
  })

  it('never shows a merged-away entity, and shows its records under the survivor', async () => {
    const survivor = await entityOf('salesforce', 'Contact', linked[0].Id!, 'person')
    expect(await entityOf('salesforce', 'Contact', linked[1].Id!, 'person')).toBe(survivor)
    const mergedAway = await database.db.selectFrom('entities').select(['id', 'kind', 'redirect_to']).where('redirect_to', 'is not', null).execute()
    expect(mergedAway.map((entity) => entity.redirect_to)).toContain(survivor)
    const ids = mergedAway.map((entity) => entity.id)
    expect(await database.db.selectFrom('people').select('entity_id').where('entity_id', 'in', ids).execute()).toEqual([])
    expect(await database.db.selectFrom('organizations').select('entity_id').where('entity_id', 'in', ids).execute()).toEqual([])
    expect(await database.db.selectFrom('entity_records').select('entity_id').where('entity_id', 'in', ids).execute()).toEqual([])

    const live = await database.db.selectFrom('entities').select(['kind']).select(sql<number>`count(*)::int`.as('count'))
      .where('redirect_to', 'is', null).where('kind', 'in', ['person', 'organization']).groupBy('kind').orderBy('kind').execute()
    const shown = [
      { kind: 'organization', count: (await database.db.selectFrom('organizations').select(sql<number>`count(*)::int`.as('count')).executeTakeFirstOrThrow()).count },
      { kind: 'person', count: (await database.db.selectFrom('people').select(sql<number>`count(*)::int`.as('count')).executeTakeFirstOrThrow()).count },
    ]
    expect(shown).toEqual(live)

    const records = await database.db.selectFrom('entity_records').selectAll().where('entity_id', '=', survivor).where('entity_kind', '=', 'person').execute()
    expect(records.filter((record) => record.object_type === 'Contact').map((record) => record.source_id).sort()).toEqual(linked.map((contact) => contact.Id).sort())
    expect(records.map((record) => record.rule)).toContain('override')
    const person = await database.db.selectFrom('people').selectAll().where('entity_id', '=', survivor).executeTakeFirstOrThrow()
    const liveRecords = records.filter((record) => !record.deleted)
    expect(person.record_count).toBe(liveRecords.length)
    expect(person.systems).toEqual([...new Set(liveRecords.map((record) => record.system))].sort())
  })

  it('gives each person the emails of its records, generic mailboxes left out, and the title of its newest record', async () => {
    const contacts = readCsv(path.join(company, 'salesforce', 'Contact.csv')).filter((row) => isLive(row) && row.Email && row.Title)
    const contact = contacts.find((row) => !linked.some((other) => other.Id === row.Id))!
    const person = await entityOf('salesforce', 'Contact', contact.Id!, 'person')
    const row = await database.db.selectFrom('people').selectAll().where('entity_id', '=', person).executeTakeFirstOrThrow()
    expect(row.emails).toContain(contact.Email!.trim().toLowerCase())
    expect(row.emails).toContain(row.primary_email)
    const keys = await database.db.selectFrom('identifiers').select(['kind', 'value', 'is_generic']).where('entity_id', '=', person).execute()
    expect(row.emails).toEqual([...new Set(keys.filter((key) => key.kind === 'email' && !key.is_generic).map((key) => key.value))].sort())
    const generic = await database.db.selectFrom('identifiers').select(['entity_id', 'value']).where('kind', '=', 'email').where('is_generic', '=', true).execute()
    expect(generic.length).toBeGreaterThan(0)
    for (const key of generic) {
      const shown = await database.db.selectFrom('people').select('emails').where('entity_id', '=', key.entity_id).executeTakeFirst()
      expect(shown?.emails ?? []).not.toContain(key.value)
    }
    // A contact alone in its entity has its own title; an employee takes the newest of their records'.
    const alone = await database.db.selectFrom('people').select(['entity_id', 'title']).where('record_count', '=', 1).where(sql<boolean>`systems = array['salesforce']`).execute()
    const titled = new Map(contacts.map((row) => [row.Id!, row.Title!]))
    let checked = 0
    for (const person of alone) {
      const records = await database.db.selectFrom('entity_records').select(['object_type', 'source_id']).where('entity_id', '=', person.entity_id).execute()
      const title = records.length === 1 && records[0]!.object_type === 'Contact' ? titled.get(records[0]!.source_id) : undefined
      if (title === undefined) continue
      expect(person.title).toBe(title)
      checked++
    }
    expect(checked).toBeGreaterThan(10)
  })

  it('answers a point query by entity_id through indexes only', async () => {
    const person = await entityOf('salesforce', 'Contact', linked[0].Id!, 'person')
    const organization = await entityOf('salesforce', 'Account', linked[0].AccountId!, 'organization')
    const queries = {
      people: person,
      organizations: organization,
      entity_records: person,
      entity_activity: person,
    }
    for (const [view, id] of Object.entries(queries)) {
      // With sequential scans priced out, a plan that still needs one has no index path: the view
      // would read the whole table for one entity.
      const plan = await database.db.transaction().execute(async (trx) => {
        await sql`set local enable_seqscan = off`.execute(trx)
        const { rows } = await sql<{ 'QUERY PLAN': string }>`explain select * from ${sql.table(view)} where entity_id = ${sql.lit(id)}::uuid`.execute(trx)
        return rows.map((row) => row['QUERY PLAN']).join('\n')
      })
      expect({ view, seqScans: plan.match(/Seq Scan on \w+/g) ?? [] }).toEqual({ view, seqScans: [] })
    }
  })

  it('runs every example query of docs/schema.md', async () => {
    for (const example of EXAMPLE_QUERIES) {
      await expect(sql.raw(example.sql.replace(/;\s*$/, '')).execute(database.db), example.title).resolves.toBeDefined()
    }
  })
})
