import type { ExportConnector } from '../types.ts'
import { readSalesforceExport } from './export.ts'
import { normalizeSalesforceRecord } from './normalize.ts'

/** Salesforce Data Export (folder or ZIP of CSVs, or one CSV): Account, Contact, Lead, Opportunity … */
export const salesforceConnector: ExportConnector = {
  system: 'salesforce',
  read: readSalesforceExport,
  normalize: normalizeSalesforceRecord,
}

export { toSalesforceId18 } from './salesforce-id.ts'
