/**
 * Loads the persons and organisations of given source records, with the identity links those records
 * state, and computes their keys. A record deleted at the source takes no part, except one merged
 * into another (a Salesforce duplicate with MasterRecordId): it stays with the record that survived
 * — its old id still finds the entity — but lends it nothing but that link.
 */
import { sql, type Kysely } from 'kysely'
import type { Link, Organization, Person, SourceRef } from '../../schema/canonical.ts'
import type { DB, ResolvedKind } from '../../schema/database.ts'
import { organizationKeys } from '../organization-keys.ts'
import { personKeys } from '../person-keys.ts'
import type { ResolutionKey } from '../resolvable.ts'

export interface LoadedRecord {
  id: number
  kind: ResolvedKind
  ref: SourceRef
  data: Person | Organization
  keys: ResolutionKey[]
}

interface Row {
  id: number
  system: SourceRef['system']
  object_type: string
  source_id: string
  kind: 'person' | 'organization' | 'link'
  data: Person | Organization | Link
  deleted: boolean
}

/** The records' persons and organisations (first of each kind per record), keyed. */
export async function loadResolvables(db: Kysely<DB>, ids: readonly number[]): Promise<LoadedRecord[]> {
  if (ids.length === 0) return []
  const { rows } = await sql<Row>`
    select s.id, s.system, s.object_type, s.source_id, c.kind, c.data, s.deleted_at is not null as deleted
    from source_records s
    join canonical_records c on c.source_record_id = s.id
    where s.id in (select value::bigint from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))
      and c.kind in ('person', 'organization', 'link')
    order by s.id, c.ordinal`.execute(db)
  const loaded: LoadedRecord[] = []
  const links = new Map<number, Link[]>()
  for (const row of rows) {
    if (row.kind === 'link') links.set(row.id, [...(links.get(row.id) ?? []), row.data as Link])
  }
  const seen = new Set<string>()
  for (const row of rows) {
    if (row.kind === 'link' || seen.has(`${row.id}:${row.kind}`)) continue
    seen.add(`${row.id}:${row.kind}`)
    const ref: SourceRef = { system: row.system, objectType: row.object_type, sourceId: row.source_id }
    const recordLinks = links.get(row.id) ?? []
    if (row.deleted && !recordLinks.some((link) => link.linkType === 'same_as')) continue
    const keys = row.kind === 'person' ? personKeys(ref, row.data as Person, recordLinks) : organizationKeys(ref, row.data as Organization, recordLinks)
    loaded.push({ id: row.id, kind: row.kind, ref, data: row.data as Person | Organization, keys: row.deleted ? keys.filter((key) => key.kind === 'record') : keys })
  }
  return loaded
}
