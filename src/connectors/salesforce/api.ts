import type { ApiConnector, ApiSession } from '../api-contract.ts'
import { checkSalesforce } from './check.ts'
import { classifySalesforceFailure } from './classify.ts'
import { salesforceSettings, type SalesforceSettings } from './config.ts'
import { normalizeSalesforceRecord } from './normalize.ts'
import { salesforceObjectTypes } from './object-types.ts'
import { objectStream } from './streams/object-stream.ts'

/**
 * The live Salesforce connector (REST and Bulk API 2.0 through jsforce): one stream per object the
 * export importer reads, landing the same records (same object types, 18-character Ids and payload
 * shape) so an export import and an API sync of one org converge. Normalised by the export's normaliser.
 */
export const salesforceApiConnector: ApiConnector<SalesforceSettings> = {
  system: 'salesforce',
  settings: salesforceSettings,
  open: openSalesforceSession,
  normalize: normalizeSalesforceRecord,
}

async function openSalesforceSession(settings: SalesforceSettings): Promise<ApiSession> {
  // jsforce loads only when a Salesforce connection is used, not with every command.
  const { SalesforceClient } = await import('./client.ts')
  const client = new SalesforceClient(settings)
  return {
    streams: salesforceObjectTypes.map((objectType) => objectStream(client, settings, objectType)),
    check: (context) => checkSalesforce(client, settings, context),
    classify: classifySalesforceFailure,
  }
}
