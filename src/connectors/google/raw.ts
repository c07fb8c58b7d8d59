import { z } from 'zod'

/**
 * Raw payloads as the Google exports and APIs give them. Only the fields the connector reads are
 * typed; everything else is kept (`looseObject`) so the landed payload stays the record as read.
 * Field lists follow the discovery documents admin-directory_v1 (User) and people-v1 (Person).
 */

const optionalText = z.string().optional()

/** One row of a CSV export: header → cell text, headers exactly as the file states them. */
export const csvRowSchema = z.record(z.string(), z.string())
export type CsvRow = z.infer<typeof csvRowSchema>

// ---- Directory API (admin#directory#user) ----

/** emails[], phones[], relations[], externalIds[]: `type` is a standard type or `custom` with `customType`. */
const directoryTypedValue = z.looseObject({
  value: optionalText,
  type: optionalText,
  customType: optionalText,
  primary: z.boolean().optional(),
})

export const directoryUserSchema = z.looseObject({
  primaryEmail: z.string().regex(/\S/, 'must not be blank'),
  id: optionalText,
  name: z
    .looseObject({ givenName: optionalText, familyName: optionalText, fullName: optionalText, displayName: optionalText })
    .optional(),
  aliases: z.array(z.string()).optional(),
  nonEditableAliases: z.array(z.string()).optional(),
  emails: z
    .array(z.looseObject({ address: optionalText, type: optionalText, customType: optionalText, primary: z.boolean().optional() }))
    .optional(),
  phones: z.array(directoryTypedValue).optional(),
  organizations: z
    .array(
      z.looseObject({
        name: optionalText,
        title: optionalText,
        department: optionalText,
        costCenter: optionalText,
        // The Admin console's "Employee type" field is stored here (GAM calls it the employee type).
        description: optionalText,
        location: optionalText,
        primary: z.boolean().optional(),
      }),
    )
    .optional(),
  relations: z.array(directoryTypedValue).optional(),
  externalIds: z.array(directoryTypedValue).optional(),
  recoveryEmail: optionalText,
  recoveryPhone: optionalText,
  suspended: z.boolean().optional(),
  archived: z.boolean().optional(),
  deletionTime: optionalText,
  orgUnitPath: optionalText,
})
export type DirectoryUser = z.infer<typeof directoryUserSchema>

// ---- People API (Person) ----

const fieldMetadata = z.looseObject({ primary: z.boolean().optional() }).optional()

export const peoplePersonSchema = z.looseObject({
  resourceName: z.string().regex(/\S/, 'must not be blank'),
  metadata: z
    .looseObject({
      deleted: z.boolean().optional(),
      sources: z.array(z.looseObject({ type: optionalText, id: optionalText, updateTime: optionalText })).optional(),
    })
    .optional(),
  names: z
    .array(
      z.looseObject({
        displayName: optionalText,
        givenName: optionalText,
        middleName: optionalText,
        familyName: optionalText,
        unstructuredName: optionalText,
        metadata: fieldMetadata,
      }),
    )
    .optional(),
  nicknames: z.array(z.looseObject({ value: optionalText, type: optionalText, metadata: fieldMetadata })).optional(),
  emailAddresses: z.array(z.looseObject({ value: optionalText, type: optionalText, metadata: fieldMetadata })).optional(),
  phoneNumbers: z.array(z.looseObject({ value: optionalText, type: optionalText, metadata: fieldMetadata })).optional(),
  organizations: z
    .array(z.looseObject({ name: optionalText, title: optionalText, department: optionalText, metadata: fieldMetadata }))
    .optional(),
})
export type PeoplePerson = z.infer<typeof peoplePersonSchema>

// ---- iCalendar (what the reader lands for a VEVENT and for an attendee) ----

const icsParty = z.looseObject({ email: optionalText, name: optionalText })

/** A VEVENT as src/formats/ics.ts parses it (IcsEvent), landed as is. */
export const calendarEventSchema = z.looseObject({
  uid: z.string().regex(/\S/, 'must not be blank'),
  recurrenceId: optionalText,
  summary: optionalText,
  description: optionalText,
  location: optionalText,
  /** ISO date-time, or YYYY-MM-DD for an all-day event. */
  start: z.string().regex(/\S/, 'must not be blank'),
  end: optionalText,
  allDay: z.boolean().default(false),
  status: optionalText,
  organizer: icsParty.optional(),
  attendees: z.array(icsParty.extend({ role: optionalText, partstat: optionalText })).default([]),
  lastModified: optionalText,
})
export type CalendarEvent = z.infer<typeof calendarEventSchema>

/** A person seen as ORGANIZER or ATTENDEE of an event, landed once per import. */
export const calendarAttendeeSchema = z.looseObject({
  email: z.string().regex(/\S/, 'must not be blank'),
  name: optionalText,
})
export type CalendarAttendee = z.infer<typeof calendarAttendeeSchema>

// ---- Calendar API (calendar#event) ----

const apiEventTime = z.looseObject({ date: optionalText, dateTime: optionalText, timeZone: optionalText })

const apiEventParty = z.looseObject({
  email: optionalText,
  displayName: optionalText,
  optional: z.boolean().optional(),
  resource: z.boolean().optional(),
  responseStatus: optionalText,
})

/** An event as events.list returns it (not cancelled); its iCalendar UID is its key, as in an .ics export. */
export const calendarApiEventSchema = z.looseObject({
  id: z.string().regex(/\S/, 'must not be blank'),
  iCalUID: z.string().regex(/\S/, 'must not be blank'),
  status: optionalText,
  summary: optionalText,
  description: optionalText,
  location: optionalText,
  start: apiEventTime.refine((time) => time.date !== undefined || time.dateTime !== undefined, 'needs date or dateTime'),
  end: apiEventTime.optional(),
  /** Set on an occurrence of a recurring event; without singleEvents only changed occurrences are listed. */
  recurringEventId: optionalText,
  originalStartTime: apiEventTime.optional(),
  organizer: apiEventParty.optional(),
  attendees: z.array(apiEventParty).optional(),
  sequence: z.number().optional(),
  updated: optionalText,
})
export type CalendarApiEvent = z.infer<typeof calendarApiEventSchema>

/**
 * A cancelled event. Incremental syncs return deletions as `{kind, etag, id, status: "cancelled"}`
 * (plus recurringEventId and originalStartTime for an occurrence): "deleted events are only guaranteed
 * to have the id field populated", so the iCalUID the record is keyed by is usually missing.
 */
export const calendarApiCancelledSchema = z.looseObject({
  id: z.string().regex(/\S/, 'must not be blank'),
  status: z.literal('cancelled'),
  iCalUID: optionalText,
  recurringEventId: optionalText,
  originalStartTime: apiEventTime.optional(),
})

// ---- API list envelopes: only paging is relied on; each item is checked on its own ----

const pageToken = z.string().optional()

export const usersPageSchema = z.looseObject({ users: z.array(z.unknown()).optional(), nextPageToken: pageToken })
export const connectionsPageSchema = z.looseObject({ connections: z.array(z.unknown()).optional(), nextPageToken: pageToken, nextSyncToken: pageToken })
export const otherContactsPageSchema = z.looseObject({ otherContacts: z.array(z.unknown()).optional(), nextPageToken: pageToken, nextSyncToken: pageToken })
export const eventsPageSchema = z.looseObject({ items: z.array(z.unknown()).optional(), nextPageToken: pageToken, nextSyncToken: pageToken, summary: optionalText })
