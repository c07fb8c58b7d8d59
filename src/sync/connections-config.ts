/**
 * The connections file (`customer-graph.yaml`): which Slack workspaces, Salesforce orgs, Google
 * Workspace domains and Workday tenants to sync, where their APIs are, and how to sign in. Secrets are
 * never written in the file: every credential field must be an environment reference `${NAME}`,
 * resolved at load time into a Secret that prints as [secret]. Every error names the file, the line,
 * the path inside it and what is allowed.
 */
import { isMap, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml'
import { z } from 'zod'
import { CgError } from '../errors.ts'

/** A credential read from the environment. It never prints: String(), JSON and inspection show [secret]. */
export class Secret {
  readonly #value: string
  readonly variable: string
  constructor(variable: string, value: string) {
    this.variable = variable
    this.#value = value
  }
  /** The secret itself, for the one call that needs it (an SDK's constructor). */
  reveal(): string {
    return this.#value
  }
  toString(): string {
    return '[secret]'
  }
  toJSON(): string {
    return `[secret \${${this.variable}}]`
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toJSON()
  }
}

const ENV_REFERENCE = /^\$\{([A-Z_][A-Z0-9_]*)\}$/
const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/

/** A credential field: an environment reference, never the value (checked before zod sees it). */
const secret = z.instanceof(Secret, { message: 'must be an environment reference such as ${SLACK_TOKEN}, never the secret itself' })
const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
const streams = z.array(z.string().min(1)).min(1).optional().describe('Only these streams (default: all of the system)')
const schedule = z.string().min(1).optional().describe('Cron expression for customer-graph worker')

const oauthRefresh = z.object({ type: z.literal('oauth_refresh'), clientId: secret, clientSecret: secret, refreshToken: secret }).strict()

const slackConnection = z
  .object({
    system: z.literal('slack'),
    token: secret,
    apiUrl: httpUrl.default('https://slack.com/api/'),
    streams,
    schedule,
  })
  .strict()

const salesforceConnection = z
  .object({
    system: z.literal('salesforce'),
    instanceUrl: httpUrl,
    loginUrl: httpUrl.default('https://login.salesforce.com'),
    apiVersion: z.string().regex(/^\d{2,3}\.0$/, 'must look like 62.0').default('62.0'),
    auth: z.discriminatedUnion('type', [oauthRefresh, z.object({ type: z.literal('access_token'), accessToken: secret }).strict()]),
    /** Stop (and reschedule) when the org's daily API usage passes this share of its allocation. */
    apiUsageCeiling: z.number().gt(0).max(1).default(0.8),
    streams,
    schedule,
  })
  .strict()

const googleConnection = z
  .object({
    system: z.literal('google'),
    rootUrl: httpUrl.optional().describe('One root for every Google API (tests, proxies); default each API its own'),
    tokenUrl: httpUrl.default('https://oauth2.googleapis.com/token'),
    auth: oauthRefresh,
    customer: z.string().min(1).default('my_customer'),
    calendars: z.array(z.string().min(1)).default(['primary']),
    streams,
    schedule,
  })
  .strict()

const workdayConnection = z
  .object({
    system: z.literal('workday'),
    host: httpUrl.describe('https://wd2-impl-services1.workday.com'),
    tenant: z.string().min(1),
    auth: z.discriminatedUnion('type', [z.object({ type: z.literal('basic'), username: secret, password: secret }).strict(), oauthRefresh]),
    report: z
      .object({ owner: z.string().min(1), name: z.string().min(1), prompts: z.record(z.string(), z.string()).default({}) })
      .strict()
      .optional(),
    rest: z.object({ service: z.string().min(1).default('common'), version: z.string().min(1).default('v1') }).strict().optional(),
    streams,
    schedule,
  })
  .strict()

export const connectionSchema = z.discriminatedUnion('system', [slackConnection, salesforceConnection, googleConnection, workdayConnection])
export type ConnectionConfig = z.infer<typeof connectionSchema>

export const connectionsFileSchema = z
  .object({
    connections: z.record(z.string().regex(NAME, 'a connection name is lower-case letters, digits and dashes'), connectionSchema),
  })
  .strict()
export type ConnectionsFile = z.infer<typeof connectionsFileSchema>

/** Fields that hold credentials, wherever they sit: they must be environment references. */
const SECRET_FIELDS: ReadonlySet<string> = new Set(['token', 'accessToken', 'clientId', 'clientSecret', 'refreshToken', 'username', 'password'])

/**
 * Parses and validates a connections file. `env` resolves the `${NAME}` references; a missing
 * variable is an error naming it. Nothing secret ever reaches an error message.
 */
export function parseConnectionsFile(text: string, file: string, env: Readonly<Record<string, string | undefined>>): ConnectionsFile {
  const lineCounter = new LineCounter()
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true })
  const yamlError = document.errors[0]
  if (yamlError) {
    const line = lineCounter.linePos(yamlError.pos[0]).line
    const hint = "; inside [ ] or { } write a reference in quotes, '${NAME}'"
    throw new CgError('E_CONFIG', `${file}:${line}: not valid YAML (${yamlError.code.toLowerCase().replaceAll('_', ' ')})${hint}`, {
      location: { file, line },
    })
  }
  const lineOf = (path: readonly PropertyKey[]): number | undefined => {
    const node = document.getIn(path.map(String), true) as YamlNode | undefined
    const offset = node?.range?.[0] ?? nearestRange(document.contents, path)
    return offset === undefined ? undefined : lineCounter.linePos(offset).line
  }
  const raw: unknown = document.toJS()
  const withSecrets = resolveSecrets(raw, [], env, (path, message) => fail(file, path, lineOf(path), message))
  const parsed = connectionsFileSchema.safeParse(withSecrets)
  if (!parsed.success) {
    // A misspelt setting is the cause of the "missing" one next to it: name it first.
    const issue = parsed.error.issues.find((each) => each.code === 'unrecognized_keys') ?? parsed.error.issues[0]!
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path
    fail(file, path, lineOf(path), describeIssue(issue))
  }
  return parsed.data
}

function fail(file: string, path: readonly PropertyKey[], line: number | undefined, message: string): never {
  const where = path.length > 0 ? path.map(String).join('.') : '(top level)'
  throw new CgError('E_CONFIG', `${file}${line === undefined ? '' : `:${line}`}: ${where} ${message}`, {
    location: { file, ...(line === undefined ? {} : { line }), path: where },
  })
}

/** Turns every `${NAME}` in a credential field into a Secret; a literal in such a field is refused. */
function resolveSecrets(
  value: unknown,
  path: PropertyKey[],
  env: Readonly<Record<string, string | undefined>>,
  refuse: (path: PropertyKey[], message: string) => never,
): unknown {
  if (Array.isArray(value)) return value.map((item, index) => resolveSecrets(item, [...path, index], env, refuse))
  if (value === null || typeof value !== 'object') return value
  const result: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    const here = [...path, key]
    if (SECRET_FIELDS.has(key) && path.length >= 2) {
      const reference = typeof item === 'string' ? ENV_REFERENCE.exec(item.trim()) : null
      if (!reference) refuse(here, 'must be an environment reference such as ${SLACK_TOKEN}, never the secret itself; put the value in the environment')
      const variable = reference[1]!
      const resolved = env[variable]
      if (resolved === undefined || resolved === '') refuse(here, `refers to the environment variable ${variable}, which is not set`)
      result[key] = new Secret(variable, resolved)
    } else {
      result[key] = resolveSecrets(item, here, env, refuse)
    }
  }
  return result
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_union' && issue.path.at(-1) !== undefined) return 'is not one of the allowed shapes; check its type and fields'
  if (issue.code === 'invalid_value') return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`
  if (issue.code === 'unrecognized_keys') return `is not a known setting here`
  if (issue.code === 'invalid_key') return issue.issues[0]?.message ?? 'is not an allowed name'
  if (issue.code === 'invalid_type' && issue.input === undefined) return `is missing (${issue.expected} required)`
  return issue.message.charAt(0).toLowerCase() + issue.message.slice(1)
}

/** The start offset of the deepest existing node on `path` (a missing key points at its parent). */
function nearestRange(contents: unknown, path: readonly PropertyKey[]): number | undefined {
  let node = contents as YamlNode | null | undefined
  let offset = node?.range?.[0]
  for (const key of path) {
    if (isMap(node)) node = node.get(String(key), true)
    else if (isSeq(node)) node = node.get(Number(key), true)
    else break
    if (node?.range) offset = node.range[0]
  }
  return offset
}
