/**
 * The facts that tell candidates apart when a query names several entities: organisation, title,
 * the organisation's internal owner, the newest activity the caller may see (a private message's time
 * is not for everyone), and the country (the organisation's, or where the person is). One statement
 * for all candidates.
 */
import { sql, type Kysely } from 'kysely'
import type { DB } from '../schema/database.ts'
import type { EntityMatch } from './find-entities.ts'
import { activityVisible, titleOf, type Viewer } from './load-profile.ts'
import type { Candidate } from './lookup-schema.ts'
import { sanitizeLine } from './sanitize-text.ts'

interface FactsRow {
  entity_id: string
  organization: string | null
  title: string | null
  owner: string | null
  last_activity_at: string | null
  country: string | null
}

export async function describeCandidates(db: Kysely<DB>, matches: readonly EntityMatch[], viewer: Viewer): Promise<Candidate[]> {
  if (matches.length === 0) return []
  const ids = matches.map((match) => match.entityId)
  const { rows } = await sql<FactsRow>`/* prepared */
    select e.id as entity_id,
      case when e.kind = 'organization' then null else org.name end as organization,
      ${titleOf(sql`e.id`)} as title,
      (select o.display_name from edges w join entities o on o.id = w.from_entity_id
        where w.to_entity_id = coalesce(org.id, e.id) and w.kind = 'owns' order by o.display_name limit 1) as owner,
      (select max(a.occurred_at) from entity_members m join source_records s on s.id = m.source_record_id
        join activity_participants p on p.system = s.system and p.object_type = s.object_type and p.source_id = s.source_id
        join activities a on a.id = p.activity_id
        where m.entity_id = e.id and ${activityVisible(sql`a`, viewer)}) as last_activity_at,
      coalesce(
        (select c.data->>'country' from entity_members m join canonical_records c on c.source_record_id = m.source_record_id and c.kind = 'organization'
          where m.entity_id = coalesce(org.id, e.id) and c.data ? 'country' limit 1),
        (select coalesce(c.data->>'location', c.data->'employment'->>'location') from entity_members m
          join canonical_records c on c.source_record_id = m.source_record_id and c.kind = 'person'
          where m.entity_id = e.id and coalesce(c.data->>'location', c.data->'employment'->>'location') is not null limit 1)) as country
    from entities e
    left join lateral (select o.id, o.display_name as name from edges w join entities o on o.id = w.to_entity_id and o.redirect_to is null
      where w.from_entity_id = e.id and w.kind = 'works_at' order by (w.attributes->>'via') is not null, o.display_name limit 1) org on true
    where e.id = any(${ids}::uuid[])`.execute(db)
  const facts = new Map(rows.map((row) => [row.entity_id, row]))
  return matches.map((match) => {
    const row = facts.get(match.entityId)
    return {
      entityId: match.entityId,
      kind: match.kind,
      name: sanitizeLine(match.name),
      matchedBy: match.matchedBy,
      score: match.score,
      internal: match.internal,
      organization: sanitizeLine(row?.organization),
      title: sanitizeLine(row?.title),
      owner: sanitizeLine(row?.owner),
      lastActivityAt: row?.last_activity_at ? new Date(row.last_activity_at).toISOString() : null,
      country: sanitizeLine(row?.country, 80),
    }
  })
}
