import { describe, expect, it } from 'vitest'
import { canonicalRecordSchema } from '../../schema/canonical.ts'
import type { LandedRecord, NormalizeResult } from '../types.ts'
import { isKnownFieldName } from './field-names.ts'
import { normalizeSalesforceRecord, websiteDomain } from './normalize.ts'
import * as raw from './raw.ts'

const ACCOUNT = '001Ox00000PWD3lIAH'
const PARENT = '001Ox00000PWD3mIAH'
const USER = '005Ox00000BFbiTIAT'
const MANAGER = '005Ox00000BFbk6IAD'
const CONTACT = '003Ox00000AbCdEIAV'
const BOSS = '003Ox00000AbCdFIAV'
const LEAD = '00QOx00000XyZaBMAV'
const OPPORTUNITY = '006Ox00000QrStUIAV'
const CASE = '500Ox00000LmNoPIAV'
const QUEUE = '00GOx00000QuEuEMAV'

/** Normalises a landed record and checks every output against the canonical schema. */
function normalize(objectType: string, sourceId: string, payload: Record<string, unknown>, sourceUpdatedAt?: string): NormalizeResult {
  const record: LandedRecord = { system: 'salesforce', objectType, sourceId, payload, sourceUpdatedAt }
  const result = normalizeSalesforceRecord(record, { settings: {} })
  for (const output of result.records) expect(canonicalRecordSchema.parse(output)).toEqual(output)
  return result
}

describe('normalizeSalesforceRecord: Account', () => {
  it('makes an external organisation with its domain, parent and owner, and an owns link', () => {
    const result = normalize('Account', ACCOUNT, {
      Id: ACCOUNT,
      IsDeleted: '',
      Name: ' Wheelworks ',
      ParentId: PARENT,
      BillingCountry: 'USA',
      BillingAddress: '{"city":"Belmont","country":"USA"}',
      Phone: '(650) 867-3450',
      Website: 'https://www.wheelworks.example/shop',
      Industry: 'Retail',
      OwnerId: USER,
      SystemModstamp: '2024-09-15T18:26:20.000+0000',
      LastModifiedDate: '2024-09-15T18:00:00.000+0000',
    })
    expect(result).toMatchInlineSnapshot(`
      {
        "issues": [],
        "records": [
          {
            "country": "USA",
            "domains": [
              "wheelworks.example",
            ],
            "industry": "Retail",
            "internal": false,
            "kind": "organization",
            "name": "Wheelworks",
            "ownerRef": {
              "objectType": "User",
              "sourceId": "005Ox00000BFbiTIAT",
              "system": "salesforce",
            },
            "parentRef": {
              "objectType": "Account",
              "sourceId": "001Ox00000PWD3mIAH",
              "system": "salesforce",
            },
            "phone": "(650) 867-3450",
            "updatedAt": "2024-09-15T18:26:20.000Z",
            "website": "https://www.wheelworks.example/shop",
          },
          {
            "attributes": {},
            "from": {
              "objectType": "User",
              "sourceId": "005Ox00000BFbiTIAT",
              "system": "salesforce",
            },
            "kind": "link",
            "linkType": "owns",
            "to": {
              "objectType": "Account",
              "sourceId": "001Ox00000PWD3lIAH",
              "system": "salesforce",
            },
          },
        ],
      }
    `)
  })

  it('keeps a website without a host name but reports it, and gives no owner for a queue', () => {
    const result = normalize('Account', ACCOUNT, { Id: ACCOUNT, Name: 'Acme', Website: 'n/a', OwnerId: QUEUE, ParentId: 'not-an-id' })
    expect(result).toMatchInlineSnapshot(`
      {
        "issues": [
          {
            "code": "E_SF_WEBSITE",
            "message": "Website "n/a" has no domain name; the account gets no domain from it",
            "path": "Website",
          },
          {
            "code": "E_SF_REF_ID",
            "message": "ParentId "not-an-id" is not a Salesforce id (15 or 18 letters and digits); the value is left out",
            "path": "ParentId",
          },
        ],
        "records": [
          {
            "domains": [],
            "internal": false,
            "kind": "organization",
            "name": "Acme",
            "website": "n/a",
          },
        ],
      }
    `)
  })

  it.each([
    ['www.genepoint.com', 'genepoint.com'],
    ['http://WWW.Example.co.uk/', 'example.co.uk'],
    ['shop.example.com:8080/x', 'shop.example.com'],
    ['www2.example.org', 'example.org'],
    ['192.168.0.1', undefined],
    ['localhost', undefined],
    ['http://', undefined],
  ])('takes the domain of %s', (website, domain) => {
    expect(websiteDomain(website)).toBe(domain)
  })
})

describe('normalizeSalesforceRecord: Contact and Lead', () => {
  it('makes a contact person with works_at, owns and reports_to links', () => {
    const result = normalize(
      'Contact',
      CONTACT,
      {
        Id: CONTACT,
        FirstName: 'Jane',
        LastName: 'Dunn',
        Name: 'Jane Dunn',
        Email: 'Jane.Dunn@Wheelworks.example',
        Phone: '+1 650 555 0100',
        MobilePhone: '',
        Title: 'CTO',
        AccountId: ACCOUNT,
        ReportsToId: BOSS,
        OwnerId: USER,
        IsDeleted: 'TRUE',
        LastModifiedDate: '02/23/26 08:55 PM',
      },
      '2026-02-23T20:55:00.000Z',
    )
    expect(result).toMatchInlineSnapshot(`
      {
        "issues": [],
        "records": [
          {
            "emails": [
              {
                "address": "Jane.Dunn@Wheelworks.example",
                "type": "other",
              },
            ],
            "externalIds": [],
            "internal": false,
            "kind": "person",
            "name": {
              "family": "Dunn",
              "full": "Jane Dunn",
              "given": "Jane",
            },
            "organizationRef": {
              "objectType": "Account",
              "sourceId": "001Ox00000PWD3lIAH",
              "system": "salesforce",
            },
            "phones": [
              {
                "number": "+1 650 555 0100",
                "type": "work",
              },
            ],
            "title": "CTO",
            "updatedAt": "2026-02-23T20:55:00.000Z",
          },
          {
            "attributes": {},
            "from": {
              "objectType": "Contact",
              "sourceId": "003Ox00000AbCdEIAV",
              "system": "salesforce",
            },
            "kind": "link",
            "linkType": "works_at",
            "to": {
              "objectType": "Account",
              "sourceId": "001Ox00000PWD3lIAH",
              "system": "salesforce",
            },
          },
          {
            "attributes": {},
            "from": {
              "objectType": "User",
              "sourceId": "005Ox00000BFbiTIAT",
              "system": "salesforce",
            },
            "kind": "link",
            "linkType": "owns",
            "to": {
              "objectType": "Contact",
              "sourceId": "003Ox00000AbCdEIAV",
              "system": "salesforce",
            },
          },
          {
            "attributes": {},
            "from": {
              "objectType": "Contact",
              "sourceId": "003Ox00000AbCdEIAV",
              "system": "salesforce",
            },
            "kind": "link",
            "linkType": "reports_to",
            "to": {
              "objectType": "Contact",
              "sourceId": "003Ox00000AbCdFIAV",
              "system": "salesforce",
            },
          },
        ],
      }
    `)
  })

  it('keeps the contact and reports a reference that is not an id', () => {
    const result = normalize('Contact', CONTACT, { Id: CONTACT, LastName: 'Dunn', AccountId: '001-bad', CreatedById: '005', SystemModstamp: 'later' })
    expect(result).toMatchInlineSnapshot(`
      {
        "issues": [
          {
            "code": "E_SF_REF_ID",
            "message": "AccountId "001-bad" is not a Salesforce id (15 or 18 letters and digits); the value is left out",
            "path": "AccountId",
          },
          {
            "code": "E_SF_DATETIME",
            "message": "SystemModstamp "later" is not a datetime (2024-09-15T10:04:25.000Z, …+0000 or 02/23/26 08:55 PM); the value is left out",
            "path": "SystemModstamp",
          },
          {
            "code": "E_SF_REF_ID",
            "message": "CreatedById "005" is not a Salesforce id (15 or 18 letters and digits); the value is left out",
            "path": "CreatedById",
          },
        ],
        "records": [
          {
            "emails": [],
            "externalIds": [],
            "internal": false,
            "kind": "person",
            "name": {
              "family": "Dunn",
              "full": "Dunn",
            },
            "phones": [],
          },
        ],
      }
    `)
  })

  it('makes a converted lead with converted_to links', () => {
    const result = normalize('Lead', LEAD, {
      Id: LEAD,
      FirstName: 'Sam',
      LastName: 'Lee',
      Company: 'Trailblazers',
      Email: 'sam@trailblazers.example',
      Status: 'Closed - Converted',
      IsConverted: 'true',
      ConvertedDate: '2025-01-10',
      ConvertedContactId: CONTACT,
      ConvertedAccountId: ACCOUNT,
      ConvertedOpportunityId: '',
    })
    expect(result).toMatchInlineSnapshot(`
      {
        "issues": [],
        "records": [
          {
            "emails": [
              {
                "address": "sam@trailblazers.example",
                "type": "other",
              },
            ],
            "externalIds": [],
            "internal": false,
            "kind": "person",
            "name": {
              "family": "Lee",
              "full": "Sam Lee",
              "given": "Sam",
            },
            "organizationName": "Trailblazers",
            "phones": [],
            "status": "inactive",
          },
          {
            "attributes": {
              "convertedDate": "2025-01-10",
            },
            "from": {
              "objectType": "Lead",
              "sourceId": "00QOx00000XyZaBMAV",
              "system": "salesforce",
            },
            "kind": "link",
            "linkType": "converted_to",
            "to": {
              "objectType": "Contact",
              "sourceId": "003Ox00000AbCdEIAV",
              "system": "salesforce",
            },
          },
          {
            "attributes": {
              "convertedDate": "2025-01-10",
            },
            "from": {
              "objectType": "Lead",
              "sourceId": "00QOx00000XyZaBMAV",
              "system": "salesforce",
            },
            "kind": "link",
            "linkType": "converted_to",
            "to": {
              "objectType": "Account",
              "sourceId": "001Ox00000PWD3lIAH",
              "system": "salesforce",
            },
          },
        ],
      }
    `)
  })

  it('makes an open lead without links and drops the "[not provided]" company', () => {
    const result = normalize('Lead', LEAD, { Id: LEAD, LastName: 'Lee', Company: '[not provided]', Status: 'Open - Not Contacted', IsConverted: false })
    expect(result.records).toMatchInlineSnapshot(`
      [
        {
          "emails": [],
          "externalIds": [],
          "internal": false,
          "kind": "person",
          "name": {
            "family": "Lee",
            "full": "Lee",
          },
          "phones": [],
          "status": "active",
        },
      ]
    `)
    expect(result.issues).toEqual([])
  })
})

describe('normalizeSalesforceRecord: User', () => {
  it('makes an internal person with a work email and employment', () => {
    const result = normalize('User', USER, {
      Id: USER,
      FirstName: 'Ada',
      LastName: 'Admin',
      Name: 'Ada Admin',
      Email: 'ada@ourco.example',
      Username: 'ada@ourco.example.prod',
      Title: 'Account Executive',
      Department: 'Sales',
      EmployeeNumber: 'E-1001',
      ManagerId: MANAGER,
      IsActive: true,
      UserType: 'Standard',
      TimeZoneSidKey: 'America/Los_Angeles',
      SystemModstamp: '2024-09-15T10:04:25.000Z',
    })
    expect(result).toMatchInlineSnapshot(`
      {
        "issues": [],
        "records": [
          {
            "emails": [
              {
                "address": "ada@ourco.example",
                "type": "work",
              },
            ],
            "employment": {
              "active": true,
              "department": "Sales",
              "employeeId": "E-1001",
              "managerRef": {
                "objectType": "User",
                "sourceId": "005Ox00000BFbk6IAD",
                "system": "salesforce",
              },
              "title": "Account Executive",
            },
            "externalIds": [
              {
                "type": "salesforce_username",
                "value": "ada@ourco.example.prod",
              },
            ],
            "internal": true,
            "kind": "person",
            "name": {
              "family": "Admin",
              "full": "Ada Admin",
              "given": "Ada",
            },
            "phones": [],
            "status": "active",
            "timezone": "America/Los_Angeles",
            "title": "Account Executive",
            "updatedAt": "2024-09-15T10:04:25.000Z",
          },
        ],
      }
    `)
  })

  it('treats a portal user as the customer contact it logs in for', () => {
    const result = normalize('User', USER, {
      Id: USER,
      LastName: 'Dunn',
      Email: 'jane.dunn@wheelworks.example',
      IsActive: 'FALSE',
      UserType: 'PowerCustomerSuccess',
      ContactId: CONTACT,
      AccountId: ACCOUNT,
    })
    expect(result).toMatchInlineSnapshot(`
      {
        "issues": [],
        "records": [
          {
            "emails": [
              {
                "address": "jane.dunn@wheelworks.example",
                "type": "work",
              },
            ],
            "externalIds": [],
            "internal": false,
            "kind": "person",
            "name": {
              "family": "Dunn",
              "full": "Dunn",
            },
            "organizationRef": {
              "objectType": "Account",
              "sourceId": "001Ox00000PWD3lIAH",
              "system": "salesforce",
            },
            "phones": [],
            "status": "inactive",
          },
          {
            "attributes": {},
            "from": {
              "objectType": "User",
              "sourceId": "005Ox00000BFbiTIAT",
              "system": "salesforce",
            },
            "kind": "link",
            "linkType": "same_as",
            "to": {
              "objectType": "Contact",
              "sourceId": "003Ox00000AbCdEIAV",
              "system": "salesforce",
            },
          },
        ],
      }
    `)
  })
})

describe('normalizeSalesforceRecord: deals, roles and cases', () => {
  it('makes a deal with an owns link', () => {
    const result = normalize('Opportunity', OPPORTUNITY, {
      Id: OPPORTUNITY,
      Name: 'Wheelworks fleet',
      AccountId: ACCOUNT,
      OwnerId: USER,
      StageName: 'Closed Won',
      Amount: '3.00E+07',
      CurrencyIsoCode: 'USD',
      CloseDate: '02/23/26',
      IsClosed: '1',
      IsWon: 'yes',
      Description: '  ',
      CreatedDate: '2025-11-01T09:00:00.000Z',
    })
    expect(result).toMatchInlineSnapshot(`
      {
        "issues": [
          {
            "code": "E_SF_BOOLEAN",
            "message": "IsWon "yes" is not a boolean (true/false, TRUE/FALSE, 1/0); the value is left out",
            "path": "IsWon",
          },
        ],
        "records": [
          {
            "accountRef": {
              "objectType": "Account",
              "sourceId": "001Ox00000PWD3lIAH",
              "system": "salesforce",
            },
            "amount": 30000000,
            "closeDate": "2026-02-23",
            "createdAt": "2025-11-01T09:00:00.000Z",
            "currency": "USD",
            "isClosed": true,
            "kind": "deal",
            "name": "Wheelworks fleet",
            "ownerRef": {
              "objectType": "User",
              "sourceId": "005Ox00000BFbiTIAT",
              "system": "salesforce",
            },
            "stage": "Closed Won",
          },
          {
            "attributes": {},
            "from": {
              "objectType": "User",
              "sourceId": "005Ox00000BFbiTIAT",
              "system": "salesforce",
            },
            "kind": "link",
            "linkType": "owns",
            "to": {
              "objectType": "Opportunity",
              "sourceId": "006Ox00000QrStUIAV",
              "system": "salesforce",
            },
          },
        ],
      }
    `)
  })

  it('makes a contact_of link from an OpportunityContactRole', () => {
    const result = normalize('OpportunityContactRole', '00KOx00000RoLeSMAV', {
      Id: '00KOx00000RoLeSMAV',
      OpportunityId: OPPORTUNITY,
      ContactId: CONTACT,
      Role: 'Decision Maker',
      IsPrimary: 'true',
    })
    expect(result).toMatchInlineSnapshot(`
      {
        "issues": [],
        "records": [
          {
            "attributes": {
              "isPrimary": true,
              "role": "Decision Maker",
            },
            "from": {
              "objectType": "Contact",
              "sourceId": "003Ox00000AbCdEIAV",
              "system": "salesforce",
            },
            "kind": "link",
            "linkType": "contact_of",
            "to": {
              "objectType": "Opportunity",
              "sourceId": "006Ox00000QrStUIAV",
              "system": "salesforce",
            },
          },
        ],
      }
    `)
    expect(normalize('OpportunityContactRole', '00KOx00000RoLeSMAV', { OpportunityId: OPPORTUNITY })).toMatchInlineSnapshot(`
      {
        "issues": [
          {
            "code": "E_SF_MISSING_REF",
            "message": "an OpportunityContactRole needs both ContactId and OpportunityId; no contact_of link was made",
            "path": "ContactId",
          },
        ],
        "records": [],
      }
    `)
  })

  it('makes a case with a contact_of link; a queue owner gives no owner', () => {
    const result = normalize('Case', CASE, {
      Id: CASE,
      CaseNumber: '00001026',
      Subject: 'Brake recall',
      AccountId: ACCOUNT,
      ContactId: CONTACT,
      OwnerId: QUEUE,
      Status: 'Closed',
      Priority: 'High',
      IsClosed: 'true',
      CreatedDate: '2025-03-01T08:00:00.000Z',
      ClosedDate: '2025-03-02T08:00:00.000Z',
    })
    expect(result).toMatchInlineSnapshot(`
      {
        "issues": [],
        "records": [
          {
            "accountRef": {
              "objectType": "Account",
              "sourceId": "001Ox00000PWD3lIAH",
              "system": "salesforce",
            },
            "caseNumber": "00001026",
            "closedAt": "2025-03-02T08:00:00.000Z",
            "contactRef": {
              "objectType": "Contact",
              "sourceId": "003Ox00000AbCdEIAV",
              "system": "salesforce",
            },
            "isClosed": true,
            "kind": "case",
            "openedAt": "2025-03-01T08:00:00.000Z",
            "priority": "High",
            "status": "Closed",
            "subject": "Brake recall",
          },
          {
            "attributes": {},
            "from": {
              "objectType": "Contact",
              "sourceId": "003Ox00000AbCdEIAV",
              "system": "salesforce",
            },
            "kind": "link",
            "linkType": "contact_of",
            "to": {
              "objectType": "Case",
              "sourceId": "500Ox00000LmNoPIAV",
              "system": "salesforce",
            },
          },
        ],
      }
    `)
  })
})

describe('normalizeSalesforceRecord: activities', () => {
  it('makes a task with who/what references from the key prefix', () => {
    const result = normalize('Task', '00TOx00000TaSkAMAV', {
      Id: '00TOx00000TaSkAMAV',
      Subject: 'Call',
      Status: 'Completed',
      ActivityDate: '2025-03-04',
      CompletedDateTime: '2025-03-04T15:00:00.000Z',
      WhoId: LEAD,
      WhatId: '701Ox00000CaMpAIAV',
      OwnerId: USER,
    })
    expect(result).toMatchInlineSnapshot(`
      {
        "issues": [],
        "records": [
          {
            "dueDate": "2025-03-04",
            "kind": "task",
            "occurredAt": "2025-03-04T15:00:00.000Z",
            "ownerRef": {
              "objectType": "User",
              "sourceId": "005Ox00000BFbiTIAT",
              "system": "salesforce",
            },
            "status": "Completed",
            "subject": "Call",
            "whoRef": {
              "objectType": "Lead",
              "sourceId": "00QOx00000XyZaBMAV",
              "system": "salesforce",
            },
          },
        ],
      }
    `)
  })

  it('makes a meeting from StartDateTime and DurationInMinutes', () => {
    const result = normalize('Event', '00UOx00000EvEnTMAV', {
      Id: '00UOx00000EvEnTMAV',
      Subject: 'Kick-off',
      StartDateTime: '2025-03-05T16:00:00.000+0000',
      DurationInMinutes: '30',
      IsAllDayEvent: 'false',
      Location: 'Belmont',
      WhoId: CONTACT,
      WhatId: OPPORTUNITY,
      OwnerId: USER,
    })
    expect(result).toMatchInlineSnapshot(`
      {
        "issues": [],
        "records": [
          {
            "allDay": false,
            "attendees": [],
            "endsAt": "2025-03-05T16:30:00.000Z",
            "kind": "meeting",
            "location": "Belmont",
            "organizer": {
              "personRef": {
                "objectType": "User",
                "sourceId": "005Ox00000BFbiTIAT",
                "system": "salesforce",
              },
              "role": "organizer",
            },
            "relatedRefs": [
              {
                "objectType": "Opportunity",
                "sourceId": "006Ox00000QrStUIAV",
                "system": "salesforce",
              },
              {
                "objectType": "Contact",
                "sourceId": "003Ox00000AbCdEIAV",
                "system": "salesforce",
              },
            ],
            "startsAt": "2025-03-05T16:00:00.000Z",
            "title": "Kick-off",
          },
        ],
      }
    `)
  })

  it('makes an all-day meeting from ActivityDate and reports an event without a start', () => {
    expect(normalize('Event', '00UOx00000EvEnTMAV', { ActivityDate: '2025-03-05', WhatId: ACCOUNT }).records).toMatchInlineSnapshot(`
      [
        {
          "allDay": true,
          "attendees": [],
          "kind": "meeting",
          "relatedRefs": [
            {
              "objectType": "Account",
              "sourceId": "001Ox00000PWD3lIAH",
              "system": "salesforce",
            },
          ],
          "startsAt": "2025-03-05T00:00:00.000Z",
        },
      ]
    `)
    expect(normalize('Event', '00UOx00000EvEnTMAV', { Subject: 'Someday', ActivityDateTime: 'someday' })).toMatchInlineSnapshot(`
      {
        "issues": [
          {
            "code": "E_SF_DATETIME",
            "message": "ActivityDateTime "someday" is not a datetime (2024-09-15T10:04:25.000Z, …+0000 or 02/23/26 08:55 PM); the value is left out",
            "path": "ActivityDateTime",
          },
          {
            "code": "E_SF_EVENT_START",
            "message": "an Event needs StartDateTime, ActivityDateTime or ActivityDate; no meeting was made",
            "path": "StartDateTime",
          },
        ],
        "records": [],
      }
    `)
  })
})

describe('normalizeSalesforceRecord: bad input', () => {
  it('reports an object type it does not import and a field that is not a scalar', () => {
    expect(normalize('Foo__c', 'a00Ox00000FoOoOIAV', {})).toMatchInlineSnapshot(`
      {
        "issues": [
          {
            "code": "E_SF_OBJECT_TYPE",
            "message": "object type "Foo__c" is not one the Salesforce connector imports; nothing was normalised",
          },
        ],
        "records": [],
      }
    `)
    expect(normalize('Account', ACCOUNT, { Name: { first: 'x' } })).toMatchInlineSnapshot(`
      {
        "issues": [
          {
            "code": "E_SF_PAYLOAD",
            "message": "Name: Invalid input; expected a text, number, boolean or empty value. The record was not normalised",
            "path": "Name",
          },
        ],
        "records": [],
      }
    `)
  })
})

describe('raw field lists', () => {
  it('names only fields whose UPPER-CASE headers the reader maps back to the same API name', () => {
    const lists = Object.entries(raw).filter(([name]) => name.endsWith('Fields'))
    expect(lists).toHaveLength(9)
    for (const [, fields] of lists) for (const field of fields as readonly string[]) expect(isKnownFieldName(field), field).toBe(true)
  })
})
