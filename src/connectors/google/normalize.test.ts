import { describe, expect, it } from 'vitest'
import { canonicalRecordSchema } from '../../schema/canonical.ts'
import type { LandedRecord, NormalizeResult } from '../types.ts'
import { contactCsvSourceId, readContactCsvRow } from './contacts-csv.ts'
import { normalizeGoogleRecord } from './normalize.ts'

function normalize(objectType: string, sourceId: string, payload: Record<string, unknown>, sourceUpdatedAt?: string): NormalizeResult {
  const record: LandedRecord = { system: 'google', objectType, sourceId, payload, sourceUpdatedAt }
  const result = normalizeGoogleRecord(record, { settings: {} })
  // Every record must be valid canonical output, unchanged by the schema's defaults.
  for (const canonical of result.records) expect(canonicalRecordSchema.parse(canonical)).toEqual(canonical)
  return result
}

const adminCsvRow = {
  'First Name [Required]': ' Ada ',
  'Last Name [Required]': 'Lovelace',
  'Email Address [Required]': 'Ada.Lovelace@Example.com',
  'Status [READ ONLY]': 'Active',
  'Last Sign In [READ ONLY]': '2023/09/03 20:23:16',
  'Org Unit Path [Required]': '/Engineering',
  'Recovery Email': 'ada@home.example',
  'Work Secondary Email': 'ada@example.com,a.lovelace@example.com',
  'Work Phone': '+1 555 0100',
  'Mobile Phone': '+1 555 0101',
  'Employee ID': 'E-1001',
  'Employee Type': 'Full time',
  'Employee Title': 'Analyst',
  'Manager Email': 'Charles.Babbage@example.com',
  Department: 'Engines',
  'Cost Center': 'CC-7',
}

describe('user', () => {
  it('normalises an Admin console CSV row, matching headers without their bracket tags', () => {
    expect(normalize('user', 'ada.lovelace@example.com', adminCsvRow)).toMatchInlineSnapshot(`
      {
        "issues": [],
        "records": [
          {
            "emails": [
              {
                "address": "Ada.Lovelace@Example.com",
                "primary": true,
                "type": "work",
              },
              {
                "address": "ada@example.com",
                "type": "work",
              },
              {
                "address": "a.lovelace@example.com",
                "type": "work",
              },
              {
                "address": "ada@home.example",
                "type": "personal",
              },
            ],
            "employment": {
              "active": true,
              "costCenter": "CC-7",
              "department": "Engines",
              "employeeId": "E-1001",
              "managerEmail": "Charles.Babbage@example.com",
              "managerRef": {
                "objectType": "user",
                "sourceId": "charles.babbage@example.com",
                "system": "google",
              },
              "title": "Analyst",
              "workerType": "Full time",
            },
            "externalIds": [
              {
                "type": "employee_id",
                "value": "E-1001",
              },
            ],
            "internal": true,
            "kind": "person",
            "name": {
              "family": "Lovelace",
              "full": "Ada Lovelace",
              "given": "Ada",
            },
            "phones": [
              {
                "number": "+1 555 0100",
                "type": "work",
              },
              {
                "number": "+1 555 0101",
                "type": "mobile",
              },
            ],
            "status": "active",
            "title": "Analyst",
          },
        ],
      }
    `)
  })

  it('marks a suspended Admin console user inactive and reports an unknown status', () => {
    const suspended = normalize('user', 'a@example.com', { 'Email Address [Required]': 'a@example.com', 'Status [READ ONLY]': 'Suspended' })
    expect(suspended.records[0]).toMatchObject({ status: 'inactive', employment: { active: false } })
    const odd = normalize('user', 'b@example.com', { 'Email Address': 'b@example.com', Status: 'Pending' })
    expect(odd.records[0]).not.toHaveProperty('status')
    expect(odd.issues.map((issue) => issue.code)).toEqual(['E_GOOGLE_USER_STATUS'])
  })

  it('normalises a Directory API User', () => {
    const user = {
      kind: 'admin#directory#user',
      id: '1001',
      primaryEmail: 'grace@example.com',
      name: { givenName: 'Grace', familyName: 'Hopper', fullName: 'Grace Hopper', displayName: 'Amazing Grace' },
      emails: [
        { address: 'grace@example.com', primary: true },
        { address: 'grace@home.example', type: 'home' },
        { address: 'g@example.com', type: 'work' },
      ],
      aliases: ['ghopper@example.com'],
      recoveryEmail: 'grace.recovery@home.example',
      phones: [
        { value: '+1 555 0200', type: 'work' },
        { value: '+1 555 0201', type: 'mobile' },
        { value: '+1 555 0202', type: 'work_fax' },
      ],
      organizations: [
        { name: 'Other Co', title: 'Advisor' },
        { name: 'Example', title: 'Rear Admiral', department: 'Navy', costCenter: 'CC-1', description: 'Contractor', primary: true },
      ],
      relations: [{ value: 'boss@example.com', type: 'manager' }],
      externalIds: [
        { value: 'net-9', type: 'network' },
        { value: 'E-2002', type: 'organization' },
      ],
      suspended: true,
      orgUnitPath: '/',
    }
    expect(normalize('user', 'grace@example.com', user, '2024-05-01T10:00:00Z')).toMatchInlineSnapshot(`
      {
        "issues": [],
        "records": [
          {
            "emails": [
              {
                "address": "grace@example.com",
                "primary": true,
                "type": "work",
              },
              {
                "address": "grace@home.example",
                "type": "personal",
              },
              {
                "address": "g@example.com",
                "type": "work",
              },
              {
                "address": "ghopper@example.com",
                "type": "work",
              },
              {
                "address": "grace.recovery@home.example",
                "type": "personal",
              },
            ],
            "employment": {
              "active": false,
              "costCenter": "CC-1",
              "department": "Navy",
              "employeeId": "E-2002",
              "managerEmail": "boss@example.com",
              "managerRef": {
                "objectType": "user",
                "sourceId": "boss@example.com",
                "system": "google",
              },
              "title": "Rear Admiral",
              "workerType": "Contractor",
            },
            "externalIds": [
              {
                "type": "employee_id",
                "value": "E-2002",
              },
            ],
            "internal": true,
            "kind": "person",
            "name": {
              "family": "Hopper",
              "full": "Grace Hopper",
              "given": "Grace",
              "preferred": "Amazing Grace",
            },
            "phones": [
              {
                "number": "+1 555 0200",
                "type": "work",
              },
              {
                "number": "+1 555 0201",
                "type": "mobile",
              },
              {
                "number": "+1 555 0202",
                "type": "fax",
              },
            ],
            "status": "inactive",
            "title": "Rear Admiral",
            "updatedAt": "2024-05-01T10:00:00Z",
          },
        ],
      }
    `)
  })
})

describe('contact', () => {
  const currentRow = {
    'First Name': 'Linus',
    'Middle Name': '',
    'Last Name': 'Torvalds',
    Nickname: 'Lin',
    'Organization Name': 'Customer Corp ::: Old Corp',
    'Organization Title': 'CTO',
    Labels: '* myContacts ::: Customers',
    'E-mail 1 - Label': '* Work',
    'E-mail 1 - Value': 'linus@customer.example ::: l.t@customer.example',
    'E-mail 2 - Label': 'Home',
    'E-mail 2 - Value': 'linus@home.example',
    'E-mail 3 - Label': 'Gym',
    'E-mail 3 - Value': 'lt@gym.example',
    'Phone 1 - Label': 'Mobile',
    'Phone 1 - Value': '+358 40 123 ::: +358 40 456',
    'Phone 2 - Label': 'Work Fax',
    'Phone 2 - Value': '+358 9 000',
  }

  it('normalises a current-generation Contacts CSV row with ::: cells and a * primary', () => {
    expect(normalize('contact', 'email:linus@customer.example', currentRow)).toMatchInlineSnapshot(`
      {
        "issues": [],
        "records": [
          {
            "emails": [
              {
                "address": "linus@customer.example",
                "primary": true,
                "type": "work",
              },
              {
                "address": "l.t@customer.example",
                "type": "work",
              },
              {
                "address": "linus@home.example",
                "type": "personal",
              },
              {
                "address": "lt@gym.example",
                "type": "other",
              },
            ],
            "externalIds": [],
            "internal": null,
            "kind": "person",
            "name": {
              "family": "Torvalds",
              "full": "Linus Torvalds",
              "given": "Linus",
              "preferred": "Lin",
            },
            "organizationName": "Customer Corp",
            "phones": [
              {
                "number": "+358 40 123",
                "type": "mobile",
              },
              {
                "number": "+358 40 456",
                "type": "mobile",
              },
              {
                "number": "+358 9 000",
                "type": "fax",
              },
            ],
            "title": "CTO",
          },
        ],
      }
    `)
  })

  it('normalises a legacy-generation Contacts CSV row', () => {
    const legacyRow = {
      Name: 'Margaret H. Hamilton',
      'Given Name': 'Margaret',
      'Additional Name': 'H.',
      'Family Name': 'Hamilton',
      Nickname: '',
      'Group Membership': '* My Contacts',
      'E-mail 1 - Type': '* Other',
      'E-mail 1 - Value': 'margaret@apollo.example',
      'E-mail 2 - Type': 'Personal',
      'E-mail 2 - Value': 'mh@home.example',
      'Phone 1 - Type': 'Home',
      'Phone 1 - Value': '+1 555 0300',
      'Organization 1 - Name': 'Apollo',
      'Organization 1 - Title': 'Lead',
    }
    expect(normalize('contact', 'email:margaret@apollo.example', legacyRow)).toMatchInlineSnapshot(`
      {
        "issues": [],
        "records": [
          {
            "emails": [
              {
                "address": "margaret@apollo.example",
                "primary": true,
                "type": "other",
              },
              {
                "address": "mh@home.example",
                "type": "personal",
              },
            ],
            "externalIds": [],
            "internal": null,
            "kind": "person",
            "name": {
              "family": "Hamilton",
              "full": "Margaret H. Hamilton",
              "given": "Margaret",
            },
            "organizationName": "Apollo",
            "phones": [
              {
                "number": "+1 555 0300",
                "type": "home",
              },
            ],
            "title": "Lead",
          },
        ],
      }
    `)
  })

  it('derives the source id from the first email, else the full name', () => {
    expect(contactCsvSourceId(readContactCsvRow(currentRow))).toBe('email:linus@customer.example')
    expect(contactCsvSourceId(readContactCsvRow({ 'First Name': 'Ana', 'Last Name': 'de Souza', 'E-mail 1 - Value': '' }))).toBe(
      'name:ana de souza',
    )
    expect(contactCsvSourceId(readContactCsvRow({ Name: '', 'Given Name': '', 'Family Name': '', 'Group Membership': '' }))).toBeUndefined()
  })

  it('normalises a People API Person', () => {
    const person = {
      resourceName: 'people/c123',
      etag: '%Eg',
      metadata: { sources: [{ type: 'CONTACT', id: '123', updateTime: '2024-02-03T04:05:06.789Z' }] },
      names: [{ displayName: 'Jean Bartik', givenName: 'Jean', familyName: 'Bartik', metadata: { primary: true } }],
      nicknames: [{ value: 'Betty' }],
      emailAddresses: [
        { value: 'jean@eniac.example', type: 'work', metadata: { primary: true } },
        { value: 'jean@home.example', type: 'home' },
      ],
      phoneNumbers: [{ value: '+1 555 0400', type: 'workMobile' }],
      organizations: [{ name: 'ENIAC', title: 'Programmer' }],
    }
    expect(normalize('contact', 'people/c123', person, '2024-02-03T04:05:06.789Z')).toMatchInlineSnapshot(`
      {
        "issues": [],
        "records": [
          {
            "emails": [
              {
                "address": "jean@eniac.example",
                "primary": true,
                "type": "work",
              },
              {
                "address": "jean@home.example",
                "type": "personal",
              },
            ],
            "externalIds": [],
            "internal": null,
            "kind": "person",
            "name": {
              "family": "Bartik",
              "full": "Jean Bartik",
              "given": "Jean",
              "preferred": "Betty",
            },
            "organizationName": "ENIAC",
            "phones": [
              {
                "number": "+1 555 0400",
                "type": "mobile",
              },
            ],
            "title": "Programmer",
            "updatedAt": "2024-02-03T04:05:06.789Z",
          },
        ],
      }
    `)
  })

  it('marks a People API Person deleted by sync as deleted', () => {
    const result = normalize('contact', 'people/c9', { resourceName: 'people/c9', metadata: { deleted: true } })
    expect(result.records[0]).toMatchObject({ kind: 'person', status: 'deleted', internal: null })
  })
})

describe('event', () => {
  it('normalises a timed event with organizer, attendees, roles and responses', () => {
    const event = {
      uid: 'weekly-123@google.com',
      summary: ' Weekly sync ',
      description: 'Agenda:\n- numbers',
      location: 'Room 1',
      start: '2024-03-04T09:00:00Z',
      end: '2024-03-04T09:30:00+00:00',
      allDay: false,
      status: 'CONFIRMED',
      organizer: { email: 'Ada.Lovelace@Example.com', name: 'Ada Lovelace' },
      attendees: [
        { email: 'Ada.Lovelace@Example.com', name: 'Ada Lovelace', role: 'CHAIR', partstat: 'ACCEPTED' },
        { email: 'linus@customer.example', name: 'linus@customer.example', role: 'REQ-PARTICIPANT', partstat: 'TENTATIVE' },
        { email: 'opt@customer.example', role: 'OPT-PARTICIPANT', partstat: 'NEEDS-ACTION' },
        { email: 'room-1@resource.calendar.google.com', name: 'Room 1', cutype: 'RESOURCE', partstat: 'ACCEPTED' },
        { name: 'Phone-in guest', partstat: 'DECLINED' },
      ],
      lastModified: '2024-03-01T00:00:00Z',
    }
    expect(normalize('event', 'weekly-123@google.com', event)).toMatchInlineSnapshot(`
      {
        "issues": [],
        "records": [
          {
            "allDay": false,
            "attendees": [
              {
                "email": "Ada.Lovelace@Example.com",
                "name": "Ada Lovelace",
                "personRef": {
                  "objectType": "calendar_attendee",
                  "sourceId": "ada.lovelace@example.com",
                  "system": "google",
                },
                "response": "accepted",
                "role": "required",
              },
              {
                "email": "linus@customer.example",
                "personRef": {
                  "objectType": "calendar_attendee",
                  "sourceId": "linus@customer.example",
                  "system": "google",
                },
                "response": "tentative",
                "role": "required",
              },
              {
                "email": "opt@customer.example",
                "personRef": {
                  "objectType": "calendar_attendee",
                  "sourceId": "opt@customer.example",
                  "system": "google",
                },
                "response": "needs_action",
                "role": "optional",
              },
              {
                "email": "room-1@resource.calendar.google.com",
                "name": "Room 1",
                "personRef": {
                  "objectType": "calendar_attendee",
                  "sourceId": "room-1@resource.calendar.google.com",
                  "system": "google",
                },
                "response": "accepted",
                "role": "resource",
              },
              {
                "name": "Phone-in guest",
                "response": "declined",
                "role": "required",
              },
            ],
            "description": "Agenda:
      - numbers",
            "endsAt": "2024-03-04T09:30:00+00:00",
            "kind": "meeting",
            "location": "Room 1",
            "organizer": {
              "email": "Ada.Lovelace@Example.com",
              "name": "Ada Lovelace",
              "personRef": {
                "objectType": "calendar_attendee",
                "sourceId": "ada.lovelace@example.com",
                "system": "google",
              },
              "role": "organizer",
            },
            "relatedRefs": [],
            "startsAt": "2024-03-04T09:00:00Z",
            "status": "confirmed",
            "title": "Weekly sync",
          },
        ],
      }
    `)
  })

  it('normalises an all-day event and a floating time', () => {
    const allDay = normalize('event', 'holiday@x', { uid: 'holiday@x', start: '2024-12-25', end: '2024-12-26', allDay: true, attendees: [] })
    expect(allDay.records[0]).toMatchObject({ startsAt: '2024-12-25T00:00:00Z', endsAt: '2024-12-26T00:00:00Z', allDay: true })
    const floating = normalize('event', 'f@x', { uid: 'f@x', start: '2024-01-02T10:00:00', allDay: false, attendees: [] })
    expect(floating.records[0]).toMatchObject({ startsAt: '2024-01-02T10:00:00Z' })
    expect(floating.issues.map((issue) => issue.code)).toEqual(['E_GOOGLE_EVENT_FLOATING_TIME'])
  })

  it('reports a start it cannot read instead of throwing', () => {
    const result = normalize('event', 'bad@x', { uid: 'bad@x', start: 'next tuesday', allDay: false, attendees: [] })
    expect(result).toMatchInlineSnapshot(`
      {
        "issues": [
          {
            "code": "E_GOOGLE_EVENT_TIME",
            "message": "start "next tuesday" is not a date or date-time.",
            "path": "start",
          },
        ],
        "records": [],
      }
    `)
  })
})

describe('calendar_attendee', () => {
  it('normalises an attendee to a person of unknown affiliation', () => {
    expect(normalize('calendar_attendee', 'linus@customer.example', { email: 'Linus@Customer.example', name: 'Linus Torvalds' })).toMatchInlineSnapshot(`
      {
        "issues": [],
        "records": [
          {
            "emails": [
              {
                "address": "Linus@Customer.example",
                "type": "other",
              },
            ],
            "externalIds": [],
            "internal": null,
            "kind": "person",
            "name": {
              "full": "Linus Torvalds",
            },
            "phones": [],
          },
        ],
      }
    `)
    expect(normalize('calendar_attendee', 'x@y.example', { email: 'x@y.example', name: 'X@Y.example' }).records[0]).toMatchObject({ name: {} })
  })
})

describe('bad payloads', () => {
  it('puts schema problems and unknown object types into issues', () => {
    expect(normalize('user', 'x', { primaryEmail: 42 })).toMatchInlineSnapshot(`
      {
        "issues": [
          {
            "code": "E_SCHEMA",
            "message": "Google user x: primaryEmail: Invalid input: expected string, received number.",
            "path": "primaryEmail",
          },
        ],
        "records": [],
      }
    `)
    expect(normalize('calendar_attendee', 'x', { name: 'no email' }).issues[0]?.code).toBe('E_SCHEMA')
    expect(normalize('mailbox', 'x', {}).issues[0]?.code).toBe('E_GOOGLE_OBJECT_TYPE')
  })
})
