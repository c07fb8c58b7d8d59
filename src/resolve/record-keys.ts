/**
 * What a source record brings to resolution: its person and its organisation (the first of each kind
 * among its canonical records), each with the keys it is resolved by. The same function keys a record
 * as it lands (the import writes its keys with it) and when resolution re-reads one from the store.
 *
 * A record deleted at the source takes no part, except one merged into another (a Salesforce
 * duplicate with MasterRecordId): it stays with the record that survived, so its old id still finds
 * the entity, but lends it nothing but that link. Pure.
 */
import type { CanonicalRecord, Organization, Person, SourceRef } from '../schema/canonical.ts'
import type { ResolvedKind } from '../schema/database.ts'
import { organizationKeys } from './organization-keys.ts'
import { IDENTITY_LINKS, personKeys } from './person-keys.ts'
import type { ResolutionKey } from './resolvable.ts'

export interface KeyedEntity {
  kind: ResolvedKind
  data: Person | Organization
  keys: ResolutionKey[]
}

/**
 * The link types keying reads (organisations read only same_as): a record's other links are the
 * graph's (build-graph.ts), and the store leaves them out when it loads records to key.
 */
export const KEYED_LINK_TYPES: readonly string[] = [...IDENTITY_LINKS]

/** `canonical`: the record's canonical records in ordinal order (links of other types are ignored). */
export function keyRecord(ref: SourceRef, canonical: readonly CanonicalRecord[], deleted: boolean): KeyedEntity[] {
  const links = canonical.filter((part) => part.kind === 'link')
  if (deleted && !links.some((link) => link.linkType === 'same_as')) return []
  const keyed: KeyedEntity[] = []
  const person = canonical.find((part): part is Person => part.kind === 'person')
  if (person) keyed.push({ kind: 'person', data: person, keys: crossReferencesIfDeleted(deleted, personKeys(ref, person, links)) })
  const organization = canonical.find((part): part is Organization => part.kind === 'organization')
  if (organization) keyed.push({ kind: 'organization', data: organization, keys: crossReferencesIfDeleted(deleted, organizationKeys(ref, organization, links)) })
  return keyed
}

/** A deleted record keeps only its cross-references. */
function crossReferencesIfDeleted(deleted: boolean, keys: ResolutionKey[]): ResolutionKey[] {
  return deleted ? keys.filter((key) => key.kind === 'record') : keys
}
