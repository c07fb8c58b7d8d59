/**
 * Everything an erased person is known by, read from the store before anything is deleted: their
 * entity (and the ids merged into it), their member records, their identifiers (emails that are not
 * shared mailboxes, the ids of their records, employee ids) and their context values (full names,
 * phone numbers), which are scrubbed only where an identifier shows the row is about them.
 */
import { sql, type Kysely } from 'kysely'
import { CgError } from '../errors.ts'
import { findSubject } from '../resolve/find-subject.ts'
import { normalizeEmail } from '../resolve/keys/index.ts'
import type { DB } from '../schema/database.ts'
import { nameValue, phoneValue, suppressionHash, type SuppressionKind } from './suppression.ts'

export interface PersonTrace {
  /** The person's entity first, then the ids merged into it. */
  entityIds: string[]
  /** Their member records, as ids and as `system:objectType:sourceId`. */
  recordIds: number[]
  recordRefs: string[]
  identifiers: string[]
  /** Context values: scrubbed only in rows that are about them. */
  names: string[]
  phones: string[]
}

const SALESFORCE_ID_18 = /^[a-zA-Z0-9]{18}$/
const MIN_IDENTIFIER_LENGTH = 5
const MIN_PHONE_DIGITS = 7

/** The person an email or entity id (or one of their records) names; E_NOT_FOUND or E_USAGE otherwise. */
export async function findPerson(db: Kysely<DB>, input: string): Promise<string> {
  const email = input.includes('@') ? normalizeEmail(input) : undefined
  if (email) {
    const { rows } = await sql<{ entity_id: string }>`
      select distinct m.entity_id from resolution_keys k
      join entity_members m on m.source_record_id = k.source_record_id and m.entity_kind = 'person'
      where k.entity_kind = 'person' and k.kind = 'email' and k.value = ${email.address}`.execute(db)
    if (rows.length === 0) throw new CgError('E_NOT_FOUND', `no person has the email ${input.trim()}`, { location: { parameter: 'subject' } })
    if (rows.length > 1) throw new CgError('E_AMBIGUOUS', `${rows.length} people have the email ${input.trim()}; erase each by its entity id (customer-graph lookup shows them)`, { location: { parameter: 'subject' } })
    return rows[0]!.entity_id
  }
  const subject = await findSubject(db, input, 'subject')
  if (subject.type === 'entity') {
    if (subject.kind !== 'person') throw new CgError('E_USAGE', `${input.trim()} is a ${subject.kind}; erase takes a person (an email or a person's entity id)`, { location: { parameter: 'subject' } })
    return subject.entityId
  }
  const member = await db.selectFrom('entity_members').select('entity_id').where('source_record_id', '=', subject.recordId).where('entity_kind', '=', 'person').executeTakeFirst()
  if (!member) throw new CgError('E_USAGE', `${subject.ref} describes no person; erase takes a person (an email or a person's entity id)`, { location: { parameter: 'subject' } })
  return member.entity_id
}

export async function readPersonTrace(db: Kysely<DB>, entityId: string): Promise<PersonTrace> {
  const merged = await sql<{ id: string }>`
    with recursive merged as (
      select id from entities where redirect_to = ${entityId}::uuid
      union select e.id from entities e join merged on e.redirect_to = merged.id
    ) select id from merged`.execute(db)
  const entityIds = [entityId, ...merged.rows.map((row) => row.id)]
  const records = await db
    .selectFrom('entity_members as m')
    .innerJoin('source_records as s', 's.id', 'm.source_record_id')
    .select(['s.id', 's.system', 's.object_type', 's.source_id'])
    .where('m.entity_id', '=', entityId)
    .where('m.entity_kind', '=', 'person')
    .execute()
  const recordIds = records.map((record) => record.id)
  const keys = await db
    .selectFrom('resolution_keys')
    .select(['kind', 'value', 'is_generic'])
    .where('source_record_id', 'in', recordIds.length > 0 ? recordIds : [-1])
    .where('entity_kind', '=', 'person')
    .where('kind', 'in', ['email', 'employee_id'])
    .execute()
  const shared = new Set(keys.filter((key) => key.is_generic).map((key) => key.value))
  const canonical = await sql<{ name: string | null; emails: string[] | null; phones: string[] | null }>`
    select c.data->'name'->>'full' as name,
      (select array_agg(e->>'address') from jsonb_array_elements(coalesce(c.data->'emails', '[]')) e) as emails,
      (select array_agg(p->>'number') from jsonb_array_elements(coalesce(c.data->'phones', '[]')) p) as phones
    from canonical_records c where c.source_record_id = any(${recordIds}::bigint[]) and c.kind = 'person'`.execute(db)
  const entity = await db.selectFrom('entities').select('display_name').where('id', '=', entityId).executeTakeFirst()

  const identifiers = new Set<string>(entityIds)
  for (const key of keys) if (!key.is_generic) identifiers.add(key.value)
  for (const record of records) {
    identifiers.add(record.source_id)
    if (record.system === 'salesforce' && SALESFORCE_ID_18.test(record.source_id)) identifiers.add(record.source_id.slice(0, 15))
  }
  const names = new Set<string>()
  const phones = new Set<string>()
  for (const row of [...canonical.rows, { name: entity?.display_name ?? null, emails: null, phones: null }]) {
    for (const email of row.emails ?? []) {
      const key = normalizeEmail(email)?.address
      if (key && !shared.has(key)) identifiers.add(email.trim().toLowerCase())
    }
    const name = row.name?.trim().replace(/\s+/g, ' ')
    if (name && name.includes(' ')) names.add(name)
    for (const phone of row.phones ?? []) if (phone.replace(/\D/g, '').length >= MIN_PHONE_DIGITS) phones.add(phone.trim())
  }
  return {
    entityIds,
    recordIds,
    recordRefs: records.map((record) => `${record.system}:${record.object_type}:${record.source_id}`),
    identifiers: [...identifiers].filter((value) => value.length >= MIN_IDENTIFIER_LENGTH),
    names: [...names],
    phones: [...phones],
  }
}

/** The hashes kept so that no later import or sync re-creates the person (see suppression.ts). */
export function suppressionEntries(trace: PersonTrace): { kind: SuppressionKind; hash: string }[] {
  const entries = [
    ...trace.recordRefs.map((ref) => ({ kind: 'record' as const, hash: suppressionHash('record', ref) })),
    ...trace.identifiers.map((value) => ({ kind: 'identifier' as const, hash: suppressionHash('identifier', value) })),
    ...trace.names.map((name) => ({ kind: 'context' as const, hash: suppressionHash('context', nameValue(name)) })),
    ...trace.phones.map((phone) => ({ kind: 'context' as const, hash: suppressionHash('context', phoneValue(phone)) })),
  ]
  return [...new Map(entries.map((entry) => [`${entry.kind}:${entry.hash}`, entry])).values()]
}
