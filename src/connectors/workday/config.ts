import { z } from 'zod'
import { httpUrl, oauthRefresh, secret } from '../../sync/secret.ts'
import { columnMappingSchema } from './raw.ts'

/** A Workday tenant's entry in customer-graph.yaml: a RaaS report, the REST workers API, or both. */
export const workdaySettings = z
  .object({
    host: httpUrl.describe('https://wd2-impl-services1.workday.com'),
    tenant: z.string().min(1),
    auth: z.discriminatedUnion('type', [z.object({ type: z.literal('basic'), username: secret, password: secret }).strict(), oauthRefresh]),
    report: z
      .object({
        owner: z.string().min(1),
        name: z.string().min(1),
        prompts: z.record(z.string(), z.string()).default({}),
        /**
         * Prompts that make the report answer few rows, for `check` (e.g. an "updated since" prompt set
         * far ahead). Without them check reads the report's first entry and cancels the rest.
         */
        checkPrompts: z.record(z.string(), z.string()).optional(),
        /** Report entries per landed page; the report itself is one response, streamed. */
        pageSize: z.number().int().min(1).max(10_000).default(1000),
      })
      .strict()
      .optional(),
    rest: z
      .object({
        service: z.string().min(1).default('common'),
        version: z.string().min(1).default('v1'),
        /** Workers per request; Workday allows at most 100. */
        limit: z.number().int().min(1).max(100).default(100),
      })
      .strict()
      .optional(),
    /** Column mapping override (`{ "<column>": "<worker field>" }`), as the export import's `mapping` option. */
    mapping: columnMappingSchema.optional(),
  })
  .strict()
  .refine((settings) => settings.report !== undefined || settings.rest !== undefined, {
    message: 'needs report (a RaaS custom report) or rest (the REST workers API), or both',
    path: ['report'],
  })
export type WorkdaySettings = z.infer<typeof workdaySettings>
