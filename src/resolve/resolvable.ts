/**
 * What resolution works on: one canonical person or organisation of one source record, with the
 * record's identity. Pure data, loaded from canonical_records (see store/load-records.ts).
 */
import type { Organization, Person, SourceRef } from '../schema/canonical.ts'
import type { ResolvedKind } from '../schema/database.ts'

export type PersonRecord = Person
export type OrganizationRecord = Organization

export interface ResolvableBase {
  /** source_records.id: how the database refers to the record. */
  id: number
  /** How the world refers to it; resolution orders by this, never by id, so import order cannot matter. */
  ref: SourceRef
}

export interface ResolvablePerson extends ResolvableBase {
  kind: 'person'
  data: PersonRecord
}

export interface ResolvableOrganization extends ResolvableBase {
  kind: 'organization'
  data: OrganizationRecord
}

export type Resolvable = ResolvablePerson | ResolvableOrganization

/**
 * One key of a record: identifiers merge, blocking keys only make records candidates for scoring,
 * context keys name the organisation data the record's comparison draws on (a change to it queues
 * the record again).
 */
export interface ResolutionKey {
  kind: string
  value: string
  role: 'identifier' | 'blocking' | 'context'
  isGeneric: boolean
}

/** `salesforce:Contact:003…`: a record as people write it (the CLI, explain, overrides). */
export function formatRef(ref: SourceRef): string {
  return `${ref.system}:${ref.objectType}:${ref.sourceId}`
}

/** Total order of records by how the world names them. */
export function compareRefs(a: SourceRef, b: SourceRef): number {
  return compareText(a.system, b.system) || compareText(a.objectType, b.objectType) || compareText(a.sourceId, b.sourceId)
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

export const RESOLVED_KINDS: readonly ResolvedKind[] = ['person', 'organization']
