import { z } from 'zod'
import type { ApiStream, StreamContext, StreamPage } from '../../api-contract.ts'
import type { ApiLocation, RawRecord, RejectedInput } from '../../types.ts'
import { icsViewOfApiEvent } from '../api-event.ts'
import { FullResyncRequired } from '../classify.ts'
import type { GoogleClients } from '../client.ts'
import type { GoogleSettings } from '../config.ts'
import { attendeePayload, eventParties, eventSourceId } from '../event-records.ts'
import { calendarApiCancelledSchema, calendarApiEventSchema, eventsPageSchema } from '../raw.ts'
import { itemReject, nonEmpty, parseEnvelope } from './page-items.ts'

/**
 * Calendar events (calendar.events.list) of each calendar in settings.calendars, with sync tokens:
 * the first listing of a calendar lists all its events, and its last page's nextSyncToken lists only
 * what changed next time. A token Google no longer accepts answers 410 fullSyncRequired, classified
 * cursor_expired: the sync reads the stream again from a null cursor (every calendar listed whole).
 *
 * Recurring events are listed as the export holds them, without singleEvents: a series is one event
 * (its RRULE in `recurrence`), and only changed occurrences are items of their own. Expanding the
 * series (singleEvents=true) would land every occurrence as a record the .ics export does not have.
 *
 * Each event yields, through the iCalendar view of the export (api-event.ts, event-records.ts), the
 * same `event` record id and the same `calendar_attendee` records as an .ics import.
 *
 * Cursor: `{syncTokens: {calendarId: token}, listing?: {calendar, pageToken, syncToken?}}`; `listing`
 * while a calendar's listing is under way.
 */
export const eventsCursor = z
  .object({
    syncTokens: z.record(z.string().min(1), z.string().min(1)),
    listing: z.object({ calendar: z.string().min(1), pageToken: z.string().min(1), syncToken: z.string().min(1).optional() }).strict().optional(),
  })
  .strict()
export type EventsCursor = z.infer<typeof eventsCursor>

const ENDPOINT = 'events.list'

export function eventsStream(clients: GoogleClients, settings: GoogleSettings): ApiStream<EventsCursor> {
  return {
    name: 'events',
    mode: 'incremental',
    cursor: eventsCursor,
    async *read(context, start): AsyncGenerator<StreamPage<EventsCursor>> {
      // Tokens of calendars no longer configured are dropped with them.
      const syncTokens: Record<string, string> = Object.fromEntries(Object.entries(start?.syncTokens ?? {}).filter(([calendar]) => settings.calendars.includes(calendar)))
      const resume = start?.listing !== undefined && settings.calendars.includes(start.listing.calendar) ? start.listing : undefined
      // Only a read from nothing lists every calendar whole: then the last page speaks for all events.
      let lostAny = false
      for (const [index, calendarId] of settings.calendars.entries()) {
        const resuming = resume?.calendar === calendarId ? resume : undefined
        const syncToken = resuming ? resuming.syncToken : syncTokens[calendarId]
        let pageToken = resuming?.pageToken
        for (let page = 1; ; page += 1) {
          const location: ApiLocation = { endpoint: ENDPOINT, page }
          const result = await listPage(context, clients, settings, calendarId, { pageToken, syncToken }, location)
          lostAny ||= result.rejects.length > 0
          pageToken = nonEmpty(result.nextPageToken)
          if (pageToken !== undefined) context.page(`${ENDPOINT} ${calendarId}`, pageToken)
          else {
            const next = nonEmpty(result.nextSyncToken)
            if (next !== undefined) syncTokens[calendarId] = next
            else delete syncTokens[calendarId]
          }
          const last = pageToken === undefined && index === settings.calendars.length - 1
          yield {
            records: result.records,
            rejects: result.rejects,
            cursor: { syncTokens: { ...syncTokens }, ...(pageToken !== undefined ? { listing: { calendar: calendarId, pageToken, ...(syncToken ? { syncToken } : {}) } } : {}) },
            ...(last && start === null && !lostAny ? { complete: ['event'] } : {}),
          }
          if (pageToken === undefined) break
        }
      }
    },
  }
}

interface EventsPage {
  records: RawRecord<ApiLocation>[]
  rejects: RejectedInput<ApiLocation>[]
  nextPageToken: string | undefined
  nextSyncToken: string | undefined
}

async function listPage(
  context: StreamContext,
  clients: GoogleClients,
  settings: GoogleSettings,
  calendarId: string,
  position: { pageToken: string | undefined; syncToken: string | undefined },
  location: ApiLocation,
): Promise<EventsPage> {
  const params = {
    calendarId,
    maxResults: settings.pageSize.events,
    ...(position.pageToken ? { pageToken: position.pageToken } : {}),
    ...(position.syncToken ? { syncToken: position.syncToken } : {}),
  }
  return context.call({ what: `calendar ${ENDPOINT}` }, async (signal) => {
    const body = parseEnvelope(eventsPageSchema, await clients.request(signal, (options) => clients.calendar.events.list(params, options)), ENDPOINT)
    return { ...eventsOfPage(body.items ?? [], location, position.syncToken !== undefined), nextPageToken: body.nextPageToken, nextSyncToken: body.nextSyncToken }
  })
}

function eventsOfPage(items: unknown[], location: ApiLocation, incremental: boolean): Omit<EventsPage, 'nextPageToken' | 'nextSyncToken'> {
  const records: RawRecord<ApiLocation>[] = []
  const rejects: RejectedInput<ApiLocation>[] = []
  const attendees = new Map<string, { email: string; name: string | undefined }>()
  const unnamedDeletions: string[] = []
  items.forEach((item, index) => {
    const cancelled = calendarApiCancelledSchema.safeParse(item)
    if (cancelled.success) {
      // A full listing leaves deleted events out (the sync infers them gone); a cancelled occurrence
      // in it is an EXDATE of its series, which the series' own record already states.
      if (!incremental) return
      const uid = cancelled.data.iCalUID
      if (uid === undefined) {
        unnamedDeletions.push(cancelled.data.id)
        return
      }
      const recurrenceId = cancelled.data.recurringEventId ? (cancelled.data.originalStartTime?.dateTime ?? cancelled.data.originalStartTime?.date) : undefined
      const sourceId = eventSourceId({ uid, recurrenceId })
      records.push({ objectType: 'event', sourceId, payload: item as Record<string, unknown>, provenance: location, deleted: { reason: 'status cancelled' } })
      return
    }
    const parsed = calendarApiEventSchema.safeParse(item)
    if (!parsed.success) {
      rejects.push(itemReject(parsed.error, item, location, index, 'items', 'event'))
      return
    }
    const view = icsViewOfApiEvent(parsed.data)
    records.push({
      objectType: 'event',
      sourceId: eventSourceId(view),
      payload: item as Record<string, unknown>,
      provenance: location,
      ...(parsed.data.updated !== undefined && !Number.isNaN(Date.parse(parsed.data.updated)) ? { sourceUpdatedAt: parsed.data.updated } : {}),
    })
    // As in the export: the first sighting gives the address, the first real name wins.
    for (const { email, name } of eventParties(view)) {
      const key = email.toLowerCase()
      const known = attendees.get(key)
      if (known === undefined) attendees.set(key, { email, name })
      else known.name ??= name
    }
  })
  if (unnamedDeletions.length > 0) {
    // "Deleted events are only guaranteed to have the id field populated": the iCalUID the record
    // is keyed by (as in the export) is missing, so only a full listing can tell which record is gone.
    throw new FullResyncRequired(
      `${ENDPOINT} page ${location.page}: ${unnamedDeletions.length} cancelled event(s) (${unnamedDeletions.slice(0, 3).join(', ')}${unnamedDeletions.length > 3 ? ', …' : ''}) ` +
        'come without their iCalUID, by which the sync knows events; a full listing follows, after which the events no longer listed are marked deleted',
    )
  }
  for (const [sourceId, { email, name }] of attendees) {
    // Pieced together from events: never inferred deleted, folded when another page names them again.
    records.push({ objectType: 'calendar_attendee', sourceId, payload: attendeePayload(email, name), provenance: location, inferred: true })
  }
  return { records, rejects }
}
