import type { z } from 'zod'
import type { CanonicalRecord, Link, Person, SourceRef } from '../../schema/canonical.ts'
import { refTo, type LandedRecord, type NormalizeContext, type NormalizeIssue, type NormalizeResult } from '../types.ts'
import { definedOnly, fieldReader, type FieldReader } from './field-reader.ts'
import { referenceFields } from './field-names.ts'
import { isSalesforceObjectType, type SalesforceObjectType } from './object-types.ts'
import {
  accountRawSchema,
  caseRawSchema,
  contactRawSchema,
  eventRawSchema,
  leadRawSchema,
  opportunityContactRoleRawSchema,
  opportunityRawSchema,
  taskRawSchema,
  userRawSchema,
  type accountFields,
  type caseFields,
  type contactFields,
  type eventFields,
  type leadFields,
  type opportunityContactRoleFields,
  type opportunityFields,
  type taskFields,
  type userFields,
} from './raw.ts'

type Fields<Names extends readonly string[]> = FieldReader<Names[number]>
type Output = CanonicalRecord[]

/** Pure: one landed Salesforce record → canonical records and links. Deleted records normalise too. */
export function normalizeSalesforceRecord(record: LandedRecord, _context: NormalizeContext): NormalizeResult {
  const issues: NormalizeIssue[] = []
  const { objectType } = record
  if (!isSalesforceObjectType(objectType)) {
    issues.push({ code: 'E_SF_OBJECT_TYPE', message: `object type "${objectType}" is not one the Salesforce connector imports; nothing was normalised` })
    return { records: [], issues }
  }
  const self = refTo('salesforce', objectType, record.sourceId)
  const records = normalizers[objectType](record, self, issues)
  return { records, issues }
}

type Normalizer = (record: LandedRecord, self: SourceRef, issues: NormalizeIssue[]) => Output

const normalizers: Record<SalesforceObjectType, Normalizer> = {
  Account: (record, self, issues) => withFields(accountRawSchema, record, issues, (f) => account(f, self, record, issues)),
  Contact: (record, self, issues) => withFields(contactRawSchema, record, issues, (f) => contact(f, self, record)),
  Lead: (record, self, issues) => withFields(leadRawSchema, record, issues, (f) => lead(f, self, record)),
  User: (record, self, issues) => withFields(userRawSchema, record, issues, (f) => user(f, self, record)),
  Opportunity: (record, self, issues) => withFields(opportunityRawSchema, record, issues, (f) => opportunity(f, self, record)),
  OpportunityContactRole: (record, _self, issues) =>
    withFields(opportunityContactRoleRawSchema, record, issues, (f) => opportunityContactRole(f, issues)),
  Case: (record, self, issues) => withFields(caseRawSchema, record, issues, (f) => salesforceCase(f, self, record)),
  Task: (record, _self, issues) => withFields(taskRawSchema, record, issues, (f) => task(f)),
  Event: (record, _self, issues) => withFields(eventRawSchema, record, issues, (f) => event(f, issues)),
}

/** Checks the fields normalize reads are scalars, then hands a reader to the mapping. */
function withFields<K extends string>(
  schema: z.ZodType<Record<string, unknown>>,
  record: LandedRecord,
  issues: NormalizeIssue[],
  map: (fields: FieldReader<K>) => Output,
): Output {
  const parsed = schema.safeParse(record.payload)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      issues.push({
        code: 'E_SF_PAYLOAD',
        path: issue.path.join('.'),
        message: `${issue.path.join('.')}: ${issue.message}; expected a text, number, boolean or empty value. The record was not normalised`,
      })
    }
    return []
  }
  const fields = fieldReader<K>(parsed.data, issues)
  const records = map(fields)
  // The reader keeps a reference that is no id as it was; report those the mapping did not read too.
  for (const field of referenceFields) if (!fields.idFieldsRead.has(field)) fields.id(field as K)
  return records
}

/** SystemModstamp also moves on system updates, so it is the better "changed at"; LastModifiedDate else. */
function updatedAt(fields: FieldReader<'SystemModstamp' | 'LastModifiedDate'>, record: LandedRecord): string | undefined {
  return fields.dateTime('SystemModstamp') ?? fields.dateTime('LastModifiedDate') ?? record.sourceUpdatedAt
}

function link(linkType: Link['linkType'], from: SourceRef, to: SourceRef | undefined, attributes: Record<string, unknown> = {}): Link[] {
  return to === undefined ? [] : [{ kind: 'link', linkType, from, to, attributes: definedOnly(attributes) }]
}

function ownsLink(owner: SourceRef | undefined, owned: SourceRef): Link[] {
  return owner === undefined ? [] : link('owns', owner, owned)
}

function personName(fields: FieldReader<'Name' | 'FirstName' | 'LastName'>): Person['name'] {
  const given = fields.text('FirstName')
  const family = fields.text('LastName')
  const joined = [given, family].filter((part) => part !== undefined).join(' ')
  return definedOnly({ full: fields.text('Name') ?? (joined === '' ? undefined : joined), given, family })
}

function phones(fields: FieldReader<'Phone' | 'MobilePhone'>): Person['phones'] {
  const work = fields.text('Phone')
  const mobile = fields.text('MobilePhone')
  return [
    ...(work === undefined ? [] : [{ number: work, type: 'work' as const }]),
    ...(mobile === undefined ? [] : [{ number: mobile, type: 'mobile' as const }]),
  ]
}

function account(f: Fields<typeof accountFields>, self: SourceRef, record: LandedRecord, issues: NormalizeIssue[]): Output {
  const website = f.text('Website')
  const domain = website === undefined ? undefined : websiteDomain(website)
  if (website !== undefined && domain === undefined) {
    issues.push({ code: 'E_SF_WEBSITE', path: 'Website', message: `Website "${website}" has no domain name; the account gets no domain from it` })
  }
  const ownerRef = f.ownerRef('OwnerId')
  return [
    definedOnly({
      kind: 'organization' as const,
      name: f.text('Name'),
      domains: domain === undefined ? [] : [domain],
      website,
      phone: f.text('Phone'),
      industry: f.text('Industry'),
      country: f.text('BillingCountry') ?? f.text('ShippingCountry'),
      parentRef: f.ref('ParentId', 'Account'),
      ownerRef,
      internal: false,
      updatedAt: updatedAt(f, record),
    }),
    ...ownsLink(ownerRef, self),
    ...mergedInto(f, self),
  ]
}

/** A record merged into another (IsDeleted with MasterRecordId) is the same as the one that survived. */
function mergedInto(f: FieldReader<'MasterRecordId'>, self: SourceRef): Link[] {
  return link('same_as', self, f.ref('MasterRecordId', self.objectType as SalesforceObjectType), { reason: 'merged' })
}

/** The host of a website without `www.`: `www.genepoint.com` and `https://www.genepoint.com/x` give genepoint.com. */
export function websiteDomain(website: string): string | undefined {
  const url = URL.parse(/^[a-z][a-z0-9+.-]*:\/\//i.test(website) ? website : `http://${website}`)
  const host = url?.hostname.toLowerCase().replace(/\.$/, '').replace(/^www\d*\./, '')
  // A domain has a dot and a top-level label that is not a number (which would be an IP address).
  return host !== undefined && /^[a-z0-9.-]+\.[a-z][a-z0-9-]*$/.test(host) ? host : undefined
}

function contact(f: Fields<typeof contactFields>, self: SourceRef, record: LandedRecord): Output {
  const email = f.text('Email')
  const organizationRef = f.ref('AccountId', 'Account')
  return [
    definedOnly({
      kind: 'person' as const,
      name: personName(f),
      // Whether a contact's address is their work address cannot be told from the record alone.
      emails: email === undefined ? [] : [{ address: email, type: 'other' as const }],
      phones: phones(f),
      title: f.text('Title'),
      organizationRef,
      internal: false,
      externalIds: [],
      updatedAt: updatedAt(f, record),
    }),
    ...link('works_at', self, organizationRef),
    ...ownsLink(f.ownerRef('OwnerId'), self),
    ...link('reports_to', self, f.ref('ReportsToId', 'Contact')),
    ...mergedInto(f, self),
  ]
}

// Marketing tools fill Company with this placeholder when the lead gave none (Salesforce requires one).
const noCompany = '[not provided]'

function lead(f: Fields<typeof leadFields>, self: SourceRef, record: LandedRecord): Output {
  const email = f.text('Email')
  const company = f.text('Company')
  const isConverted = f.bool('IsConverted') === true
  const status = f.text('Status')
  const convertedDate = f.date('ConvertedDate')
  const converted = (field: 'ConvertedContactId' | 'ConvertedAccountId' | 'ConvertedOpportunityId', objectType: SalesforceObjectType): Link[] =>
    isConverted ? link('converted_to', self, f.ref(field, objectType), { convertedDate }) : []
  return [
    definedOnly({
      kind: 'person' as const,
      name: personName(f),
      emails: email === undefined ? [] : [{ address: email, type: 'other' as const }],
      phones: phones(f),
      title: f.text('Title'),
      organizationName: company === undefined || company.toLowerCase() === noCompany ? undefined : company,
      internal: false,
      // Lead Status is an org-defined picklist; the standard values of a finished lead start with "Closed".
      status: isConverted || (status !== undefined && /^closed\b/i.test(status)) ? ('inactive' as const) : status === undefined ? undefined : ('active' as const),
      externalIds: [],
      updatedAt: updatedAt(f, record),
    }),
    ...converted('ConvertedContactId', 'Contact'),
    ...converted('ConvertedAccountId', 'Account'),
    ...converted('ConvertedOpportunityId', 'Opportunity'),
    ...mergedInto(f, self),
  ]
}

/** Experience Cloud (portal) and guest users are customers' or partners' people, not ours. */
const externalUserTypes = new Set(['PowerPartner', 'CspLitePortal', 'CustomerSuccess', 'PowerCustomerSuccess', 'CsnOnly', 'SelfService', 'Guest'])

function user(f: Fields<typeof userFields>, self: SourceRef, record: LandedRecord): Output {
  const email = f.text('Email')
  const userType = f.text('UserType')
  const internal = userType === undefined || !externalUserTypes.has(userType)
  const active = f.bool('IsActive')
  const title = f.text('Title')
  const username = f.text('Username')
  const federationId = f.text('FederationIdentifier')
  return [
    definedOnly({
      kind: 'person' as const,
      name: personName(f),
      emails: email === undefined ? [] : [{ address: email, type: 'work' as const }],
      phones: phones(f),
      title,
      organizationRef: internal ? undefined : f.ref('AccountId', 'Account'),
      internal,
      isBot: userType === 'AutomatedProcess' ? true : undefined,
      status: userType === 'Guest' ? ('guest' as const) : active === undefined ? undefined : active ? ('active' as const) : ('inactive' as const),
      timezone: f.text('TimeZoneSidKey'),
      employment: internal
        ? definedOnly({
            employeeId: f.text('EmployeeNumber'),
            title,
            department: f.text('Department'),
            managerRef: f.ref('ManagerId', 'User'),
            active,
          })
        : undefined,
      // The login name looks like an email but need not be a mailbox; SSO ids link to the identity provider.
      externalIds: [
        ...(username === undefined ? [] : [{ type: 'salesforce_username', value: username }]),
        ...(federationId === undefined ? [] : [{ type: 'federation_id', value: federationId }]),
      ],
      updatedAt: updatedAt(f, record),
    }),
    // A portal user is the login of a Contact of the customer's account.
    ...(internal ? [] : link('same_as', self, f.ref('ContactId', 'Contact'))),
  ]
}

function opportunity(f: Fields<typeof opportunityFields>, self: SourceRef, record: LandedRecord): Output {
  const ownerRef = f.ownerRef('OwnerId')
  return [
    definedOnly({
      kind: 'deal' as const,
      name: f.text('Name'),
      accountRef: f.ref('AccountId', 'Account'),
      ownerRef,
      stage: f.text('StageName'),
      amount: f.number('Amount'),
      currency: f.text('CurrencyIsoCode'),
      closeDate: f.date('CloseDate'),
      isClosed: f.bool('IsClosed'),
      isWon: f.bool('IsWon'),
      description: f.text('Description'),
      createdAt: f.dateTime('CreatedDate'),
      updatedAt: updatedAt(f, record),
    }),
    ...ownsLink(ownerRef, self),
  ]
}

function opportunityContactRole(f: Fields<typeof opportunityContactRoleFields>, issues: NormalizeIssue[]): Output {
  const contactRef = f.ref('ContactId', 'Contact')
  const opportunityRef = f.ref('OpportunityId', 'Opportunity')
  if (contactRef === undefined || opportunityRef === undefined) {
    issues.push({
      code: 'E_SF_MISSING_REF',
      path: contactRef === undefined ? 'ContactId' : 'OpportunityId',
      message: 'an OpportunityContactRole needs both ContactId and OpportunityId; no contact_of link was made',
    })
    return []
  }
  return link('contact_of', contactRef, opportunityRef, { role: f.text('Role'), isPrimary: f.bool('IsPrimary') })
}

function salesforceCase(f: Fields<typeof caseFields>, self: SourceRef, record: LandedRecord): Output {
  const contactRef = f.ref('ContactId', 'Contact')
  return [
    definedOnly({
      kind: 'case' as const,
      subject: f.text('Subject'),
      caseNumber: f.text('CaseNumber'),
      accountRef: f.ref('AccountId', 'Account'),
      contactRef,
      ownerRef: f.ownerRef('OwnerId'),
      status: f.text('Status'),
      priority: f.text('Priority'),
      isClosed: f.bool('IsClosed'),
      openedAt: f.dateTime('CreatedDate'),
      closedAt: f.dateTime('ClosedDate'),
      description: f.text('Description'),
      updatedAt: updatedAt(f, record),
    }),
    ...(contactRef === undefined ? [] : link('contact_of', contactRef, self)),
  ]
}

const whoTypes = ['Contact', 'Lead'] as const satisfies readonly SalesforceObjectType[]
const whatTypes = ['Account', 'Opportunity', 'Case'] as const satisfies readonly SalesforceObjectType[]

function task(f: Fields<typeof taskFields>): Output {
  return [
    definedOnly({
      kind: 'task' as const,
      subject: f.text('Subject'),
      status: f.text('Status'),
      // ActivityDate is the due date; a task that has no completion time happened when it was logged.
      dueDate: f.date('ActivityDate'),
      occurredAt: f.dateTime('CompletedDateTime') ?? f.dateTime('CreatedDate'),
      whoRef: f.polymorphicRef('WhoId', whoTypes),
      whatRef: f.polymorphicRef('WhatId', whatTypes),
      ownerRef: f.ownerRef('OwnerId'),
      description: f.text('Description'),
    }),
  ]
}

function event(f: Fields<typeof eventFields>, issues: NormalizeIssue[]): Output {
  const startDateTime = f.dateTime('StartDateTime') ?? f.dateTime('ActivityDateTime')
  const startDate = startDateTime === undefined ? f.date('ActivityDate') : undefined
  const startsAt = startDateTime ?? (startDate === undefined ? undefined : `${startDate}T00:00:00.000Z`)
  if (startsAt === undefined) {
    issues.push({
      code: 'E_SF_EVENT_START',
      path: 'StartDateTime',
      message: 'an Event needs StartDateTime, ActivityDateTime or ActivityDate; no meeting was made',
    })
    return []
  }
  const allDay = f.bool('IsAllDayEvent') ?? startDateTime === undefined
  const duration = f.number('DurationInMinutes')
  const ownerRef = f.ownerRef('OwnerId')
  const relatedRefs = [f.polymorphicRef('WhatId', whatTypes), f.polymorphicRef('WhoId', whoTypes)].filter((ref) => ref !== undefined)
  return [
    definedOnly({
      kind: 'meeting' as const,
      title: f.text('Subject'),
      startsAt,
      endsAt: f.dateTime('EndDateTime') ?? (duration === undefined ? undefined : new Date(Date.parse(startsAt) + duration * 60_000).toISOString()),
      allDay,
      location: f.text('Location'),
      description: f.text('Description'),
      // The event's owner ("Assigned To") is the user whose calendar holds it.
      organizer: ownerRef === undefined ? undefined : { personRef: ownerRef, role: 'organizer' as const },
      attendees: [],
      relatedRefs,
    }),
  ]
}
