import { z } from 'zod'
import type { CheckResult, StreamContext } from '../api-contract.ts'
import type { SalesforceClient } from './client.ts'
import type { SalesforceSettings } from './config.ts'
import { SalesforcePayloadError } from './errors.ts'
import { salesforceObjectTypes } from './object-types.ts'

const resourcesSchema = z.looseObject({ identity: z.url() })
const identitySchema = z.looseObject({ user_id: z.string(), organization_id: z.string(), username: z.string(), display_name: z.string().nullish() })
const globalDescribeSchema = z.looseObject({ sobjects: z.array(z.looseObject({ name: z.string(), queryable: z.boolean() })) })

function parsed<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const result = schema.safeParse(body)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  throw new SalesforcePayloadError(`${what}: unexpected answer (${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'})`)
}

/**
 * Verifies the credentials and what every stream needs with three cheap calls: who the session is
 * (the identity URL, with the token in the Authorization header — jsforce's identity() would put it
 * in the query string), the objects the user can query (one global describe, which lists only the
 * objects the user can see), and the org's API usage (the Sforce-Limit-Info of those answers). The
 * usage ceiling does not stop a check; it shows as a scope that is not granted.
 */
export async function checkSalesforce(client: SalesforceClient, settings: SalesforceSettings, context: StreamContext): Promise<CheckResult> {
  const identity = await context.call({ what: 'identity' }, (signal) =>
    client.run(
      signal,
      async (conn) => {
        const url = conn.userInfo?.url ?? parsed(resourcesSchema, await conn.request('/'), 'REST resources').identity
        return parsed(identitySchema, await conn.request({ method: 'GET', url, headers: { Accept: 'application/json' } }), 'identity')
      },
      { ceiling: false },
    ),
  )
  const global = await context.call({ what: 'describeGlobal' }, (signal) =>
    client.run(signal, async (conn) => parsed(globalDescribeSchema, await conn.request('/sobjects'), 'describeGlobal'), { ceiling: false }),
  )
  const queryable = new Map(global.sobjects.map((sobject) => [sobject.name, sobject.queryable]))
  const scopes: CheckResult['scopes'] = salesforceObjectTypes.map((objectType) => ({
    name: `${objectType}: query`,
    granted: queryable.get(objectType) === true,
    neededBy: [objectType],
  }))
  const usage = client.apiUsage()
  if (usage) {
    const ceiling = settings.apiUsageCeiling
    scopes.push({
      name: `API requests: ${usage.used} of ${usage.limit} used in the last 24 hours (apiUsageCeiling ${Math.round(ceiling * 100)}%)`,
      granted: usage.limit > 0 && usage.used / usage.limit <= ceiling,
      neededBy: [...salesforceObjectTypes],
    })
  }
  const who = identity.display_name ? `${identity.display_name} <${identity.username}>` : identity.username
  return { identity: `${who} (user ${identity.user_id})`, account: `org ${identity.organization_id} at ${settings.instanceUrl}`, scopes }
}
