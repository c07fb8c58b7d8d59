/**
 * The connections file (`customer-graph.yaml`): which Slack workspaces, Salesforce orgs, Google
 * Workspace domains and Workday tenants (or systems of connector modules) to sync, where their APIs
 * are, and how to sign in. Each entry names its connector (`system:` a built-in one, or `module:` a
 * file or package implementing the contract of connectors/api-contract.ts); the connector's own zod
 * schema validates its settings, around the fields every connection has (streams, schedule, limits).
 * Secrets are never written in the file: every credential field must be an environment reference
 * `${NAME}`, resolved at load time into a Secret that prints as [secret]. Every error names the
 * file, the line, the path inside it and what is allowed.
 */
import { isMap, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml'
import { z } from 'zod'
import type { ApiConnector } from '../connectors/api-contract.ts'
import { CgError } from '../errors.ts'
import { Secret } from './secret.ts'

const ENV_REFERENCE = /^\$\{([A-Z_][A-Z0-9_]*)\}$/
const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/

/**
 * Five fields, minute hour day-of-month month day-of-week, as graphile-worker reads them: numbers,
 * ranges, lists and steps (`*\/15`, `1-5`, `0,30`). Checked here for shape; the worker parses it.
 */
const CRON_FIELD = String.raw`(\*|\d{1,2}(-\d{1,2})?)(\/\d{1,2})?(,(\*|\d{1,2}(-\d{1,2})?)(\/\d{1,2})?)*`
const cronExpression = z
  .string()
  .trim()
  .regex(new RegExp(`^${CRON_FIELD}( +${CRON_FIELD}){4}$`), 'must be a cron expression of five fields (minute hour day month weekday), e.g. "*/15 * * * *"')

/** What every connection has, whatever its connector; the rest of the entry is the connector's settings. */
const commonFields = z
  .object({
    system: z.string().min(1).optional(),
    module: z.string().min(1).optional(),
    streams: z.array(z.string().min(1)).min(1).optional().describe('Only these streams (default: all of the connector)'),
    schedule: z
      .union([cronExpression, z.record(z.string().min(1), cronExpression)])
      .optional()
      .describe('When customer-graph worker syncs it: one cron expression (UTC) for every stream, or one per stream name (`default` for the rest)'),
    /** A run still going after this long is stopped and marked failed (E_RUN_TIMEOUT); the next one resumes from the committed cursors. */
    runTimeoutMs: z.number().int().min(1_000).max(86_400_000).default(3_600_000),
    /** How often the worker retries a run that failed for a passing reason (a source down, a lost connection), with exponential backoff. */
    retries: z.number().int().min(0).max(20).default(8),
    /** A request that has not answered after this long is abandoned (and retried). */
    requestTimeoutMs: z.number().int().min(100).max(600_000).default(60_000),
    /** Requests in flight at once on this connection's credential. */
    concurrency: z.number().int().min(1).max(32).default(4),
    /** A rate-limit wait longer than this ends the stream's run (rescheduled) instead of sleeping. */
    maxRateLimitWaitMs: z.number().int().min(0).max(3_600_000).default(300_000),
  })
  .refine((entry) => (entry.system === undefined) !== (entry.module === undefined), { message: 'needs exactly one of system (a built-in connector) or module (a connector module)', path: ['system'] })
const COMMON_KEYS = ['system', 'module', 'streams', 'schedule', 'runTimeoutMs', 'retries', 'requestTimeoutMs', 'concurrency', 'maxRateLimitWaitMs'] as const

export interface ConnectionEntry {
  name: string
  connector: ApiConnector
  /** The connector's settings, as its schema parsed them. */
  settings: unknown
  streams: string[] | undefined
  /** Cron expressions (UTC): one for every stream, or per stream name with `default` for the rest. */
  schedule: string | Record<string, string> | undefined
  runTimeoutMs: number
  retries: number
  requestTimeoutMs: number
  concurrency: number
  maxRateLimitWaitMs: number
}

export interface ConnectionsFile {
  connections: Record<string, ConnectionEntry>
}

/** Finds the connector an entry names: a built-in system, or a module loaded beforehand (see load-connections.ts). */
export interface ConnectorCatalog {
  system(name: string): ApiConnector | undefined
  module(specifier: string): ApiConnector | undefined
  systems(): string[]
}

/** Fields that hold credentials, wherever they sit: they must be environment references. */
const SECRET_FIELDS: ReadonlySet<string> = new Set(['token', 'accessToken', 'clientId', 'clientSecret', 'refreshToken', 'username', 'password'])

/**
 * Parses and validates a connections file. `env` resolves the `${NAME}` references; a missing
 * variable is an error naming it. Nothing secret ever reaches an error message.
 */
export function parseConnectionsFile(text: string, file: string, env: Readonly<Record<string, string | undefined>>, catalog: ConnectorCatalog): ConnectionsFile {
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
  const refuse = (path: readonly PropertyKey[], message: string): never => fail(file, path, lineOf(path), message)
  const refuseIssues = (error: z.ZodError, prefix: readonly PropertyKey[]): never => {
    // A misspelt setting is the cause of the "missing" one next to it: name it first.
    const issues = error.issues.flatMap(closestBranch)
    const issue = issues.find((each) => each.code === 'unrecognized_keys') ?? issues[0]!
    const path = issue.code === 'unrecognized_keys' ? [...prefix, ...issue.path, issue.keys[0]!] : [...prefix, ...issue.path]
    return refuse(path, describeIssue(issue))
  }
  const raw: unknown = document.toJS()
  const withSecrets = resolveSecrets(raw, [], env, refuse)
  const top = connectionsFileShape.safeParse(withSecrets)
  if (!top.success) refuseIssues(top.error, [])
  const connections: Record<string, ConnectionEntry> = {}
  for (const [name, entry] of Object.entries(top.data!.connections)) {
    const here = ['connections', name]
    const picked = Object.fromEntries(COMMON_KEYS.filter((key) => key in entry).map((key) => [key, entry[key]]))
    const common = commonFields.safeParse(picked)
    if (!common.success) refuseIssues(common.error, here)
    const fields = common.data!
    const connector = fields.system !== undefined ? catalog.system(fields.system) : catalog.module(fields.module!)
    if (!connector) {
      if (fields.system !== undefined) refuse([...here, 'system'], `must be one of ${catalog.systems().map((system) => JSON.stringify(system)).join(', ')}, or name a connector with module:`)
      refuse([...here, 'module'], 'did not load a connector')
    }
    const rest = Object.fromEntries(Object.entries(entry).filter(([key]) => !(COMMON_KEYS as readonly string[]).includes(key)))
    const settings = connector!.settings.safeParse(rest)
    if (!settings.success) refuseIssues(settings.error, here)
    connections[name] = {
      name,
      connector: connector!,
      settings: settings.data,
      streams: fields.streams,
      schedule: fields.schedule,
      runTimeoutMs: fields.runTimeoutMs,
      retries: fields.retries,
      requestTimeoutMs: fields.requestTimeoutMs,
      concurrency: fields.concurrency,
      maxRateLimitWaitMs: fields.maxRateLimitWaitMs,
    }
  }
  return { connections }
}

const connectionsFileShape = z
  .object({
    connections: z.record(z.string().regex(NAME, 'a connection name is lower-case letters, digits and dashes'), z.record(z.string(), z.unknown())),
  })
  .strict()

function fail(file: string, path: readonly PropertyKey[], line: number | undefined, message: string): never {
  const where = path.length > 0 ? path.map(String).join('.') : '(top level)'
  throw new CgError('E_CONFIG', `${file}${line === undefined ? '' : `:${line}`}: ${where} ${message}`, {
    location: { file, ...(line === undefined ? {} : { line }), path: where },
  })
}

/**
 * Turns every `${NAME}` into a Secret: a credential field must be one (a literal there is refused);
 * any other field written as a reference is a credential too (a connector module's apiKey).
 */
function resolveSecrets(
  value: unknown,
  path: PropertyKey[],
  env: Readonly<Record<string, string | undefined>>,
  refuse: (path: readonly PropertyKey[], message: string) => never,
): unknown {
  if (Array.isArray(value)) return value.map((item, index) => resolveSecrets(item, [...path, index], env, refuse))
  if (value === null || typeof value !== 'object') return value
  const result: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    const here = [...path, key]
    const reference = path.length >= 2 && typeof item === 'string' ? ENV_REFERENCE.exec(item.trim()) : null
    if (SECRET_FIELDS.has(key) && path.length >= 2 && !reference) {
      refuse(here, 'must be an environment reference such as ${SLACK_TOKEN}, never the secret itself; put the value in the environment')
    }
    if (reference) {
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

/**
 * A value that fits none of a union's shapes is described by the shape it was meant to have: the
 * first branch that got past the value's type (a schedule string that is not a cron expression, not
 * "expected a record").
 */
function closestBranch(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== 'invalid_union') return [issue]
  const meant = issue.errors.find((branch) => branch.length > 0 && !branch.some((each) => each.code === 'invalid_type' && each.path.length === 0))
  return meant ? meant.map((each) => ({ ...each, path: [...issue.path, ...each.path] })) : [issue]
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
