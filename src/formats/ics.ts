import type { Readable } from 'node:stream'
import ICAL from 'ical.js'
import type { InputLocation } from '../connectors/types.ts'
import { describeLocation, formatBytes, FormatError } from './format-error.ts'
import { decodeUtf8 } from './utf8.ts'

export interface IcsPerson {
  email?: string
  name?: string
}

export interface IcsEvent {
  uid: string
  recurrenceId?: string
  summary?: string
  description?: string
  location?: string
  /** ISO 8601 with offset (2024-03-05T09:00:00-05:00, or Z), YYYY-MM-DD for all-day events. */
  start: string
  end?: string
  allDay: boolean
  status?: string
  organizer?: IcsPerson
  attendees: (IcsPerson & { role?: string; partstat?: string })[]
  sequence?: number
  lastModified?: string
}

export type IcsItem =
  | { type: 'event'; line: number; event: IcsEvent }
  | { type: 'error'; code: 'E_ICS_SYNTAX'; line?: number; message: string; raw?: string }

/** Components hold a few kilobytes; a bigger one (inline attachments) is reported, not held. */
const MAX_COMPONENT_CHARS = 1024 * 1024
/** Components that sit directly in a VCALENDAR and never inside one another. */
const TOP_LEVEL = new Set(['VCALENDAR', 'VEVENT', 'VTODO', 'VJOURNAL', 'VFREEBUSY', 'VTIMEZONE'])

interface OpenComponent {
  name: string
  line: number
  lines: string[]
  chars: number
  depth: number
}

/**
 * Reads the VEVENTs of an iCalendar file one at a time: the text is split at the component lines of
 * the calendar and each event is parsed alone by ical.js, with the VTIMEZONEs seen so far (they come
 * first in practice) resolving its TZIDs. An event that cannot be read (no UID, no DTSTART, bad
 * syntax) becomes an error item; a file that is not a calendar throws E_ICS_SYNTAX.
 */
export async function* readIcsEvents(input: Readable, location: InputLocation): AsyncGenerator<IcsItem> {
  const reader = new EventReader(location)
  for await (const lines of contentLines(decodeUtf8(input, location), location)) {
    for (const [line, text] of lines) yield* reader.line(text, line)
  }
  yield* reader.end()
}

/** Physical lines with their numbers, a batch per chunk of text; folded lines are left for ical.js. */
async function* contentLines(text: AsyncIterable<string>, location: InputLocation): AsyncGenerator<[number, string][]> {
  let rest = ''
  let line = 1
  for await (const chunk of text) {
    const parts = (rest + chunk).split('\n')
    rest = parts.pop() ?? ''
    if (rest.length > MAX_COMPONENT_CHARS) {
      throw new FormatError(
        'E_ICS_SYNTAX',
        `${describeLocation({ ...location, line: line + parts.length })}: the line is longer than ${formatBytes(MAX_COMPONENT_CHARS)}; ` +
          'iCalendar lines are folded at 75 characters.',
        { ...location, line: line + parts.length },
      )
    }
    yield parts.map((part) => [line++, part.endsWith('\r') ? part.slice(0, -1) : part])
  }
  if (rest !== '') yield [[line, rest]]
}

class EventReader {
  private readonly location: InputLocation
  /** Holds the VTIMEZONEs, so that events parsed as its children resolve their TZIDs. */
  private readonly calendar = new ICAL.Component('vcalendar')
  private readonly zones = new Map<string, Intl.DateTimeFormat | undefined>()
  private seenCalendar = false
  private inCalendar = false
  private component: OpenComponent | undefined

  constructor(location: InputLocation) {
    this.location = location
  }

  *line(text: string, line: number): Generator<IcsItem> {
    const marker = /^(BEGIN|END):([\w-]+)\s*$/i.exec(text)
    const begin = marker?.[1]?.toUpperCase() === 'BEGIN'
    const name = marker?.[2]?.toUpperCase()
    const component = this.component
    if (component) {
      if (name !== undefined && (begin ? TOP_LEVEL.has(name) : name === 'VCALENDAR')) {
        yield this.error(component.line, `the ${component.name} has no END:${component.name}`, component.lines.join('\r\n'))
        this.component = undefined
      } else {
        if (component.chars <= MAX_COMPONENT_CHARS) component.lines.push(text)
        component.chars += text.length
        if (name !== undefined) component.depth += begin ? 1 : -1
        if (component.depth === 0) {
          this.component = undefined
          yield* this.finish(component)
        }
        return
      }
    }
    if (!this.inCalendar) {
      if (text.trim() === '') return
      if (begin && name === 'VCALENDAR') this.inCalendar = this.seenCalendar = true
      else if (this.seenCalendar) yield this.error(line, 'this line is outside BEGIN:VCALENDAR … END:VCALENDAR', text)
      else {
        throw new FormatError(
          'E_ICS_SYNTAX',
          `${describeLocation({ ...this.location, line })}: not an iCalendar file: it must start with BEGIN:VCALENDAR, ` +
            `but this line reads ${JSON.stringify(text.slice(0, 60))}.`,
          { ...this.location, line },
        )
      }
      return
    }
    if (begin && name !== undefined) this.component = { name, line, lines: [text], chars: text.length, depth: 1 }
    else if (name === 'VCALENDAR') this.inCalendar = false
  }

  *end(): Generator<IcsItem> {
    const component = this.component
    if (component) yield this.error(component.line, `the ${component.name} has no END:${component.name}`, component.lines.join('\r\n'))
    if (this.inCalendar) yield this.error(undefined, 'the file ends before END:VCALENDAR; it may have been cut short')
    if (!this.seenCalendar) {
      throw new FormatError('E_EMPTY_INPUT', `${describeLocation(this.location)}: the file is empty; expected an iCalendar file.`, this.location)
    }
  }

  private *finish(component: OpenComponent): Generator<IcsItem> {
    if (component.name !== 'VEVENT' && component.name !== 'VTIMEZONE') return
    const raw = component.lines.join('\r\n')
    if (component.chars > MAX_COMPONENT_CHARS) {
      yield this.error(component.line, `the ${component.name} is larger than ${formatBytes(MAX_COMPONENT_CHARS)}`, raw)
      return
    }
    let parsed: ICAL.Component
    try {
      parsed = new ICAL.Component(ICAL.parse(raw) as unknown[], this.calendar)
    } catch (error) {
      yield this.error(component.line, `the ${component.name} cannot be parsed (${error instanceof Error ? error.message : String(error)})`, raw)
      return
    }
    if (component.name === 'VTIMEZONE') {
      this.calendar.addSubcomponent(parsed)
      return
    }
    try {
      const event = this.toEvent(parsed)
      yield typeof event === 'string' ? this.error(component.line, event, raw) : { type: 'event', line: component.line, event }
    } catch (error) {
      // ical.js parses values lazily: a malformed date surfaces here.
      yield this.error(component.line, `the VEVENT has an invalid value (${error instanceof Error ? error.message : String(error)})`, raw)
    }
  }

  /** The event, or what it lacks. */
  private toEvent(vevent: ICAL.Component): IcsEvent | string {
    const uid = text(vevent, 'uid')
    const dtstart = vevent.getFirstProperty('dtstart')
    const start = dtstart?.getFirstValue()
    if (uid === undefined) return 'the VEVENT has no UID; every event needs a UID and a DTSTART'
    if (!dtstart || !(start instanceof ICAL.Time)) return 'the VEVENT has no DTSTART date; every event needs a UID and a DTSTART'
    const event: IcsEvent = { uid, start: this.formatTime(start, dtstart), allDay: start.isDate, attendees: [] }
    const recurrenceId = this.timeOf(vevent, 'recurrence-id')
    if (recurrenceId !== undefined) event.recurrenceId = recurrenceId
    for (const name of ['summary', 'description', 'location', 'status'] as const) {
      const value = text(vevent, name)
      if (value !== undefined) event[name] = value
    }
    const duration = vevent.getFirstPropertyValue('duration')
    const end = this.timeOf(vevent, 'dtend')
    if (end !== undefined) event.end = end
    else if (duration instanceof ICAL.Duration) {
      const computed = start.clone()
      computed.addDuration(duration)
      event.end = this.formatTime(computed, dtstart)
    }
    const organizer = vevent.getFirstProperty('organizer')
    const organizerPerson = organizer ? person(organizer) : {}
    if (organizerPerson.email !== undefined || organizerPerson.name !== undefined) event.organizer = organizerPerson
    event.attendees = vevent.getAllProperties('attendee').map((attendee) => {
      const role = parameter(attendee, 'role')
      const partstat = parameter(attendee, 'partstat')
      return { ...person(attendee), ...(role ? { role } : {}), ...(partstat ? { partstat } : {}) }
    })
    const sequence: unknown = vevent.getFirstPropertyValue('sequence')
    if (typeof sequence === 'number') event.sequence = sequence
    const lastModified = this.timeOf(vevent, 'last-modified')
    if (lastModified !== undefined) event.lastModified = lastModified
    return event
  }

  private timeOf(vevent: ICAL.Component, name: string): string | undefined {
    const property = vevent.getFirstProperty(name)
    const value = property?.getFirstValue()
    return property && value instanceof ICAL.Time ? this.formatTime(value, property) : undefined
  }

  /**
   * Wall time with the offset of its zone at that moment: a VTIMEZONE of the file when it defines the
   * TZID, else the IANA zone of that name; with neither (or no TZID: a floating time), no offset.
   */
  private formatTime(time: ICAL.Time, property: ICAL.Property): string {
    const date = `${pad(time.year, 4)}-${pad(time.month)}-${pad(time.day)}`
    if (time.isDate) return date
    const local = `${date}T${pad(time.hour)}:${pad(time.minute)}:${pad(time.second)}`
    if (time.zone === ICAL.Timezone.utcTimezone) return `${local}Z`
    if (time.zone !== ICAL.Timezone.localTimezone) return local + formatOffset(time.utcOffset())
    const tzid = parameter(property, 'tzid')
    const offset = tzid === undefined ? undefined : this.ianaOffset(tzid, time)
    return offset === undefined ? local : local + formatOffset(offset)
  }

  private ianaOffset(tzid: string, time: ICAL.Time): number | undefined {
    if (!this.zones.has(tzid)) {
      let format: Intl.DateTimeFormat | undefined
      try {
        format = new Intl.DateTimeFormat('en-US', { timeZone: tzid, timeZoneName: 'longOffset' })
      } catch {
        format = undefined
      }
      this.zones.set(tzid, format)
    }
    const format = this.zones.get(tzid)
    if (!format) return undefined
    const offsetAt = (instant: number): number => {
      const name = format.formatToParts(instant).find((part) => part.type === 'timeZoneName')?.value ?? ''
      const match = /([+-])(\d\d):(\d\d)/.exec(name)
      return match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 3600 + Number(match[3]) * 60) : 0
    }
    // The wall time read as UTC is off by the offset itself; a second look at the corrected instant settles it.
    const wall = Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second)
    return offsetAt(wall - offsetAt(wall) * 1000)
  }

  private error(line: number | undefined, problem: string, raw?: string): IcsItem {
    const where = describeLocation(line === undefined ? this.location : { ...this.location, line })
    return { type: 'error', code: 'E_ICS_SYNTAX', ...(line === undefined ? {} : { line }), message: `${where}: ${problem}.`, ...(raw === undefined ? {} : { raw }) }
  }
}

function text(component: ICAL.Component, name: string): string | undefined {
  const value: unknown = component.getFirstPropertyValue(name)
  return typeof value === 'string' ? value : undefined
}

function parameter(property: ICAL.Property, name: string): string | undefined {
  const value: unknown = property.getFirstParameter(name)
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** ORGANIZER and ATTENDEE: the address is a mailto: URI (any letter case) or, rarely, a bare address. */
function person(property: ICAL.Property): IcsPerson {
  const value: unknown = property.getFirstValue()
  const address = typeof value === 'string' ? value.trim() : ''
  const email = parameter(property, 'email') ?? (/^mailto:/i.test(address) ? address.slice(7).trim() : address.includes('@') ? address : undefined)
  const name = parameter(property, 'cn')
  return { ...(email ? { email } : {}), ...(name ? { name } : {}) }
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0')
}

function formatOffset(seconds: number): string {
  const minutes = Math.round(Math.abs(seconds) / 60)
  return `${seconds < 0 ? '-' : '+'}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`
}
