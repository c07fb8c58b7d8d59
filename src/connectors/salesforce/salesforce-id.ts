/**
 * Salesforce record ids come in two forms: the 15-character id is case-sensitive (reports and some UIs
 * show it), the 18-character id appends a 3-character checksum of the letter casing so it survives
 * case-insensitive tools (the API, Data Loader and Data Export give it). We always store the 18 form.
 */

const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345'
const ID_PATTERN = /^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/

/**
 * The 18-character form of a Salesforce id, or null when the text is not an id (not 15 or 18 letters
 * and digits after trimming). An 18-character id is returned as given: it already carries its suffix.
 */
export function toSalesforceId18(id: string): string | null {
  const value = id.trim()
  if (!ID_PATTERN.test(value)) return null
  return value.length === 18 ? value : value + checksumSuffix(value)
}

/** For each 5-character chunk, bit i is set when character i is an upper-case letter. */
function checksumSuffix(id15: string): string {
  let suffix = ''
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0
    for (let i = 0; i < 5; i++) {
      const char = id15.charAt(chunk * 5 + i)
      if (char >= 'A' && char <= 'Z') bits |= 1 << i
    }
    suffix += SUFFIX_ALPHABET.charAt(bits)
  }
  return suffix
}

/** The 3-character key prefix that names the object type (001 Account, 003 Contact, 00G Queue …). */
export function salesforceKeyPrefix(id18: string): string {
  return id18.slice(0, 3)
}

/** The source id as stored: a Salesforce record's 15-character id becomes its 18-character form. */
export function storedSourceId(system: string, sourceId: string): string {
  return system === 'salesforce' && sourceId.length === 15 ? (toSalesforceId18(sourceId) ?? sourceId) : sourceId
}
