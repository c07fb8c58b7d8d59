import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { parse as parseCsv } from 'csv-parse/sync'
import ICAL from 'ical.js'
import { readContactCsvRow } from '../../../src/connectors/google/contacts-csv.ts'
import { cellReader, clean, parseLabel, splitMultiValue } from '../../../src/connectors/google/csv-cells.ts'

/**
 * The in-memory Google Workspace tenant the fake serves, loaded from a customer-graph generated Google
 * export folder (users.csv, contacts.csv, calendar.ics) so that the Directory, People and Calendar APIs
 * hand out the same people, contacts and events as the export. Resources are kept in API shape; every
 * change takes the next tenant revision, which is what sync tokens compare against.
 */

/** Directory API User (admin#directory#user), as the discovery document admin-directory_v1 names its fields. */
export type DirectoryUserResource = Record<string, unknown> & { id: string; primaryEmail: string; etag: string }
/** People API Person. */
export type PersonResource = Record<string, unknown> & { resourceName: string; etag: string }
/** Calendar API Event (calendar#event). */
export type EventResource = Record<string, unknown> & { id: string; iCalUID: string; etag: string; status: string; updated: string }

export interface Tracked<T> {
  resource: T
  /** Tenant revision of the last change; sync tokens return what changed after their revision. */
  revision: number
  /** Removed: left out of full listings, returned as a tombstone by incremental syncs. */
  deleted: boolean
}

export interface FakeCalendar {
  id: string
  summary: string
  timeZone: string
}

export interface TenantOptions {
  /** Directory customer id (User.customerId), default 'C03az79cb'. */
  customerId?: string
  /** The calendar's id (and its owner's e-mail); default the first user of users.csv. */
  calendarId?: string
  /** Milliseconds since the epoch for updateTime/updated of changes; default Date.now. */
  clock?: () => number
}

export class GoogleTenant {
  readonly customerId: string
  readonly domains: Set<string>
  readonly calendar: FakeCalendar
  readonly clock: () => number
  /** Keyed by Directory user id, in users.csv order. */
  readonly users = new Map<string, Tracked<DirectoryUserResource>>()
  /** Keyed by resourceName (people/c…), in contacts.csv order. */
  readonly contacts = new Map<string, Tracked<PersonResource>>()
  /** Keyed by resourceName (otherContacts/c…). */
  readonly otherContacts = new Map<string, Tracked<PersonResource>>()
  /** Keyed by event id, in calendar.ics order. */
  readonly events = new Map<string, Tracked<EventResource>>()
  /** VTIMEZONEs of calendar.ics (for expanding recurring events). */
  readonly zones = new Map<string, ICAL.Timezone>()
  revision = 0

  constructor(calendar: FakeCalendar, customerId: string, clock: () => number) {
    this.calendar = calendar
    this.customerId = customerId
    this.clock = clock
    this.domains = new Set()
  }

  private bump(): number {
    this.revision += 1
    return this.revision
  }

  now(): string {
    return new Date(this.clock()).toISOString()
  }

  // ---- mutation helpers ----

  /** Adds a user or replaces the fields given (matched by primaryEmail); id, etag and kind are kept/derived. */
  upsertUser(fields: Partial<DirectoryUserResource> & { primaryEmail: string }): DirectoryUserResource {
    const existing = this.findUser(fields.primaryEmail)
    const id = existing?.resource.id ?? directoryUserId(fields.primaryEmail)
    const revision = this.bump()
    const resource: DirectoryUserResource = {
      kind: 'admin#directory#user',
      ...(existing?.resource ?? { creationTime: this.now(), customerId: this.customerId, orgUnitPath: '/', isAdmin: false, isDelegatedAdmin: false, suspended: false, archived: false }),
      ...fields,
      id,
      primaryEmail: fields.primaryEmail,
      etag: directoryEtag(id, revision),
    }
    this.users.set(id, { resource, revision, deleted: false })
    return resource
  }

  /** Deletes a user: listed only with showDeleted=true, with deletionTime. */
  deleteUser(userKey: string): void {
    const tracked = this.findUser(userKey)
    if (!tracked) throw new Error(`no user ${userKey}`)
    const revision = this.bump()
    tracked.resource = { ...tracked.resource, deletionTime: this.now(), etag: directoryEtag(tracked.resource.id, revision) }
    tracked.revision = revision
    tracked.deleted = true
  }

  findUser(userKey: string): Tracked<DirectoryUserResource> | undefined {
    const key = userKey.toLowerCase()
    for (const tracked of this.users.values()) {
      const user = tracked.resource
      if (user.id === userKey || user.primaryEmail.toLowerCase() === key) return tracked
      if (Array.isArray(user.aliases) && user.aliases.some((alias) => String(alias).toLowerCase() === key)) return tracked
    }
    return undefined
  }

  /**
   * Adds a contact (a new resourceName from its first e-mail or name) or changes one: `fields` replace
   * the Person's fields; etag and metadata.sources[].updateTime move.
   */
  upsertContact(fields: Partial<PersonResource> & { resourceName?: string }, collection: 'contacts' | 'otherContacts' = 'contacts'): PersonResource {
    const map = collection === 'contacts' ? this.contacts : this.otherContacts
    const resourceName = fields.resourceName ?? personResourceName(collection, JSON.stringify(fields.emailAddresses ?? fields.names ?? fields))
    const existing = map.get(resourceName)
    const revision = this.bump()
    const sourceType = collection === 'contacts' ? 'CONTACT' : 'OTHER_CONTACT'
    const resource: PersonResource = { ...(existing?.resource ?? {}), ...fields, resourceName, etag: personEtag(resourceName, revision) }
    resource.metadata = personMetadata(resourceName, sourceType, revision, this.now())
    map.set(resourceName, { resource, revision, deleted: false })
    return resource
  }

  deleteContact(resourceName: string): void {
    const map = resourceName.startsWith('otherContacts/') ? this.otherContacts : this.contacts
    const tracked = map.get(resourceName)
    if (!tracked) throw new Error(`no contact ${resourceName}`)
    const revision = this.bump()
    tracked.revision = revision
    tracked.deleted = true
    const sourceType = resourceName.startsWith('otherContacts/') ? 'OTHER_CONTACT' : 'CONTACT'
    tracked.resource = { ...tracked.resource, etag: personEtag(resourceName, revision), metadata: personMetadata(resourceName, sourceType, revision, this.now()) }
  }

  /** Adds or changes an event (matched by id); `updated`, `etag` and `sequence` are set here. */
  upsertEvent(fields: Partial<EventResource> & { id: string }): EventResource {
    const existing = this.events.get(fields.id)
    const revision = this.bump()
    const updated = this.now()
    const resource = {
      kind: 'calendar#event',
      status: 'confirmed',
      created: updated,
      iCalUID: `${fields.id}@google.com`,
      eventType: 'default',
      reminders: { useDefault: true },
      ...(existing?.resource ?? {}),
      ...fields,
      updated,
      etag: eventEtag(this.clock(), revision),
    } as EventResource
    this.events.set(fields.id, { resource, revision, deleted: false })
    return resource
  }

  /** Deletes an event: it comes back as status "cancelled" in incremental syncs and with showDeleted. */
  deleteEvent(id: string): void {
    const tracked = this.events.get(id)
    if (!tracked) throw new Error(`no event ${id}`)
    const revision = this.bump()
    tracked.revision = revision
    tracked.deleted = true
    tracked.resource = { ...tracked.resource, status: 'cancelled', updated: this.now(), etag: eventEtag(this.clock(), revision) }
  }
}

// ---- ids: derived from what the export's importer keys on, so loading twice gives the same ids ----

function digits(seed: string, count: number): string {
  const hash = createHash('sha256').update(seed).digest()
  let out = ''
  for (let index = 0; out.length < count; index += 1) out += String(hash[index % hash.length]! % 10)
  return out
}

function hex(seed: string, count: number): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, count)
}

/** Directory user ids are 21-digit numbers; derived from the lower-cased primary e-mail. */
export function directoryUserId(primaryEmail: string): string {
  return `1${digits(`user:${primaryEmail.trim().toLowerCase()}`, 20)}`
}

/** people/c<19 digits> (or otherContacts/c…), derived from the contact's key (first e-mail, else name). */
export function personResourceName(collection: 'contacts' | 'otherContacts', key: string): string {
  return `${collection === 'contacts' ? 'people' : 'otherContacts'}/c${digits(`${collection}:${key.toLowerCase()}`, 19)}`
}

function directoryEtag(id: string, revision: number): string {
  return `"${Buffer.from(hex(`${id}:${revision}`, 30), 'hex').toString('base64url')}/${hex(`u${id}:${revision}`, 27)}"`
}

function personEtag(resourceName: string, revision: number): string {
  return `%${Buffer.from(hex(`${resourceName}:${revision}`, 24), 'hex').toString('base64')}`
}

function eventEtag(nowMs: number, revision: number): string {
  return `"${nowMs * 1000 + (revision % 1000)}"`
}

function personMetadata(resourceName: string, type: string, revision: number, updateTime: string): Record<string, unknown> {
  return {
    sources: [{ type, id: hex(resourceName, 16), etag: `#${Buffer.from(hex(`${resourceName}#${revision}`, 9), 'hex').toString('base64')}`, updateTime }],
    objectType: 'PERSON',
  }
}

function fieldMetadata(resourceName: string, type: string, primary: boolean): Record<string, unknown> {
  return { ...(primary ? { primary: true, sourcePrimary: true } : {}), source: { type, id: hex(resourceName, 16) } }
}

// ---- loading ----

export async function loadGoogleTenant(folder: string, options: TenantOptions = {}): Promise<GoogleTenant> {
  const clock = options.clock ?? Date.now
  const userRows = await readCsvRows(path.join(folder, 'users.csv'))
  const contactRows = await readCsvRows(path.join(folder, 'contacts.csv'))
  const ics = await readFile(path.join(folder, 'calendar.ics'), 'utf8')
  const vcalendar = new ICAL.Component(ICAL.parse(ics) as unknown[])
  const firstEmail = clean(cellReader(userRows[0] ?? {})('Email Address'))
  const calendarId = options.calendarId ?? firstEmail ?? 'calendar@example.com'
  const tenant = new GoogleTenant(
    {
      id: calendarId,
      summary: String(vcalendar.getFirstPropertyValue('x-wr-calname') ?? calendarId),
      timeZone: String(vcalendar.getFirstPropertyValue('x-wr-timezone') ?? 'UTC'),
    },
    options.customerId ?? 'C03az79cb',
    clock,
  )
  const loadTime = tenant.now()
  for (const row of userRows) {
    const user = userFromCsv(row, tenant.customerId, loadTime)
    if (user === undefined) continue
    tenant.domains.add(user.primaryEmail.split('@')[1]!.toLowerCase())
    const revision = ++tenant.revision
    const resource = { ...user, etag: directoryEtag(user.id, revision) }
    tenant.users.set(user.id, { resource, revision, deleted: false })
  }
  const contactEmails = new Set<string>()
  for (const row of contactRows) {
    const revision = ++tenant.revision
    const person = personFromCsv(row, revision, loadTime)
    if (person === undefined) continue
    for (const entry of (person.emailAddresses as { value: string }[] | undefined) ?? []) contactEmails.add(entry.value.toLowerCase())
    tenant.contacts.set(person.resourceName, { resource: person, revision, deleted: false })
  }
  for (const vtimezone of vcalendar.getAllSubcomponents('vtimezone')) {
    const zone = new ICAL.Timezone(vtimezone)
    tenant.zones.set(zone.tzid, zone)
  }
  const userEmails = new Set([...tenant.users.values()].map((tracked) => tracked.resource.primaryEmail.toLowerCase()))
  const others = new Map<string, string | undefined>()
  for (const vevent of vcalendar.getAllSubcomponents('vevent')) {
    const revision = ++tenant.revision
    const event = eventFromVevent(vevent, tenant.calendar, revision)
    tenant.events.set(event.id, { resource: event, revision, deleted: false })
    for (const party of (event.attendees as { email?: string; displayName?: string }[] | undefined) ?? []) {
      const email = party.email?.toLowerCase()
      if (email && !userEmails.has(email) && !contactEmails.has(email) && !others.has(email)) others.set(email, party.displayName)
    }
  }
  // "Other contacts" are the people one has met (e-mail, invitations) without saving them: the event
  // attendees who are neither users nor saved contacts.
  for (const [email, name] of others) {
    const revision = ++tenant.revision
    const resourceName = personResourceName('otherContacts', `email:${email}`)
    const resource: PersonResource = {
      resourceName,
      etag: personEtag(resourceName, revision),
      metadata: personMetadata(resourceName, 'OTHER_CONTACT', revision, loadTime),
      ...(name ? { names: [{ metadata: fieldMetadata(resourceName, 'OTHER_CONTACT', true), displayName: name, unstructuredName: name }] } : {}),
      emailAddresses: [{ metadata: fieldMetadata(resourceName, 'OTHER_CONTACT', true), value: email }],
    }
    tenant.otherContacts.set(resourceName, { resource, revision, deleted: false })
  }
  return tenant
}

async function readCsvRows(file: string): Promise<Record<string, string>[]> {
  const text = await readFile(file, 'utf8')
  return parseCsv<Record<string, string>>(text, { columns: true, bom: true, skip_empty_lines: true, relax_column_count: true })
}

/** Admin console `2026/10/31 03:34:27` (UTC assumed) → RFC 3339; `Never logged in` → the epoch, as the API reports it. */
function adminTime(value: string | undefined): string | undefined {
  const match = value && /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(value)
  if (!match) return value === undefined ? undefined : '1970-01-01T00:00:00.000Z'
  return `${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}.000Z`
}

/** One Admin console users row → Directory User, with the field mapping normalize.ts reads back. */
function userFromCsv(row: Record<string, string>, customerId: string, loadTime: string): Record<string, unknown> & { id: string; primaryEmail: string } | undefined {
  const cell = cellReader(row)
  const primaryEmail = cell('Email Address')
  if (primaryEmail === undefined) return undefined
  const id = directoryUserId(primaryEmail)
  const given = cell('First Name')
  const family = cell('Last Name')
  const fullName = [given, family].filter(Boolean).join(' ')
  const status = cell('Status')?.toLowerCase()
  const list = (value: string | undefined) => (value ?? '').split(',').map((item) => item.trim()).filter(Boolean)
  const emails = [
    { address: primaryEmail, primary: true },
    ...list(cell('Work Secondary Email')).map((address) => ({ address, type: 'work' })),
    ...list(cell('Home Secondary Email')).map((address) => ({ address, type: 'home' })),
  ]
  const phones = (
    [
      ['Work Phone', 'work'],
      ['Mobile Phone', 'mobile'],
      ['Home Phone', 'home'],
    ] as const
  ).flatMap(([column, type]) => (cell(column) ? [{ value: cell(column), type }] : []))
  const organization = {
    title: cell('Employee Title'),
    primary: true,
    customType: '',
    department: cell('Department'),
    description: cell('Employee Type'),
    costCenter: cell('Cost Center'),
  }
  const addresses = (
    [
      ['Work Address', 'work'],
      ['Home Address', 'home'],
    ] as const
  ).flatMap(([column, type]) => (cell(column) ? [{ type, formatted: cell(column) }] : []))
  const user: Record<string, unknown> = {
    kind: 'admin#directory#user',
    id,
    primaryEmail,
    name: { givenName: given, familyName: family, fullName, displayName: fullName },
    isAdmin: false,
    isDelegatedAdmin: false,
    lastLoginTime: adminTime(cell('Last Sign In')),
    creationTime: loadTime,
    agreedToTerms: true,
    suspended: status === 'suspended',
    archived: status === 'archived',
    changePasswordAtNextLogin: false,
    ipWhitelisted: false,
    emails,
    ...(phones.length > 0 ? { phones } : {}),
    ...(addresses.length > 0 ? { addresses } : {}),
    organizations: [withoutUndefined(organization)],
    ...(cell('Manager Email') ? { relations: [{ value: cell('Manager Email'), type: 'manager' }] } : {}),
    ...(cell('Employee ID') ? { externalIds: [{ value: cell('Employee ID'), type: 'organization' }] } : {}),
    ...(cell('Recovery Email') ? { recoveryEmail: cell('Recovery Email') } : {}),
    ...(cell('Recovery Phone') ? { recoveryPhone: cell('Recovery Phone') } : {}),
    customerId,
    orgUnitPath: cell('Org Unit Path') ?? '/',
    isMailboxSetup: true,
    isEnrolledIn2Sv: cell('2sv Enrolled')?.toLowerCase() === 'true',
    isEnforcedIn2Sv: false,
    includeInGlobalAddressList: true,
  }
  return withoutUndefined(user) as Record<string, unknown> & { id: string; primaryEmail: string }
}

function withoutUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T
}

/** Label as People types it: `Work` → type "work", formattedType "Work". */
function typed(label: string | undefined): { type?: string; formattedType?: string } {
  if (label === undefined) return {}
  const type = label.charAt(0).toLowerCase() + label.slice(1).replace(/\s+(\w)/g, (_, letter: string) => letter.toUpperCase())
  return { type, formattedType: label }
}

/** One Google Contacts CSV row → People Person, keyed like contactCsvSourceId (first e-mail, else name). */
function personFromCsv(row: Record<string, string>, revision: number, loadTime: string): PersonResource | undefined {
  const view = readContactCsvRow(row)
  const key = view.emails[0] ? `email:${view.emails[0].value}` : view.fullName ? `name:${view.fullName}` : undefined
  if (key === undefined) return undefined
  const resourceName = personResourceName('contacts', key)
  const meta = (primary: boolean) => fieldMetadata(resourceName, 'CONTACT', primary)
  const person: PersonResource = { resourceName, etag: personEtag(resourceName, revision), metadata: personMetadata(resourceName, 'CONTACT', revision, loadTime) }
  if (view.fullName !== undefined) {
    person.names = [
      withoutUndefined({
        metadata: meta(true),
        displayName: view.fullName,
        familyName: view.family,
        givenName: view.given,
        middleName: view.middle,
        displayNameLastFirst: view.family ? `${view.family}, ${[view.given, view.middle].filter(Boolean).join(' ')}`.replace(/, $/, '') : view.fullName,
        unstructuredName: view.fullName,
      }),
    ]
  }
  if (view.nickname) person.nicknames = [{ metadata: meta(false), value: view.nickname }]
  if (view.emails.length > 0) {
    person.emailAddresses = view.emails.map((entry, index) => ({ metadata: meta(entry.primary || index === 0), value: entry.value, ...typed(entry.label) }))
  }
  if (view.phones.length > 0) person.phoneNumbers = view.phones.map((entry, index) => ({ metadata: meta(index === 0), value: entry.value, ...typed(entry.label) }))
  if (view.organizationName !== undefined || view.organizationTitle !== undefined) {
    person.organizations = [withoutUndefined({ metadata: meta(true), name: view.organizationName, title: view.organizationTitle, department: view.organizationDepartment, type: 'work', formattedType: 'Work' })]
  }
  const cell = cellReader(row)
  const labels = splitMultiValue(cell('Labels') ?? cell('Group Membership')).map((label) => parseLabel(label).label ?? label)
  person.memberships = labels.map((label) => {
    const id = label.replace(/^\*\s*/, '')
    const groupId = id === 'myContacts' || id === 'starred' ? id : hex(`group:${id}`, 16)
    return { metadata: { source: { type: 'CONTACT', id: hex(resourceName, 16) } }, contactGroupMembership: { contactGroupId: groupId, contactGroupResourceName: `contactGroups/${groupId}` } }
  })
  return person
}

// ---- events ----

/** Google event ids use base32hex (a–v, 0–9); Google-made iCalUIDs are `<id>@google.com`. */
function eventIdFromUid(uid: string): string {
  const local = /^([a-v0-9]{5,1024})@google\.com$/.exec(uid)?.[1]
  return local ?? createHash('sha256').update(uid).digest('hex').slice(0, 26)
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0')
}

function offsetOf(seconds: number): string {
  if (seconds === 0) return 'Z'
  const sign = seconds < 0 ? '-' : '+'
  const abs = Math.abs(seconds)
  return `${sign}${pad(Math.floor(abs / 3600))}:${pad(Math.floor((abs % 3600) / 60))}`
}

/** An ICAL.Time as Calendar API EventDateTime: `{date}` or `{dateTime (with the zone's offset), timeZone}`. */
export function eventDateTime(time: ICAL.Time, fallbackZone: string): Record<string, string> {
  const date = `${pad(time.year, 4)}-${pad(time.month)}-${pad(time.day)}`
  if (time.isDate) return { date }
  const local = `${date}T${pad(time.hour)}:${pad(time.minute)}:${pad(time.second)}`
  const tzid = time.zone?.tzid
  if (time.zone === ICAL.Timezone.utcTimezone || tzid === 'UTC' || tzid === 'Z') return { dateTime: `${local}Z`, timeZone: 'UTC' }
  if (time.zone === undefined || time.zone === ICAL.Timezone.localTimezone || tzid === 'floating') return { dateTime: `${local}Z`, timeZone: fallbackZone }
  return { dateTime: local + offsetOf(time.utcOffset()), timeZone: tzid ?? fallbackZone }
}

/** The instance id suffix Google uses: the original start in UTC, `20261104T210000Z`, or `20261104` for all-day events. */
export function instanceSuffix(time: ICAL.Time): string {
  if (time.isDate) return `${pad(time.year, 4)}${pad(time.month)}${pad(time.day)}`
  const utc = time.convertToZone(ICAL.Timezone.utcTimezone)
  return `${pad(utc.year, 4)}${pad(utc.month)}${pad(utc.day)}T${pad(utc.hour)}${pad(utc.minute)}${pad(utc.second)}Z`
}

function icsTimestamp(vevent: ICAL.Component, name: string): string | undefined {
  const value = vevent.getFirstPropertyValue(name)
  return value instanceof ICAL.Time ? value.toJSDate().toISOString() : undefined
}

const responseStatus: Record<string, string> = { 'NEEDS-ACTION': 'needsAction', ACCEPTED: 'accepted', DECLINED: 'declined', TENTATIVE: 'tentative' }

function party(property: ICAL.Property): { email?: string; displayName?: string } {
  const value = property.getFirstValue()
  const email = typeof value === 'string' ? value.replace(/^mailto:/i, '') : undefined
  const cn = property.getParameter('cn')
  const name = typeof cn === 'string' ? cn : undefined
  return withoutUndefined({ email, displayName: name && name.toLowerCase() !== email?.toLowerCase() ? name : undefined })
}

function eventFromVevent(vevent: ICAL.Component, calendar: FakeCalendar, revision: number): EventResource {
  const uid = String(vevent.getFirstPropertyValue('uid'))
  const baseId = eventIdFromUid(uid)
  const startProperty = vevent.getFirstProperty('dtstart')
  const start = startProperty?.getFirstValue()
  if (!(start instanceof ICAL.Time)) throw new Error(`calendar.ics: VEVENT ${uid} has no DTSTART`)
  const endValue = vevent.getFirstPropertyValue('dtend')
  const recurrenceId = vevent.getFirstPropertyValue('recurrence-id')
  const id = recurrenceId instanceof ICAL.Time ? `${baseId}_${instanceSuffix(recurrenceId)}` : baseId
  const organizerProperty = vevent.getFirstProperty('organizer')
  const organizer = organizerProperty ? party(organizerProperty) : undefined
  const organizerEmail = organizer?.email?.toLowerCase()
  const attendees = vevent.getAllProperties('attendee').map((property) => {
    const who = party(property)
    const partstat = property.getParameter('partstat')
    const role = property.getParameter('role')
    const cutype = property.getParameter('cutype')
    return withoutUndefined({
      ...who,
      organizer: who.email?.toLowerCase() === organizerEmail ? true : undefined,
      self: who.email?.toLowerCase() === calendar.id.toLowerCase() ? true : undefined,
      resource: cutype === 'RESOURCE' || cutype === 'ROOM' ? true : undefined,
      optional: role === 'OPT-PARTICIPANT' ? true : undefined,
      responseStatus: responseStatus[typeof partstat === 'string' ? partstat.toUpperCase() : 'NEEDS-ACTION'] ?? 'needsAction',
    })
  })
  const updated = icsTimestamp(vevent, 'last-modified') ?? icsTimestamp(vevent, 'dtstamp') ?? new Date(0).toISOString()
  const sequence = vevent.getFirstPropertyValue('sequence')
  const status = vevent.getFirstPropertyValue('status')
  const summary = vevent.getFirstPropertyValue('summary')
  const description = vevent.getFirstPropertyValue('description')
  const location = vevent.getFirstPropertyValue('location')
  const transp = vevent.getFirstPropertyValue('transp')
  const recurrence = ['rrule', 'exrule', 'rdate', 'exdate'].flatMap((name) =>
    vevent.getAllProperties(name).map((property) => property.toICALString()),
  )
  const resource = withoutUndefined({
    kind: 'calendar#event',
    etag: eventEtag(Date.parse(updated), revision),
    id,
    status: typeof status === 'string' ? status.toLowerCase() : 'confirmed',
    htmlLink: `https://www.google.com/calendar/event?eid=${Buffer.from(`${id} ${calendar.id}`).toString('base64url')}`,
    created: icsTimestamp(vevent, 'created') ?? updated,
    updated,
    summary: typeof summary === 'string' && summary !== '' ? summary : undefined,
    description: typeof description === 'string' && description !== '' ? description : undefined,
    location: typeof location === 'string' && location !== '' ? location : undefined,
    creator: organizer ? { ...organizer, ...(organizerEmail === calendar.id.toLowerCase() ? { self: true } : {}) } : undefined,
    organizer: organizer ? { ...organizer, ...(organizerEmail === calendar.id.toLowerCase() ? { self: true } : {}) } : undefined,
    start: eventDateTime(start, calendar.timeZone),
    end: endValue instanceof ICAL.Time ? eventDateTime(endValue, calendar.timeZone) : eventDateTime(start, calendar.timeZone),
    recurrence: recurrence.length > 0 ? recurrence : undefined,
    recurringEventId: recurrenceId instanceof ICAL.Time ? baseId : undefined,
    originalStartTime: recurrenceId instanceof ICAL.Time ? eventDateTime(recurrenceId, calendar.timeZone) : undefined,
    transparency: transp === 'TRANSPARENT' ? 'transparent' : undefined,
    iCalUID: uid,
    sequence: typeof sequence === 'number' ? sequence : 0,
    attendees: attendees.length > 0 ? attendees : undefined,
    reminders: { useDefault: true },
    eventType: 'default',
  })
  return resource
}
