import { describe, expect, it } from 'vitest'
import { icsViewOfApiEvent } from './api-event.ts'
import { eventParties, eventSourceId } from './event-records.ts'
import { normalizeGoogleRecord } from './normalize.ts'
import { calendarApiEventSchema } from './raw.ts'

const apiEvent = {
  kind: 'calendar#event',
  id: 'd038f13f109d1e63f100000001_20261104T210000Z',
  iCalUID: 'd038f13f109d1e63f100000001@google.com',
  status: 'confirmed',
  summary: 'Weekly sync',
  start: { dateTime: '2026-11-04T14:00:00-08:00', timeZone: 'America/Los_Angeles' },
  end: { dateTime: '2026-11-04T14:30:00-08:00', timeZone: 'America/Los_Angeles' },
  recurringEventId: 'd038f13f109d1e63f100000001',
  originalStartTime: { dateTime: '2026-11-04T13:00:00-08:00', timeZone: 'America/Los_Angeles' },
  organizer: { email: 'Ann@Acme.com', displayName: 'Ann Lee' },
  attendees: [
    { email: 'ann@acme.com', displayName: 'Ann Lee', organizer: true, responseStatus: 'accepted' },
    { email: 'bo@client.io', displayName: 'bo@client.io', optional: true, responseStatus: 'tentative' },
    { email: 'room-1@acme.com', resource: true, responseStatus: 'needsAction' },
  ],
  updated: '2026-10-01T10:00:00.000Z',
}

describe('a Calendar API event seen as its VEVENT', () => {
  it('has the export’s id for a changed occurrence: UID@RECURRENCE-ID', () => {
    const view = icsViewOfApiEvent(calendarApiEventSchema.parse(apiEvent))
    expect(eventSourceId(view)).toBe('d038f13f109d1e63f100000001@google.com@2026-11-04T13:00:00-08:00')
    const single = { ...apiEvent, recurringEventId: undefined, originalStartTime: undefined }
    expect(eventSourceId(icsViewOfApiEvent(calendarApiEventSchema.parse(single)))).toBe('d038f13f109d1e63f100000001@google.com')
  })

  it('names the same attendees as the export would, and normalises to the same meeting', () => {
    const view = icsViewOfApiEvent(calendarApiEventSchema.parse(apiEvent))
    expect(eventParties(view)).toEqual([
      { email: 'Ann@Acme.com', name: 'Ann Lee' },
      { email: 'ann@acme.com', name: 'Ann Lee' },
      { email: 'bo@client.io', name: undefined },
      { email: 'room-1@acme.com', name: undefined },
    ])
    const landed = { system: 'google' as const, objectType: 'event', sourceId: 'x', sourceUpdatedAt: undefined }
    const fromApi = normalizeGoogleRecord({ ...landed, payload: apiEvent }, { settings: {} })
    const fromIcs = normalizeGoogleRecord({ ...landed, payload: JSON.parse(JSON.stringify(view)) as Record<string, unknown> }, { settings: {} })
    expect(fromApi).toEqual(fromIcs)
    expect(fromApi.records[0]).toMatchObject({
      kind: 'meeting',
      startsAt: '2026-11-04T14:00:00-08:00',
      status: 'confirmed',
      attendees: [
        { email: 'ann@acme.com', role: 'required', response: 'accepted' },
        { email: 'bo@client.io', role: 'optional', response: 'tentative' },
        { email: 'room-1@acme.com', role: 'resource', response: 'needs_action' },
      ],
    })
  })

  it('reads an all-day event as the .ics reader does', () => {
    const view = icsViewOfApiEvent(calendarApiEventSchema.parse({ id: 'a', iCalUID: 'a@google.com', start: { date: '2026-06-17' }, end: { date: '2026-06-18' } }))
    expect(view).toMatchObject({ uid: 'a@google.com', start: '2026-06-17', end: '2026-06-18', allDay: true, attendees: [] })
  })
})
