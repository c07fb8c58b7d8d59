/**
 * Phone keys: E.164 strings, so "(201) 555-0123 x45", "+1.201.555.0123" and "tel:+12015550123"
 * become one key.
 *
 * Uses libphonenumber-js with the `max` metadata on purpose. A key that is wrong is worse than
 * no key, and `max` is what makes isValid() check each country's real number ranges (area codes,
 * mobile prefixes) instead of only lengths as `min` does, so placeholders and typos are refused.
 * It also makes getType() work, which {@link isGenericPhone} needs to spot toll-free and other
 * company lines. The cost (~145 kB of metadata, loaded once) does not matter on a server. The
 * flip side: numbers in ranges allocated after this metadata release are refused until it is updated.
 */
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode, type PhoneNumber } from 'libphonenumber-js/max'

/** "00" (the ITU international prefix) in front of a country code, optionally after "tel:" or a bracket. */
const INTERNATIONAL_00 = /^(?:tel:)?\s*\(?\s*00\s*\)?[\s.-]*(?=[1-9])/i
/** Fewer digits than this cannot be a dialable number anywhere (shortest national numbers are 4–5 digits plus a code). */
const MIN_DIGITS = 5
/** A plus sign, ASCII or full-width: the number states its country code. */
const PLUS = /[+\uFF0B]/

/**
 * Normalises a phone number to E.164 (`+12015550123`), or undefined when it is not a valid number.
 * Extensions are dropped (the main number is the key). Accepts `tel:` URIs, spaces, dots, dashes,
 * brackets, `+44 (0)20 …`, and the `00` international prefix. `defaultCountry` (ISO 3166 alpha-2,
 * any case, e.g. from the record's or organisation's country) is used only when the number carries
 * no country code; an unknown country code is ignored rather than guessed.
 */
export function normalizePhone(raw: string | null | undefined, defaultCountry?: string): string | undefined {
  if (raw === null || raw === undefined) return undefined
  const text = raw.trim()
  if (text === '' || countDigits(text) < MIN_DIGITS) return undefined
  const country = toCountry(defaultCountry)
  // Without a country code or a default country there is nothing to parse against; asking
  // libphonenumber anyway costs a thrown and caught ParseError per number.
  const parsed = country === undefined && !PLUS.test(text) ? undefined : parse(text, country)
  if (parsed !== undefined) return parsed.number
  // libphonenumber only knows the default country's own exit code (011 in the US, 0011 in
  // Australia); "00" is the one most people write, whatever the context.
  const international = INTERNATIONAL_00.exec(text)
  if (international === null) return undefined
  return parse(`+${text.slice(international[0].length)}`, undefined)?.number
}

/** Number types that reach a company or a service, not one person: never a person key. */
const GENERIC_TYPES: ReadonlySet<string> = new Set(['TOLL_FREE', 'PREMIUM_RATE', 'SHARED_COST', 'UAN', 'VOICEMAIL'])

/**
 * True for E.164 numbers that by their type belong to an organisation or a service (toll-free,
 * premium-rate, shared-cost, universal access, voicemail): they must not link people. A company's
 * ordinary switchboard looks like any landline; finding those needs the graph (one number, many
 * people), not the number itself.
 */
export function isGenericPhone(e164: string): boolean {
  const type = parsePhoneNumberFromString(e164)?.getType()
  return type !== undefined && GENERIC_TYPES.has(type)
}

function parse(text: string, country: CountryCode | undefined): PhoneNumber | undefined {
  const parsed = parsePhoneNumberFromString(text, country)
  return parsed?.isValid() === true ? parsed : undefined
}

function toCountry(code: string | undefined): CountryCode | undefined {
  if (code === undefined) return undefined
  const upper = code.trim().toUpperCase()
  return isSupportedCountry(upper) ? upper : undefined
}

/** ASCII digits, counting any non-ASCII character too (full-width and Arabic-Indic digits are parsed as well). */
function countDigits(text: string): number {
  let count = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if ((code >= 48 && code <= 57) || code > 127) count++
  }
  return count
}
