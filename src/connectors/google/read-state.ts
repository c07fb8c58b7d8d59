/**
 * What one read of a Google export has to remember across files: which object types it read, which
 * of them lost a record to an error (so the read is no complete export of that type), and which
 * calendar attendees it already landed.
 */
export class ReadState {
  private readonly seenTypes = new Set<string>()
  private readonly blockedTypes = new Set<string>()
  private allBlocked = false
  /**
   * Attendee email (lower-cased) → whether the landed record carries a name. Bounded by the number of
   * distinct attendees in the import, not by events: each attendee is landed once (again only when a
   * later event first gives the name it lacked).
   */
  private readonly attendees = new Map<string, boolean>()

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

  /** Whether to land this attendee now: first sighting, or the first one that names them. */
  attendeeIsNew(email: string, hasName: boolean): boolean {
    const landedWithName = this.attendees.get(email)
    if (landedWithName === true || (landedWithName === false && !hasName)) return false
    this.attendees.set(email, hasName)
    return true
  }
}
