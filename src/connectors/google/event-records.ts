import type { IcsEvent } from '../../formats/ics.ts'
import { clean } from './csv-cells.ts'

/**
 * What a calendar event contributes besides itself, the same for an .ics export and the Calendar API
 * (whose events are read through the same iCalendar view, api-event.ts): its source id and the people
 * it names, who land as calendar_attendee records.
 */

export type EventView = Pick<IcsEvent, 'uid' | 'recurrenceId' | 'organizer' | 'attendees'>

/** `UID`, plus `@<RECURRENCE-ID>` for a changed occurrence of a recurring event (docs/source-records.md). */
export function eventSourceId(event: Pick<EventView, 'uid' | 'recurrenceId'>): string {
  const recurrenceId = clean(event.recurrenceId)
  return recurrenceId === undefined ? event.uid.trim() : `${event.uid.trim()}@${recurrenceId}`
}

export interface EventParty {
  /** As the event writes it (letter case kept); the calendar_attendee's id is its lower-cased form. */
  email: string
  name: string | undefined
}

/** The organizer and attendees with an address, organizer first; a name that is only the address is no name. */
export function eventParties(event: EventView): EventParty[] {
  const parties: EventParty[] = []
  for (const party of [event.organizer, ...event.attendees]) {
    const email = clean(party?.email)?.replace(/^mailto:/i, '')
    if (email === undefined || !email.includes('@')) continue
    // Calendar clients often put the address itself into CN: that is no name.
    const cn = clean(party?.name)
    const name = cn !== undefined && cn.replace(/^mailto:/i, '').toLowerCase() !== email.toLowerCase() ? cn : undefined
    parties.push({ email, name })
  }
  return parties
}

/** The calendar_attendee payload: the address, and the name when one is known. */
export function attendeePayload(email: string, name: string | undefined): Record<string, unknown> {
  return { email, ...(name !== undefined ? { name } : {}) }
}
