/**
 * The entities a query names, best first, each with how it matched and how sure the match is.
 * Identifying readings (email, phone, domain, ids) go through the resolution keys and record ids,
 * which are indexed; names through the people's name blocks (family name + initial, folded, so
 * "Bjorn Angstrom" finds "Björn Ångström") and trigram similarity of display names (typos, company
 * names). Merged-away entity ids lead to their survivor.
 */
import { sql, type Kysely } from 'kysely'
import type { DB } from '../schema/database.ts'
import { foldName, givenNamesCompatible, nicknameGroup, normalizeOrganizationName, splitFullName } from '../resolve/keys/index.ts'
import type { QueryReading } from './classify-query.ts'

export interface EntityMatch {
  entityId: string
  kind: 'person' | 'organization'
  name: string | null
  internal: boolean | null
  matchedBy: string
  /** 1 for an identifier or exact name, less for a partial or fuzzy name. */
  score: number
  redirectedFrom: string | null
}

/** Names below this trigram similarity are not candidates. */
const MIN_SIMILARITY = 0.35
const NAME_CANDIDATES = 50

export async function findEntities(db: Kysely<DB>, reading: QueryReading): Promise<EntityMatch[]> {
  switch (reading.as) {
    case 'entity_id':
      return byEntityId(db, reading.entityId)
    case 'email':
      return byKeys(db, [{ entityKind: 'person', kind: 'email', value: reading.email }], 'email')
    case 'phone':
      return byKeys(db, [{ entityKind: 'person', kind: 'phone', value: reading.e164 }], 'phone')
    case 'domain':
      return byKeys(db, [{ entityKind: 'organization', kind: 'domain', value: reading.domain }], 'domain')
    case 'record':
      return byKeys(
        db,
        (['person', 'organization'] as const).map((entityKind) => ({ entityKind, kind: 'record', value: reading.ref })),
        'record',
      )
    case 'system_id': {
      const matches = await bySourceIds(db, reading.sourceIds)
      if (matches.length > 0) return matches
      return byKeys(db, reading.sourceIds.map((value) => ({ entityKind: 'person' as const, kind: 'employee_id', value })), 'employee_id')
    }
    case 'name': {
      const matches = await byName(db, reading.text)
      // A single word may be an id that does not look like one (a Slack id without digits).
      if (matches.length === 0 && /^[A-Za-z0-9_-]{6,64}$/.test(reading.text)) return bySourceIds(db, [reading.text])
      return matches
    }
  }
}

interface EntityRow {
  entity_id: string
  kind: 'person' | 'organization'
  name: string | null
  internal: boolean | null
}

async function byEntityId(db: Kysely<DB>, entityId: string): Promise<EntityMatch[]> {
  const { rows } = await sql<EntityRow & { redirected_from: string | null }>`/* prepared */
    select coalesce(s.id, e.id) as entity_id, coalesce(s.kind, e.kind) as kind, coalesce(s.display_name, e.display_name) as name,
      case when s.id is null then e.is_internal else s.is_internal end as internal,
      case when s.id is null then null else e.id end as redirected_from
    from entities e
    left join entities s on s.id = e.redirect_to
    where e.id = ${entityId}::uuid and coalesce(s.kind, e.kind) in ('person', 'organization')`.execute(db)
  return rows.map((row) => ({ ...match(row, 'entity_id', 1), redirectedFrom: row.redirected_from }))
}

interface KeyQuery {
  entityKind: 'person' | 'organization'
  kind: string
  value: string
}

async function byKeys(db: Kysely<DB>, keys: KeyQuery[], matchedBy: string): Promise<EntityMatch[]> {
  const { rows } = await sql<EntityRow>`/* prepared */
    select distinct e.id as entity_id, e.kind, e.display_name as name, e.is_internal as internal
    from unnest(${keys.map((key) => key.entityKind)}::text[], ${keys.map((key) => key.kind)}::text[], ${keys.map((key) => key.value)}::text[]) as q(entity_kind, kind, value)
    join resolution_keys k on k.entity_kind = q.entity_kind and k.kind = q.kind and k.value = q.value and k.role = 'identifier'
    join source_records s on s.id = k.source_record_id and s.deleted_at is null
    join entity_members m on m.source_record_id = k.source_record_id and m.entity_kind = k.entity_kind
    join entities e on e.id = m.entity_id and e.redirect_to is null
    order by e.display_name, e.id
    limit 20`.execute(db)
  return rows.map((row) => match(row, matchedBy, 1))
}

/**
 * The object types whose records are people or organisations: a bare id is looked for among these,
 * through the (system, object_type, source_id) index. Without them the search read every record.
 */
const ENTITY_RECORD_TYPES: readonly (readonly [string, string])[] = [
  ['salesforce', 'Contact'],
  ['salesforce', 'Lead'],
  ['salesforce', 'User'],
  ['salesforce', 'Account'],
  ['slack', 'user'],
  ['slack', 'team'],
  ['workday', 'worker'],
  ['google', 'user'],
  ['google', 'contact'],
  ['google', 'calendar_attendee'],
]

async function bySourceIds(db: Kysely<DB>, sourceIds: string[]): Promise<EntityMatch[]> {
  const { rows } = await sql<EntityRow>`/* prepared */
    select distinct e.id as entity_id, e.kind, e.display_name as name, e.is_internal as internal
    from unnest(${ENTITY_RECORD_TYPES.map(([system]) => system)}::text[], ${ENTITY_RECORD_TYPES.map(([, type]) => type)}::text[]) as t(system, object_type)
    cross join unnest(${sourceIds}::text[]) as q(source_id)
    join source_records s on s.system = t.system and s.object_type = t.object_type and s.source_id = q.source_id
    join entity_members m on m.source_record_id = s.id and m.entity_kind in ('person', 'organization')
    join entities e on e.id = m.entity_id and e.redirect_to is null
    where s.deleted_at is null
    order by e.display_name, e.id
    limit 20`.execute(db)
  return rows.map((row) => match(row, 'system_id', 1))
}

/**
 * People by name block and display-name similarity, organisations by normalised name and
 * similarity; scored in [0, 1] so that the caller can tell an exact name from a near one. Every
 * entity in the name's block is a candidate (a block holds one family name and initial, so it is
 * small even at a million people). Only when none of them has the name exactly does the trigram
 * index look for typos and companies: the costlier statement runs for near names alone.
 */
async function byName(db: Kysely<DB>, text: string): Promise<EntityMatch[]> {
  const split = splitFullName(text)
  const given = foldName(split.given ?? '')
  const family = foldName(split.family ?? '')
  // The blocks resolution keyed the name under: Bob Smith is also under smith|r, for Robert.
  const initials = given === '' ? [] : [...new Set([given.charAt(0), ...(nicknameGroup(given) ?? []).map((formal) => formal.charAt(0))])]
  const blocks = family === '' ? [] : given === '' ? [family] : initials.map((initial) => `${family}|${initial}`)
  const organizationName = normalizeOrganizationName(text)
  const wanted = foldName(text)
  const scored = (rows: (EntityRow & { similarity: number })[]) =>
    rows.map((row) => {
      const name = foldName(row.name ?? '')
      const score = name === wanted ? 1 : sameFamilyCompatibleGiven(row.name ?? '', given, family) ? 0.9 : Math.min(0.85, row.similarity)
      return match(row, score === 1 ? 'name' : 'fuzzy_name', score)
    })

  // Also the entities displayed under exactly this name (a display name may come from a record keyed
  // under another block, such as a preferred name); the trigram index answers equality too.
  const { rows: keyed } = await sql<EntityRow & { similarity: number }>`/* prepared */
    with keyed as (
      select m.entity_id from resolution_keys k
      join entity_members m on m.source_record_id = k.source_record_id and m.entity_kind = k.entity_kind
      where (k.entity_kind = 'person' and k.kind = 'name' and k.value = any(${blocks}::text[]))
         or (k.entity_kind = 'organization' and k.kind = 'org_name' and k.value = ${organizationName ?? ''})
      union
      select id from entities where display_name = ${text}
    )
    select e.id as entity_id, e.kind, e.display_name as name, e.is_internal as internal, similarity(e.display_name, ${text}) as similarity
    from keyed join entities e on e.id = keyed.entity_id and e.redirect_to is null and e.kind in ('person', 'organization')`.execute(db)
  const candidates = new Map(scored(keyed).map((candidate) => [candidate.entityId, candidate]))
  if (![...candidates.values()].some((candidate) => candidate.score === 1)) {
    const { rows: similar } = await sql<EntityRow & { similarity: number }>`/* prepared */
      select id as entity_id, kind, display_name as name, is_internal as internal, similarity(display_name, ${text}) as similarity
      from entities
      where display_name % ${text} and kind in ('person', 'organization') and redirect_to is null
      order by similarity(display_name, ${text}) desc, id
      limit ${NAME_CANDIDATES}`.execute(db)
    for (const candidate of scored(similar)) if (!candidates.has(candidate.entityId)) candidates.set(candidate.entityId, candidate)
  }
  return [...candidates.values()]
    .filter((candidate) => candidate.score >= MIN_SIMILARITY)
    .sort((a, b) => b.score - a.score || (a.name ?? '').localeCompare(b.name ?? '') || a.entityId.localeCompare(b.entityId))
    .slice(0, NAME_CANDIDATES * 4)
}

/** "Bill Smith" for the query "William Smith": the same family name and a given name it may be. */
function sameFamilyCompatibleGiven(name: string, given: string, family: string): boolean {
  if (family === '' || given === '') return false
  const split = splitFullName(name)
  return foldName(split.family ?? '') === family && givenNamesCompatible(foldName(split.given ?? ''), given)
}

function match(row: EntityRow, matchedBy: string, score: number): EntityMatch {
  return { entityId: row.entity_id, kind: row.kind, name: row.name, internal: row.internal, matchedBy, score: Math.round(score * 1000) / 1000, redirectedFrom: null }
}
