/**
 * A token never sees what only another may see. A store holds a generated company and a hand-built
 * Slack workspace whose private conversations (a private channel, DMs, a self-DM, a group DM, a
 * private Slack Connect channel) have known members and a canary string in every message. Tokens made
 * by the real token code differ in scopes (with and without `pii`) and in subject (an email, a
 * personal email, a record reference, an email nobody has, none), so each maps to a different Slack
 * user or to nobody. fast-check then draws sequences of calls — token, surface (HTTP API or MCP over
 * Streamable HTTP, both over a socket), tool, a query from the store's own names, emails, phones, ids,
 * canaries and hostile strings, options, handles crafted for any entity or taken from another token's
 * answer — and every answer is checked against what the test knows from the export files:
 *
 * - no canary, id, name or time of a private conversation the token's subject is not a member of
 *   appears anywhere in it (the echoed query aside: the caller typed it);
 * - without `pii`, no phone number or personal email of anyone in the store appears unmasked;
 * - `withheld` adds up: the messages and channels a token sees plus those withheld from it are what
 *   the operator sees, and it sees exactly those in public conversations or its subject's own.
 *
 * Seeded, so a failure replays. `ISOLATION_RUNS` sets the number of sequences (default 200, of 2 to 6
 * calls each: 5–14 s a database on a busy 2-core machine, 15–30 s with the setup).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client'
import fc from 'fast-check'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken } from '../src/auth/tokens.ts'
import { exportConnectors } from '../src/connectors/registry.ts'
import type { Deps } from '../src/deps.ts'
import { openExportSource } from '../src/formats/export-source.ts'
import { generateCompany } from '../src/generate/generate-company.ts'
import { createLogger } from '../src/logger.ts'
import { customerActivity } from '../src/lookup/customer-activity.ts'
import { decodeHandle, encodeHandle } from '../src/lookup/handle.ts'
import { lookupCustomer } from '../src/lookup/lookup-customer.ts'
import {
  ACTIVITY_SECTIONS,
  activityResultSchema,
  DETAILS,
  findResultSchema,
  LIMITS,
  lookupResultSchema,
  SECTIONS,
  type ActivityResult,
  type LookupResult,
  type Principal,
  type Scope,
} from '../src/lookup/lookup-schema.ts'
import { runImport } from '../src/pipeline/run-import.ts'
import { isFreeMailDomain, normalizeEmail, normalizePhone, registrableDomain } from '../src/resolve/keys/index.ts'
import { runResolution } from '../src/resolve/run-resolution.ts'
import { handleMcpRequest } from '../src/serve/mcp-http.ts'
import { API_PATHS } from '../src/serve/openapi-document.ts'
import { createHttpApp } from '../src/serve/http-app.ts'
import { startHttpServer, type HttpServer } from '../src/serve/start-http-server.ts'
import { hostile } from './support/hostile-strings.ts'
import { importCompany } from './support/import-company.ts'
import { toolError, toolOutput } from './support/mcp-client.ts'
import { CONVERSATIONS, isPrivate, PARTNER_TEAM, PEOPLE, writePrivateWorkspace, type PersonKey } from './support/private-workspace.ts'
import { databaseTargets, type TestDatabase } from './support/test-databases.ts'

const RUNS = Number(process.env.ISOLATION_RUNS ?? 200)

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cg-isolation-'))
  await generateCompany({ dir: join(dir, 'company'), people: 40, seed: 11 })
  await writePrivateWorkspace(join(dir, 'private'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

/** A conversation as the export files describe it: the truth the answers are checked against. */
interface Conversation {
  id: string
  private: boolean
  /** Slack user ids. */
  members: ReadonlySet<string>
  /** What must not reach a caller whose subject is not a member: canaries, ids, names, times. */
  secrets: readonly string[]
}

interface SlackFileConversation {
  id: string
  name?: string
  members?: string[]
}

/** The generated workspace's conversations, from its export files; a private one's secret is its id (in every message reference). */
async function generatedConversations(slack: string): Promise<Conversation[]> {
  const conversations: Conversation[] = []
  for (const file of ['channels.json', 'groups.json', 'dms.json', 'mpims.json']) {
    const listed = JSON.parse(await readFile(join(slack, file), 'utf8')) as SlackFileConversation[]
    for (const each of listed) conversations.push({ id: each.id, private: file !== 'channels.json', members: new Set(each.members ?? []), secrets: [each.id] })
  }
  return conversations
}

function handBuiltConversations(): Conversation[] {
  return CONVERSATIONS.map((conversation) => ({
    id: conversation.id,
    private: isPrivate(conversation),
    members: new Set(conversation.members),
    secrets: isPrivate(conversation)
      ? [
          conversation.id,
          ...(conversation.name === null ? [] : [conversation.name]),
          ...conversation.messages.flatMap((message) => [message.canary!, new Date(message.seconds * 1000).toISOString()]),
        ]
      : [],
  }))
}

/** A token as the test makes it, with the Slack users its subject is, which decides what it may see. */
interface TokenSpec {
  label: string
  scopes: Scope[]
  subject: string | null
  slackUsers: readonly string[]
}

const handBuiltTokens = (): TokenSpec[] => {
  const of = (key: PersonKey) => [PEOPLE[key].slackId]
  return [
    { label: 'adaline by email, with pii', scopes: ['lookup', 'pii'], subject: PEOPLE.adaline.email, slackUsers: of('adaline') },
    { label: 'adaline by record reference', scopes: ['lookup'], subject: `slack:user:${PEOPLE.adaline.slackId}`, slackUsers: of('adaline') },
    { label: 'benedikt', scopes: ['lookup'], subject: PEOPLE.benedikt.email, slackUsers: of('benedikt') },
    { label: 'cassia by her personal email, with pii', scopes: ['lookup', 'pii'], subject: PEOPLE.cassia.email, slackUsers: of('cassia') },
    { label: 'dovid, in capitals', scopes: ['lookup'], subject: PEOPLE.dovid.email.toUpperCase(), slackUsers: of('dovid') },
    { label: 'emrys of the partner', scopes: ['lookup'], subject: PEOPLE.emrys.email, slackUsers: of('emrys') },
    { label: 'fenna, in nothing private', scopes: ['lookup'], subject: PEOPLE.fenna.email, slackUsers: of('fenna') },
    { label: 'gilda', scopes: ['lookup', 'pii'], subject: PEOPLE.gilda.email, slackUsers: of('gilda') },
    { label: 'nobody', scopes: ['lookup'], subject: null, slackUsers: [] },
    { label: 'an email nobody has, with pii', scopes: ['lookup', 'pii'], subject: 'ghost@quorrow-works.io', slackUsers: [] },
  ]
}

/** Employees of the generated company who are in private conversations, with their work emails as subjects. */
async function generatedTokens(slack: string, conversations: readonly Conversation[]): Promise<TokenSpec[]> {
  const users = JSON.parse(await readFile(join(slack, 'users.json'), 'utf8')) as { id: string; is_bot?: boolean; profile?: { email?: string } }[]
  const privateCount = (id: string) => conversations.filter((conversation) => conversation.private && conversation.members.has(id)).length
  const ranked = users
    .filter((user) => user.is_bot !== true && user.profile?.email)
    .map((user) => ({ id: user.id, email: user.profile!.email!, count: privateCount(user.id) }))
    .sort((a, b) => b.count - a.count || a.id.localeCompare(b.id))
  const [first, second] = ranked
  return [
    { label: `generated ${first!.email}`, scopes: ['lookup'], subject: first!.email, slackUsers: [first!.id] },
    { label: `generated ${second!.email}, with pii`, scopes: ['lookup', 'pii'], subject: second!.email, slackUsers: [second!.id] },
  ]
}

/** One call as fast-check draws it. */
type Call =
  | { tool: 'find_customer'; token: number; surface: Surface; query: string; limit?: number }
  | { tool: 'customer_profile'; token: number; surface: Surface; query: string; budget?: number; detail?: string; sections?: string[]; post: boolean }
  | { tool: 'customer_activity'; token: number; surface: Surface; start: ActivityStart; limit?: number; post: boolean }

type Surface = 'http' | 'mcp'
type ActivityStart = { entity_id: string; section: string } | { crafted: { entity: string; section: (typeof ACTIVITY_SECTIONS)[number]; offset: number } } | { follow: number }

/** An answer, as either surface gives it: the parsed document or the error, and the exact text. */
type Answer = { ok: true; body: Record<string, unknown>; text: string } | { ok: false; code: string; parameter: string | undefined; text: string }

const OPERATOR: Principal = { id: 'cli:isolation-test', surface: 'library', scopes: new Set(['lookup', 'pii']), subject: 'all' }

describe.each(databaseTargets())('token isolation on the $name database', (target) => {
  let database: TestDatabase
  let deps: Deps
  let server: HttpServer
  let conversations: Conversation[]
  const publicIds = new Set<string>()
  const tokens: (TokenSpec & { token: string; client: Client; visible: ReadonlySet<string> })[] = []
  /** Every personal value the store holds (raw and normalised, lower-cased): what a token without pii must not read. */
  const personal = new Set<string>()
  const queries: string[] = []
  const entityIds: string[] = []
  /** Channel entity → Slack channel id. */
  const channelOfEntity = new Map<string, string>()
  /** What the checks met, so that a run that checked nothing fails. */
  const stats = { refused: 0, profiles: 0, pages: 0, withheld: 0, canariesSeenByMembers: 0, masked: 0, followed: 0 }

  beforeAll(async () => {
    database = await target.create()
    deps = { db: database.db, clock: { now: () => new Date() }, logger: createLogger('silent') }
    await importCompany(deps, join(dir, 'company'))
    const privateFolder = join(dir, 'private')
    await runImport(deps, { connector: exportConnectors.slack, path: privateFolder, connectionId: 'slack-private', openSource: () => openExportSource(privateFolder) })
    await runResolution(deps)

    const generatedSlack = join(dir, 'company', 'slack')
    conversations = [...(await generatedConversations(generatedSlack)), ...handBuiltConversations()]
    for (const conversation of conversations) if (!conversation.private) publicIds.add(conversation.id)
    const specs = [...handBuiltTokens(), ...(await generatedTokens(generatedSlack, conversations))]

    server = await startHttpServer(
      createHttpApp(deps, { rateLimit: { perMinute: 1_000_000, burst: 1_000_000 }, mcp: (request, principal) => handleMcpRequest(request, deps, principal) }).fetch,
      { port: 0, host: '127.0.0.1', closeGraceMs: 100 },
    )
    for (const spec of specs) {
      const { token } = await createToken(database.db, { name: spec.label, scopes: spec.scopes, subject: spec.subject })
      const client = new Client({ name: 'isolation-test', version: '1.0.0' })
      await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}${API_PATHS.mcp}`), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }))
      // The client then checks every result against its tool's output schema.
      await client.listTools()
      const visible = new Set(conversations.filter((conversation) => spec.slackUsers.some((user) => conversation.members.has(user))).map((conversation) => conversation.id))
      tokens.push({ ...spec, token, client, visible })
    }

    await collectPersonalValues()
    await collectIdentifiers()
  }, 240_000)
  afterAll(async () => {
    for (const each of tokens) await each.client.close()
    await server?.close()
    await database?.dispose()
  })

  async function collectPersonalValues(): Promise<void> {
    const add = (value: string | null | undefined) => {
      if (value && value.trim().length >= 5) personal.add(value.trim().toLowerCase())
    }
    for (const person of Object.values(PEOPLE)) {
      add(person.phone)
      add(person.e164)
      if (isFreeMailDomain(registrableDomain(person.email.split('@')[1]) ?? '')) {
        add(person.email)
        add(normalizeEmail(person.email)?.address)
      }
    }
    // Every phone and personal email any record states, as the source wrote it and normalised.
    const { rows } = await sql<{ phone: string | null; email: string | null; type: string | null }>`
      select p.value->>'number' as phone, null as email, null as type from canonical_records c, jsonb_array_elements(coalesce(c.data->'phones', '[]')) p where c.kind = 'person'
      union all
      select c.data->>'phone', null, null from canonical_records c where c.kind in ('person', 'organization') and c.data ? 'phone'
      union all
      select null, e.value->>'address', e.value->>'type' from canonical_records c, jsonb_array_elements(coalesce(c.data->'emails', '[]')) e where c.kind = 'person'`.execute(database.db)
    for (const row of rows) {
      if (row.phone) {
        add(row.phone)
        add(normalizePhone(row.phone))
      }
      const email = normalizeEmail(row.email)
      if (row.email && email && (row.type === 'personal' || isFreeMailDomain(registrableDomain(email.address.split('@')[1]) ?? ''))) {
        add(row.email)
        add(email.address)
      }
    }
    expect(personal.size, 'the store holds phones and personal emails').toBeGreaterThan(40)
  }

  /** The store's real identifiers, for queries: names, emails, phones, domains, ids, record references, private names and canaries. */
  async function collectIdentifiers(): Promise<void> {
    for (const person of Object.values(PEOPLE)) {
      const [given, family] = person.name.split(' ')
      queries.push(person.name, given!, family!, person.email, person.email.toUpperCase(), person.slackId, `slack:user:${person.slackId}`)
      if (person.phone) queries.push(person.phone)
      if (person.e164) queries.push(person.e164)
    }
    queries.push('quorrow-works.io', 'partnerly-ltd.io', 'https://www.partnerly-ltd.io/about', 'partnerly-deal', PARTNER_TEAM, 'ghost@quorrow-works.io')
    for (const conversation of CONVERSATIONS) {
      queries.push(conversation.id, `slack:channel:${conversation.id}`, ...(conversation.name ? [conversation.name] : []))
      for (const message of conversation.messages) queries.push(`slack:message:${conversation.id}:${message.seconds}.000100`, ...(message.canary ? [message.canary] : []))
    }
    const { rows: keys } = await sql<{ value: string }>`
      (select value from resolution_keys where kind = 'email' and role = 'identifier' order by value collate "C" limit 12)
      union all (select value from resolution_keys where kind = 'phone' order by value collate "C" limit 6)
      union all (select value from resolution_keys where kind = 'domain' order by value collate "C" limit 6)
      union all (select display_name from entities where kind in ('person', 'organization') and display_name is not null and redirect_to is null order by display_name collate "C", kind limit 20)
      union all (select system || ':' || object_type || ':' || source_id from source_records where object_type in ('Contact', 'Account', 'worker', 'user') order by source_id collate "C" limit 10)
      union all (select source_id from source_records where object_type in ('Contact', 'user', 'channel') order by source_id collate "C" desc limit 10)`.execute(database.db)
    // Chosen and sorted byte-wise, not by a database's collation: the same seed draws the same values on both databases.
    queries.push(...keys.map((row) => row.value).sort())
    for (const conversation of conversations) if (conversation.private) queries.push(conversation.id)

    const handBuiltIds = [...CONVERSATIONS.map((conversation) => conversation.id), ...Object.values(PEOPLE).map((person) => person.slackId), PARTNER_TEAM]
    // Ordered by their records, not by their random ids, so that a seed draws the same entities on every run and database.
    const { rows } = await sql<{ id: string; kind: string; key: string; channel: string | null; hand_built: boolean }>`
      select e.id, e.kind, min(s.system || ':' || s.object_type || ':' || s.source_id) as key,
        min(s.source_id) filter (where s.system = 'slack' and s.object_type = 'channel') as channel,
        bool_or(s.system = 'slack' and s.source_id = any(${handBuiltIds}::text[])) as hand_built
      from entities e join entity_members m on m.entity_id = e.id join source_records s on s.id = m.source_record_id
      where e.redirect_to is null
      group by e.id, e.kind`.execute(database.db)
    const entities = rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    for (const entity of entities) if (entity.channel) channelOfEntity.set(entity.id, entity.channel)
    // Every entity of the hand-built workspace, and a spread of the generated ones of each kind (conversations too: no tool should open one).
    entityIds.push(...entities.filter((entity) => entity.hand_built).map((entity) => entity.id))
    for (const kind of ['person', 'organization', 'conversation']) {
      entityIds.push(...entities.filter((entity) => entity.kind === kind && !entity.hand_built).filter((_, index) => index % 7 === 0).map((entity) => entity.id))
    }
    queries.push(...entityIds)
  }

  // --- what the operator, who sees everything, sees: the reference each answer is checked against ---

  const referenceMessages = new Map<string, Promise<string[]>>()
  /** Every message reference of an entity's messages section, page by page, as the operator sees them. */
  function messagesOf(entityId: string): Promise<string[]> {
    let cached = referenceMessages.get(entityId)
    if (!cached) {
      cached = (async () => {
        const refs: string[] = []
        let handle: string | null = encodeHandle({ entityId, section: 'messages', offset: 0 })
        while (handle !== null) {
          const page: ActivityResult = await customerActivity(deps, { handle, limit: 100 }, OPERATOR)
          expect(page.withheld).toEqual([])
          refs.push(...page.items.map((item) => item.record))
          handle = page.next
        }
        return refs
      })()
      referenceMessages.set(entityId, cached)
    }
    return cached
  }

  const referenceChannels = new Map<string, Promise<string[] | null>>()
  /** The entity ids of an entity's channels as the operator sees them, or null when there are more than a profile lists. */
  function channelsOf(entityId: string): Promise<string[] | null> {
    let cached = referenceChannels.get(entityId)
    if (!cached) {
      cached = (async () => {
        const profile: LookupResult = await lookupCustomer(deps, { query: entityId, sections: ['channels'], detail: 'full', budget: 32_000 }, OPERATOR)
        if (profile.omitted.some((entry) => entry.section === 'channels')) return null
        return (profile.related?.channels ?? []).map((channel) => channel.entityId)
      })()
      referenceChannels.set(entityId, cached)
    }
    return cached
  }

  // --- calling the surfaces ---

  async function callHttp(call: Call, token: string, args: Record<string, unknown>): Promise<Answer> {
    const path = call.tool === 'find_customer' ? API_PATHS.find : call.tool === 'customer_profile' ? API_PATHS.lookup : API_PATHS.activity
    const post = call.tool !== 'find_customer' && call.post
    const params = new URLSearchParams()
    for (const [key, value] of Object.entries(args)) params.set(key, Array.isArray(value) ? value.join(',') : String(value))
    const response = post
      ? await fetch(`${server.url}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(args) })
      : await fetch(`${server.url}${path}?${params.toString()}`, { headers: { Authorization: `Bearer ${token}` } })
    const text = await response.text()
    expect([200, 400, 404], text.slice(0, 300)).toContain(response.status)
    const body = JSON.parse(text) as Record<string, unknown>
    if (response.status === 200) return { ok: true, body, text }
    const error = body.error as { code: string; location?: { parameter?: string } }
    return { ok: false, code: error.code, parameter: error.location?.parameter, text }
  }

  async function callMcp(call: Call, client: Client, args: Record<string, unknown>): Promise<Answer> {
    const result = await client.callTool({ name: call.tool, arguments: args })
    const text = JSON.stringify(result)
    if (result.isError === true) {
      const error = toolError(result)
      return { ok: false, code: error.code, parameter: error.location?.parameter, text }
    }
    return { ok: true, body: toolOutput(result), text }
  }

  /** Makes the call on its surface and checks the answer; returns the handles it hands out. */
  async function perform(call: Call, handles: string[]): Promise<string[]> {
    const token = tokens[call.token % tokens.length]!
    let args: Record<string, unknown>
    let offset = 0
    if (call.tool === 'find_customer') {
      args = { query: call.query, ...(call.limit === undefined ? {} : { limit: call.limit }) }
    } else if (call.tool === 'customer_profile') {
      args = { query: call.query, ...definedOnly({ budget: call.budget, detail: call.detail, sections: call.sections }) }
    } else {
      const start = call.start
      let handle: string | undefined
      if ('crafted' in start) handle = encodeHandle({ entityId: start.crafted.entity, section: start.crafted.section, offset: start.crafted.offset })
      else if ('follow' in start && handles.length > 0) handle = handles[start.follow % handles.length]
      if ('follow' in start && handle !== undefined) stats.followed++
      args = handle !== undefined ? { handle } : 'entity_id' in start ? { entity_id: start.entity_id, section: start.section } : { entity_id: entityIds[0], section: 'messages' }
      if (handle !== undefined) offset = decodeHandle(handle).offset
      if (call.limit !== undefined) args.limit = call.limit
    }

    const answer = call.surface === 'http' ? await callHttp(call, token.token, args) : await callMcp(call, token.client, args)
    const inputs = Object.values(args).flatMap((value) => (Array.isArray(value) ? value.map(String) : [String(value)]))
    if (!answer.ok) {
      stats.refused++
      expect(['E_INVALID_QUERY', 'E_NOT_FOUND'], answer.text.slice(0, 300)).toContain(answer.code)
      expect(Object.keys(args)).toContain(answer.parameter?.split('.')[0])
      // An error may echo what the caller sent, and nothing else.
      checkSecrets(token, answer.text, inputs)
      if (!token.scopes.includes('pii')) checkPersonal(answer.text, inputs)
      return []
    }

    // The echoed query is what the caller typed; everything else is the store's.
    const text = JSON.stringify({ ...answer.body, query: undefined })
    checkSecrets(token, text, [])
    if (!token.scopes.includes('pii')) checkPersonal(text, [])

    if (call.tool === 'find_customer') {
      expect(findResultSchema.safeParse(answer.body).error).toBeUndefined()
      return []
    }
    if (call.tool === 'customer_profile') {
      const result = lookupResultSchema.parse(answer.body)
      if (result.profile) await checkProfile(token, result, new Set(call.sections ?? SECTIONS))
      return result.omitted.flatMap((entry) => (entry.handle === null ? [] : [entry.handle]))
    }
    const page = activityResultSchema.parse(answer.body)
    await checkPage(token, page, offset, (args.limit as number | undefined) ?? LIMITS.activityLimit.default)
    return page.next === null ? [] : [page.next]
  }

  const visibleTo = (token: { visible: ReadonlySet<string> }, conversationId: string | undefined) =>
    conversationId !== undefined && (publicIds.has(conversationId) || token.visible.has(conversationId))
  /** slack:message:<channel>:<ts> → the channel. */
  const conversationOf = (ref: string) => (ref.startsWith('slack:message:') ? ref.split(':')[2] : undefined)

  function checkSecrets(token: (typeof tokens)[number], text: string, inputs: readonly string[]): void {
    let seenOwn = false
    for (const conversation of conversations) {
      if (!conversation.private) continue
      const member = token.visible.has(conversation.id)
      for (const secret of conversation.secrets) {
        if (!text.includes(secret)) continue
        if (member) {
          seenOwn = true
          continue
        }
        if (inputs.some((input) => input.includes(secret))) continue
        expect.fail(`token "${token.label}" read "${secret}" of ${conversation.id}, whose members are ${[...conversation.members].join(', ')}: ${text.slice(0, 2000)}`)
      }
    }
    if (seenOwn) stats.canariesSeenByMembers++
  }

  function checkPersonal(text: string, inputs: readonly string[]): void {
    const lower = text.toLowerCase()
    for (const value of personal) {
      if (lower.includes(value) && !inputs.some((input) => input.toLowerCase().includes(value))) {
        expect.fail(`a token without pii read "${value}": ${text.slice(0, 2000)}`)
      }
    }
    if (text.includes('•')) stats.masked++
  }

  async function checkProfile(token: (typeof tokens)[number], result: LookupResult, sections: ReadonlySet<string>): Promise<void> {
    stats.profiles++
    const entityId = result.profile!.entityId
    const withheld = (section: string) => result.withheld.find((entry) => entry.section === section)?.count ?? 0
    const omitted = (section: string) => result.omitted.find((entry) => entry.section === section)?.count ?? 0
    if (sections.has('messages')) {
      const all = await messagesOf(entityId)
      const allowed = all.filter((ref) => visibleTo(token, conversationOf(ref)))
      const shown = (result.related?.messages ?? []).map((message) => message.record)
      for (const ref of shown) expect(allowed, `${token.label} was shown ${ref}`).toContain(ref)
      expect(shown.length + omitted('messages'), `${token.label}: messages of ${entityId} shown and omitted`).toBe(allowed.length)
      expect(withheld('messages'), `${token.label}: messages of ${entityId} withheld`).toBe(all.length - allowed.length)
      if (all.length > allowed.length) stats.withheld++
    } else {
      expect(withheld('messages')).toBe(0)
    }
    const channels = sections.has('channels') ? await channelsOf(entityId) : null
    if (channels) {
      const allowed = channels.filter((id) => visibleTo(token, channelOfEntity.get(id)))
      const shown = (result.related?.channels ?? []).map((channel) => channel.entityId)
      for (const id of shown) expect(allowed, `${token.label} was shown channel ${channelOfEntity.get(id)}`).toContain(id)
      expect(shown.length + omitted('channels'), `${token.label}: channels of ${entityId} shown and omitted`).toBe(allowed.length)
      expect(withheld('channels'), `${token.label}: channels of ${entityId} withheld`).toBe(channels.length - allowed.length)
    }
    if (!sections.has('channels')) expect(withheld('channels')).toBe(0)
  }

  async function checkPage(token: (typeof tokens)[number], page: ActivityResult, offset: number, limit: number): Promise<void> {
    stats.pages++
    const withheld = page.withheld.reduce((sum, entry) => sum + entry.count, 0)
    if (page.section !== 'messages') {
      expect(withheld).toBe(0)
      return
    }
    const all = await messagesOf(page.entityId)
    const allowed = all.filter((ref) => visibleTo(token, conversationOf(ref)))
    const items = page.items.map((item) => item.record)
    for (const ref of items) expect(allowed, `${token.label} was shown ${ref}`).toContain(ref)
    expect(items.length, `${token.label}: page of ${page.entityId} from ${offset}`).toBe(Math.max(0, Math.min(limit, allowed.length - offset)))
    expect(withheld, `${token.label}: messages of ${page.entityId} withheld`).toBe(all.length - allowed.length)
  }

  it('every token, on both surfaces, sees each hand-built person as its subject may', async () => {
    for (const [index] of tokens.entries()) {
      for (const person of Object.values(PEOPLE)) {
        for (const surface of ['http', 'mcp'] as const) {
          await perform({ tool: 'customer_profile', token: index, surface, query: person.email, detail: 'full', budget: 32_000, post: false }, [])
        }
      }
    }
    // Every token is someone a private conversation is withheld from, and each member read their own canaries.
    expect(stats.withheld).toBeGreaterThan(tokens.length)
    expect(stats.canariesSeenByMembers).toBeGreaterThan(10)
    expect(stats.masked).toBeGreaterThan(10)
  })

  it('no sequence of calls by any token reads what only another may see', async () => {
    const query = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...queries) },
      { weight: 1, arbitrary: hostile },
      { weight: 1, arbitrary: fc.constantFrom(...queries).map((value) => (value.length > 3 ? value.slice(0, -1) : value)) },
    )
    const token = fc.nat({ max: tokens.length - 1 })
    const surface = fc.constantFrom<Surface>('http', 'mcp')
    const entity = fc.constantFrom(...entityIds)
    const call: fc.Arbitrary<Call> = fc.oneof(
      fc.record({ tool: fc.constant('find_customer' as const), token, surface, query, limit: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }) }, { requiredKeys: ['tool', 'token', 'surface', 'query'] }),
      fc.record(
        {
          tool: fc.constant('customer_profile' as const),
          token,
          surface,
          query,
          budget: fc.option(fc.constantFrom(512, 700, 1500, 4000, 32_000), { nil: undefined }),
          detail: fc.option(fc.constantFrom(...DETAILS), { nil: undefined }),
          sections: fc.option(fc.subarray([...SECTIONS], { minLength: 1 }), { nil: undefined }),
          post: fc.boolean(),
        },
        { requiredKeys: ['tool', 'token', 'surface', 'query', 'post'] },
      ),
      fc.record(
        {
          tool: fc.constant('customer_activity' as const),
          token,
          surface,
          start: fc.oneof(
            fc.record({ entity_id: fc.oneof(entity, query), section: fc.constantFrom(...ACTIVITY_SECTIONS) }),
            fc.record({ crafted: fc.record({ entity, section: fc.constantFrom(...ACTIVITY_SECTIONS), offset: fc.nat({ max: 6 }) }) }),
            fc.record({ follow: fc.nat() }),
          ),
          limit: fc.option(fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 100 })), { nil: undefined }),
          post: fc.boolean(),
        },
        { requiredKeys: ['tool', 'token', 'surface', 'start', 'post'] },
      ),
    )
    // A sequence opens with a small profile, whose omitted sections hand out handles the later calls may follow.
    const opening = fc.record({
      tool: fc.constant('customer_profile' as const),
      token,
      surface,
      query,
      budget: fc.constant(512),
      detail: fc.constant('brief'),
      post: fc.boolean(),
    })
    await fc.assert(
      fc.asyncProperty(opening, fc.array(call, { minLength: 1, maxLength: 5 }), async (first, rest) => {
        // Handles any token was given in this sequence: another token may try them.
        const handles: string[] = []
        for (const each of [first, ...rest]) handles.push(...(await perform(each, handles)))
      }),
      { numRuns: RUNS, seed: 20261209 },
    )
    // Not vacuous: refusals, profiles and pages came back, and handles crossed between calls.
    expect(stats.refused).toBeGreaterThan(10)
    expect(stats.profiles).toBeGreaterThan(RUNS)
    expect(stats.pages).toBeGreaterThan(RUNS / 10)
    expect(stats.followed).toBeGreaterThan(RUNS / 30)
  }, 300_000)
})

function definedOnly<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, each]) => each !== undefined)) as Partial<T>
}
