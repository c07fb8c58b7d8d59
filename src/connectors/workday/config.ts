import { z } from 'zod'
import { httpUrl, oauthRefresh, secret } from '../../sync/secret.ts'

/** A Workday tenant's entry in customer-graph.yaml: a RaaS report, the REST workers API, or both. */
export const workdaySettings = z
  .object({
    host: httpUrl.describe('https://wd2-impl-services1.workday.com'),
    tenant: z.string().min(1),
    auth: z.discriminatedUnion('type', [z.object({ type: z.literal('basic'), username: secret, password: secret }).strict(), oauthRefresh]),
    report: z
      .object({ owner: z.string().min(1), name: z.string().min(1), prompts: z.record(z.string(), z.string()).default({}) })
      .strict()
      .optional(),
    rest: z.object({ service: z.string().min(1).default('common'), version: z.string().min(1).default('v1') }).strict().optional(),
  })
  .strict()
export type WorkdaySettings = z.infer<typeof workdaySettings>
