import { z } from 'zod'
import { httpUrl, secret } from '../../sync/secret.ts'

/** A Slack workspace's entry in customer-graph.yaml: a bot or user token and the Web API root. */
export const slackSettings = z
  .object({
    token: secret,
    apiUrl: httpUrl.default('https://slack.com/api/'),
    /** Conversation types to read; DMs and group DMs need im:read / mpim:read. */
    conversationTypes: z
      .array(z.enum(['public_channel', 'private_channel', 'mpim', 'im']))
      .min(1)
      .default(['public_channel', 'private_channel', 'mpim', 'im']),
    /** New replies in threads started this long before the newest message read are still found. */
    threadLookbackDays: z.number().int().min(0).max(365).default(14),
    /** Messages per history page (Slack: at most 999; 15 for non-Marketplace apps since 2025). */
    pageSize: z.number().int().min(1).max(999).default(200),
  })
  .strict()
export type SlackSettings = z.infer<typeof slackSettings>
