/**
 * What people's comparison knows of organisations (see organization-context.ts), kept in the
 * database: after the organisations are resolved, the pass writes what each organisation hint
 * expands to into temp table resolve_org_tokens, and each batch of people looks up the hints its
 * records have. A million-person company has over a hundred thousand organisation records: held in
 * memory for the whole person stage, their token maps took ~100 MB of a 160 MB heap.
 *
 * The table is derived from the organisation records' keys, which are what organization-context.ts
 * computes from their data (registrable domains of the website and domains, the normalised name):
 *
 *   ref:<record>   → org:<entity>, domain:<domain>, slug:<domain's slug>, name:<name>
 *   domain:<domain> → org:<entity of every record with that domain>
 *   name:<name>     → org:<entity>, when one entity has that name
 *   team:<team>     → slug:<channel slug> of the shared channels that reach the team
 *
 * It lives in the pass's transaction: the entities it names are not committed yet.
 */
import { sql, type Transaction } from 'kysely'
import type { DB } from '../../schema/database.ts'
import { channelSlug, expandWith, type OrganizationContext } from '../organization-context.ts'

/** Fills resolve_org_tokens; call once the organisations are resolved. */
export async function buildOrganizationTokens(trx: Transaction<DB>): Promise<void> {
  await sql`drop table if exists resolve_org_tokens`.execute(trx)
  await sql`create temp table resolve_org_tokens (hint text not null, token text not null) on commit drop`.execute(trx)
  await sql`insert into resolve_org_tokens (hint, token)
    with organization as (
      select s.id, 'ref:' || s.system || ':' || s.object_type || ':' || s.source_id as ref, m.entity_id
      from source_records s
      left join entity_members m on m.source_record_id = s.id and m.entity_kind = 'organization'
      where s.deleted_at is null and exists (select 1 from canonical_records c where c.source_record_id = s.id and c.kind = 'organization')
    ),
    keyed as (
      select o.ref, o.entity_id, k.kind, k.value from organization o
      join resolution_keys k on k.source_record_id = o.id and k.entity_kind = 'organization' and k.kind in ('domain', 'org_name')
    )
    select ref, 'org:' || entity_id from organization where entity_id is not null
    union all
    select ref, 'domain:' || value from keyed where kind = 'domain'
    union all
    -- A domain's slug as domainSlug spells it: its first label, letters and digits only.
    select ref, 'slug:' || regexp_replace(split_part(value, '.', 1), '[^a-z0-9]+', '', 'g') from keyed where kind = 'domain'
    union all
    select ref, 'name:' || value from keyed where kind = 'org_name'
    union all
    select distinct 'domain:' || value, 'org:' || entity_id from keyed where kind = 'domain' and entity_id is not null
    union all
    -- A name shared by several organisations says nothing about which one.
    select 'name:' || value, 'org:' || min(entity_id::text) from keyed where kind = 'org_name' and entity_id is not null
    group by value having count(distinct entity_id) = 1`.execute(trx)
  const { rows: channels } = await sql<{ name: string; shared_team_ids: string[] }>`
    select c.data->>'name' as name, c.data->'sharedTeamIds' as shared_team_ids
    from canonical_records c join source_records s on s.id = c.source_record_id
    where c.kind = 'conversation' and s.deleted_at is null and c.data->>'name' is not null
      and jsonb_array_length(coalesce(c.data->'sharedTeamIds', '[]'::jsonb)) > 0`.execute(trx)
  const teams: string[] = []
  const slugs: string[] = []
  for (const channel of channels) {
    const slug = channelSlug(channel.name)
    if (!slug) continue
    for (const team of channel.shared_team_ids) {
      teams.push(`team:${team}`)
      slugs.push(`slug:${slug}`)
    }
  }
  await sql`insert into resolve_org_tokens (hint, token) select * from unnest(${teams}::text[], ${slugs}::text[])`.execute(trx)
  await sql`create index on resolve_org_tokens (hint)`.execute(trx)
  await sql`analyze resolve_org_tokens`.execute(trx)
}

/** The context that expands `hints` (what the records of one batch of people have). */
export async function loadOrganizationContext(trx: Transaction<DB>, hints: Iterable<string>): Promise<OrganizationContext> {
  const { rows } = await sql<{ hint: string; token: string }>`
    select hint, token from resolve_org_tokens where hint = any(${[...hints]}::text[])`.execute(trx)
  const byHint = new Map<string, Set<string>>()
  for (const { hint, token } of rows) {
    let tokens = byHint.get(hint)
    if (!tokens) byHint.set(hint, (tokens = new Set()))
    tokens.add(token)
  }
  return expandWith(byHint)
}
