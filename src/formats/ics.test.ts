import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { FormatError } from './format-error.ts'
import { type IcsItem, readIcsEvents } from './ics.ts'

const location = { file: 'calendar.zip', entry: 'ada@acme.com.ics' }

const calendar = [
  'BEGIN:VCALENDAR',
  'PRODID:-//Google Inc//Google Calendar 70.9054//EN',
  'VERSION:2.0',
  'X-WR-TIMEZONE:America/New_York',
  'BEGIN:VTIMEZONE',
  'TZID:America/New_York',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:-0500',
  'TZOFFSETTO:-0400',
  'TZNAME:EDT',
  'DTSTART:19700308T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:-0400',
  'TZOFFSETTO:-0500',
  'TZNAME:EST',
  'DTSTART:19701101T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
  'BEGIN:VEVENT', // line 22
  'DTSTART;TZID=America/New_York:20240305T090000',
  'DTEND;TZID=America/New_York:20240305T100000',
  'ORGANIZER;CN=Ada Lovelace:MAILTO:ada@acme.com',
  'UID:evt-1@google.com',
  'ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Grace',
  '  Hopper;X-NUM-GUESTS=0:mailto:grace@navy.mil',
  'ATTENDEE;ROLE=OPT-PARTICIPANT;PARTSTAT=NEEDS-ACTION:mailto:linus@example.org',
  'DESCRIPTION:Agenda:\\n1. Q1 review\\, budget',
  'LAST-MODIFIED:20240302T080000Z',
  'LOCATION:Room 4',
  'SEQUENCE:2',
  'STATUS:CONFIRMED',
  'SUMMARY:Quarterly review',
  'BEGIN:VALARM',
  'ACTION:DISPLAY',
  'TRIGGER:-P0DT0H10M0S',
  'END:VALARM',
  'END:VEVENT',
  'BEGIN:VEVENT', // line 41
  'DTSTART;VALUE=DATE:20240704',
  'DTEND;VALUE=DATE:20240705',
  'UID:evt-2',
  'SUMMARY:Holiday',
  'END:VEVENT',
  'BEGIN:VEVENT', // line 47
  'DTSTART:20240101T100000Z',
  'SUMMARY:No uid',
  'END:VEVENT',
  'BEGIN:VEVENT', // line 51
  'UID:evt-3',
  'RECURRENCE-ID;TZID=America/New_York:20240710T090000',
  'DTSTART;TZID=America/New_York:20240710T093000',
  'DURATION:PT45M',
  'END:VEVENT',
  'BEGIN:VEVENT', // line 57
  'UID:evt-4',
  'DTSTART;TZID=Europe/Berlin:20240115T090000',
  'DTEND:20240115T100000Z',
  'ORGANIZER:urn:uuid:1234',
  'END:VEVENT',
  'BEGIN:VEVENT', // line 63
  'UID:evt-5',
  'SUMMARY:No start',
  'END:VEVENT',
  'BEGIN:VTODO',
  'UID:todo-1',
  'END:VTODO',
  'END:VCALENDAR',
  '',
].join('\r\n')

function chunked(text: string, size = Infinity): Readable {
  const bytes = Buffer.from(text)
  const chunks: Buffer[] = []
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size))
  return Readable.from(chunks)
}

async function read(text: string, size?: number): Promise<IcsItem[]> {
  const items: IcsItem[] = []
  for await (const item of readIcsEvents(chunked(text, size), location)) items.push(item)
  return items
}

async function readError(text: string): Promise<FormatError> {
  const error = await read(text).then(
    () => undefined,
    (thrown: unknown) => thrown,
  )
  expect(error).toBeInstanceOf(FormatError)
  return error as FormatError
}

describe('readIcsEvents', () => {
  it('reads events with zones, folding, all-day dates, durations and people', async () => {
    const items = await read(calendar)
    expect(items.map((item) => (item.type === 'event' ? item.event.uid : `${item.line}: ${item.message}`))).toEqual([
      'evt-1@google.com',
      'evt-2',
      '47: calendar.zip, entry ada@acme.com.ics, line 47: the VEVENT has no UID; every event needs a UID and a DTSTART.',
      'evt-3',
      'evt-4',
      '63: calendar.zip, entry ada@acme.com.ics, line 63: the VEVENT has no DTSTART date; every event needs a UID and a DTSTART.',
    ])
    expect(items[0]).toEqual({
      type: 'event',
      line: 22,
      event: {
        uid: 'evt-1@google.com',
        start: '2024-03-05T09:00:00-05:00',
        end: '2024-03-05T10:00:00-05:00',
        allDay: false,
        summary: 'Quarterly review',
        description: 'Agenda:\n1. Q1 review, budget',
        location: 'Room 4',
        status: 'CONFIRMED',
        organizer: { email: 'ada@acme.com', name: 'Ada Lovelace' },
        attendees: [
          { email: 'grace@navy.mil', name: 'Grace Hopper', role: 'REQ-PARTICIPANT', partstat: 'ACCEPTED' },
          { email: 'linus@example.org', role: 'OPT-PARTICIPANT', partstat: 'NEEDS-ACTION' },
        ],
        sequence: 2,
        lastModified: '2024-03-02T08:00:00Z',
      },
    })
    expect(items[1]).toEqual({
      type: 'event',
      line: 41,
      event: { uid: 'evt-2', start: '2024-07-04', end: '2024-07-05', allDay: true, summary: 'Holiday', attendees: [] },
    })
    expect(items[3]).toMatchObject({
      event: { recurrenceId: '2024-07-10T09:00:00-04:00', start: '2024-07-10T09:30:00-04:00', end: '2024-07-10T10:15:00-04:00' },
    })
    expect(items[4]).toMatchObject({ event: { start: '2024-01-15T09:00:00+01:00', end: '2024-01-15T10:00:00Z' } })
    expect(items[4]).not.toHaveProperty('event.organizer')
    expect(items[2]).toMatchObject({ raw: 'BEGIN:VEVENT\r\nDTSTART:20240101T100000Z\r\nSUMMARY:No uid\r\nEND:VEVENT' })
  })

  it('gives the same items with LF line ends and whatever the chunking', async () => {
    const whole = await read(calendar)
    expect(await read(calendar.replaceAll('\r\n', '\n'), 7)).toEqual(whole)
    expect(await read(calendar, 1)).toEqual(whole)
  })

  it('reports an event it cannot parse or that never ends, and reads on', async () => {
    const text = [
      'BEGIN:VCALENDAR',
      'BEGIN:VEVENT',
      'UID:bad',
      'this line has no colon',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:cut',
      'DTSTART:20240101T100000Z',
      'BEGIN:VEVENT',
      'UID:ok',
      'DTSTART:20240102T100000Z',
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\n')
    const items = await read(text)
    expect(items.map((item) => [item.type, item.type === 'event' ? item.event.uid : item.line])).toEqual([
      ['error', 2],
      ['error', 6],
      ['event', 'ok'],
    ])
    expect(items[0]).toMatchObject({ message: expect.stringMatching(/line 2: the VEVENT cannot be parsed \(.+\)\.$/) })
    expect(items[1]).toMatchObject({ message: expect.stringMatching(/line 6: the VEVENT has no END:VEVENT\.$/) })
  })

  it('reports a calendar cut short', async () => {
    const items = await read('BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nDTSTART:20240101T100000Z\nEND:VEVENT\nBEGIN:VEVENT\nUID:b')
    expect(items.map((item) => item.type)).toEqual(['event', 'error', 'error'])
    expect(items[2]).toMatchObject({ message: 'calendar.zip, entry ada@acme.com.ics: the file ends before END:VCALENDAR; it may have been cut short.' })
  })

  it('refuses a file that is not a calendar, and an empty one', async () => {
    const error = await readError('Subject,Start Date\nLunch,2024-01-01\n')
    expect(error.code).toBe('E_ICS_SYNTAX')
    expect(error.message).toBe(
      'calendar.zip, entry ada@acme.com.ics, line 1: not an iCalendar file: it must start with BEGIN:VCALENDAR, but this line reads "Subject,Start Date".',
    )
    expect((await readError('\uFEFF\r\n')).code).toBe('E_EMPTY_INPUT')
  })

  it('streams a large calendar event by event', async () => {
    const count = 20_000
    function* generate(): Generator<Buffer> {
      yield Buffer.from('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')
      for (let i = 0; i < count; i++) {
        yield Buffer.from(`BEGIN:VEVENT\r\nUID:e${i}\r\nDTSTART:20240101T100000Z\r\nSUMMARY:Meeting ${i}\r\nATTENDEE:mailto:u${i}@x.io\r\nEND:VEVENT\r\n`)
      }
      yield Buffer.from('END:VCALENDAR\r\n')
    }
    let events = 0
    let last: IcsItem | undefined
    for await (const item of readIcsEvents(Readable.from(generate()), location)) {
      if (item.type === 'event') events++
      last = item
    }
    expect(events).toBe(count)
    expect(last).toMatchObject({ line: 3 + (count - 1) * 6, event: { uid: `e${count - 1}`, attendees: [{ email: `u${count - 1}@x.io` }] } })
  })
})
