/**
 * works_at edges no record states, drawn from people's organisation context keys: an external
 * person whose work email is at an organisation's domain works there, and a Slack Connect person
 * works at the organisation of their team.
 *
 * Both are keyed by the person's record, so they are rebuilt with its edges; but they also change
 * when the organisation side does (an email domain that becomes an organisation, a team that merges
 * into an account) or when the person moves to another entity, without the person's record being
 * queued. Such people are added to the records whose edges this pass rebuilds.
 */
import { sql, type Transaction } from 'kysely'
import type { DB } from '../../schema/database.ts'

/**
 * Adds to graph_sources the people whose inferred works_at may have changed: those whose work
 * domain or Slack team is a key of an organisation record this pass re-resolved, and those
 * re-resolved themselves. Call before graph_sources' edges are deleted. On a first pass every record
 * is already there: the records already in are skipped before they are counted, not on conflict.
 */
export async function addOrganizationDependents(trx: Transaction<DB>): Promise<void> {
  await sql`analyze graph_sources`.execute(trx)
  await sql`insert into graph_sources
    select distinct k.source_record_id from resolve_touched t
    join resolution_keys ok on ok.source_record_id = t.source_record_id and ok.entity_kind = 'organization'
      and ok.role = 'identifier' and ok.kind in ('domain', 'slack_team')
    join resolution_keys k on k.entity_kind = 'person' and k.role = 'context'
      and k.kind = case ok.kind when 'domain' then 'org_domain' else 'org_team' end and k.value = ok.value
    where not exists (select 1 from graph_sources g where g.source_record_id = k.source_record_id)
    on conflict do nothing`.execute(trx)
  await sql`insert into graph_sources
    select distinct t.source_record_id from resolve_touched t
    join resolution_keys k on k.source_record_id = t.source_record_id and k.entity_kind = 'person' and k.role = 'context'
      and k.kind in ('org_domain', 'org_team')
    where not exists (select 1 from graph_sources g where g.source_record_id = t.source_record_id)
    on conflict do nothing`.execute(trx)
}

/** What ties a person to an organisation without a record stating it: the person's context key and the organisation's identifier. */
const INFERRED = {
  email_domain: { context: 'org_domain', identifier: 'domain', attribute: 'domain' },
  slack_team: { context: 'org_team', identifier: 'slack_team', attribute: 'team' },
} as const

/**
 * works_at for the external people among graph_sources, `via` their work email's domain (the
 * organisation that has it) or their Slack Connect team (the team's organisation), as rows for the
 * edge insert of build-graph.ts (precedence 1 and 2: a stated edge wins over an inferred one).
 *
 * Many organisation records can hold one domain (an account's website, and the domain-only
 * organisations of its people's emails): they are reduced to their entities before the join, or a
 * first pass at a million records joins 1.7M rows for 0.2M edges.
 */
export function inferredWorksAt(via: keyof typeof INFERRED) {
  const { context, identifier, attribute } = INFERRED[via]
  const precedence = via === 'email_domain' ? 1 : 2
  return sql`(
    with person as (
      select k.source_record_id, k.value, m.entity_id
      from graph_sources g
      join resolution_keys k on k.source_record_id = g.source_record_id and k.entity_kind = 'person' and k.role = 'context' and k.kind = ${context}
      join entity_members m on m.source_record_id = k.source_record_id and m.entity_kind = 'person'
      join entities pe on pe.id = m.entity_id and pe.is_internal is not true
    ),
    organization as (
      select distinct ok.value, om.entity_id
      from resolution_keys ok
      join entity_members om on om.source_record_id = ok.source_record_id and om.entity_kind = 'organization'
      join entities oe on oe.id = om.entity_id and oe.redirect_to is null
      where ok.entity_kind = 'organization' and ok.kind = ${identifier} and ok.role = 'identifier'
        and ok.value in (select value from person)
    )
    select 'works_at' as kind, p.entity_id as from_entity, o.entity_id as to_entity, p.source_record_id,
      jsonb_build_object('via', ${via}::text, ${attribute}::text, p.value) as attributes, ${precedence}::int as precedence
    from person p join organization o on o.value = p.value)`
}
