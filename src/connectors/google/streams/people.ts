import { z } from 'zod'
import type { ApiStream, StreamPage } from '../../api-contract.ts'
import type { ApiLocation, RawRecord, RejectedInput } from '../../types.ts'
import { FullResyncRequired } from '../classify.ts'
import type { GoogleClients } from '../client.ts'
import type { GoogleSettings } from '../config.ts'
import { contactSourceId } from '../contact-key.ts'
import { personUpdatedAt } from '../export.ts'
import { connectionsPageSchema, otherContactsPageSchema, peoplePersonSchema, type PeoplePerson } from '../raw.ts'
import { itemReject, nonEmpty, parseEnvelope } from './page-items.ts'

/**
 * People API contacts with sync tokens: people.connections.list (saved contacts) and
 * otherContacts.list (addresses met in mail and invitations). The first read lists everything with
 * requestSyncToken; its last page (and only that one) carries nextSyncToken, from which later reads
 * list only what changed, deletions as `{resourceName, etag, metadata: {deleted: true}}`. An expired
 * token (400 FAILED_PRECONDITION, EXPIRED_SYNC_TOKEN) is classified cursor_expired: the sync reads the
 * stream again from a null cursor, a full listing that lists everything and lets the sync infer what
 * is gone.
 *
 * Cursor: `{pageToken, syncToken?}` while a listing is under way (syncToken: the token the listing
 * reads changes since; absent in a full listing), `{syncToken}` between listings.
 */
export const peopleCursor = z
  .object({ syncToken: z.string().min(1).optional(), pageToken: z.string().min(1).optional() })
  .strict()
  .refine((cursor) => cursor.syncToken !== undefined || cursor.pageToken !== undefined, 'needs a syncToken or a pageToken')
export type PeopleCursor = z.infer<typeof peopleCursor>

/** What the normaliser reads, plus what a contact record is worth keeping (addresses, notes, links). */
const PERSON_FIELDS = 'addresses,biographies,emailAddresses,memberships,metadata,names,nicknames,organizations,phoneNumbers,urls'
/** otherContacts.list serves only the OTHER_CONTACT source's fields. */
const OTHER_CONTACT_FIELDS = 'emailAddresses,metadata,names,phoneNumbers'

interface PeopleListing {
  stream: string
  objectType: string
  endpoint: string
  itemsKey: 'connections' | 'otherContacts'
  /** The record's id for a person; a deletion carries only the resourceName. */
  sourceId(person: PeoplePerson): string
  /** A deletion (a bare resourceName) names the record only when records are keyed by resourceName. */
  deletionsNameRecords: boolean
  list(clients: GoogleClients, page: { pageSize: number; pageToken?: string; syncToken?: string }, signal: AbortSignal): Promise<unknown>
  /** The listing's envelope, checked (page-items.ts). */
  envelope(data: unknown): { items: unknown[]; nextPageToken?: string | undefined; nextSyncToken?: string | undefined }
}

/**
 * Saved contacts, keyed like the Contacts CSV (first e-mail, contact-key.ts) so that an export import
 * and an API sync land the same records. A deletion arrives as a bare resourceName, which is not that
 * key, and a contact whose first e-mail changed arrives under its new key: an incremental page with a
 * deletion is therefore not landed; the stream asks for a full listing instead (FullResyncRequired →
 * cursor_expired), which infers the deleted contact — and any contact left under an old e-mail — gone.
 */
const contacts: PeopleListing = {
  stream: 'contacts',
  objectType: 'contact',
  endpoint: 'people.connections.list',
  itemsKey: 'connections',
  sourceId: contactSourceId,
  deletionsNameRecords: false,
  list: (clients, page, signal) =>
    clients.request(signal, (options) =>
      clients.people.people.connections.list({ resourceName: 'people/me', personFields: PERSON_FIELDS, requestSyncToken: true, ...page }, options),
    ),
  envelope: (data) => {
    const { connections, ...paging } = parseEnvelope(connectionsPageSchema, data, 'people.connections.list')
    return { items: connections ?? [], ...paging }
  },
}

/**
 * Other contacts have no export counterpart, so they keep the People API's own id and land as their
 * own object type (a full listing of saved contacts must not speak for them).
 */
const otherContacts: PeopleListing = {
  stream: 'other_contacts',
  objectType: 'other_contact',
  endpoint: 'otherContacts.list',
  itemsKey: 'otherContacts',
  sourceId: (person) => person.resourceName.trim(),
  deletionsNameRecords: true,
  list: (clients, page, signal) =>
    clients.request(signal, (options) => clients.people.otherContacts.list({ readMask: OTHER_CONTACT_FIELDS, requestSyncToken: true, ...page }, options)),
  envelope: (data) => {
    const { otherContacts, ...paging } = parseEnvelope(otherContactsPageSchema, data, 'otherContacts.list')
    return { items: otherContacts ?? [], ...paging }
  },
}

export function contactsStream(clients: GoogleClients, settings: GoogleSettings): ApiStream<PeopleCursor> {
  return peopleStream(contacts, clients, settings.pageSize.contacts)
}

export function otherContactsStream(clients: GoogleClients, settings: GoogleSettings): ApiStream<PeopleCursor> {
  return peopleStream(otherContacts, clients, settings.pageSize.otherContacts)
}

function peopleStream(listing: PeopleListing, clients: GoogleClients, pageSize: number): ApiStream<PeopleCursor> {
  return {
    name: listing.stream,
    mode: 'incremental',
    cursor: peopleCursor,
    async *read(context, start): AsyncGenerator<StreamPage<PeopleCursor>> {
      // Every page of one listing repeats the token it began with (Google checks the parameters match).
      const syncToken = start?.syncToken
      let pageToken = start?.pageToken
      let lostAny = false
      for (let page = 1; ; page += 1) {
        const location: ApiLocation = { endpoint: listing.endpoint, page }
        const request = { pageSize, ...(pageToken ? { pageToken } : {}), ...(syncToken ? { syncToken } : {}) }
        // Items are read inside the request: a deletion that needs a full listing is classified with it.
        const { envelope, records, rejects } = await context.call({ what: `people ${listing.endpoint}` }, async (signal) => {
          const envelope = listing.envelope(await listing.list(clients, request, signal))
          return { envelope, ...peopleOfPage(listing, envelope.items, location, syncToken !== undefined) }
        })
        lostAny ||= rejects.length > 0
        pageToken = nonEmpty(envelope.nextPageToken)
        if (pageToken !== undefined) context.page(listing.endpoint, pageToken)
        const nextSyncToken = nonEmpty(envelope.nextSyncToken)
        if (pageToken === undefined && nextSyncToken === undefined) {
          context.logger.warn({ stream: listing.stream }, `${listing.endpoint} ended without nextSyncToken; the next sync lists everything again`)
        }
        const cursor: PeopleCursor | null =
          pageToken !== undefined ? { pageToken, ...(syncToken ? { syncToken } : {}) } : nextSyncToken !== undefined ? { syncToken: nextSyncToken } : null
        const completeListing = pageToken === undefined && syncToken === undefined && !lostAny
        yield { records, rejects, cursor, ...(completeListing ? { complete: [listing.objectType] } : {}) }
        if (pageToken === undefined) return
      }
    },
  }
}

function peopleOfPage(
  listing: PeopleListing,
  items: unknown[],
  location: ApiLocation,
  incremental: boolean,
): { records: RawRecord<ApiLocation>[]; rejects: RejectedInput<ApiLocation>[] } {
  const records: RawRecord<ApiLocation>[] = []
  const rejects: RejectedInput<ApiLocation>[] = []
  const unnamedDeletions: string[] = []
  items.forEach((item, index) => {
    const parsed = peoplePersonSchema.safeParse(item)
    if (!parsed.success) {
      rejects.push(itemReject(parsed.error, item, location, index, listing.itemsKey, listing.objectType))
      return
    }
    const person = parsed.data
    if (person.metadata?.deleted === true) {
      // Only sync pages carry deletions; a full listing never lists a deleted person.
      if (!incremental) return
      if (!listing.deletionsNameRecords) {
        unnamedDeletions.push(person.resourceName)
        return
      }
      records.push({ objectType: listing.objectType, sourceId: listing.sourceId(person), payload: item as Record<string, unknown>, provenance: location, deleted: { reason: 'metadata.deleted' } })
      return
    }
    const updatedAt = personUpdatedAt(person.metadata?.sources)
    records.push({
      objectType: listing.objectType,
      sourceId: listing.sourceId(person),
      payload: item as Record<string, unknown>,
      provenance: location,
      ...(updatedAt !== undefined ? { sourceUpdatedAt: updatedAt } : {}),
    })
  })
  if (unnamedDeletions.length > 0) {
    throw new FullResyncRequired(
      `${listing.endpoint} page ${location.page}: ${unnamedDeletions.length} deleted ${listing.objectType}(s) (${unnamedDeletions.slice(0, 3).join(', ')}${unnamedDeletions.length > 3 ? ', …' : ''}) ` +
        `are known to the sync by their e-mail, not by resourceName; a full listing of ${listing.stream} follows, after which the ones no longer listed are marked deleted`,
    )
  }
  return { records, rejects }
}
