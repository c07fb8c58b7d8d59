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
    /**
     * A record whose SystemModstamp is this close to Salesforce's clock when read is read again by the
     * next sync: a transaction stamps its records when it starts and they show when it commits, so a
     * record stamped just before the last one read may only appear after it was read.
     */
    modstampLagMs: z.number().int().min(0).max(86_400_000).default(300_000),
    /** Records per REST query page (Sforce-Query-Options batchSize; Salesforce allows 200–2,000 and may send fewer). */
    queryBatchSize: z.number().int().min(200).max(2000).default(2000),
    /** Rows per Bulk API 2.0 results page (maxRecords): each page lands with its own checkpoint. */
    bulkPageSize: z.number().int().min(1).max(1_000_000).default(10_000),
    /** How often a Bulk API 2.0 query job is asked whether it has finished. */
    bulkPollIntervalMs: z.number().int().min(1).max(600_000).default(5_000),
    /** How long one sync waits for a Bulk API 2.0 job; the next sync goes on waiting for the same job. */
    bulkPollTimeoutMs: z.number().int().min(1).max(86_400_000).default(1_800_000),
  })
  .strict()
export type SalesforceSettings = z.infer<typeof salesforceSettings>
