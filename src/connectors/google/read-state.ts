/**
 * What one read of a Google export has to remember across files: which object types it read, which
 * of them lost a record to an error (so the read is no complete export of that type), and the
 * calendar attendees met since they were last handed out.
 */
import type { InputLocation } from '../types.ts'

/** One calendar attendee as it will land: the address as first written, the first real name given. */
export interface Attendee {
  email: string
  name: string | undefined
  location: InputLocation
}

/**
 * Distinct attendees held before they are handed out. Within this window every event's name for an
 * attendee counts; the window keeps memory flat however many calendars an export holds.
 */
export const ATTENDEE_WINDOW = 20_000

export class ReadState {
  private readonly seenTypes = new Set<string>()
  private readonly blockedTypes = new Set<string>()
  private allBlocked = false
  /** Attendees by lower-cased email, in the order first met, until the window is drained. */
  private attendees = new Map<string, Attendee>()

  private readonly attendeeWindow: number

  constructor(attendeeWindow = ATTENDEE_WINDOW) {
    this.attendeeWindow = attendeeWindow
  }

  seen(objectType: string): void {
    this.seenTypes.add(objectType)
  }

  /** A record of this type may have been lost: do not report the type complete. */
  block(objectType: string): void {
    this.blockedTypes.add(objectType)
  }

  /** A file of unknown kind could not be read: it may have held any type. */
  blockAll(): void {
    this.allBlocked = true
  }

  completeObjectTypes(): string[] {
    if (this.allBlocked) return []
    return [...this.seenTypes].filter((objectType) => !this.blockedTypes.has(objectType))
  }

  /** Notes an attendee: the first sighting gives address and location, the first real name wins. */
  meetAttendee(email: string, name: string | undefined, location: InputLocation): void {
    const key = email.toLowerCase()
    const known = this.attendees.get(key)
    if (!known) this.attendees.set(key, { email, name, location })
    else if (known.name === undefined && name !== undefined) known.name = name
  }

  /** True when the window is full and the attendees met should be handed out. */
  attendeesDue(): boolean {
    return this.attendees.size >= this.attendeeWindow
  }

  /** Hands out the attendees met so far, in the order first met, and starts a new window. */
  drainAttendees(): [string, Attendee][] {
    const drained = [...this.attendees]
    this.attendees = new Map()
    return drained
  }
}
