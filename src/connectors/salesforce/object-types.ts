/** The Salesforce objects this connector imports, by API name (also their object_type in source_records). */
export const salesforceObjectTypes = [
  'Account',
  'Contact',
  'Lead',
  'Opportunity',
  'OpportunityContactRole',
  'Case',
  'User',
  'Task',
  'Event',
] as const

export type SalesforceObjectType = (typeof salesforceObjectTypes)[number]

export function isSalesforceObjectType(value: string): value is SalesforceObjectType {
  return (salesforceObjectTypes as readonly string[]).includes(value)
}

/**
 * The object a CSV file holds, from its file name: Data Export names files by API name (`Contact.csv`),
 * people rename or split them (`contact.csv`, `Contact-1.csv`, `Contact_2.csv`, `Account_bulk2_test.csv`).
 * A known name must be followed by a non-letter, so `OpportunityHistory.csv`, `UserRole.csv` and
 * `CaseComment.csv` are other objects; a `__` after it marks a custom object (`Account__c.csv`).
 * Undefined when the file is not one of the imported objects.
 */
export function objectTypeFromFileName(path: string): SalesforceObjectType | undefined {
  const fileName = path.slice(path.lastIndexOf('/') + 1)
  if (!/\.csv$/i.test(fileName)) return undefined
  const stem = fileName.slice(0, -'.csv'.length)
  const lower = stem.toLowerCase()
  for (const objectType of salesforceObjectTypes) {
    const name = objectType.toLowerCase()
    if (!lower.startsWith(name)) continue
    const rest = stem.slice(name.length)
    if (rest === '') return objectType
    if (/^[A-Za-z]/.test(rest) || rest.startsWith('__')) continue
    return objectType
  }
  return undefined
}

/** Key prefixes of the objects a polymorphic reference (WhoId, WhatId, OwnerId) may point at. */
const keyPrefixes: Readonly<Record<string, SalesforceObjectType>> = {
  '001': 'Account',
  '003': 'Contact',
  '00Q': 'Lead',
  '006': 'Opportunity',
  '500': 'Case',
  '005': 'User',
  '00T': 'Task',
  '00U': 'Event',
}

export function objectTypeOfKeyPrefix(prefix: string): SalesforceObjectType | undefined {
  return keyPrefixes[prefix]
}

/** Key prefix of queues and public groups: OwnerId of a Lead or Case may be one; they are not imported. */
export const queueKeyPrefix = '00G'
