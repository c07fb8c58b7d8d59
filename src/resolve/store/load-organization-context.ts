/**
 * Loads what people's comparison knows of organisations: every live organisation record's name,
 * website and domains with the entity it was resolved into, and the shared Slack channels with the
 * foreign teams they reach. Only those fields travel, page by page: a million-person company has
 * tens of thousands of accounts.
 */
import { sql, type Transaction } from 'kysely'
import type { DB, SystemName } from '../../schema/database.ts'
import { buildOrganizationContext, type ContextChannel, type ContextOrganization, type OrganizationContext } from '../organization-context.ts'

const PAGE = 10_000

interface OrganizationRow {
  id: number
  system: SystemName
  object_type: string
  source_id: string
  name: string | null
  website: string | null
  domains: string[] | null
  entity_id: string | null
}

export async function loadOrganizationContext(trx: Transaction<DB>): Promise<OrganizationContext> {
  const organizations: ContextOrganization[] = []
  let after = 0
  for (;;) {
    const { rows } = await sql<OrganizationRow>`
      select s.id, s.system, s.object_type, s.source_id, c.data->>'name' as name, c.data->>'website' as website,
        c.data->'domains' as domains, m.entity_id
      from canonical_records c
      join source_records s on s.id = c.source_record_id
      left join entity_members m on m.source_record_id = s.id and m.entity_kind = 'organization'
      where c.kind = 'organization' and s.deleted_at is null and s.id > ${after}
      order by s.id limit ${PAGE}`.execute(trx)
    for (const row of rows) {
      organizations.push({
        ref: { system: row.system, objectType: row.object_type, sourceId: row.source_id },
        data: { kind: 'organization', internal: false, domains: row.domains ?? [], ...(row.name ? { name: row.name } : {}), ...(row.website ? { website: row.website } : {}) },
        entityId: row.entity_id,
      })
    }
    if (rows.length < PAGE) break
    after = rows.at(-1)!.id
  }
  const { rows: channels } = await sql<{ name: string; shared_team_ids: string[] }>`
    select c.data->>'name' as name, c.data->'sharedTeamIds' as shared_team_ids
    from canonical_records c join source_records s on s.id = c.source_record_id
    where c.kind = 'conversation' and s.deleted_at is null and c.data->>'name' is not null
      and jsonb_array_length(coalesce(c.data->'sharedTeamIds', '[]'::jsonb)) > 0`.execute(trx)
  return buildOrganizationContext(
    organizations,
    channels.map((row): ContextChannel => ({ name: row.name, sharedTeamIds: row.shared_team_ids })),
  )
}
