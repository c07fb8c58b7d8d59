import { clean } from './csv-cells.ts'
import type { CalendarApiEvent, CalendarEvent } from './raw.ts'

/**
 * A Calendar API event seen as the iCalendar VEVENT an .ics export holds for it, so that the API and
 * the export go through one event code path: the same source id (UID, plus `@<RECURRENCE-ID>` for a
 * changed occurrence), the same calendar_attendee records and the same canonical meeting. The record
 * lands with the API payload as read; this view is computed wherever the event is read.
 */

/** Calendar responseStatus → iCalendar PARTSTAT. */
const partstats: Record<string, string> = { needsAction: 'NEEDS-ACTION', accepted: 'ACCEPTED', declined: 'DECLINED', tentative: 'TENTATIVE' }

function when(time: { date?: string | undefined; dateTime?: string | undefined } | undefined): string | undefined {
  return clean(time?.dateTime) ?? clean(time?.date)
}

export function icsViewOfApiEvent(event: CalendarApiEvent): CalendarEvent {
  const start = when(event.start)!
  const end = when(event.end)
  // Without singleEvents an occurrence is listed only when it was changed (an exception); its
  // originalStartTime is the RECURRENCE-ID, written as Google writes dateTimes: wall time with offset.
  const recurrenceId = clean(event.recurringEventId) !== undefined ? when(event.originalStartTime) : undefined
  const organizerEmail = clean(event.organizer?.email)
  const organizerName = clean(event.organizer?.displayName)
  const view: CalendarEvent = {
    uid: event.iCalUID,
    start,
    allDay: clean(event.start.dateTime) === undefined,
    attendees: (event.attendees ?? []).map((attendee) => {
      const partstat = attendee.responseStatus === undefined ? undefined : partstats[attendee.responseStatus]
      return {
        ...(clean(attendee.email) !== undefined ? { email: attendee.email } : {}),
        ...(clean(attendee.displayName) !== undefined ? { name: attendee.displayName } : {}),
        role: attendee.optional === true ? 'OPT-PARTICIPANT' : 'REQ-PARTICIPANT',
        ...(partstat !== undefined ? { partstat } : {}),
        ...(attendee.resource === true ? { cutype: 'RESOURCE' } : {}),
      }
    }),
  }
  if (recurrenceId !== undefined) view.recurrenceId = recurrenceId
  if (end !== undefined) view.end = end
  for (const field of ['summary', 'description', 'location'] as const) {
    const value = clean(event[field])
    if (value !== undefined) view[field] = value
  }
  const status = clean(event.status)
  if (status !== undefined) view.status = status.toUpperCase()
  if (organizerEmail !== undefined || organizerName !== undefined) {
    view.organizer = { ...(organizerEmail !== undefined ? { email: organizerEmail } : {}), ...(organizerName !== undefined ? { name: organizerName } : {}) }
  }
  if (clean(event.updated) !== undefined) view.lastModified = event.updated
  return view
}
