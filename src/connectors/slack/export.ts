import { basename, dirname } from 'node:path'
import type { z } from 'zod'
import { describeLocation, FormatError } from '../../formats/format-error.ts'
import { readJson, readJsonArray, schemaReject } from '../../formats/json.ts'
import type { ExportEntry, ExportItem, ExportSource, InputLocation, ReadContext, RejectedInput } from '../types.ts'
import { ChannelDirectory } from './channel-directory.ts'
import { conversationTypeFromFlags } from './conversation-type.ts'
import { classifyEntry, readPhase, type EntryKind } from './entry-kind.ts'
import { channelNamePrefix, unknownChannelId } from './normalize.ts'
import { channelFileTypes, slackChannelSchema, slackMessageSchema, slackUserSchema, type ConversationType, type SlackMessage } from './raw.ts'
import { parseReadOptions, type SlackReadOptions } from './read-options.ts'
import { channelRecords, foreignSenderTeam, inferredSenderRecord, messageRecord, userRecord } from './records.ts'
import { redactText } from './redact.ts'
import { TeamCounter } from './workspace-teams.ts'

/**
 * Reads a Slack workspace export (ZIP or unpacked folder; public-only, corporate or Enterprise Grid
 * org export) and loose Slack JSON files (a day file on its own, exported message fixtures, Web API
 * responses). Files are opened in three phases whatever their order in the archive: users files,
 * then channel files, then everything else, because a day file's folder is mapped to its channel id
 * through the channel files and Slack Connect senders are recognised against the users files. Only
 * the list of entries is held; every array is streamed element by element.
 *
 * Completeness: `user` once users.json / org_users.json were read with no reject for a user (sent at
 * the end, since Slack Connect users derived from messages are users too). `channel` once all four
 * channel files (channels, groups, dms, mpims) were read with no reject for a channel: a public-only
 * export (channels.json alone) or a lone channel file says nothing about private channels and DMs,
 * and a completeness claim would let the pipeline mark those deleted. Never `message` (exports may
 * cover a date range).
 */

/**
 * Loose JSON objects (Web API responses, one page each: a few MB at most) are parsed whole up to this
 * size; the CLI's heap is capped (bin/customer-graph.js), and parsing costs several times the bytes.
 */
const maxLooseObjectBytes = 16 * 1024 * 1024
/** Enough of a loose file to see whether it holds an array or an object. */
const sniffBytes = 64 * 1024
/** Rejected input is kept for people to look at, not in full when huge. */
const maxRawChars = 64 * 1024

interface ReadState {
  readonly options: SlackReadOptions
  readonly channels: ChannelDirectory
  /** Users landed in this import: a message sender among them needs no derived record. */
  readonly userIds: Set<string>
  readonly channelIds: Set<string>
  /** The workspace's own team (and enterprise) ids: from options and the users files. */
  readonly ownTeamIds: Set<string>
  usersFiles: number
  /** Names of the channel files read (channels.json, groups.json, dms.json, mpims.json). */
  readonly channelFiles: Set<string>
  userRejected: boolean
  channelRejected: boolean
}

interface PlannedEntry {
  entry: ExportEntry
  kind: EntryKind
}

export async function* readSlackExport(source: ExportSource, context: ReadContext): AsyncGenerator<ExportItem> {
  const options = parseReadOptions(context.options)
  // A day file given on its own (`random/2018-01-20.json`) is named by the folder it sits in.
  const singleFileFolder = source.kind === 'file' ? basename(dirname(source.path)) || undefined : undefined
  // Only the entries are collected (bounded by the file count) so the phases can be ordered.
  const planned: PlannedEntry[] = []
  for await (const entry of source.entries()) planned.push({ entry, kind: classifyEntry(entry.path, singleFileFolder) })
  planned.sort((a, b) => readPhase(a.kind) - readPhase(b.kind))

  const state: ReadState = {
    options,
    channels: new ChannelDirectory(),
    userIds: new Set(),
    channelIds: new Set(),
    ownTeamIds: new Set(options.ownTeamIds),
    usersFiles: 0,
    channelFiles: new Set(),
    userRejected: false,
    channelRejected: false,
  }
  for (const { entry, kind } of planned) {
    for await (const item of readEntry(entry, kind, state)) {
      if (item.type === 'reject' && item.reject.objectType === 'user') state.userRejected = true
      if (item.type === 'reject' && item.reject.objectType === 'channel') state.channelRejected = true
      yield item
    }
  }
  if (state.usersFiles > 0 && !state.userRejected) yield { type: 'complete', objectType: 'user' }
  if (state.channelFiles.size === Object.keys(channelFileTypes).length && !state.channelRejected) {
    yield { type: 'complete', objectType: 'channel' }
    yield { type: 'complete', objectType: 'channel_member' }
  }
}

function readEntry(entry: ExportEntry, kind: EntryKind, state: ReadState): AsyncGenerator<ExportItem> {
  switch (kind.kind) {
    case 'skip':
      return skipped(entry.location, kind.reason)
    case 'users':
      return readUsersFile(entry, state)
    case 'channels':
      return readChannelsFile(entry, kind.conversationType, kind.scope, state)
    case 'day':
      return readDayFile(entry, kind.folder, kind.scope, state)
    case 'json':
      return readLooseJson(entry, state)
  }
}

// eslint-disable-next-line @typescript-eslint/require-await -- one shape for every reader
async function* skipped(location: InputLocation, reason: string): AsyncGenerator<ExportItem> {
  yield { type: 'skipped', location, reason }
}

async function* readUsersFile(entry: ExportEntry, state: ReadState): AsyncGenerator<ExportItem> {
  state.usersFiles += 1
  const teams = new TeamCounter()
  try {
    for await (const { value, path } of readJsonArray(await entry.open(), entry.location)) {
      const item = userItem(value, entry.location, path, state)
      // Counted before de-duplication: a Grid workspace's users.json repeats users of org_users.json.
      if (item?.type !== 'reject') teams.count(stringField(value, 'team_id'), enterpriseIdOf(value))
      if (item) yield item
    }
  } catch (error) {
    yield fileReject(error, 'user')
  }
  for (const id of basename(entry.path) === 'org_users.json' ? teams.all() : teams.mostCommon()) state.ownTeamIds.add(id)
}

async function* readChannelsFile(entry: ExportEntry, type: ConversationType, scope: string, state: ReadState): AsyncGenerator<ExportItem> {
  state.channelFiles.add(basename(entry.path))
  try {
    for await (const { value, path } of readJsonArray(await entry.open(), entry.location)) {
      yield* channelItems(value, entry.location, path, state, { scope, type })
    }
  } catch (error) {
    yield fileReject(error, 'channel')
  }
}

async function* readDayFile(entry: ExportEntry, folder: string, scope: string, state: ReadState): AsyncGenerator<ExportItem> {
  // A folder no channel file names still lands its messages, keyed by the folder name; normalisation
  // reports them as unresolved (W_UNRESOLVED_CHANNEL). A public-only export has no dms.json, and
  // exports cut by hand lose channel files: the messages are still worth keeping.
  const channelId = state.channels.resolveFolder(scope, folder) ?? `${channelNamePrefix}${folder}`
  try {
    for await (const { value, path } of readJsonArray(await entry.open(), entry.location)) {
      yield* messageItems(value, entry.location, path, state, () => channelId)
    }
  } catch (error) {
    yield fileReject(error, 'message')
  }
}

/**
 * Any other JSON file, told by its content: a top-level array is a day-file-like message array
 * (streamed); an object is a single exported message or a Web API response (one page, parsed whole).
 */
async function* readLooseJson(entry: ExportEntry, state: ReadState): AsyncGenerator<ExportItem> {
  const channelFor = (message: SlackMessage): string => looseChannelId(message, state)
  try {
    if ((await firstSignificantChar(entry)) === '[') {
      for await (const { value, path } of readJsonArray(await entry.open(), entry.location)) {
        yield* messageItems(value, entry.location, path, state, channelFor)
      }
      return
    }
    const document = await readJson(await entry.open(), entry.location, { maxBytes: maxLooseObjectBytes })
    yield* apiResponseItems(document, entry.location, state, channelFor)
  } catch (error) {
    // Nothing says what a loose file was meant to hold: the reject names no object type.
    yield fileReject(error, undefined)
  }
}

/** Web API responses (`users.list`, `users.info`, `conversations.list/info/history`) and single messages. */
function* apiResponseItems(
  document: unknown,
  location: InputLocation,
  state: ReadState,
  channelFor: (message: SlackMessage) => string,
): Generator<ExportItem> {
  const where = describeLocation(location)
  if (!isObject(document)) {
    yield { type: 'skipped', location, reason: `${where}: a JSON ${typeof document} is neither a Slack export file nor a Web API response` }
    return
  }
  if ('swagger' in document || 'openapi' in document) {
    yield { type: 'skipped', location, reason: `${where}: an API specification, not data` }
    return
  }
  const error = document.error
  if (document.ok === false && typeof error === 'string' && error !== '') {
    yield reject({
      code: 'E_SLACK_ERROR_RESPONSE',
      message: `${where}: a Slack Web API error response ("error": "${error}"), which holds no data; save a successful response (ok: true) instead.`,
      location,
      raw: capRaw(document),
    })
    return
  }
  const { members, channels, messages, user, channel, profile } = document
  if (Array.isArray(members) && members.every(isObject)) {
    for (const [index, value] of members.entries()) {
      const item = userItem(value, location, `$.members[${index}]`, state)
      if (item) yield item
    }
  } else if (Array.isArray(members)) {
    yield { type: 'skipped', location, reason: `${where}: a conversations.members response lists user ids without the channel they belong to; channel members come from channels.json or conversations.list` }
  } else if (Array.isArray(channels)) {
    for (const [index, value] of channels.entries()) {
      yield* channelItems(value, location, `$.channels[${index}]`, state, undefined)
    }
  } else if (Array.isArray(messages)) {
    for (const [index, value] of messages.entries()) yield* messageItems(value, location, `$.messages[${index}]`, state, channelFor)
  } else if (isObject(user)) {
    const item = userItem(user, location, '$.user', state)
    if (item) yield item
  } else if (isObject(channel)) {
    yield* channelItems(channel, location, '$.channel', state, undefined)
  } else if (typeof document.ts === 'string' || document.type === 'message') {
    yield* messageItems(document, location, '$', state, channelFor)
  } else if (isObject(profile)) {
    yield { type: 'skipped', location, reason: `${where}: a users.profile.get response has no user id to attach the profile to` }
  } else if (isObject(document.team) || typeof document.team_id === 'string') {
    yield {
      type: 'skipped',
      location,
      reason: `${where}: workspace identity (team.info / auth.test) is not imported; its team id is the connection's ownTeamId setting`,
    }
  } else {
    const keys = Object.keys(document).slice(0, 8).join(', ')
    yield { type: 'skipped', location, reason: `${where}: not a Slack export file or Web API response (top-level keys: ${keys || 'none'})` }
  }
}

function userItem(value: unknown, location: InputLocation, path: string, state: ReadState): ExportItem | undefined {
  const parsed = slackUserSchema.safeParse(value)
  if (!parsed.success) return schemaItem(parsed.error, location, path, value, 'user')
  const user = parsed.data
  // Grid org exports list a user in org_users.json and again in each workspace's users.json.
  if (state.userIds.has(user.id)) return undefined
  state.userIds.add(user.id)
  return { type: 'record', record: userRecord(user, { ...location, path }) }
}

/** A channel's records (records.ts): the channel, its members, the Slack Connect teams it reaches. */
function* channelItems(
  value: unknown,
  location: InputLocation,
  path: string,
  state: ReadState,
  exportFile: { scope: string; type: ConversationType } | undefined,
): Generator<ExportItem> {
  const parsed = slackChannelSchema.safeParse(value)
  if (!parsed.success) {
    yield schemaItem(parsed.error, location, path, value, 'channel')
    return
  }
  const { members, ...channel } = parsed.data
  if (exportFile) state.channels.add(exportFile.scope, channel.id, channel.name)
  else state.channels.add('', channel.id, channel.name)
  // Grid: a shared channel can be listed at the org root and in a workspace's channel file.
  if (state.channelIds.has(channel.id)) return
  state.channelIds.add(channel.id)
  const conversationType = exportFile?.type ?? conversationTypeFromFlags(parsed.data)
  const records = channelRecords(channel, conversationType, members, state.ownTeamIds, { ...location, path }, (index) => ({ ...location, path: `${path}.members[${index}]` }))
  for (const record of records) yield { type: 'record', record }
}

/** A message record, preceded by a user record for a Slack Connect sender not seen before. */
function* messageItems(
  value: unknown,
  location: InputLocation,
  path: string,
  state: ReadState,
  channelFor: (message: SlackMessage) => string,
): Generator<ExportItem> {
  const parsed = slackMessageSchema.safeParse(value)
  if (!parsed.success) {
    yield schemaItem(parsed.error, location, path, value, 'message')
    return
  }
  const message = parsed.data
  const provenance = { ...location, path }
  // Someone users.json does not list, whose message names a team that is not ours. Without a known
  // own team nothing can be told apart (modern exports put `user_profile` on every message, ours
  // included), so nothing is derived; see options.ownTeamId.
  const senderTeam = state.userIds.has(message.user?.trim() ?? '') ? undefined : foreignSenderTeam(message, state.ownTeamIds)
  if (senderTeam) {
    const sender = inferredSenderRecord(message, senderTeam, provenance)
    state.userIds.add(sender.sourceId)
    yield { type: 'record', record: sender }
  }
  yield { type: 'record', record: messageRecord(message, channelFor(message), provenance) }
}

/**
 * The channel of a message in a loose file, which no export folder names: the message's own
 * `channel`, else its `channel_name` (resolved through channel files read in this import, else kept
 * as `name:<name>`), else options.channel, else `unknown`.
 */
function looseChannelId(message: SlackMessage, state: ReadState): string {
  const own = message.channel?.trim()
  if (own) return own
  const name = message.channel_name?.trim()
  if (name) return state.channels.resolveName(name) ?? `${channelNamePrefix}${name}`
  return state.options.channel ?? unknownChannelId
}

/**
 * The first character of a file after whitespace and a UTF-8 byte order mark ('[' or '{' for JSON),
 * from its first bytes; nothing is parsed, and the readers reopen the entry (open() gives a fresh stream).
 */
async function firstSignificantChar(entry: ExportEntry): Promise<string | undefined> {
  const input = await entry.open()
  let seen = 0
  try {
    for await (const chunk of input as AsyncIterable<Buffer | string>) {
      // latin1 maps bytes 1:1, so the UTF-8 byte order mark shows as "ï»¿".
      const text = typeof chunk === 'string' ? chunk : chunk.toString('latin1')
      const found = /[^\s\u00EF\u00BB\u00BF\uFEFF]/.exec(text)?.[0]
      seen += text.length
      if (found !== undefined || seen >= sniffBytes) return found
    }
    return undefined
  } finally {
    input.destroy()
  }
}

function fileReject(error: unknown, objectType: string | undefined): ExportItem {
  // Anything else is a defect, not bad input: let it surface.
  if (!(error instanceof FormatError)) throw error
  return reject({ code: error.code, message: error.message, location: error.location, ...(objectType ? { objectType } : {}) })
}

function schemaItem(error: z.ZodError, location: InputLocation, path: string, value: unknown, objectType: string): ExportItem {
  return reject({ ...schemaReject(error, location, path, null), raw: capRaw(value), objectType })
}

function reject(rejected: RejectedInput): ExportItem {
  return { type: 'reject', reject: rejected }
}

/** The offending value as JSON for the rejected-records table: tokens redacted, size capped. */
function capRaw(value: unknown): string {
  const json = redactText(JSON.stringify(value) ?? String(value))
  return json.length > maxRawChars ? `${json.slice(0, maxRawChars)}…` : json
}

function stringField(value: unknown, key: string): string | undefined {
  const field = isObject(value) ? value[key] : undefined
  return typeof field === 'string' ? field : undefined
}

function enterpriseIdOf(value: unknown): string | undefined {
  return isObject(value) ? stringField(value.enterprise_user, 'enterprise_id') : undefined
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
