import type { z } from 'zod'
import type { Meeting, Person } from '../../schema/canonical.ts'
import { refTo, type LandedRecord, type NormalizeContext, type NormalizeIssue, type NormalizeResult } from '../types.ts'
import { contactCsvSourceId, readContactCsvRow } from './contacts-csv.ts'
import { cellReader, clean } from './csv-cells.ts'
import { icsViewOfApiEvent } from './api-event.ts'
import {
  calendarApiEventSchema,
  calendarAttendeeSchema,
  calendarEventSchema,
  csvRowSchema,
  directoryUserSchema,
  peoplePersonSchema,
  type CalendarEvent,
  type CsvRow,
  type DirectoryUser,
  type PeoplePerson,
} from './raw.ts'

/**
 * Google raw records → canonical records. Pure: no IO, no clock. Which payload shape a record has is
 * told by its content: Directory API users carry `primaryEmail`, People API persons `resourceName`,
 * Calendar API events `iCalUID`; other users and contacts are CSV rows (headers as the file stated
 * them), other events VEVENTs as the .ics reader parsed them.
 */
export function normalizeGoogleRecord(record: LandedRecord, _context: NormalizeContext): NormalizeResult {
  switch (record.objectType) {
    case 'user':
      return 'primaryEmail' in record.payload
        ? withPayload(record, directoryUserSchema, normalizeDirectoryUser)
        : withPayload(record, csvRowSchema, normalizeAdminCsvUser)
    case 'contact':
      return 'resourceName' in record.payload
        ? withPayload(record, peoplePersonSchema, normalizePeopleContact)
        : withPayload(record, csvRowSchema, normalizeCsvContact)
    case 'other_contact':
      // People API otherContacts: addresses met in mail and invitations, never saved as contacts.
      return withPayload(record, peoplePersonSchema, normalizePeopleContact)
    case 'event':
      // Calendar API events carry iCalUID; they are read through the iCalendar view of an .ics export.
      return 'iCalUID' in record.payload
        ? withPayload(record, calendarApiEventSchema, (event) => normalizeEvent(icsViewOfApiEvent(event)))
        : withPayload(record, calendarEventSchema, normalizeEvent)
    case 'calendar_attendee':
      return withPayload(record, calendarAttendeeSchema, (attendee) => ({
        records: [
          {
            kind: 'person',
            internal: null,
            name: { full: nameUnlessEmail(attendee.name, attendee.email) },
            emails: [{ address: attendee.email.trim(), type: 'other' }],
            phones: [],
            externalIds: [],
          },
        ],
        issues: [],
      }))
    default:
      return {
        records: [],
        issues: [
          {
            code: 'E_GOOGLE_OBJECT_TYPE',
            message: `Google record ${record.sourceId} has object type "${record.objectType}"; expected user, contact, other_contact, event or calendar_attendee.`,
          },
        ],
      }
  }
}

type Normalizer<T> = (payload: T, record: LandedRecord) => NormalizeResult

function withPayload<S extends z.ZodType>(record: LandedRecord, schema: S, normalize: Normalizer<z.output<S>>): NormalizeResult {
  const parsed = schema.safeParse(record.payload)
  if (parsed.success) return normalize(parsed.data, record)
  const issue = parsed.error.issues[0]
  const path = issue?.path.map(String).join('.')
  return {
    records: [],
    issues: [
      {
        code: 'E_SCHEMA',
        message: `Google ${record.objectType} ${record.sourceId}: ${path ? `${path}: ` : ''}${issue?.message ?? 'invalid payload'}.`,
        ...(path ? { path } : {}),
      },
    ],
  }
}

// ---- shared value helpers ----

type EmailType = Person['emails'][number]['type']
type PhoneType = Person['phones'][number]['type']

/** Collects emails once each (compared case-insensitively), as the source states them. */
class EmailList {
  readonly items: Person['emails'] = []

  add(address: string | undefined, type: EmailType, primary = false): void {
    const value = clean(address)
    if (value === undefined) return
    const existing = this.items.find((item) => item.address.toLowerCase() === value.toLowerCase())
    if (existing) {
      if (primary) existing.primary = true
      return
    }
    this.items.push(primary ? { address: value, type, primary: true } : { address: value, type })
  }
}

class PhoneList {
  readonly items: Person['phones'] = []

  add(number: string | undefined, type: PhoneType): void {
    const value = clean(number)
    if (value === undefined || this.items.some((item) => item.number === value)) return
    this.items.push({ number: value, type })
  }
}

/** Contacts labels and People/Directory types: Work → work, Home/Personal → personal, anything else → other. */
function emailTypeOf(label: string | undefined): EmailType {
  const key = label?.toLowerCase().replace(/[^a-z]/g, '') ?? ''
  if (key === 'work') return 'work'
  if (key === 'home' || key === 'personal') return 'personal'
  return 'other'
}

/** Labels and API types alike: `Mobile`, `work_mobile`, `workMobile`, `Home Fax`, `home_fax`, `homeFax` … */
function phoneTypeOf(label: string | undefined): PhoneType {
  const key = label?.toLowerCase().replace(/[^a-z]/g, '') ?? ''
  if (key.includes('fax')) return 'fax'
  if (key.includes('mobile') || key === 'cell') return 'mobile'
  if (key === 'work') return 'work'
  if (key === 'home') return 'home'
  return 'other'
}

function joinName(...parts: (string | undefined)[]): string | undefined {
  const present = parts.map(clean).filter((part): part is string => part !== undefined)
  return present.length > 0 ? present.join(' ') : undefined
}

function compactName(name: Person['name']): Person['name'] {
  const result: Person['name'] = {}
  const full = clean(name.full)
  const given = clean(name.given)
  const family = clean(name.family)
  const preferred = clean(name.preferred)
  if (full !== undefined) result.full = full
  if (given !== undefined) result.given = given
  if (family !== undefined) result.family = family
  if (preferred !== undefined && preferred !== full) result.preferred = preferred
  return result
}

/** Calendar clients often put the address itself into CN; that is no name. */
function nameUnlessEmail(name: string | undefined, email: string | undefined): string | undefined {
  const value = clean(name)
  if (value === undefined) return undefined
  const bare = value.replace(/^mailto:/i, '')
  return email !== undefined && bare.toLowerCase() === email.trim().toLowerCase() ? undefined : value
}

const isoWithOffset = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/

function updatedAtOf(record: LandedRecord): string | undefined {
  const value = record.sourceUpdatedAt
  return value !== undefined && isoWithOffset.test(value) ? value : undefined
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T
}

function person(fields: Omit<Person, 'emails' | 'phones' | 'externalIds' | 'kind'> & Partial<Pick<Person, 'emails' | 'phones' | 'externalIds'>>): Person {
  const result: Person = {
    kind: 'person',
    ...fields,
    name: compactName(fields.name),
    emails: fields.emails ?? [],
    phones: fields.phones ?? [],
    externalIds: fields.externalIds ?? [],
  }
  if (result.employment) {
    const employment = withoutUndefined(result.employment)
    if (Object.keys(employment).length > 0) result.employment = employment
    else delete result.employment
  }
  return withoutUndefined(result)
}

// ---- user ----

/** Admin console `Status [READ ONLY]`: Active, Suspended, Archived. */
function userStatusFromCsv(status: string | undefined, issues: NormalizeIssue[]): { status?: Person['status']; active?: boolean } {
  if (status === undefined) return {}
  const key = status.toLowerCase()
  if (key === 'active') return { status: 'active', active: true }
  if (key === 'suspended' || key === 'archived') return { status: 'inactive', active: false }
  issues.push({
    code: 'E_GOOGLE_USER_STATUS',
    message: `Status "${status}" is not one of Active, Suspended, Archived; the user's status is left unknown.`,
    path: 'Status',
  })
  return {}
}

function normalizeAdminCsvUser(row: CsvRow, record: LandedRecord): NormalizeResult {
  const cell = cellReader(row)
  const issues: NormalizeIssue[] = []
  const emails = new EmailList()
  emails.add(cell('Email Address'), 'work', true)
  // "Multiple values in one cell are comma-separated without spaces" (Admin console bulk format).
  for (const address of cell('Work Secondary Email')?.split(',') ?? []) emails.add(address, 'work')
  for (const address of cell('Home Secondary Email')?.split(',') ?? []) emails.add(address, 'personal')
  emails.add(cell('Recovery Email'), 'personal')
  const phones = new PhoneList()
  phones.add(cell('Work Phone'), 'work')
  phones.add(cell('Mobile Phone'), 'mobile')
  phones.add(cell('Home Phone'), 'home')
  phones.add(cell('Recovery Phone'), 'other')
  const given = cell('First Name')
  const family = cell('Last Name')
  const employeeId = cell('Employee ID')
  const title = cell('Employee Title')
  const { status, active } = userStatusFromCsv(cell('Status'), issues)
  const managerEmail = cell('Manager Email')
  return {
    records: [
      person({
        internal: true,
        name: { full: joinName(given, family), given, family },
        emails: emails.items,
        phones: phones.items,
        title,
        status,
        employment: {
          employeeId,
          title,
          department: cell('Department'),
          costCenter: cell('Cost Center'),
          workerType: cell('Employee Type'),
          managerEmail,
          managerRef: managerEmail ? refTo('google', 'user', managerEmail.toLowerCase()) : undefined,
          active,
        },
        externalIds: employeeId ? [{ type: 'employee_id', value: employeeId }] : [],
        updatedAt: updatedAtOf(record),
      }),
    ],
    issues,
  }
}

function normalizeDirectoryUser(user: DirectoryUser, record: LandedRecord): NormalizeResult {
  const emails = new EmailList()
  emails.add(user.primaryEmail, 'work', true)
  for (const entry of user.emails ?? []) emails.add(entry.address, emailTypeOf(entry.type))
  for (const alias of [...(user.aliases ?? []), ...(user.nonEditableAliases ?? [])]) emails.add(alias, 'work')
  emails.add(user.recoveryEmail, 'personal')
  const phones = new PhoneList()
  for (const entry of user.phones ?? []) phones.add(entry.value, phoneTypeOf(entry.type))
  phones.add(user.recoveryPhone, 'other')
  const organization = user.organizations?.find((entry) => entry.primary === true) ?? user.organizations?.[0]
  // The Admin console's "Employee ID" is stored as externalIds[type=organization]; its "Manager's email"
  // as relations[type=manager].
  const employeeId = clean(user.externalIds?.find((entry) => entry.type === 'organization')?.value)
  const managerEmail = clean(user.relations?.find((entry) => entry.type === 'manager')?.value)
  const title = clean(organization?.title)
  const inactive = user.suspended === true || user.archived === true
  const status: Person['status'] = clean(user.deletionTime) !== undefined ? 'deleted' : inactive ? 'inactive' : 'active'
  return {
    records: [
      person({
        internal: true,
        name: {
          full: clean(user.name?.fullName) ?? joinName(user.name?.givenName, user.name?.familyName),
          given: user.name?.givenName,
          family: user.name?.familyName,
          preferred: user.name?.displayName,
        },
        emails: emails.items,
        phones: phones.items,
        title,
        status,
        employment: {
          employeeId,
          title,
          department: clean(organization?.department),
          costCenter: clean(organization?.costCenter),
          workerType: clean(organization?.description),
          location: clean(organization?.location),
          managerEmail,
          managerRef: managerEmail ? refTo('google', 'user', managerEmail.toLowerCase()) : undefined,
          active: user.suspended === undefined && user.archived === undefined ? undefined : !inactive,
        },
        externalIds: employeeId ? [{ type: 'employee_id', value: employeeId }] : [],
        updatedAt: updatedAtOf(record),
      }),
    ],
    issues: [],
  }
}

// ---- contact ----

function normalizeCsvContact(row: CsvRow, record: LandedRecord): NormalizeResult {
  const view = readContactCsvRow(row)
  const issues: NormalizeIssue[] = []
  if (contactCsvSourceId(view) === undefined) {
    issues.push({ code: 'E_GOOGLE_CONTACT_NO_KEY', message: 'The contact has neither an e-mail address nor a name.' })
  }
  const emails = new EmailList()
  for (const entry of view.emails) emails.add(entry.value, emailTypeOf(entry.label), entry.primary)
  const phones = new PhoneList()
  for (const entry of view.phones) phones.add(entry.value, phoneTypeOf(entry.label))
  return {
    records: [
      person({
        // A person's own contact list mixes colleagues, customers and friends: unknown, not external.
        internal: null,
        name: { full: view.fullName, given: view.given, family: view.family, preferred: view.nickname },
        emails: emails.items,
        phones: phones.items,
        title: view.organizationTitle,
        organizationName: view.organizationName,
        updatedAt: updatedAtOf(record),
      }),
    ],
    issues,
  }
}

function primaryFirst<T extends { metadata?: { primary?: boolean | undefined } | undefined }>(items: T[] | undefined): T[] {
  const list = items ?? []
  return [...list.filter((item) => item.metadata?.primary === true), ...list.filter((item) => item.metadata?.primary !== true)]
}

function normalizePeopleContact(contact: PeoplePerson, record: LandedRecord): NormalizeResult {
  const name = primaryFirst(contact.names)[0]
  const nickname = primaryFirst(contact.nicknames)[0]
  const organization = primaryFirst(contact.organizations)[0]
  const emails = new EmailList()
  for (const entry of contact.emailAddresses ?? []) emails.add(entry.value, emailTypeOf(entry.type), entry.metadata?.primary === true)
  const phones = new PhoneList()
  for (const entry of primaryFirst(contact.phoneNumbers)) phones.add(entry.value, phoneTypeOf(entry.type))
  return {
    records: [
      person({
        internal: null,
        name: {
          full: clean(name?.displayName) ?? clean(name?.unstructuredName) ?? joinName(name?.givenName, name?.middleName, name?.familyName),
          given: name?.givenName,
          family: name?.familyName,
          preferred: nickname?.value,
        },
        emails: emails.items,
        phones: phones.items,
        title: clean(organization?.title),
        organizationName: clean(organization?.name),
        status: contact.metadata?.deleted === true ? 'deleted' : undefined,
        updatedAt: updatedAtOf(record),
      }),
    ],
    issues: [],
  }
}

// ---- event ----

type Attendee = Meeting['attendees'][number]

/**
 * iCalendar times as the ICS reader gives them → ISO 8601 with offset. A date (all-day event) becomes
 * midnight UTC of that date; a floating local time (no TZID, no Z) has no zone to convert from and is
 * read as UTC with an issue.
 */
function icsTime(value: string | undefined, field: string, issues: NormalizeIssue[]): string | undefined {
  const text = clean(value)
  if (text === undefined) return undefined
  const date = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(text)
  if (date) return `${date[1]}-${date[2]}-${date[3]}T00:00:00Z`
  const basic = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)$/.exec(text)
  const iso = basic ? `${basic[1]}-${basic[2]}-${basic[3]}T${basic[4]}:${basic[5]}:${basic[6]}${basic[7]}` : text
  if (isoWithOffset.test(iso)) return iso
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(iso)) {
    issues.push({ code: 'E_GOOGLE_EVENT_FLOATING_TIME', message: `${field} "${text}" has no time zone; read as UTC.`, path: field })
    return `${iso}Z`
  }
  issues.push({ code: 'E_GOOGLE_EVENT_TIME', message: `${field} "${text}" is not a date or date-time.`, path: field })
  return undefined
}

/** ROLE: CHAIR, REQ-PARTICIPANT (default), OPT-PARTICIPANT, NON-PARTICIPANT; CUTYPE=RESOURCE/ROOM for rooms. */
function attendeeRole(role: string | undefined, cutype: unknown): Attendee['role'] {
  const type = typeof cutype === 'string' ? cutype.toUpperCase() : ''
  if (type === 'RESOURCE' || type === 'ROOM') return 'resource'
  const key = role?.toUpperCase()
  if (key === 'OPT-PARTICIPANT' || key === 'NON-PARTICIPANT') return 'optional'
  return 'required'
}

/** PARTSTAT: NEEDS-ACTION (default), ACCEPTED, DECLINED, TENTATIVE; DELEGATED and others say nothing. */
function attendeeResponse(partstat: string | undefined): Attendee['response'] {
  switch (partstat?.toUpperCase()) {
    case 'ACCEPTED':
      return 'accepted'
    case 'DECLINED':
      return 'declined'
    case 'TENTATIVE':
      return 'tentative'
    case 'NEEDS-ACTION':
      return 'needs_action'
    default:
      return undefined
  }
}

function eventParty(party: { email?: string | undefined; name?: string | undefined }, role: Attendee['role'], response?: Attendee['response']): Attendee {
  const email = clean(party.email)
  return withoutUndefined({
    email,
    name: nameUnlessEmail(party.name, email),
    personRef: email ? refTo('google', 'calendar_attendee', email.toLowerCase()) : undefined,
    role,
    response,
  })
}

function eventStatus(status: string | undefined): Meeting['status'] {
  const key = status?.toLowerCase()
  return key === 'confirmed' || key === 'tentative' || key === 'cancelled' ? key : undefined
}

function normalizeEvent(event: CalendarEvent): NormalizeResult {
  const issues: NormalizeIssue[] = []
  const startsAt = icsTime(event.start, 'start', issues)
  if (startsAt === undefined) return { records: [], issues }
  const attendees = event.attendees.map((attendee) =>
    eventParty(attendee, attendeeRole(attendee.role, attendee['cutype']), attendeeResponse(attendee.partstat)),
  )
  const meeting: Meeting = withoutUndefined({
    kind: 'meeting' as const,
    title: clean(event.summary),
    startsAt,
    endsAt: icsTime(event.end, 'end', issues),
    allDay: event.allDay,
    location: clean(event.location),
    description: clean(event.description),
    status: eventStatus(event.status),
    organizer: event.organizer && (clean(event.organizer.email) ?? clean(event.organizer.name)) ? eventParty(event.organizer, 'organizer') : undefined,
    attendees,
    relatedRefs: [],
  })
  return { records: [meeting], issues }
}
