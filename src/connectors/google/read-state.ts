/**
 * What one read of a Google export has to remember across files: which object types it read, which
 * of them lost a record to an error (so the read is no complete export of that type), and the
 * calendar attendees it met.
 */
import type { InputLocation } from '../types.ts'

/** One calendar attendee as it will land: the address as first written, the first real name given. */
export interface Attendee {
  email: string
  name: string | undefined
  location: InputLocation
}

export class ReadState {
  private readonly seenTypes = new Set<string>()
  private readonly blockedTypes = new Set<string>()
  private allBlocked = false
  /**
   * Attendees by lower-cased email, landed once after every file is read so that a name given by any
   * event counts, and a re-import lands the same record. Bounded by distinct attendees, not by events.
   */
  private readonly attendees = new Map<string, Attendee>()

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

  /** Every attendee met, in the order first met. */
  allAttendees(): IterableIterator<[string, Attendee]> {
    return this.attendees.entries()
  }
}
