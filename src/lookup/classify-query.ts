/**
 * What a lookup query is: an email, a phone number, a domain, an entity id, a record reference, a
 * bare system id, or a name. Each reading says which keys to look up, normalised exactly as
 * resolution normalised them when it keyed the records (src/resolve/keys), so a query finds what an
 * import landed however it was typed. Pure.
 */
import { storedSourceId, toSalesforceId18 } from '../connectors/salesforce/salesforce-id.ts'
import { formatRef } from '../resolve/resolvable.ts'
import { parseRecordRef } from '../schema/record-ref.ts'
import { domainFromWebsite, foldText, isFreeMailDomain, normalizeEmail, normalizePhone, registrableDomain } from '../resolve/keys/index.ts'

export type QueryReading =
  | { as: 'email'; email: string; domain: string | null }
  | { as: 'phone'; e164: string }
  | { as: 'domain'; domain: string }
  | { as: 'entity_id'; entityId: string }
  | { as: 'record'; ref: string }
  | { as: 'system_id'; sourceIds: string[] }
  | { as: 'name'; text: string; folded: string }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const SALESFORCE_ID_15 = /^[a-zA-Z0-9]{15}$/
/** Something that can only be an id: no spaces, letters and digits mixed or digits alone (U024BE7LH, 0035e00000AbCdE, 21001). */
const ID_LIKE = /^(?=.*\d)[A-Za-z0-9_-]{4,64}$/
const PHONE_LIKE = /^(tel:)?\+?[\d\s().-]{7,24}$/
const LOOSE_EMAIL = /^[^\s@]+@[^\s@]+$/
const DOMAIN_LIKE = /^(https?:\/\/)?(www\.)?[a-z0-9.-]+\.[a-z]{2,}(\/\S*)?$/i

export function classifyQuery(text: string): QueryReading {
  const query = text.trim()
  if (UUID.test(query)) return { as: 'entity_id', entityId: query.toLowerCase() }

  const ref = parseRecordRef(query)
  if (ref) return { as: 'record', ref: formatRef({ ...ref, sourceId: storedSourceId(ref.system, ref.sourceId) }) }

  if (query.includes('@')) {
    const email = normalizeEmail(query)
    if (email) {
      const domain = registrableDomain(email.address.slice(email.address.lastIndexOf('@') + 1)) ?? null
      return { as: 'email', email: email.address, domain: domain && !isFreeMailDomain(domain) ? domain : null }
    }
    // Shaped like an address but not one resolution could have keyed (a reserved TLD, a typo): still
    // an email, which then matches nothing, rather than a name.
    if (LOOSE_EMAIL.test(query)) return { as: 'email', email: query.toLowerCase(), domain: null }
  }

  if (PHONE_LIKE.test(query)) {
    const e164 = normalizePhone(query.replace(/^tel:/, ''))
    if (e164) return { as: 'phone', e164 }
  }

  if (ID_LIKE.test(query) && !/^\d{1,3}$/.test(query)) {
    const ids = new Set([query])
    if (SALESFORCE_ID_15.test(query)) ids.add(toSalesforceId18(query) ?? query)
    return { as: 'system_id', sourceIds: [...ids] }
  }

  if (DOMAIN_LIKE.test(query) && !query.includes(' ')) {
    const domain = registrableDomain(domainFromWebsite(query) ?? query)
    if (domain) return { as: 'domain', domain }
  }

  const name = query.replace(/\s+/g, ' ')
  return { as: 'name', text: name, folded: foldText(name) }
}
