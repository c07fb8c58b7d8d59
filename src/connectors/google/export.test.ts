import { createWriteStream } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { finished } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ZipFile } from 'yazl'
import { openExportSource } from '../../formats/export-source.ts'
import { canonicalRecordSchema } from '../../schema/canonical.ts'
import type { ExportItem, RawRecord } from '../types.ts'
import { googleConnector } from './index.ts'

const samples = fileURLToPath(new URL('../../../../shared/datasets/sources/google/', import.meta.url))

let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cg-google-'))
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function write(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name)
  await mkdir(join(path, '..'), { recursive: true })
  await writeFile(path, content)
  return path
}

async function read(path: string, options: Record<string, unknown> = {}): Promise<ExportItem[]> {
  const items: ExportItem[] = []
  for await (const item of googleConnector.read(await openExportSource(path), { options })) items.push(item)
  return items
}

const records = (items: ExportItem[]): RawRecord[] => items.flatMap((item) => (item.type === 'record' ? [item.record] : []))
const rejects = (items: ExportItem[]) => items.flatMap((item) => (item.type === 'reject' ? [item.reject] : []))
const completes = (items: ExportItem[]) => items.flatMap((item) => (item.type === 'complete' ? [item.objectType] : []))
const skipped = (items: ExportItem[]) => items.flatMap((item) => (item.type === 'skipped' ? [item] : []))
/** Temporary paths replaced, for snapshots. */
const scrub = (value: unknown): unknown => JSON.parse(JSON.stringify(value).replaceAll(dir, '<tmp>'))
const ids = (items: ExportItem[]) => records(items).map((record) => `${record.objectType} ${record.sourceId}`)

/** Normalises every record read and checks the canonical output. */
function normalizeAll(items: ExportItem[]) {
  return records(items).map((record) => {
    const result = googleConnector.normalize(
      { system: 'google', objectType: record.objectType, sourceId: record.sourceId, payload: record.payload, sourceUpdatedAt: record.sourceUpdatedAt },
      { settings: {} },
    )
    for (const canonical of result.records) canonicalRecordSchema.parse(canonical)
    return result
  })
}

const csv = (...lines: string[]) => `${lines.join('\r\n')}\r\n`

const ADMIN_CSV = csv(
  'First Name [Required],Last Name [Required],Email Address [Required],Status [READ ONLY],Last Sign In [READ ONLY],Org Unit Path [Required],Recovery Email,Work Phone,Mobile Phone,Employee ID,Employee Title,Manager Email,Department',
  'Ada,Lovelace,Ada@Example.com,Active,2023/09/03 20:23:16,/,ada@home.example,+1 555 0100,,E-1,Analyst,boss@example.com,Engines',
  'Charles,Babbage,boss@example.com,Suspended,Never logged in,/Board,,,+1 555 0101,E-2,CEO,,Board',
)

const CONTACTS_CURRENT = csv(
  'First Name,Middle Name,Last Name,Nickname,Organization Name,Organization Title,Labels,E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value',
  'Linus,,Torvalds,Lin,Customer Corp,CTO,* myContacts ::: Customers,* Work,linus@customer.example ::: lt@customer.example,Home,linus@home.example,Mobile,+358 40 123',
  'Ana,,de Souza,,Other Corp,,* myContacts,,,,,Work,+55 11 0000',
  'Broken,row,with,too,few,values',
  ',,,,Just A Company,,* myContacts,,,,,,',
  'Linus,,T.,,Customer Corp,,* myContacts,Work,LINUS@customer.example,,,,',
  'Grace,,Hopper,,Navy,,* myContacts,Work,grace@navy.example,,,,',
)

const CONTACTS_LEGACY = csv(
  'Name,Given Name,Additional Name,Family Name,Nickname,Group Membership,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value,Organization 1 - Name,Organization 1 - Title',
  'Margaret Hamilton,Margaret,,Hamilton,,* My Contacts,* Work,margaret@apollo.example,Work,+1 555 0300,Apollo,Lead',
  'Katherine Johnson,Katherine,,Johnson,Katie,* My Contacts ::: Friends,Home,kj@home.example ::: kj@nasa.example,Mobile,+1 555 0301,NASA,',
)

const DIRECTORY_USERS = JSON.stringify({
  kind: 'admin#directory#users',
  etag: '"abc"',
  users: [
    { kind: 'admin#directory#user', id: '1', primaryEmail: 'Grace@Example.com', name: { givenName: 'Grace', familyName: 'Hopper', fullName: 'Grace Hopper' } },
    { kind: 'admin#directory#user', id: '2', primaryEmail: 'gone@example.com', deletionTime: '2024-01-01T00:00:00.000Z' },
  ],
  nextPageToken: 'next',
})

const PEOPLE_CONNECTIONS = JSON.stringify({
  connections: [
    {
      resourceName: 'people/c1',
      metadata: { sources: [{ type: 'CONTACT', id: '1', updateTime: '2024-02-03T04:05:06.789Z' }] },
      names: [{ displayName: 'Jean Bartik' }],
      emailAddresses: [{ value: 'jean@eniac.example', type: 'work' }],
    },
    { resourceName: 'people/c2', metadata: { deleted: true } },
  ],
  nextSyncToken: 'sync',
  totalItems: 2,
})

const ICS = [
  'BEGIN:VCALENDAR',
  'PRODID:-//Google Inc//Google Calendar 70.9054//EN',
  'VERSION:2.0',
  'X-WR-CALNAME:ada@example.com',
  'BEGIN:VEVENT', // line 5: weekly meeting, recurring
  'DTSTART:20240304T090000Z',
  'DTEND:20240304T093000Z',
  'RRULE:FREQ=WEEKLY;BYDAY=MO',
  'ORGANIZER;CN=Ada Lovelace:mailto:ada@example.com',
  'UID:weekly@google.com',
  'ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Ada Lovelace:mailto:ada@example.com',
  'ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;CN=linus@customer.example:mailto:Linus@Customer.example',
  'ATTENDEE;ROLE=OPT-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Dial-in guest:invalid:nomail',
  'LAST-MODIFIED:20240301T120000Z',
  'STATUS:CONFIRMED',
  'SUMMARY:Weekly sync',
  'END:VEVENT',
  'BEGIN:VEVENT', // line 18: one occurrence moved
  'DTSTART:20240318T100000Z',
  'DTEND:20240318T103000Z',
  'ORGANIZER;CN=Ada Lovelace:mailto:ada@example.com',
  'UID:weekly@google.com',
  'RECURRENCE-ID:20240318T090000Z',
  'ATTENDEE;PARTSTAT=ACCEPTED;CN=Linus Torvalds:mailto:linus@customer.example',
  'ATTENDEE;PARTSTAT=DECLINED:mailto:grace@navy.example',
  'SUMMARY:Weekly sync (moved)',
  'END:VEVENT',
  'BEGIN:VEVENT', // line 28: all day
  'DTSTART;VALUE=DATE:20241225',
  'DTEND;VALUE=DATE:20241226',
  'UID:christmas@example.com',
  'SUMMARY:Christmas',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n')

describe('real sample files', () => {
  it('skips the API discovery documents and the LICENSE/README without an error', async () => {
    const items = await read(samples)
    expect(rejects(items)).toEqual([])
    expect(records(items)).toEqual([])
    expect(completes(items)).toEqual([])
    const reasons = Object.fromEntries(skipped(items).map((item) => [item.location.file.replace(samples, ''), item.reason]))
    expect(Object.keys(reasons).sort()).toEqual([
      'README.md',
      'googleapis-discovery/LICENSE',
      'googleapis-discovery/admin-directory_v1.json',
      'googleapis-discovery/people-v1.json',
    ])
    expect(reasons['googleapis-discovery/admin-directory_v1.json']).toBe(
      'googleapis-discovery/admin-directory_v1.json is a Google API discovery document (an API description), not an export; nothing to import',
    )
  })

  it('skips a discovery document given alone', async () => {
    const items = await read(join(samples, 'googleapis-discovery/people-v1.json'))
    expect(items).toEqual([
      {
        type: 'skipped',
        location: { file: join(samples, 'googleapis-discovery/people-v1.json') },
        reason: 'people-v1.json is a Google API discovery document (an API description), not an export; nothing to import',
      },
    ])
  })
})

describe('Admin console users CSV', () => {
  it('reads users by header name whatever the file is called', async () => {
    const items = await read(await write('x.csv', ADMIN_CSV))
    expect(ids(items)).toEqual(['user ada@example.com', 'user boss@example.com'])
    expect(records(items)[0]).toMatchObject({
      payload: { 'Email Address [Required]': 'Ada@Example.com', 'Employee ID': 'E-1' },
      provenance: { file: join(dir, 'x.csv'), line: 2 },
    })
    expect(completes(items)).toEqual(['user'])
    const [ada, babbage] = normalizeAll(items)
    expect(ada?.records[0]).toMatchObject({ kind: 'person', internal: true, status: 'active', employment: { employeeId: 'E-1', managerEmail: 'boss@example.com' } })
    expect(babbage?.records[0]).toMatchObject({ status: 'inactive', employment: { active: false } })
  })

  it('rejects a row without an email and keeps reading', async () => {
    const items = await read(await write('users-no-email.csv', csv('First Name [Required],Last Name [Required],Email Address [Required]', 'No,Email,', 'A,B,a@example.com')))
    expect(ids(items)).toEqual(['user a@example.com'])
    expect(rejects(items)).toMatchObject([{ code: 'E_GOOGLE_USER_NO_EMAIL', location: { line: 2 }, objectType: 'user', raw: 'No,Email,' }])
    // A row without a key cannot be a record that exists: the read is still complete.
    expect(completes(items)).toEqual(['user'])
  })

  it('rejects an Admin console file without the Email Address column as E_CSV_HEADER', async () => {
    const items = await read(await write('no-email-column.csv', csv('First Name [Required],Last Name [Required],Status [READ ONLY]', 'Ada,Lovelace,Active')))
    expect(ids(items)).toEqual([])
    expect(rejects(items)).toMatchObject([{ code: 'E_CSV_HEADER', location: { line: 1 }, objectType: 'user' }])
    expect(rejects(items)[0]?.message).toMatch(/no "Email Address \[Required\]" column.*found: First Name \[Required\], Last Name \[Required\], Status \[READ ONLY\]/)
    expect(completes(items)).toEqual([])
  })
})

describe('Google Contacts CSV', () => {
  it('reads the current generation: ::: cells, * primary, duplicates, keyless and broken rows', async () => {
    const path = await write('contacts.csv', CONTACTS_CURRENT)
    const items = await read(path)
    // The repeated id is handed on: the pipeline rejects it (E_DUPLICATE_ID) without holding ids here.
    expect(ids(items)).toEqual([
      'contact email:linus@customer.example',
      'contact name:ana de souza',
      'contact email:linus@customer.example',
      'contact email:grace@navy.example',
    ])
    expect(scrub(rejects(items))).toMatchInlineSnapshot(`
      [
        {
          "code": "E_CSV_COLUMNS",
          "location": {
            "byteOffset": 412,
            "file": "<tmp>/contacts.csv",
            "line": 4,
          },
          "message": "<tmp>/contacts.csv, line 4: the row has 6 values but the header (line 1) has 13 columns; every row needs exactly 13 comma-separated values (quote a value that contains a comma).",
          "objectType": "contact",
          "raw": "Broken,row,with,too,few,values",
        },
        {
          "code": "E_GOOGLE_CONTACT_NO_KEY",
          "location": {
            "file": "<tmp>/contacts.csv",
            "line": 5,
          },
          "message": "<tmp>/contacts.csv, line 5: the contact has neither an e-mail address (E-mail n - Value) nor a name (First/Middle/Last Name, or Name/Given Name/Family Name), so it cannot be told apart from other contacts.",
          "objectType": "contact",
          "raw": ",,,,Just A Company,,* myContacts,,,,,,",
        },
      ]
    `)
    // The broken row may have been a contact that exists: no completeness.
    expect(completes(items)).toEqual([])
    const [linus] = normalizeAll(items)
    expect(linus?.records[0]).toMatchObject({
      internal: null,
      name: { full: 'Linus Torvalds', preferred: 'Lin' },
      emails: [
        { address: 'linus@customer.example', type: 'work', primary: true },
        { address: 'lt@customer.example', type: 'work' },
        { address: 'linus@home.example', type: 'personal' },
      ],
      organizationName: 'Customer Corp',
      title: 'CTO',
    })
  })

  it('reads the legacy generation, also as UTF-16 with a byte order mark', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(CONTACTS_LEGACY, 'utf16le')])
    for (const path of [await write('legacy.csv', CONTACTS_LEGACY), await write('legacy-utf16.csv', utf16)]) {
      const items = await read(path)
      expect(ids(items)).toEqual(['contact email:margaret@apollo.example', 'contact email:kj@home.example'])
      expect(rejects(items)).toEqual([])
      expect(completes(items)).toEqual(['contact'])
      expect(normalizeAll(items)[1]?.records[0]).toMatchObject({
        name: { full: 'Katherine Johnson', preferred: 'Katie' },
        emails: [
          { address: 'kj@home.example', type: 'personal' },
          { address: 'kj@nasa.example', type: 'personal' },
        ],
        phones: [{ number: '+1 555 0301', type: 'mobile' }],
        organizationName: 'NASA',
      })
    }
  })
})

describe('Directory and People API JSON', () => {
  it('reads {kind: admin#directory#users, users: […]} and a bare array of users', async () => {
    const items = await read(await write('users.json', DIRECTORY_USERS))
    expect(ids(items)).toEqual(['user grace@example.com', 'user gone@example.com'])
    expect(records(items)[0]?.provenance).toEqual({ file: join(dir, 'users.json'), path: '$.users[0]' })
    expect(records(items)[1]?.deleted).toEqual({ reason: 'deletionTime 2024-01-01T00:00:00.000Z' })
    expect(completes(items)).toEqual(['user'])
    const bare = await read(await write('bare.json', JSON.stringify([{ primaryEmail: 'x@example.com' }])))
    expect(ids(bare)).toEqual(['user x@example.com'])
    expect(records(bare)[0]?.provenance.path).toBe('$[0]')
    expect(normalizeAll(items)[0]?.records[0]).toMatchObject({ internal: true, name: { full: 'Grace Hopper' } })
  })

  it('reads People API connections keyed like the Contacts CSV, and otherContacts by resourceName', async () => {
    const items = await read(await write('connections.json', PEOPLE_CONNECTIONS))
    // The deleted person names no e-mail, so no record: the complete read speaks for it.
    expect(ids(items)).toEqual(['contact email:jean@eniac.example'])
    expect(records(items)[0]?.sourceUpdatedAt).toBe('2024-02-03T04:05:06.789Z')
    expect(completes(items)).toEqual(['contact'])
    const otherPage = { otherContacts: [{ resourceName: 'otherContacts/c3', emailAddresses: [{ value: 'met@x.example' }] }, { resourceName: 'otherContacts/c4', metadata: { deleted: true } }] }
    const other = await read(await write('other.json', JSON.stringify(otherPage)))
    expect(ids(other)).toEqual(['other_contact otherContacts/c3', 'other_contact otherContacts/c4'])
    expect(records(other)[1]?.deleted).toEqual({ reason: 'metadata.deleted' })
    expect(completes(other)).toEqual(['other_contact'])
    const bare = await read(await write('bare-other.json', JSON.stringify([{ resourceName: 'otherContacts/c5' }])))
    expect(ids(bare)).toEqual(['other_contact otherContacts/c5'])
  })

  it('rejects elements of the wrong shape with their JSON path and keeps the good ones', async () => {
    const users = { kind: 'admin#directory#users', users: [{ primaryEmail: 'a@example.com' }, { primaryEmail: 42 }, { name: {} }, { primaryEmail: 'b@example.com' }] }
    const items = await read(await write('wrong-elements.json', JSON.stringify(users)))
    expect(ids(items)).toEqual(['user a@example.com', 'user b@example.com'])
    expect(rejects(items).map((reject) => [reject.code, reject.location.path])).toEqual([
      ['E_SCHEMA', '$.users[1].primaryEmail'],
      ['E_SCHEMA', '$.users[2].primaryEmail'],
    ])
    expect(completes(items)).toEqual([])
  })

  it('rejects a file whose list is not an array, and skips unrelated JSON', async () => {
    const wrong = await read(await write('wrong.json', JSON.stringify({ kind: 'admin#directory#users', users: { a: 1 } })))
    expect(wrong).toEqual([
      {
        type: 'reject',
        reject: {
          code: 'E_SCHEMA',
          message: `${join(dir, 'wrong.json')}, at $.users: $.users must be an array of Directory API User objects, but its value starts with "{"; nothing in this file was imported.`,
          location: { file: join(dir, 'wrong.json'), path: '$.users' },
          objectType: 'user',
        },
      },
    ])
    const unrelated = await read(await write('unrelated.json', JSON.stringify({ hello: 'world' })))
    expect(skipped(unrelated)).toHaveLength(1)
    expect(rejects(unrelated)).toEqual([])
  })
})

describe('Calendar .ics', () => {
  it('reads events, changed occurrences, all-day events and each attendee once', async () => {
    const items = await read(await write('calendar.ics', ICS))
    // Each attendee once, after the events: one id is one record per import, and re-imports match.
    expect(ids(items)).toEqual([
      'event weekly@google.com',
      'event weekly@google.com@2024-03-18T09:00:00Z',
      'event christmas@example.com',
      'calendar_attendee ada@example.com',
      'calendar_attendee linus@customer.example',
      'calendar_attendee grace@navy.example',
    ])
    expect(rejects(items)).toEqual([])
    // Attendees are pieced together from events: inferred, so no complete read speaks for them.
    expect(completes(items)).toEqual(['event'])
    expect(records(items).filter((record) => record.objectType === 'calendar_attendee').every((record) => record.inferred === true)).toBe(true)
    expect(records(items)[0]).toMatchObject({ sourceUpdatedAt: '2024-03-01T12:00:00Z', provenance: { line: 5 } })
    // The first sighting gave only the address as CN; a later event's name is the one landed, with
    // the address as first written and the location where the attendee was first met.
    expect(records(items)[4]).toMatchObject({ payload: { email: 'Linus@Customer.example', name: 'Linus Torvalds' }, provenance: { line: 5 } })
    const results = normalizeAll(items)
    expect(results.flatMap((result) => result.issues)).toEqual([])
    expect(results[0]?.records[0]).toMatchObject({
      kind: 'meeting',
      title: 'Weekly sync',
      startsAt: '2024-03-04T09:00:00Z',
      status: 'confirmed',
      organizer: { email: 'ada@example.com', role: 'organizer' },
      attendees: [
        { email: 'ada@example.com', response: 'accepted', personRef: { system: 'google', objectType: 'calendar_attendee', sourceId: 'ada@example.com' } },
        { email: 'Linus@Customer.example', response: 'needs_action', personRef: { sourceId: 'linus@customer.example' } },
        { name: 'Dial-in guest', role: 'optional', response: 'accepted' },
      ],
    })
    expect(results[2]?.records[0]).toMatchObject({ allDay: true, startsAt: '2024-12-25T00:00:00Z', endsAt: '2024-12-26T00:00:00Z' })
  })

  it('hands attendees out once a window of them is full, so memory stays flat however many calendars', async () => {
    const items = await read(await write('windowed.ics', ICS), { attendeeWindow: 2 })
    // Window of 2: each of the first two events fills one, so ada and linus come again in the
    // second window — the pipeline folds those inferred copies into the first ones.
    expect(ids(items)).toEqual([
      'event weekly@google.com',
      'calendar_attendee ada@example.com',
      'calendar_attendee linus@customer.example',
      'event weekly@google.com@2024-03-18T09:00:00Z',
      'calendar_attendee ada@example.com',
      'calendar_attendee linus@customer.example',
      'calendar_attendee grace@navy.example',
      'event christmas@example.com',
    ])
  })

  it('rejects a VEVENT without DTSTART and keeps the events around it', async () => {
    const broken = ICS.replace('DTSTART:20240318T100000Z\r\n', '')
    const items = await read(await write('broken.ics', broken))
    expect(ids(items).filter((id) => id.startsWith('event'))).toEqual(['event weekly@google.com', 'event christmas@example.com'])
    expect(rejects(items)).toMatchObject([{ code: 'E_ICS_SYNTAX', location: { line: 18 }, objectType: 'event' }])
    expect(completes(items)).toEqual([])
  })
})

describe('folders and archives', () => {
  it('reads a Takeout-like ZIP with every kind of file and reports completeness at the end', async () => {
    const zipPath = join(dir, 'takeout.zip')
    const zip = new ZipFile()
    zip.addBuffer(Buffer.from(ADMIN_CSV), 'Takeout/Admin/users.csv')
    zip.addBuffer(Buffer.from(CONTACTS_LEGACY), 'Takeout/Contacts/All Contacts/All Contacts.csv')
    zip.addBuffer(Buffer.from('BEGIN:VCARD\r\nVERSION:3.0\r\nFN:X\r\nEND:VCARD\r\n'), 'Takeout/Contacts/All Contacts/All Contacts.vcf')
    zip.addBuffer(Buffer.from(ICS), 'Takeout/Calendar/ada@example.com.ics')
    zip.addBuffer(Buffer.from('<html></html>'), 'Takeout/archive_browser.html')
    zip.addBuffer(Buffer.from('# Takeout\n'), 'README.md')
    zip.end()
    await finished(zip.outputStream.pipe(createWriteStream(zipPath)))
    const items = await read(zipPath)
    expect(rejects(items)).toEqual([])
    expect(skipped(items).map((item) => item.location.entry)).toEqual([
      'README.md',
      'Takeout/Contacts/All Contacts/All Contacts.vcf',
      'Takeout/archive_browser.html',
    ])
    expect(records(items).filter((record) => record.objectType === 'user')).toHaveLength(2)
    expect(records(items).filter((record) => record.objectType === 'contact')).toHaveLength(2)
    expect(records(items).filter((record) => record.objectType === 'event')).toHaveLength(3)
    // Completeness only after the last file.
    expect(items.slice(-3).map((item) => item.type)).toEqual(['complete', 'complete', 'complete'])
    expect(completes(items).sort()).toEqual(['contact', 'event', 'user'])
  })

  it('withholds completeness of a type when one of its files fails', async () => {
    const folder = join(dir, 'mixed')
    await write('mixed/a-users.csv', ADMIN_CSV)
    await write('mixed/b-users.json', '{"kind":"admin#directory#users","users":[{"primaryEmail":"z@example.com"},')
    await write('mixed/c.ics', ICS)
    const items = await read(folder)
    expect(rejects(items)).toMatchObject([{ code: 'E_JSON_SYNTAX', objectType: 'user' }])
    expect(ids(items).filter((id) => id.startsWith('user'))).toEqual(['user ada@example.com', 'user boss@example.com', 'user z@example.com'])
    expect(completes(items)).toEqual(['event'])
  })
})
