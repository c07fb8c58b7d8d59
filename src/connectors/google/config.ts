import { z } from 'zod'
import { httpUrl, oauthRefresh } from '../../sync/secret.ts'

/** Items per request of each listing; the defaults are each API's maximum (fewest calls against the quota). */
const pageSizes = z
  .object({
    users: z.number().int().min(1).max(500).default(500),
    contacts: z.number().int().min(1).max(1000).default(1000),
    otherContacts: z.number().int().min(1).max(1000).default(1000),
    events: z.number().int().min(1).max(2500).default(2500),
  })
  .strict()

/** A Google Workspace's entry in customer-graph.yaml. */
export const googleSettings = z
  .object({
    /** One root for every Google API (tests, proxies); default each API its own. */
    rootUrl: httpUrl.optional(),
    tokenUrl: httpUrl.default('https://oauth2.googleapis.com/token'),
    auth: oauthRefresh,
    customer: z.string().min(1).default('my_customer'),
    calendars: z.array(z.string().min(1)).min(1).default(['primary']),
    pageSize: pageSizes.prefault({}),
  })
  .strict()
export type GoogleSettings = z.infer<typeof googleSettings>
