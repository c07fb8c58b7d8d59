/**
 * An entity's fields as claims: every value any member record states, with where it came from (the
 * system, the record, when the source last changed it), how that record was linked to the entity
 * and how sure the link is. Values that disagree stand side by side; the chosen one comes from the
 * system that is the authority for that kind of entity (Workday for our people, Salesforce for
 * customers), then from the most recently updated record. Pure.
 */
import { isFreeMailDomain, normalizeEmail, normalizePhone, registrableDomain, domainFromWebsite, foldText } from '../resolve/keys/index.ts'
import type { SystemName } from '../schema/database.ts'
import type { Claim, Detail } from './lookup-schema.ts'
import { maskEmail, maskPhone } from './mask.ts'
import type { MemberRow } from './load-profile.ts'
import type { PersonalValue } from './redact.ts'
import { sanitizeLine } from './sanitize-text.ts'

export interface ProfileField {
  field: string
  value: string | number | boolean
  conflicting: boolean
  claims?: Claim[]
}

interface Statement {
  field: string
  value: string | boolean
  /** Values that mean the same (an email in any case, a phone in any format) share a key. */
  key: string
  /** Personal data, masked without the pii scope. */
  pii: 'phone' | 'email' | null
}

/** Fields that hold several values at once: each value is a field of its own, never a conflict. */
const MULTI_VALUED: ReadonlySet<string> = new Set(['email', 'phone', 'domain'])

const AUTHORITY: Record<'internal' | 'external' | 'organization', readonly SystemName[]> = {
  internal: ['workday', 'google', 'salesforce', 'slack'],
  external: ['salesforce', 'google', 'slack', 'workday'],
  organization: ['salesforce', 'google', 'slack', 'workday'],
}

const CLAIMS_PER_FIELD: Record<Detail, number> = { brief: 0, standard: 4, full: 50 }

export function profileFields(
  members: readonly MemberRow[],
  kind: 'person' | 'organization',
  internal: boolean | null,
  detail: Detail,
  canSeePii: boolean,
): ProfileField[] {
  const authority = AUTHORITY[kind === 'organization' ? 'organization' : internal ? 'internal' : 'external']
  const byField = new Map<string, { statement: Statement; member: MemberRow }[]>()
  for (const member of members) {
    if (!member.data) continue
    const statements = kind === 'person' ? personStatements(member.data) : organizationStatements(member.data)
    for (const statement of statements) {
      const groupKey = MULTI_VALUED.has(statement.field) ? `${statement.field}\u0000${statement.key}` : statement.field
      const list = byField.get(groupKey) ?? []
      list.push({ statement, member })
      byField.set(groupKey, list)
    }
  }
  const fields: ProfileField[] = []
  for (const statements of byField.values()) {
    statements.sort((a, b) => rank(a.member, authority) - rank(b.member, authority) || newer(a.member, b.member) || a.member.record_id - b.member.record_id)
    const chosen = statements[0]!
    const conflicting = new Set(statements.map((entry) => entry.statement.key)).size > 1
    const masked = !canSeePii && chosen.statement.pii !== null
    const field: ProfileField = { field: chosen.statement.field, value: masked ? mask(chosen.statement) : chosen.statement.value, conflicting }
    const claimLimit = CLAIMS_PER_FIELD[detail]
    if (claimLimit > 0) {
      field.claims = statements.slice(0, claimLimit).map((entry, index) => {
        const hide = !canSeePii && entry.statement.pii !== null
        return {
          value: hide ? mask(entry.statement) : entry.statement.value,
          system: entry.member.system,
          record: `${entry.member.system}:${entry.member.object_type}:${entry.member.source_id}`,
          sourceUpdatedAt: entry.member.source_updated_at ? new Date(entry.member.source_updated_at).toISOString() : null,
          matchRule: entry.member.rule,
          confidence: entry.member.score ?? 1,
          chosen: index === 0,
          ...(hide ? { masked: true } : {}),
        }
      })
    }
    fields.push(field)
  }
  return fields.sort((a, b) => fieldOrder(a.field) - fieldOrder(b.field) || String(a.value).localeCompare(String(b.value)))
}

const ORDER = ['name', 'preferred_name', 'title', 'organization', 'department', 'email', 'phone', 'domain', 'website', 'industry', 'country', 'location', 'timezone', 'status', 'employment_status']
const fieldOrder = (field: string) => {
  const index = ORDER.indexOf(field)
  return index === -1 ? ORDER.length : index
}

function rank(member: MemberRow, authority: readonly SystemName[]): number {
  // A connector module's system ranks after the built-in ones; what a record states of itself
  // outranks what was inferred from other records.
  const position = authority.indexOf(member.system)
  return (position === -1 ? authority.length : position) + (member.inferred ? authority.length + 1 : 0)
}

function newer(a: MemberRow, b: MemberRow): number {
  return (b.source_updated_at ? new Date(b.source_updated_at).getTime() : 0) - (a.source_updated_at ? new Date(a.source_updated_at).getTime() : 0)
}

function mask(statement: Statement): string {
  return statement.pii === 'phone' ? maskPhone(String(statement.value)) : maskEmail(String(statement.value))
}

/** The personal values records state, raw and normalised: what redact() masks for callers without pii. */
export function personalValues(members: readonly Pick<MemberRow, 'data'>[]): PersonalValue[] {
  const values: PersonalValue[] = []
  for (const member of members) {
    const data = member.data ?? {}
    for (const email of arr(data.emails)) {
      const address = str(obj(email).address)
      const normalized = normalizeEmail(address)
      if (!address || !normalized) continue
      const domain = registrableDomain(normalized.address.slice(normalized.address.lastIndexOf('@') + 1))
      if (obj(email).type === 'personal' || (domain !== undefined && isFreeMailDomain(domain))) values.push({ text: address, kind: 'email' }, { text: normalized.address, kind: 'email' })
    }
    for (const phone of [...arr(data.phones).map((item) => str(obj(item).number)), str(data.phone)]) {
      if (!phone) continue
      values.push({ text: phone, kind: 'phone' })
      const e164 = normalizePhone(phone)
      if (e164) values.push({ text: e164, kind: 'phone' })
    }
  }
  return values
}

type Data = Record<string, unknown>

const str = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined)
const obj = (value: unknown): Data => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Data) : {})
const arr = (value: unknown): unknown[] => (Array.isArray(value) ? value : [])

function text(field: string, value: unknown): Statement[] {
  const line = sanitizeLine(str(value))
  return line === null ? [] : [{ field, value: line, key: foldText(line), pii: null }]
}

function personStatements(data: Data): Statement[] {
  const name = obj(data.name)
  const employment = obj(data.employment)
  const full = str(name.full) ?? ([str(name.given), str(name.family)].filter(Boolean).join(' ') || undefined)
  const statements: Statement[] = [...text('name', full), ...text('preferred_name', name.preferred)]
  for (const email of arr(data.emails)) {
    const address = str(obj(email).address)
    const normalized = normalizeEmail(address)
    if (!address || !normalized) continue
    const domain = registrableDomain(normalized.address.slice(normalized.address.lastIndexOf('@') + 1))
    const personal = obj(email).type === 'personal' || (domain !== undefined && isFreeMailDomain(domain))
    statements.push({ field: 'email', value: normalized.address, key: normalized.address, pii: personal ? 'email' : null })
  }
  for (const phone of arr(data.phones)) {
    const number = str(obj(phone).number)
    if (!number) continue
    const e164 = normalizePhone(number)
    statements.push({ field: 'phone', value: e164 ?? number, key: e164 ?? number.replace(/\D/g, ''), pii: 'phone' })
  }
  statements.push(...text('title', data.title ?? employment.title), ...text('organization', data.organizationName), ...text('department', employment.department))
  statements.push(...text('location', data.location ?? employment.location), ...text('timezone', data.timezone), ...text('status', data.status))
  statements.push(...text('employee_id', employment.employeeId), ...text('hire_date', employment.hireDate), ...text('termination_date', employment.terminationDate))
  if (typeof employment.active === 'boolean') {
    const status = employment.active ? 'active' : 'terminated'
    statements.push({ field: 'employment_status', value: status, key: status, pii: null })
  }
  return statements
}

function organizationStatements(data: Data): Statement[] {
  const statements: Statement[] = [...text('name', data.name)]
  const domains = new Set<string>()
  for (const domain of arr(data.domains)) {
    const registrable = registrableDomain(str(domain))
    if (registrable) domains.add(registrable)
  }
  const website = str(data.website)
  const fromWebsite = website ? registrableDomain(domainFromWebsite(website)) : undefined
  if (fromWebsite) domains.add(fromWebsite)
  for (const domain of domains) statements.push({ field: 'domain', value: domain, key: domain, pii: null })
  statements.push(...text('website', website), ...text('industry', data.industry), ...text('country', data.country), ...text('slack_team', data.slackTeamId))
  const phone = str(data.phone)
  // Masked like every phone number: a small company's "switchboard" is often someone's mobile.
  if (phone) statements.push({ field: 'phone', value: normalizePhone(phone) ?? phone, key: normalizePhone(phone) ?? phone, pii: 'phone' })
  return statements
}
