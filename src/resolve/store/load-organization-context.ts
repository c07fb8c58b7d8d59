/**
 * Loads what people's comparison knows of organisations: every live organisation record with the
 * entity it was resolved into, and the shared Slack channels with the foreign teams they reach.
 */
import { sql, type Transaction } from 'kysely'
import type { Conversation, Organization } from '../../schema/canonical.ts'
import type { DB, SystemName } from '../../schema/database.ts'
import { buildOrganizationContext, type OrganizationContext } from '../organization-context.ts'

export async function loadOrganizationContext(trx: Transaction<DB>): Promise<OrganizationContext> {
  const { rows: organizations } = await sql<{ system: SystemName; object_type: string; source_id: string; data: Organization; entity_id: string | null }>`
    select s.system, s.object_type, s.source_id, c.data, m.entity_id
    from canonical_records c
    join source_records s on s.id = c.source_record_id
    left join entity_members m on m.source_record_id = s.id and m.entity_kind = 'organization'
    where c.kind = 'organization' and s.deleted_at is null`.execute(trx)
  const { rows: channels } = await sql<{ data: Conversation }>`
    select c.data from canonical_records c join source_records s on s.id = c.source_record_id
    where c.kind = 'conversation' and s.deleted_at is null and jsonb_array_length(coalesce(c.data->'sharedTeamIds', '[]'::jsonb)) > 0`.execute(trx)
  return buildOrganizationContext(
    organizations.map((row) => ({ ref: { system: row.system, objectType: row.object_type, sourceId: row.source_id }, data: row.data, entityId: row.entity_id })),
    channels.flatMap((row) => (row.data.name ? [{ name: row.data.name, sharedTeamIds: row.data.sharedTeamIds }] : [])),
  )
}
