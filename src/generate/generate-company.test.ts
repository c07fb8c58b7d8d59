import { createHash } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import ICAL from 'ical.js'
import yauzl from 'yauzl'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateCompany, type GenerateReport } from './generate-company.ts'
import { salesforceChecksum, slackId } from './ids.ts'
import { isoDate, losAngelesDate, salesforceDateTime } from './time-format.ts'
import { foldLine } from './ics-format.ts'

type Row = Record<string, string>

interface SlackUser {
  id: string
  team_id: string
  deleted: boolean
  is_bot: boolean
  profile: { email?: string }
}
interface SlackMessage {
  ts: string
  user?: string
  user_team?: string
  subtype?: string
  reply_count?: number
  user_profile?: { email?: string }
}
interface SlackChannel {
  id: string
  is_ext_shared?: boolean
  shared_team_ids?: string[]
}
type Worker = Record<string, string | undefined>

const PEOPLE = 300
let root: string
let dir: string
let report: GenerateReport

async function walk(base: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(join(base, prefix), { withFileTypes: true })
  const files: string[] = []
  for (const entry of entries) {
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`
    if (entry.isDirectory()) files.push(...(await walk(base, relative)))
    else files.push(relative)
  }
  return files.sort()
}

async function fingerprint(base: string): Promise<Map<string, string>> {
  const hashes = new Map<string, string>()
  for (const file of await walk(base)) hashes.set(file, createHash('sha256').update(await readFile(join(base, file))).digest('hex'))
  return hashes
}

async function csv(file: string): Promise<Row[]> {
  return parse<Row>(await readFile(join(dir, file)), { columns: true, bom: true })
}

async function json<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(join(dir, file), 'utf8')) as T
}

function key(system: string, objectType: string, sourceId: string): string {
  return `${system}|${objectType}|${sourceId}`
}

function isSalesforceId(id: string): boolean {
  return /^[a-zA-Z0-9]{18}$/.test(id) && salesforceChecksum(id.slice(0, 15)) === id.slice(15)
}

function zipEntries(path: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error)
      const entries = new Map<string, Buffer>()
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError)
          const chunks: Buffer[] = []
          stream.on('data', (chunk: Buffer) => chunks.push(chunk))
          stream.on('end', () => {
            entries.set(entry.fileName, Buffer.concat(chunks))
            zip.readEntry()
          })
        })
      })
      zip.on('end', () => resolve(entries))
      zip.on('error', reject)
      zip.readEntry()
    })
  })
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'generate-company-'))
  dir = join(root, 'a')
  report = await generateCompany({ dir, people: PEOPLE, seed: 7 })
})

afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

describe('building blocks', () => {
  it('computes Salesforce checksums like real ids', () => {
    // From the ebikes sample export: 001Ox00000PVUoEIAX, 005Ox00000BFbk6IAD.
    expect(salesforceChecksum('001Ox00000PVUoE')).toBe('IAX')
    expect(salesforceChecksum('005Ox00000BFbk6')).toBe('IAD')
  })

  it('files Slack messages under the Los Angeles date, across both DST switches', () => {
    const format = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Los_Angeles', year: 'numeric', month: '2-digit', day: '2-digit' })
    for (let ms = Date.UTC(2025, 0, 1); ms < Date.UTC(2027, 0, 1); ms += 3_600_000 * 5 + 17_000) {
      expect(losAngelesDate(ms)).toBe(format.format(ms))
    }
  })

  it('formats dates without Date objects exactly like toISOString', () => {
    for (let ms = Date.UTC(1999, 11, 25, 13, 7, 9); ms < Date.UTC(2031, 0, 1); ms += 86_400_000 * 3 + 3_723_456) {
      const iso = new Date(Math.floor(ms / 1000) * 1000).toISOString()
      expect(isoDate(ms)).toBe(iso.slice(0, 10))
      expect(salesforceDateTime(ms)).toBe(iso)
    }
  })

  it('folds iCalendar lines at 75 octets without splitting UTF-8 characters', () => {
    const folded = foldLine(`SUMMARY:${'Zoë Ångström '.repeat(20)}`)
    for (const line of folded.split('\r\n').filter((part) => part !== '')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75)
    expect(folded.replaceAll('\r\n ', '')).toBe(`SUMMARY:${'Zoë Ångström '.repeat(20)}\r\n`)
  })

  it('gives distinct Slack ids to distinct numbers', () => {
    const ids = new Set(Array.from({ length: 10_000 }, (_, n) => slackId('U', n * 997)))
    expect(ids.size).toBe(10_000)
  })
})

describe('generateCompany', () => {
  it('is deterministic for a seed and differs for another seed', async () => {
    const again = join(root, 'b')
    const other = join(root, 'c')
    await generateCompany({ dir: again, people: PEOPLE, seed: 7 })
    await generateCompany({ dir: other, people: PEOPLE, seed: 8 })
    const first = await fingerprint(dir)
    expect(await fingerprint(again)).toEqual(first)
    const third = await fingerprint(other)
    expect(third.get('ground-truth/people.csv')).not.toBe(first.get('ground-truth/people.csv'))
    expect(third.get('salesforce/Contact.csv')).not.toBe(first.get('salesforce/Contact.csv'))
  })

  it('refuses a non-empty output folder', async () => {
    await expect(generateCompany({ dir, people: PEOPLE, seed: 7 })).rejects.toThrow(/not empty/)
  })

  it('reports the requested population', () => {
    expect(report.people).toBe(PEOPLE)
    expect(report.employees + report.customers).toBe(PEOPLE)
    expect(report.employees / PEOPLE).toBeCloseTo(0.15, 1)
    expect(report.records['slack/message']).toBeGreaterThan(PEOPLE)
  })

  it('writes Salesforce Data Export CSVs: all quoted, LF, valid 18-character ids', async () => {
    const idColumns = /(^Id$|Id$)/
    for (const object of ['User', 'Account', 'Contact', 'Lead', 'Opportunity', 'OpportunityContactRole', 'Case', 'Task', 'Event']) {
      const text = await readFile(join(dir, 'salesforce', `${object}.csv`), 'utf8')
      expect(text).not.toContain('\r')
      expect(text.startsWith('"Id",')).toBe(true)
      const rows = parse<Row>(text, { columns: true })
      expect(rows.length).toBeGreaterThan(0)
      for (const row of rows) {
        for (const [column, value] of Object.entries(row)) {
          if (idColumns.test(column) && value !== '' && column !== 'CaseNumber') expect(isSalesforceId(value), `${object}.${column}=${value}`).toBe(true)
          if (column.startsWith('Is') || column.startsWith('Has')) expect(['true', 'false']).toContain(value)
          if (/Date$/.test(column) && value !== '' && !['CloseDate', 'ActivityDate', 'ConvertedDate', 'LastActivityDate'].includes(column)) {
            expect(value).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/)
          }
        }
      }
      // Every field, header and values, is double-quoted: quoting every parsed field again gives the file back.
      const cells = parse(text)
      expect(cells.map((cells) => cells.map((cell) => `"${cell.replaceAll('"', '""')}"`).join(',')).join('\n') + '\n').toBe(text)
    }
    const prefixes: Record<string, string> = { User: '005', Account: '001', Contact: '003', Lead: '00Q', Opportunity: '006', Case: '500', Task: '00T', Event: '00U' }
    for (const [object, prefix] of Object.entries(prefixes)) {
      for (const row of await csv(`salesforce/${object}.csv`)) expect(row.Id?.slice(0, 3)).toBe(prefix)
    }
  })

  it('writes parseable Slack, Workday and Google files', async () => {
    for (const file of await walk(join(dir, 'slack'))) {
      const parsed: unknown = JSON.parse(await readFile(join(dir, 'slack', file), 'utf8'))
      expect(Array.isArray(parsed), file).toBe(true)
    }
    const workers = await json<{ Report_Entry: Worker[] }>('workday/workers.json')
    expect(workers.Report_Entry).toHaveLength(report.employees)
    expect(await csv('workday-csv/workers.csv')).toHaveLength(report.employees)
    const users = await csv('google/users.csv')
    expect(Object.keys(users[0] ?? {}).slice(0, 4)).toEqual(['First Name [Required]', 'Last Name [Required]', 'Email Address [Required]', 'Status [READ ONLY]'])
    const contacts = await csv('google/contacts.csv')
    expect(Object.keys(contacts[0] ?? {}).slice(0, 3)).toEqual(['First Name', 'Middle Name', 'Last Name'])
    expect(contacts.some((row) => (row['E-mail 1 - Value'] ?? '').includes(' ::: ') || (row['Phone 1 - Value'] ?? '').includes(' ::: '))).toBe(true)
    expect(contacts.every((row) => row.Labels?.startsWith('* '))).toBe(true)

    const ics = await readFile(join(dir, 'google/calendar.ics'), 'utf8')
    for (const line of ics.split('\r\n').slice(0, -1)) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75)
    expect(ics.replaceAll('\r\n', '')).not.toContain('\n')
    const calendar = new ICAL.Component(ICAL.parse(ics))
    const events = calendar.getAllSubcomponents('vevent')
    expect(events.length).toBeGreaterThan(10)
    expect(events.some((event) => event.hasProperty('rrule'))).toBe(true)
    expect(events.some((event) => event.hasProperty('recurrence-id'))).toBe(true)
    expect(events.some((event) => new ICAL.Event(event).startDate.isDate)).toBe(true)
  })

  it('files Slack day files by Los Angeles date in ascending ts, with threads and Slack Connect', async () => {
    const channels = [...(await json<SlackChannel[]>('slack/channels.json')), ...(await json<SlackChannel[]>('slack/groups.json'))]
    const shared = channels.filter((channel) => channel.is_ext_shared === true)
    expect(shared.length).toBeGreaterThan(0)
    expect(shared[0]?.shared_team_ids).toHaveLength(2)
    let threads = 0
    let broadcasts = 0
    let bots = 0
    let joins = 0
    for (const file of (await walk(join(dir, 'slack'))).filter((path) => path.includes('/'))) {
      const [, date] = /\/(\d{4}-\d{2}-\d{2})\.json$/.exec(file) ?? []
      const messages = JSON.parse(await readFile(join(dir, 'slack', file), 'utf8')) as SlackMessage[]
      let previous = 0
      for (const message of messages) {
        const ts = Number(message.ts)
        expect(ts).toBeGreaterThan(previous)
        previous = ts
        expect(losAngelesDate(Math.floor(ts * 1000))).toBe(date)
        if ((message.reply_count ?? 0) > 0) threads++
        if (message.subtype === 'thread_broadcast') broadcasts++
        if (message.subtype === 'bot_message') bots++
        if (message.subtype === 'channel_join') joins++
      }
    }
    expect(threads).toBeGreaterThan(0)
    expect(broadcasts + bots + joins).toBeGreaterThan(0)
    expect(bots).toBeGreaterThan(0)
    expect(joins).toBeGreaterThan(0)
  })

  it('zips the same Slack folder', async () => {
    const entries = await zipEntries(join(dir, 'slack-export.zip'))
    const files = await walk(join(dir, 'slack'))
    expect([...entries.keys()].sort()).toEqual(files)
    expect(entries.get('users.json')?.equals(await readFile(join(dir, 'slack/users.json')))).toBe(true)
  })

  describe('ground truth', () => {
    let people: Row[]
    let organizations: Row[]
    let entityOf: Map<string, string>
    let recordsOf: Map<string, string[]>

    beforeAll(async () => {
      people = await csv('ground-truth/people.csv')
      organizations = await csv('ground-truth/organizations.csv')
      entityOf = new Map(people.map((row) => [key(row.system ?? '', row.object_type ?? '', row.source_id ?? ''), row.entity_id ?? '']))
      recordsOf = new Map()
      for (const [record, entity] of entityOf) recordsOf.set(entity, [...(recordsOf.get(entity) ?? []), record])
    })

    it('has one row per person record, and exactly the records present in the files', async () => {
      expect(entityOf.size).toBe(people.length)
      const found = new Set<string>()
      for (const object of ['User', 'Contact', 'Lead']) for (const row of await csv(`salesforce/${object}.csv`)) found.add(key('salesforce', object, row.Id ?? ''))
      const slackUsers = await json<SlackUser[]>('slack/users.json')
      const ourTeam = slackUsers[0]?.team_id
      for (const user of slackUsers) if (!user.is_bot && user.id !== 'USLACKBOT') found.add(key('slack', 'user', user.id))
      let externals = 0
      for (const file of (await walk(join(dir, 'slack'))).filter((path) => path.includes('/'))) {
        for (const message of JSON.parse(await readFile(join(dir, 'slack', file), 'utf8')) as SlackMessage[]) {
          if (message.user_profile === undefined) continue
          found.add(key('slack', 'user', message.user ?? ''))
          if (message.user_team !== ourTeam) {
            externals++
            expect(message.user_profile.email).toBeUndefined()
          }
        }
      }
      expect(externals).toBeGreaterThan(0)
      for (const entry of (await json<{ Report_Entry: Worker[] }>('workday/workers.json')).Report_Entry) found.add(key('workday', 'worker', entry.Employee_ID ?? ''))
      for (const row of await csv('workday-csv/workers.csv')) expect(found.has(key('workday', 'worker', row['Employee ID'] ?? ''))).toBe(true)
      for (const row of await csv('google/users.csv')) found.add(key('google', 'user', (row['Email Address [Required]'] ?? '').toLowerCase()))
      for (const row of await csv('google/contacts.csv')) {
        const email = (row['E-mail 1 - Value'] ?? '').split(' ::: ')[0]?.trim().toLowerCase()
        const id = email ? `email:${email}` : `name:${[row['First Name'], row['Last Name']].filter(Boolean).join(' ').toLowerCase()}`
        found.add(key('google', 'contact', id))
      }
      const calendar = new ICAL.Component(ICAL.parse(await readFile(join(dir, 'google/calendar.ics'), 'utf8')))
      for (const event of calendar.getAllSubcomponents('vevent')) {
        for (const property of [...event.getAllProperties('organizer'), ...event.getAllProperties('attendee')]) {
          found.add(key('google', 'calendar_attendee', String(property.getFirstValue()).replace(/^mailto:/i, '').toLowerCase()))
        }
      }
      expect([...entityOf.keys()].sort()).toEqual([...found].sort())
      // Every real person has at least one record; shared mailboxes are extra entities.
      expect(new Set(people.map((row) => row.entity_id).filter((id) => id?.startsWith('P'))).size).toBe(PEOPLE)
      expect(new Set(people.map((row) => row.entity_id).filter((id) => id?.startsWith('S'))).size).toBe(report.sharedMailboxes)

      const accounts = (await csv('salesforce/Account.csv')).map((row) => key('salesforce', 'Account', row.Id ?? ''))
      expect(organizations.map((row) => key(row.system ?? '', row.object_type ?? '', row.source_id ?? '')).sort()).toEqual(accounts.sort())
    })

    it('links every employee across Workday, Google, Slack and Salesforce', async () => {
      const workers = (await json<{ Report_Entry: Worker[] }>('workday/workers.json')).Report_Entry
      const googleByEmployeeId = new Map((await csv('google/users.csv')).map((row) => [row['Employee ID'], row]))
      const slackByEmail = new Map((await json<SlackUser[]>('slack/users.json')).map((user) => [user.profile.email?.toLowerCase(), user]))
      for (const worker of workers) {
        const email = (worker['Email_-_Work'] ?? '').toLowerCase()
        const entity = entityOf.get(key('workday', 'worker', worker.Employee_ID ?? ''))
        const google = googleByEmployeeId.get(worker.Employee_ID)
        expect(google?.['Email Address [Required]']?.toLowerCase()).toBe(email)
        expect(entityOf.get(key('google', 'user', email))).toBe(entity)
        const slack = slackByEmail.get(email)
        if (slack) expect(entityOf.get(key('slack', 'user', slack.id))).toBe(entity)
        if (worker.Active_Status === '0') {
          expect(worker.Termination_Date).toMatch(/^\d{4}-\d{2}-\d{2}$/)
          expect(google?.['Status [READ ONLY]']).toBe('Suspended')
          if (slack) expect(slack.deleted).toBe(true)
        }
      }
      for (const user of await csv('salesforce/User.csv')) {
        expect(entityOf.get(key('salesforce', 'User', user.Id ?? ''))).toBe(entityOf.get(key('workday', 'worker', user.EmployeeNumber ?? '')))
      }
      expect(workers.some((worker) => worker['Preferred_Name_-_First_Name'] !== undefined)).toBe(true)
    })

    it('contains every mess case, resolved correctly', async () => {
      const contacts = await csv('salesforce/Contact.csv')
      const leads = await csv('salesforce/Lead.csv')
      const users = await csv('salesforce/User.csv')
      const accounts = await csv('salesforce/Account.csv')
      const contactEntity = (row: Row): string | undefined => entityOf.get(key('salesforce', 'Contact', row.Id ?? ''))

      // Converted lead: same person as the contact it became.
      const converted = leads.filter((lead) => lead.IsConverted === 'true')
      expect(converted.length).toBeGreaterThan(0)
      for (const lead of converted) expect(entityOf.get(key('salesforce', 'Lead', lead.Id ?? ''))).toBe(entityOf.get(key('salesforce', 'Contact', lead.ConvertedContactId ?? '')))

      // Terminated employee who still owns accounts.
      const inactive = new Set(users.filter((user) => user.IsActive === 'false').map((user) => user.Id))
      expect(accounts.some((account) => inactive.has(account.OwnerId))).toBe(true)

      // Shared mailbox: its own entity, nothing else of a person attached to it.
      const mailboxes = contacts.filter((row) => /^support@/i.test(row.Email ?? ''))
      expect(mailboxes.length).toBeGreaterThan(0)
      for (const mailbox of mailboxes) {
        const entity = contactEntity(mailbox) ?? ''
        expect(entity.startsWith('S')).toBe(true)
        expect((recordsOf.get(entity) ?? []).every((record) => record.startsWith('salesforce|Contact|') || record.startsWith('google|contact|'))).toBe(true)
      }

      // Duplicates inside Salesforce, and people who changed company (same entity, two accounts).
      const byEntity = new Map<string, Row[]>()
      for (const row of contacts) byEntity.set(contactEntity(row) ?? '', [...(byEntity.get(contactEntity(row) ?? '') ?? []), row])
      const multi = [...byEntity.values()].filter((rows) => rows.length > 1)
      expect(multi.some((rows) => new Set(rows.map((row) => row.AccountId)).size === 1)).toBe(true)
      expect(multi.some((rows) => new Set(rows.map((row) => row.AccountId)).size > 1)).toBe(true)

      // Different people with the same name.
      const johns = contacts.filter((row) => row.Name === 'John Smith')
      expect(new Set(johns.map(contactEntity)).size).toBeGreaterThan(1)

      // Diacritics, and a person with a personal and a work address across systems.
      expect(contacts.some((row) => /[^\u0020-\u007e]/.test(row.Name ?? ''))).toBe(true)
      const attendees = people.filter((row) => row.object_type === 'calendar_attendee')
      expect(attendees.some((row) => !(row.source_id ?? '').endsWith('northwind-analytics.com'))).toBe(true)

      // Slack Connect externals map to customers known in Salesforce.
      const externals = people.filter((row) => row.system === 'slack' && !(recordsOf.get(row.entity_id ?? '') ?? []).some((record) => record.startsWith('workday|')))
      expect(externals.length).toBeGreaterThan(0)
      expect(externals.some((row) => (recordsOf.get(row.entity_id ?? '') ?? []).some((record) => record.startsWith('salesforce|')))).toBe(true)
    })
  })
})
