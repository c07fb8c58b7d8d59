import { z } from 'zod'
import { httpUrl, oauthRefresh, secret } from '../../sync/secret.ts'

/** A Salesforce org's entry in customer-graph.yaml. */
export const salesforceSettings = z
  .object({
    instanceUrl: httpUrl,
    loginUrl: httpUrl.default('https://login.salesforce.com'),
    apiVersion: z.string().regex(/^\d{2,3}\.0$/, 'must look like 62.0').default('62.0'),
    auth: z.discriminatedUnion('type', [oauthRefresh, z.object({ type: z.literal('access_token'), accessToken: secret }).strict()]),
    /** Stop (and reschedule) when the org's daily API usage passes this share of its allocation. */
    apiUsageCeiling: z.number().gt(0).max(1).default(0.8),
    /** A first load of an object with more records than this goes through Bulk API 2.0. */
    bulkThreshold: z.number().int().min(0).default(50_000),
  })
  .strict()
export type SalesforceSettings = z.infer<typeof salesforceSettings>
