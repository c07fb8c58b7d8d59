import { z } from 'zod'
import { httpUrl, oauthRefresh } from '../../sync/secret.ts'

/** A Google Workspace's entry in customer-graph.yaml. */
export const googleSettings = z
  .object({
    /** One root for every Google API (tests, proxies); default each API its own. */
    rootUrl: httpUrl.optional(),
    tokenUrl: httpUrl.default('https://oauth2.googleapis.com/token'),
    auth: oauthRefresh,
    customer: z.string().min(1).default('my_customer'),
    calendars: z.array(z.string().min(1)).default(['primary']),
  })
  .strict()
export type GoogleSettings = z.infer<typeof googleSettings>
