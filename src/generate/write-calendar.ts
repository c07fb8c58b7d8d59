import { join } from 'node:path'
import type { GenerationContext } from './context.ts'
import type { CustomerPerson, Org } from './model-orgs.ts'
import type { Rng } from './random.ts'
import { countRecord } from './context.ts'
import { directoryName, pickActiveEmployee, type EmployeeDirectory } from './model-employees.ts'
import { emailCaseNoise, foldDiacritics, hasDiacritics } from './names.ts'
import { departments, DAY_MS, ourCompany, REFERENCE_MS, workNouns } from './reference-data.ts'
import { escapeText, foldLine, losAngelesTimezone, paramValue } from './ics-format.ts'
import { icsUtc, losAngelesWallToUtc } from './time-format.ts'
import { openTextSink, type TextSink } from './text-sink.ts'

type PartStat = 'ACCEPTED' | 'DECLINED' | 'TENTATIVE' | 'NEEDS-ACTION'

export interface CalendarAttendee {
  /** As written in the file (letter case may vary); the record id is the lower-cased form. */
  readonly email: string
  readonly name: string | undefined
  readonly partstat: PartStat
  readonly optional?: boolean
  readonly entityId: string
  /** Set for our employees: they are de-duplicated across the whole file, customers per organisation. */
  readonly employeeIndex?: number
}

/** A wall-clock time in the meeting's zone, a UTC instant, or a whole day. */
export type IcsTime = { readonly utcMs: number } | { readonly local: string } | { readonly date: string }

export interface CalendarEvent {
  readonly uid: string
  readonly summary: string
  readonly description?: string
  readonly location?: string
  readonly start: IcsTime
  readonly end: IcsTime
  readonly rrule?: string
  /** Set on the VEVENT that overrides one occurrence of a recurring event (same UID). */
  readonly recurrenceId?: IcsTime
  readonly sequence?: number
  readonly organizer: CalendarAttendee
  readonly attendees: readonly CalendarAttendee[]
  readonly createdMs: number
}

export interface CalendarFile {
  readonly sink: TextSink
  writeEvent(context: GenerationContext, event: CalendarEvent): void
  /** Starts a new organisation: customer addresses seen so far can no longer reappear. */
  beginScope(): void
  nextUid(rng: Rng): string
  end(): void
}

export function openCalendar(dir: string, employees: number): CalendarFile {
  const sink = openTextSink(join(dir, 'calendar.ics'))
  for (const line of [
    'BEGIN:VCALENDAR', 'PRODID:-//Google Inc//Google Calendar 70.9054//EN', 'VERSION:2.0', 'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH', 'X-WR-CALNAME:Customer meetings', 'X-WR-TIMEZONE:America/Los_Angeles', ...losAngelesTimezone,
  ]) sink.write(foldLine(line))
  const employeeSeen = new Uint8Array(employees)
  let scope = new Set<string>()
  let uidCounter = 0

  const property = (name: string, time: IcsTime): string => {
    if ('utcMs' in time) return `${name}:${icsUtc(time.utcMs)}`
    if ('local' in time) return `${name};TZID=America/Los_Angeles:${time.local}`
    return `${name};VALUE=DATE:${time.date}`
  }
  const person = (context: GenerationContext, attendee: CalendarAttendee): void => {
    // One calendar_attendee record per distinct address (lower-cased), whoever's event it is on.
    const key = attendee.email.toLowerCase()
    if (attendee.employeeIndex !== undefined) {
      if (employeeSeen[attendee.employeeIndex] === 1) return
      employeeSeen[attendee.employeeIndex] = 1
    } else {
      if (scope.has(key)) return
      scope.add(key)
    }
    context.truth.person(attendee.entityId, 'google', 'calendar_attendee', key)
    countRecord(context, 'google/calendar_attendee')
  }

  return {
    sink,
    beginScope() {
      scope = new Set()
    },
    nextUid(rng) {
      return `${rng.hex(18)}${(uidCounter++).toString(16).padStart(8, '0')}@google.com`
    },
    writeEvent(context, event) {
      const lines = ['BEGIN:VEVENT', property('DTSTART', event.start), property('DTEND', event.end)]
      if (event.rrule !== undefined) lines.push(`RRULE:${event.rrule}`)
      lines.push(`DTSTAMP:${icsUtc(REFERENCE_MS)}`)
      const organizer = event.organizer
      lines.push(`ORGANIZER;CN=${paramValue(organizer.name ?? organizer.email)}:mailto:${organizer.email}`)
      lines.push(`UID:${event.uid}`)
      if (event.recurrenceId !== undefined) lines.push(property('RECURRENCE-ID', event.recurrenceId))
      // Google lists the organiser among the attendees too.
      for (const attendee of [{ ...organizer, partstat: 'ACCEPTED' as const }, ...event.attendees]) {
        const role = attendee.optional === true ? 'OPT-PARTICIPANT' : 'REQ-PARTICIPANT'
        const rsvp = attendee.partstat === 'NEEDS-ACTION' ? 'TRUE' : 'FALSE'
        lines.push(`ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=${role};PARTSTAT=${attendee.partstat};RSVP=${rsvp};CN=${paramValue(attendee.name ?? attendee.email)};X-NUM-GUESTS=0:mailto:${attendee.email}`)
      }
      lines.push(`CREATED:${icsUtc(event.createdMs)}`)
      if (event.description !== undefined) lines.push(`DESCRIPTION:${escapeText(event.description)}`)
      lines.push(`LAST-MODIFIED:${icsUtc(event.createdMs + DAY_MS)}`)
      lines.push(`LOCATION:${escapeText(event.location ?? '')}`)
      lines.push(`SEQUENCE:${event.sequence ?? 0}`, 'STATUS:CONFIRMED', `SUMMARY:${escapeText(event.summary)}`, 'TRANSP:OPAQUE', 'END:VEVENT')
      for (const line of lines) sink.write(foldLine(line))
      person(context, organizer)
      for (const attendee of event.attendees) person(context, attendee)
      countRecord(context, event.recurrenceId === undefined ? 'google/event' : 'google/event (changed occurrence)')
    },
    end() {
      sink.write(foldLine('END:VCALENDAR'))
    },
  }
}

function partstat(rng: Rng): PartStat {
  return rng.weighted<PartStat>([['ACCEPTED', 70], ['TENTATIVE', 8], ['DECLINED', 7], ['NEEDS-ACTION', 15]])
}

function employeeAttendee(rng: Rng, directory: EmployeeDirectory, index: number, entityNumber: (i: number) => string): CalendarAttendee {
  const email = directory.emails[index] ?? ''
  return {
    email: rng.chance(0.02) ? emailCaseNoise(rng, email) : email,
    name: directoryName(directory, index),
    partstat: partstat(rng),
    entityId: entityNumber(index),
    employeeIndex: index,
  }
}

function pad2(value: number): string {
  return String(value).padStart(2, '0')
}

/** YYYYMMDD of the UTC date `days` days from the reference date, moved to a Monday–Thursday. */
function workday(days: number): Date {
  const date = new Date(REFERENCE_MS + days * DAY_MS)
  const weekday = date.getUTCDay()
  const shift = weekday === 0 ? 1 : weekday >= 5 ? -(weekday - 4) : 0
  return new Date(date.getTime() + shift * DAY_MS)
}

function dateText(date: Date): string {
  return `${date.getUTCFullYear()}${pad2(date.getUTCMonth() + 1)}${pad2(date.getUTCDate())}`
}

/** Local wall-clock time `minutes` after midnight of a date (stays within the day for business hours). */
function wall(date: Date, minutes: number): string {
  return `${dateText(date)}T${pad2(Math.floor(minutes / 60))}${pad2(minutes % 60)}00`
}

interface Slot {
  start: IcsTime
  end: IcsTime
  startMs: number
}

/** A one-off meeting in Los Angeles business hours, written in UTC as Google does for single events. */
function singleSlot(rng: Rng, fromDays: number, toDays: number): Slot {
  const date = workday(rng.int(fromDays, toDays))
  const startMs = losAngelesWallToUtc(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate(), rng.int(8, 16), rng.pick([0, 30]))
  const duration = rng.pick([30, 45, 60])
  return { start: { utcMs: startMs }, end: { utcMs: startMs + duration * 60_000 }, startMs }
}

/**
 * Writes a weekly meeting anchored in America/Los_Angeles and, sometimes, one occurrence moved by an
 * hour: a second VEVENT with the same UID and a RECURRENCE-ID (its own record, `UID@RECURRENCE-ID`).
 */
function writeRecurring(
  context: GenerationContext,
  calendar: CalendarFile,
  base: Omit<CalendarEvent, 'start' | 'end' | 'rrule' | 'uid'>,
  changeOne: boolean,
): void {
  const { rng } = context
  const date = workday(rng.int(-300, -20))
  const minutes = rng.int(8, 15) * 60 + rng.pick([0, 30])
  const count = rng.int(6, 20)
  const uid = calendar.nextUid(rng)
  calendar.writeEvent(context, {
    ...base, uid, start: { local: wall(date, minutes) }, end: { local: wall(date, minutes + 30) }, rrule: `FREQ=WEEKLY;COUNT=${count}`,
  })
  if (!changeOne) return
  const occurrence = new Date(date.getTime() + rng.int(1, count - 1) * 7 * DAY_MS)
  calendar.writeEvent(context, {
    ...base, uid, summary: `${base.summary} (moved)`, sequence: 1,
    start: { local: wall(occurrence, minutes + 60) }, end: { local: wall(occurrence, minutes + 90) },
    recurrenceId: { local: wall(occurrence, minutes) },
  })
}

/** Internal-only meetings: 1:1s, team meetings, all-day company events. */
export async function writeInternalMeetings(
  context: GenerationContext,
  calendar: CalendarFile,
  entityOf: (index: number) => string,
  checkpoint: () => Promise<void>,
): Promise<void> {
  const { rng, directory } = context
  const count = Math.max(3, Math.ceil(directory.size / 6))
  for (let k = 0; k < count; k++) {
    if (k % 512 === 511) await checkpoint()
    const roll = k === 0 ? 0.9 : rng.float()
    if (roll < 0.4) {
      const report = pickActiveEmployee(rng, directory)
      const manager = Math.max(0, directory.managers[report] ?? 0)
      const name = `${directory.firstNames[manager] ?? ''} / ${directory.firstNames[report] ?? ''} 1:1`
      writeRecurring(context, calendar, {
        summary: name, organizer: employeeAttendee(rng, directory, manager, entityOf),
        attendees: report === manager ? [] : [employeeAttendee(rng, directory, report, entityOf)], createdMs: REFERENCE_MS - 400 * DAY_MS,
        location: 'Google Meet',
      }, rng.chance(0.3))
    } else if (roll < 0.85) {
      const department = Math.floor(rng.float() * departments.length)
      const members = directory.byDepartment[department] ?? []
      const organizer = pickActiveEmployee(rng, directory, members)
      const attendees = new Map<number, CalendarAttendee>()
      for (let i = rng.int(2, 8); i > 0; i--) {
        const member = pickActiveEmployee(rng, directory, members)
        if (member !== organizer) attendees.set(member, employeeAttendee(rng, directory, member, entityOf))
      }
      const slot = singleSlot(rng, -360, 45)
      calendar.writeEvent(context, {
        uid: calendar.nextUid(rng), summary: `${departments[department]?.name ?? 'Team'} sync: ${rng.pick(workNouns)}`,
        description: rng.chance(0.5) ? `Agenda:\n1. ${rng.pick(workNouns)}\n2. ${rng.pick(workNouns)}; open questions` : undefined,
        location: rng.chance(0.3) ? `${ourCompany.name}, 500 Howard St, San Francisco` : 'Google Meet',
        start: slot.start, end: slot.end, organizer: employeeAttendee(rng, directory, organizer, entityOf),
        attendees: [...attendees.values()], createdMs: slot.startMs - rng.int(1, 30) * DAY_MS,
      })
    } else {
      // All-day events: a date, not a time, and often no guests at all.
      const date = workday(rng.int(-300, 60))
      const organizer = rng.int(0, departments.length)
      const next = new Date(date.getTime() + DAY_MS)
      calendar.writeEvent(context, {
        uid: calendar.nextUid(rng), summary: rng.pick(['Company offsite', 'Office closed', 'Quarterly planning day', 'Hackathon']),
        start: { date: dateText(date) }, end: { date: dateText(next) }, organizer: employeeAttendee(rng, directory, organizer, entityOf),
        attendees: [], createdMs: date.getTime() - 60 * DAY_MS,
      })
    }
  }
}

function customerAttendee(rng: Rng, person: CustomerPerson, email: string): CalendarAttendee {
  const first = person.name.goesBy ?? person.name.first
  const full = `${first} ${person.name.last}`
  const name = rng.chance(0.2) ? undefined : hasDiacritics(full) && rng.chance(0.3) ? foldDiacritics(full) : full
  return { email: rng.chance(0.03) ? emailCaseNoise(rng, email) : email, name, partstat: partstat(rng), optional: rng.chance(0.1), entityId: person.entityId }
}

/** Meetings between our staff and one organisation's people (plus old meetings under movers' old addresses). */
export function writeCustomerMeetings(context: GenerationContext, calendar: CalendarFile, org: Org, entityOf: (index: number) => string): void {
  const { rng, directory } = context
  calendar.beginScope()
  const people = org.people
  let count = org.kind === 'customer' ? rng.int(0, Math.ceil(people.length / 6)) : rng.int(0, 1)
  if (org.index === 0) count = Math.max(count, 2)
  const ownerActive = (directory.terminatedAt[org.ownerIndex] ?? 0) === 0
  for (let k = 0; k < count; k++) {
    const organizerIndex = ownerActive ? org.ownerIndex : pickActiveEmployee(rng, directory, directory.salesOwners)
    const internal = new Map<number, CalendarAttendee>()
    for (let i = rng.int(0, 2); i > 0; i--) {
      const colleague = pickActiveEmployee(rng, directory, rng.chance(0.5) ? directory.salesOwners : directory.supportOwners)
      if (colleague !== organizerIndex) internal.set(colleague, employeeAttendee(rng, directory, colleague, entityOf))
    }
    const external = new Map<string, CalendarAttendee>()
    for (let i = rng.int(1, Math.min(4, people.length)); i > 0; i--) {
      const person = rng.pick(people)
      const email = person.personalEmail !== undefined && (person.workEmail === undefined || rng.chance(0.15)) ? person.personalEmail : person.workEmail
      if (email !== undefined && !external.has(person.entityId)) external.set(person.entityId, customerAttendee(rng, person, email))
    }
    const base = {
      summary: `${org.name} <> ${ourCompany.name}: ${rng.pick(['Kickoff', 'QBR', 'Demo', 'Pricing discussion', 'Technical deep dive', 'Renewal review', 'Onboarding session'])}`,
      description: rng.chance(0.5) ? `Join: https://meet.google.com/${rng.hex(3)}-${rng.hex(4)}-${rng.hex(3)}\nTopics: ${rng.pick(workNouns)}, ${rng.pick(workNouns)}` : undefined,
      location: rng.chance(0.2) ? `${org.city}, ${org.country}` : 'Google Meet',
      organizer: employeeAttendee(rng, directory, organizerIndex, entityOf),
      attendees: [...internal.values(), ...external.values()],
      createdMs: REFERENCE_MS - rng.int(20, 500) * DAY_MS,
    }
    if ((org.index === 0 && k === 0) || rng.chance(0.12)) {
      writeRecurring(context, calendar, { ...base, summary: `${org.name} weekly check-in` }, org.index === 0 || rng.chance(0.5))
    } else {
      const slot = singleSlot(rng, -360, 45)
      calendar.writeEvent(context, { ...base, uid: calendar.nextUid(rng), start: slot.start, end: slot.end, createdMs: slot.startMs - rng.int(1, 40) * DAY_MS })
    }
  }
  for (const person of people) {
    const mover = person.mover
    if (mover === undefined || !rng.chance(0.6)) continue
    // A meeting from their previous job, still on the calendar under the old address.
    const slot = singleSlot(rng, -900, -400)
    calendar.writeEvent(context, {
      uid: calendar.nextUid(rng), summary: `${mover.from.name} <> ${ourCompany.name}: Intro call`, start: slot.start, end: slot.end,
      organizer: employeeAttendee(rng, directory, mover.from.ownerIndex, entityOf), attendees: [customerAttendee(rng, person, mover.oldEmail)],
      createdMs: slot.startMs - 7 * DAY_MS, location: 'Zoom',
    })
  }
}
