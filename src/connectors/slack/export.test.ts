import { createWriteStream } from 'node:fs'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import yazl from 'yazl'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openExportSource } from '../../formats/export-source.ts'
import { canonicalRecordSchema } from '../../schema/canonical.ts'
import type { ExportItem, NormalizeIssue, RawRecord } from '../types.ts'
import { slackConnector } from './index.ts'
import { redactMessage, redactTokens, stripUrlQuery } from './redact.ts'

const samples = fileURLToPath(new URL('../../../../shared/datasets/sources/slack/', import.meta.url))

let work: string
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'slack-export-'))
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

async function readAll(path: string, options: Record<string, unknown> = {}): Promise<ExportItem[]> {
  const items: ExportItem[] = []
  for await (const item of slackConnector.read(await openExportSource(path), { options })) items.push(item)
  return items
}

function records(items: ExportItem[], objectType?: string): RawRecord[] {
  return items.flatMap((item) => (item.type === 'record' && (objectType === undefined || item.record.objectType === objectType) ? [item.record] : []))
}

function rejects(items: ExportItem[]) {
  return items.flatMap((item) => (item.type === 'reject' ? [item.reject] : []))
}

/** One line per item, paths relative to `root`, for compact snapshots. */
function summary(items: ExportItem[], root: string): string[] {
  const where = (location: { file: string; entry?: string; path?: string }): string =>
    [location.entry ?? relative(root, location.file), location.path].filter(Boolean).join(' ')
  return items.map((item) => {
    switch (item.type) {
      case 'record':
        return `record ${item.record.objectType} ${item.record.sourceId} @ ${where(item.record.provenance)}`
      case 'reject':
        return `reject ${item.reject.code} ${item.reject.objectType ?? ''} @ ${where(item.reject.location)}`
      case 'skipped':
        return `skipped @ ${where(item.location)}`
      case 'complete':
        return `complete ${item.objectType}`
    }
  })
}

/** Normalises every record (own team given) and checks the output against the canonical schema. */
function normalizeAll(items: ExportItem[], settings: Record<string, unknown> = {}): { kinds: Record<string, number>; issues: NormalizeIssue[] } {
  const kinds: Record<string, number> = {}
  const issues: NormalizeIssue[] = []
  for (const record of records(items)) {
    const result = slackConnector.normalize({ system: 'slack', ...record, sourceUpdatedAt: record.sourceUpdatedAt }, { settings })
    issues.push(...result.issues)
    for (const canonical of result.records) {
      canonicalRecordSchema.parse(canonical)
      kinds[canonical.kind] = (kinds[canonical.kind] ?? 0) + 1
    }
  }
  return { kinds, issues }
}

async function writeZip(path: string, files: Record<string, unknown>): Promise<string> {
  const zip = new yazl.ZipFile()
  for (const [name, content] of Object.entries(files)) {
    zip.addBuffer(Buffer.from(typeof content === 'string' ? content : JSON.stringify(content, null, 2)), name)
  }
  zip.end()
  await pipeline(zip.outputStream, createWriteStream(path))
  return path
}

async function writeFolder(root: string, files: Record<string, unknown>): Promise<string> {
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, name)), { recursive: true })
    await writeFile(join(root, name), typeof content === 'string' ? content : JSON.stringify(content))
  }
  return root
}

function without(files: Record<string, unknown>, ...names: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(files).filter(([name]) => !names.includes(name)))
}

async function sampleFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name)).sort()
}

describe('the real sample files', () => {
  it('imports the whole sample folder without a reject and without a token', async () => {
    const items = await readAll(samples)
    expect(rejects(items)).toEqual([])
    expect(JSON.stringify(items)).not.toMatch(/xox/)
    expect(summary(items, samples)).toMatchInlineSnapshot(`
      [
        "record channel C061A0WJG @ zulip-slack-fixtures/channels.json $[0]",
        "record channel_member C061A0WJG:U061A1R2R @ zulip-slack-fixtures/channels.json $[0].members[0]",
        "record channel_member C061A0WJG:U061A5N1G @ zulip-slack-fixtures/channels.json $[0].members[1]",
        "record channel C061A0YJG @ zulip-slack-fixtures/channels.json $[1]",
        "record channel_member C061A0YJG:U061A1R2R @ zulip-slack-fixtures/channels.json $[1].members[0]",
        "record channel_member C061A0YJG:U061A5N1G @ zulip-slack-fixtures/channels.json $[1].members[1]",
        "record channel_member C061A0YJG:U064KUGRJ @ zulip-slack-fixtures/channels.json $[1].members[2]",
        "record channel C061A0YJP @ zulip-slack-fixtures/channels.json $[2]",
        "record channel_member C061A0YJP:U061A1R2R @ zulip-slack-fixtures/channels.json $[2].members[0]",
        "record channel C061A0HJG @ zulip-slack-fixtures/channels.json $[3]",
        "record channel_member C061A0HJG:U061A3E0G @ zulip-slack-fixtures/channels.json $[3].members[0]",
        "record channel DJ47BL849 @ zulip-slack-fixtures/dms.json $[0]",
        "record channel_member DJ47BL849:U061A1R2R @ zulip-slack-fixtures/dms.json $[0].members[0]",
        "record channel_member DJ47BL849:U061A5N1G @ zulip-slack-fixtures/dms.json $[0].members[1]",
        "record channel DHX1UP7EG @ zulip-slack-fixtures/dms.json $[1]",
        "record channel_member DHX1UP7EG:U061A5N1G @ zulip-slack-fixtures/dms.json $[1].members[0]",
        "record channel_member DHX1UP7EG:U064KUGRJ @ zulip-slack-fixtures/dms.json $[1].members[1]",
        "record channel DK8HSJDHS @ zulip-slack-fixtures/dms.json $[2]",
        "record channel_member DK8HSJDHS:U061A1R2R @ zulip-slack-fixtures/dms.json $[2].members[0]",
        "record channel_member DK8HSJDHS:U064KUGRJ @ zulip-slack-fixtures/dms.json $[2].members[1]",
        "record channel DRS3PSLDK @ zulip-slack-fixtures/dms.json $[3]",
        "record channel_member DRS3PSLDK:U064KUGRJ @ zulip-slack-fixtures/dms.json $[3].members[0]",
        "record channel G9HBG2A5D @ zulip-slack-fixtures/mpims.json $[0]",
        "record channel_member G9HBG2A5D:U061A1R2R @ zulip-slack-fixtures/mpims.json $[0].members[0]",
        "record channel_member G9HBG2A5D:U061A5N1G @ zulip-slack-fixtures/mpims.json $[0].members[1]",
        "record channel_member G9HBG2A5D:U064KUGRJ @ zulip-slack-fixtures/mpims.json $[0].members[2]",
        "record channel_member G9HBG2A5D:U061A3E0G @ zulip-slack-fixtures/mpims.json $[0].members[3]",
        "record channel G6H1Z0ZPS @ zulip-slack-fixtures/mpims.json $[1]",
        "record channel_member G6H1Z0ZPS:U061A1R2R @ zulip-slack-fixtures/mpims.json $[1].members[0]",
        "record channel_member G6H1Z0ZPS:U061A5N1G @ zulip-slack-fixtures/mpims.json $[1].members[1]",
        "record channel_member G6H1Z0ZPS:U064KUGRJ @ zulip-slack-fixtures/mpims.json $[1].members[2]",
        "record channel G6N944JPL @ zulip-slack-fixtures/mpims.json $[2]",
        "record channel_member G6N944JPL:U064KUGRJ @ zulip-slack-fixtures/mpims.json $[2].members[0]",
        "record channel_member G6N944JPL:U061A3E0G @ zulip-slack-fixtures/mpims.json $[2].members[1]",
        "skipped @ README.md",
        "skipped @ slackapi-java-slack-sdk-json-logs/LICENSE",
        "skipped @ slackapi-java-slack-sdk-json-logs/auth.test.json",
        "record message unknown:0000000000.000000 @ slackapi-java-slack-sdk-json-logs/conversations.history.json $.messages[0]",
        "record channel C00000000 @ slackapi-java-slack-sdk-json-logs/conversations.info.json $.channel",
        "record channel D00000000 @ slackapi-java-slack-sdk-json-logs/conversations.list.json $.channels[0]",
        "skipped @ slackapi-java-slack-sdk-json-logs/conversations.members.json",
        "skipped @ slackapi-java-slack-sdk-json-logs/team.info.json",
        "record user U00000000 @ slackapi-java-slack-sdk-json-logs/users.info.json $.user",
        "skipped @ slackapi-java-slack-sdk-json-logs/users.profile.get.json",
        "skipped @ slackapi-slack-api-specs/LICENSE",
        "skipped @ slackapi-slack-api-specs/slack_web_openapi_v2.json",
        "skipped @ zulip-slack-fixtures/LICENSE-Apache-2.0",
        "record message unknown:1772636065.551219 @ zulip-slack-fixtures/message_with_variety_files_and_rich_text.json $",
        "record message C061A0WJG:1516454398.000069 @ zulip-slack-fixtures/test_slack_importer/random/2018-01-20.json $[0]",
        "record message C061A0WJG:1516454537.000093 @ zulip-slack-fixtures/test_slack_importer/random/2018-01-20.json $[1]",
        "record message C061A0WJG:1516454650.000039 @ zulip-slack-fixtures/test_slack_importer/random/2018-01-20.json $[2]",
        "record message C061A0WJG:1516457078.000065 @ zulip-slack-fixtures/test_slack_importer/random/2018-01-20.json $[3]",
        "record message C061A0WJG:1516457212.000035 @ zulip-slack-fixtures/test_slack_importer/random/2018-01-20.json $[4]",
        "record message C061A0WJG:1516457416.000062 @ zulip-slack-fixtures/test_slack_importer/random/2018-01-20.json $[5]",
        "record message C061A0WJG:1516468219.000018 @ zulip-slack-fixtures/test_slack_importer/random/2018-01-20.json $[6]",
        "record message C061A0WJG:1516468505.000010 @ zulip-slack-fixtures/test_slack_importer/random/2018-01-20.json $[7]",
        "record message C061A0WJG:1516468518.000115 @ zulip-slack-fixtures/test_slack_importer/random/2018-01-20.json $[8]",
        "record message C061A0WJG:1516468529.000046 @ zulip-slack-fixtures/test_slack_importer/random/2018-01-20.json $[9]",
        "record message C061A0WJG:1516468530.000036 @ zulip-slack-fixtures/test_slack_importer/random/2018-01-20.json $[10]",
        "record message C061A0WJG:1434139102.000002 @ zulip-slack-fixtures/thread_with_broadcast_reply.json $[0]",
        "record message C061A0WJG:1434139103.000002 @ zulip-slack-fixtures/thread_with_broadcast_reply.json $[1]",
        "record message C061A0WJG:1434139104.000002 @ zulip-slack-fixtures/thread_with_broadcast_reply.json $[2]",
      ]
    `)
    const { kinds, issues } = normalizeAll(items)
    expect(kinds).toMatchInlineSnapshot(`
      {
        "conversation": 13,
        "link": 23,
        "message": 16,
        "person": 1,
      }
    `)
    // Only the loose files that name no channel id are reported.
    expect(issues.map((issue) => issue.code)).toMatchInlineSnapshot(`
      [
        "W_UNRESOLVED_CHANNEL",
        "W_UNRESOLVED_CHANNEL",
      ]
    `)
  })

  it('resolves the day file folder and the fixture channel_name through channels.json', async () => {
    const messages = records(await readAll(samples), 'message')
    const channelOf = (file: string) => new Set(messages.filter((m) => m.provenance.file.endsWith(file)).map((m) => m.payload.channel))
    expect(channelOf('2018-01-20.json')).toEqual(new Set(['C061A0WJG']))
    expect(channelOf('thread_with_broadcast_reply.json')).toEqual(new Set(['C061A0WJG']))
  })

  it('imports each sample file on its own without a reject', async () => {
    const perFile: Record<string, string[]> = {}
    for (const file of await sampleFiles(samples)) {
      const items = await readAll(file)
      expect(rejects(items), file).toEqual([])
      expect(JSON.stringify(items), file).not.toMatch(/xox/)
      normalizeAll(items)
      perFile[relative(samples, file)] = summary(items, dirname(file)).map((line) => line.replace(/ @ .*$/, ''))
    }
    expect(perFile).toMatchInlineSnapshot(`
      {
        "README.md": [
          "skipped",
        ],
        "slackapi-java-slack-sdk-json-logs/LICENSE": [
          "skipped",
        ],
        "slackapi-java-slack-sdk-json-logs/auth.test.json": [
          "skipped",
        ],
        "slackapi-java-slack-sdk-json-logs/conversations.history.json": [
          "record message unknown:0000000000.000000",
        ],
        "slackapi-java-slack-sdk-json-logs/conversations.info.json": [
          "record channel C00000000",
        ],
        "slackapi-java-slack-sdk-json-logs/conversations.list.json": [
          "record channel D00000000",
        ],
        "slackapi-java-slack-sdk-json-logs/conversations.members.json": [
          "skipped",
        ],
        "slackapi-java-slack-sdk-json-logs/team.info.json": [
          "skipped",
        ],
        "slackapi-java-slack-sdk-json-logs/users.info.json": [
          "record user U00000000",
        ],
        "slackapi-java-slack-sdk-json-logs/users.list.json": [
          "record user U00000000",
        ],
        "slackapi-java-slack-sdk-json-logs/users.lookupByEmail.json": [
          "record user U00000000",
        ],
        "slackapi-java-slack-sdk-json-logs/users.profile.get.json": [
          "skipped",
        ],
        "slackapi-slack-api-specs/LICENSE": [
          "skipped",
        ],
        "slackapi-slack-api-specs/slack_web_openapi_v2.json": [
          "skipped",
        ],
        "zulip-slack-fixtures/LICENSE-Apache-2.0": [
          "skipped",
        ],
        "zulip-slack-fixtures/channels.json": [
          "record channel C061A0WJG",
          "record channel_member C061A0WJG:U061A1R2R",
          "record channel_member C061A0WJG:U061A5N1G",
          "record channel C061A0YJG",
          "record channel_member C061A0YJG:U061A1R2R",
          "record channel_member C061A0YJG:U061A5N1G",
          "record channel_member C061A0YJG:U064KUGRJ",
          "record channel C061A0YJP",
          "record channel_member C061A0YJP:U061A1R2R",
          "record channel C061A0HJG",
          "record channel_member C061A0HJG:U061A3E0G",
        ],
        "zulip-slack-fixtures/dms.json": [
          "record channel DJ47BL849",
          "record channel_member DJ47BL849:U061A1R2R",
          "record channel_member DJ47BL849:U061A5N1G",
          "record channel DHX1UP7EG",
          "record channel_member DHX1UP7EG:U061A5N1G",
          "record channel_member DHX1UP7EG:U064KUGRJ",
          "record channel DK8HSJDHS",
          "record channel_member DK8HSJDHS:U061A1R2R",
          "record channel_member DK8HSJDHS:U064KUGRJ",
          "record channel DRS3PSLDK",
          "record channel_member DRS3PSLDK:U064KUGRJ",
        ],
        "zulip-slack-fixtures/message_with_variety_files_and_rich_text.json": [
          "record message unknown:1772636065.551219",
        ],
        "zulip-slack-fixtures/mpims.json": [
          "record channel G9HBG2A5D",
          "record channel_member G9HBG2A5D:U061A1R2R",
          "record channel_member G9HBG2A5D:U061A5N1G",
          "record channel_member G9HBG2A5D:U064KUGRJ",
          "record channel_member G9HBG2A5D:U061A3E0G",
          "record channel G6H1Z0ZPS",
          "record channel_member G6H1Z0ZPS:U061A1R2R",
          "record channel_member G6H1Z0ZPS:U061A5N1G",
          "record channel_member G6H1Z0ZPS:U064KUGRJ",
          "record channel G6N944JPL",
          "record channel_member G6N944JPL:U064KUGRJ",
          "record channel_member G6N944JPL:U061A3E0G",
        ],
        "zulip-slack-fixtures/test_slack_importer/random/2018-01-20.json": [
          "record message name:random:1516454398.000069",
          "record message name:random:1516454537.000093",
          "record message name:random:1516454650.000039",
          "record message name:random:1516457078.000065",
          "record message name:random:1516457212.000035",
          "record message name:random:1516457416.000062",
          "record message name:random:1516468219.000018",
          "record message name:random:1516468505.000010",
          "record message name:random:1516468518.000115",
          "record message name:random:1516468529.000046",
          "record message name:random:1516468530.000036",
        ],
        "zulip-slack-fixtures/thread_with_broadcast_reply.json": [
          "record message name:random:1434139102.000002",
          "record message name:random:1434139103.000002",
          "record message name:random:1434139104.000002",
        ],
      }
    `)
  })

  it('keeps file metadata but strips the token-bearing query of every file URL', async () => {
    const [message] = records(await readAll(join(samples, 'zulip-slack-fixtures/message_with_variety_files_and_rich_text.json')), 'message')
    expect(message?.sourceId).toBe('unknown:1772636065.551219')
    const files = message?.payload.files as Record<string, unknown>[]
    expect(files.map((file) => file.url_private)).toEqual([
      'https://files.slack.com/files-pri/T06NRA6HM3P-F07A32DC2GG/canvas',
      'https://files.slack.com/files-pri/T06NRA6HM3P-F07A2TVQ7C0/channels.json',
    ])
    const [dayFile] = records(await readAll(join(samples, 'zulip-slack-fixtures/test_slack_importer/random/2018-01-20.json')), 'message').filter(
      (record) => record.payload.subtype === 'file_share',
    )
    expect((dayFile?.payload.file as Record<string, unknown>).url_private_download).toBe(
      'https://files.slack.com/files-pri/T5YFFM2QY-F8VSW87RR/download/dirac72.md',
    )
  })

  it('lands conversations.history messages under the channel named in the options', async () => {
    const items = await readAll(join(samples, 'slackapi-java-slack-sdk-json-logs/conversations.history.json'), { channel: 'C0HISTORY' })
    expect(records(items).map((record) => record.sourceId)).toEqual(['C0HISTORY:0000000000.000000'])
  })
})

describe('token redaction', () => {
  it('strips URL queries in files and redacts tokens anywhere', () => {
    expect(stripUrlQuery('https://files.slack.com/a/b.md?t=xoxe-1-2#L3')).toBe('https://files.slack.com/a/b.md#L3')
    expect(stripUrlQuery('not a url?x=1')).toBe('not a url?x=1')
    const message = {
      ts: '1.0',
      text: 'my token is xoxb-123-456-abc and xoxe.xoxp-1-abc',
      files: [{ id: 'F1', thumb_64: 'https://files.slack.com/t.png?token=abc' }],
      root: { file: { id: 'F2', url_private: 'https://files.slack.com/x?t=secret' } },
    }
    expect(redactMessage(message)).toEqual({
      ts: '1.0',
      text: 'my token is [redacted-slack-token] and [redacted-slack-token]',
      files: [{ id: 'F1', thumb_64: 'https://files.slack.com/t.png' }],
      root: { file: { id: 'F2', url_private: 'https://files.slack.com/x' } },
    })
    expect(redactTokens({ a: { b: ['xapp-1-A1-2-xyz'] } })).toEqual({ a: { b: ['[redacted-slack-token]'] } })
  })
})

const own = 'T0OURS'
const profile = (first: string, last: string, extra: Record<string, unknown> = {}) => ({
  real_name: `${first} ${last}`,
  display_name: first.toLowerCase(),
  first_name: first,
  last_name: last,
  team: own,
  ...extra,
})

/** A corporate export: every conversation type, a Slack Connect channel with an external sender. */
const corporateExport: Record<string, unknown> = {
  // Day files sort before users.json and channels.json: the reader must still read those first.
  'D0ADABOB/2020-09-13.json': [{ type: 'message', user: 'U0ADA', text: 'psst <@U0BOB>', ts: '1600000000.000100' }],
  'acme-shared/2020-09-13.json': [
    {
      type: 'message',
      user: 'U0EXT',
      text: 'Hello from Acme',
      ts: '1600000100.000200',
      team: 'T0CUSTOMER',
      user_team: 'T0CUSTOMER',
      source_team: 'T0CUSTOMER',
      user_profile: { real_name: 'Grace Hopper', display_name: 'grace', name: 'grace.hopper', team: 'T0CUSTOMER' },
    },
    {
      type: 'message',
      user: 'U0ADA',
      text: 'Welcome <@U0EXT>!',
      ts: '1600000200.000300',
      thread_ts: '1600000100.000200',
      parent_user_id: 'U0EXT',
      user_team: own,
      user_profile: { real_name: 'Ada Lovelace', team: own },
      files: [
        {
          id: 'F0DECK',
          name: 'deck.pdf',
          title: 'Deck',
          mimetype: 'application/pdf',
          size: 1024,
          url_private: 'https://files.slack.com/files-pri/T0OURS-F0DECK/deck.pdf?t=xoxe-111-222-333',
        },
      ],
      reactions: [{ name: 'wave', users: ['U0EXT'], count: 1 }],
    },
    { type: 'message', user: 'U0EXT', text: 'Thanks!', ts: '1600000300.000400', user_team: 'T0CUSTOMER', edited: { user: 'U0EXT', ts: '1600000400.000000' } },
  ],
  'channels.json': [
    { id: 'C0GENERAL', name: 'general', created: '1600000000', creator: 'U0ADA', is_archived: false, is_general: true, members: ['U0ADA', 'U0BOB'], topic: { value: 'Company-wide', creator: 'U0ADA', last_set: '1600000000' }, purpose: { value: '', creator: '', last_set: 0 } },
    { id: 'C0SHARED', name: 'acme-shared', created: 1600000050, is_archived: false, is_shared: true, is_ext_shared: true, shared_team_ids: [own, 'T0CUSTOMER'], members: ['U0ADA'] },
  ],
  'dms.json': [{ id: 'D0ADABOB', created: 1600000000, members: ['U0ADA', 'U0BOB'] }],
  'general/2020-09-13.json': [
    { type: 'message', subtype: 'channel_join', user: 'U0BOB', text: '<@U0BOB> has joined the channel', ts: '1599999000.000001' },
    { type: 'message', subtype: 'bot_message', bot_id: 'B0DEPLOY', username: 'deploybot', text: 'Deployed v2', ts: '1600000500.000500' },
    { type: 'message', user: 'USLACKBOT', text: 'Reminder: standup', ts: '1600000600.000600' },
  ],
  'groups.json': [{ id: 'G0PRIVATE', name: 'secret-plans', created: 1600000000, creator: 'U0ADA', is_archived: true, members: ['U0ADA'] }],
  'integration_logs.json': [{ user_id: 'U0ADA', user_name: 'ada', date: '1600000000', change_type: 'added', service_type: 'GitHub' }],
  'mpdm-ada--bob--old-1/2020-09-14.json': [{ type: 'message', user: 'U0OLD', text: 'bye all', ts: '1600100000.000001' }],
  'mpims.json': [{ id: 'G0MPIM', name: 'mpdm-ada--bob--old-1', created: 1600000000, creator: 'U0ADA', is_archived: false, members: ['U0ADA', 'U0BOB', 'U0OLD'] }],
  'secret-plans/2020-09-14.json': [{ type: 'message', user: 'U0ADA', text: 'shh', ts: '1600100100.000001' }],
  'users.json': [
    { id: 'U0ADA', team_id: own, name: 'ada', real_name: 'Ada Lovelace', tz: 'Europe/London', updated: 1600000000, profile: profile('Ada', 'Lovelace', { email: 'ada@ours.example', title: 'CTO' }) },
    { id: 'U0BOB', team_id: own, name: 'bob', is_restricted: true, updated: '1600000001', profile: profile('Bob', 'Guest') },
    { id: 'U0OLD', team_id: own, name: 'old', deleted: true, profile: profile('Old', 'Timer') },
    { id: 'USLACKBOT', team_id: own, name: 'slackbot', is_bot: false, real_name: 'Slackbot', profile: { real_name: 'Slackbot', team: own } },
  ],
}

describe('a corporate export ZIP', () => {
  it('reads users and channel files first, derives the Slack Connect sender once, and completes users and channels', async () => {
    const zip = await writeZip(join(work, 'corporate.zip'), corporateExport)
    const items = await readAll(zip)
    expect(summary(items, work)).toMatchInlineSnapshot(`
      [
        "record user U0ADA @ users.json $[0]",
        "record user U0BOB @ users.json $[1]",
        "record user U0OLD @ users.json $[2]",
        "record user USLACKBOT @ users.json $[3]",
        "record channel C0GENERAL @ channels.json $[0]",
        "record channel_member C0GENERAL:U0ADA @ channels.json $[0].members[0]",
        "record channel_member C0GENERAL:U0BOB @ channels.json $[0].members[1]",
        "record channel C0SHARED @ channels.json $[1]",
        "record channel_member C0SHARED:U0ADA @ channels.json $[1].members[0]",
        "record team T0CUSTOMER @ channels.json $[1]",
        "record channel D0ADABOB @ dms.json $[0]",
        "record channel_member D0ADABOB:U0ADA @ dms.json $[0].members[0]",
        "record channel_member D0ADABOB:U0BOB @ dms.json $[0].members[1]",
        "record channel G0PRIVATE @ groups.json $[0]",
        "record channel_member G0PRIVATE:U0ADA @ groups.json $[0].members[0]",
        "record channel G0MPIM @ mpims.json $[0]",
        "record channel_member G0MPIM:U0ADA @ mpims.json $[0].members[0]",
        "record channel_member G0MPIM:U0BOB @ mpims.json $[0].members[1]",
        "record channel_member G0MPIM:U0OLD @ mpims.json $[0].members[2]",
        "record message D0ADABOB:1600000000.000100 @ D0ADABOB/2020-09-13.json $[0]",
        "record user U0EXT @ acme-shared/2020-09-13.json $[0]",
        "record message C0SHARED:1600000100.000200 @ acme-shared/2020-09-13.json $[0]",
        "record message C0SHARED:1600000200.000300 @ acme-shared/2020-09-13.json $[1]",
        "record message C0SHARED:1600000300.000400 @ acme-shared/2020-09-13.json $[2]",
        "record message C0GENERAL:1599999000.000001 @ general/2020-09-13.json $[0]",
        "record message C0GENERAL:1600000500.000500 @ general/2020-09-13.json $[1]",
        "record message C0GENERAL:1600000600.000600 @ general/2020-09-13.json $[2]",
        "skipped @ integration_logs.json",
        "record message G0MPIM:1600100000.000001 @ mpdm-ada--bob--old-1/2020-09-14.json $[0]",
        "record message G0PRIVATE:1600100100.000001 @ secret-plans/2020-09-14.json $[0]",
        "complete user",
        "complete channel",
        "complete channel_member",
      ]
    `)
    expect(JSON.stringify(items)).not.toMatch(/xox/)
  })

  it('lands the external user from the first message, the DM by its D-folder, and normalises everything', async () => {
    const items = await readAll(join(work, 'corporate.zip'))
    const external = records(items, 'user').find((record) => record.sourceId === 'U0EXT')
    expect({ ...external, provenance: { ...external?.provenance, file: relative(work, external?.provenance.file ?? '') } }).toMatchInlineSnapshot(`
      {
        "inferred": true,
        "objectType": "user",
        "payload": {
          "derived_from": "message",
          "id": "U0EXT",
          "is_external": true,
          "name": "grace.hopper",
          "profile": {
            "display_name": "grace",
            "name": "grace.hopper",
            "real_name": "Grace Hopper",
            "team": "T0CUSTOMER",
          },
          "team_id": "T0CUSTOMER",
        },
        "provenance": {
          "entry": "acme-shared/2020-09-13.json",
          "file": "corporate.zip",
          "path": "$[0]",
        },
        "sourceId": "U0EXT",
        "sourceUpdatedAt": "2020-09-13T12:28:20.000Z",
      }
    `)
    expect(records(items, 'message').find((record) => record.sourceId.startsWith('D0ADABOB:'))?.payload.channel).toBe('D0ADABOB')
    expect(records(items, 'channel').map((record) => [record.sourceId, record.payload.conversation_type])).toEqual([
      ['C0GENERAL', 'channel'],
      ['C0SHARED', 'channel'],
      ['D0ADABOB', 'dm'],
      ['G0PRIVATE', 'private_channel'],
      ['G0MPIM', 'group_dm'],
    ])
    const { kinds, issues } = normalizeAll(items, { ownTeamId: own })
    expect(issues).toEqual([])
    expect(kinds).toMatchInlineSnapshot(`
      {
        "conversation": 5,
        "link": 9,
        "message": 9,
        "organization": 1,
        "person": 5,
      }
    `)
    const person = slackConnector.normalize({ system: 'slack', ...external!, sourceUpdatedAt: external?.sourceUpdatedAt }, { settings: { ownTeamId: own } })
    expect(person.records[0]).toMatchObject({ kind: 'person', internal: false, externalTeamId: 'T0CUSTOMER', name: { full: 'Grace Hopper' } })
  })

  it('derives no external user when the own team is unknown and no users.json says it', async () => {
    const items = await readAll(await writeZip(join(work, 'no-users.zip'), without(corporateExport, 'users.json')))
    expect(records(items, 'user')).toEqual([])
    // Nor a Slack Connect team: which of the shared channel's teams is ours is unknown.
    expect(records(items, 'team')).toEqual([])
    const withOption = await readAll(join(work, 'no-users.zip'), { ownTeamId: own })
    expect(records(withOption, 'user').map((record) => record.sourceId)).toEqual(['U0EXT'])
    expect(records(withOption, 'team')).toMatchObject([{ sourceId: 'T0CUSTOMER', inferred: true }])
    expect(withOption.filter((item) => item.type === 'complete')).toEqual([
      { type: 'complete', objectType: 'channel' },
      { type: 'complete', objectType: 'channel_member' },
    ])
    // A public-only export (channels.json without groups, dms and mpims) claims nothing about channels.
    const publicOnly = without(corporateExport, 'groups.json', 'dms.json', 'mpims.json')
    const publicItems = await readAll(await writeZip(join(work, 'public.zip'), publicOnly))
    expect(publicItems.filter((item) => item.type === 'complete')).toEqual([{ type: 'complete', objectType: 'user' }])
  })
})

describe('an Enterprise Grid org export', () => {
  it('resolves day folders per workspace, shared channels at the root, and counts every org team as ours', async () => {
    const zip = await writeZip(join(work, 'grid.zip'), {
      'org_users.json': [
        { id: 'W0ADA', team_id: 'T0ACME', name: 'ada', enterprise_user: { id: 'W0ADA', enterprise_id: 'E0ORG' }, profile: profile('Ada', 'Lovelace') },
        { id: 'W0BEA', team_id: 'T0BETA', name: 'bea', enterprise_user: { id: 'W0BEA', enterprise_id: 'E0ORG' }, profile: profile('Bea', 'Beta') },
      ],
      'channels.json': [{ id: 'C0ANNOUNCE', name: 'announce', created: 1610000000, is_org_shared: true, members: ['W0ADA', 'W0BEA'] }],
      'announce/2021-01-01.json': [{ type: 'message', user: 'W0ADA', text: 'all hands', ts: '1610000000.000001' }],
      'teams/acme/users.json': [{ id: 'W0ADA', team_id: 'T0ACME', name: 'ada' }],
      'teams/acme/channels.json': [{ id: 'C0ACMEGEN', name: 'general', created: 1610000000, members: ['W0ADA'] }],
      'teams/acme/groups.json': [],
      'teams/acme/dms.json': [],
      'teams/acme/mpims.json': [],
      'teams/acme/general/2021-01-01.json': [{ type: 'message', user: 'W0ADA', text: 'acme general', ts: '1610000001.000001', user_team: 'T0ACME' }],
      'teams/beta/channels.json': [{ id: 'C0BETAGEN', name: 'general', created: 1610000000, members: ['W0BEA'] }],
      'teams/beta/general/2021-01-01.json': [
        // A member of the org missing from the users files is not a Slack Connect external.
        { type: 'message', user: 'W0NEW', text: 'beta general', ts: '1610000002.000001', user_team: 'T0BETA' },
        { type: 'message', user: 'U0EXT', text: 'hi from outside', ts: '1610000003.000001', user_team: 'T0CUSTOMER', user_profile: { real_name: 'Out Sider' } },
      ],
      // A shared channel's folder inside a workspace resolves through the root's channels.json.
      'teams/beta/announce/2021-01-02.json': [{ type: 'message', user: 'W0BEA', text: 'seen in beta', ts: '1610000004.000001' }],
    })
    const items = await readAll(zip)
    expect(rejects(items)).toEqual([])
    expect(summary(items, work)).toMatchInlineSnapshot(`
      [
        "record user W0ADA @ org_users.json $[0]",
        "record user W0BEA @ org_users.json $[1]",
        "record channel C0ANNOUNCE @ channels.json $[0]",
        "record channel_member C0ANNOUNCE:W0ADA @ channels.json $[0].members[0]",
        "record channel_member C0ANNOUNCE:W0BEA @ channels.json $[0].members[1]",
        "record channel C0ACMEGEN @ teams/acme/channels.json $[0]",
        "record channel_member C0ACMEGEN:W0ADA @ teams/acme/channels.json $[0].members[0]",
        "record channel C0BETAGEN @ teams/beta/channels.json $[0]",
        "record channel_member C0BETAGEN:W0BEA @ teams/beta/channels.json $[0].members[0]",
        "record message C0ANNOUNCE:1610000000.000001 @ announce/2021-01-01.json $[0]",
        "record message C0ACMEGEN:1610000001.000001 @ teams/acme/general/2021-01-01.json $[0]",
        "record message C0ANNOUNCE:1610000004.000001 @ teams/beta/announce/2021-01-02.json $[0]",
        "record message C0BETAGEN:1610000002.000001 @ teams/beta/general/2021-01-01.json $[0]",
        "record user U0EXT @ teams/beta/general/2021-01-01.json $[1]",
        "record message C0BETAGEN:1610000003.000001 @ teams/beta/general/2021-01-01.json $[1]",
        "complete user",
        "complete channel",
        "complete channel_member",
      ]
    `)
    const { issues } = normalizeAll(items, { ownTeamIds: ['T0ACME', 'T0BETA'], ownEnterpriseId: 'E0ORG' })
    expect(issues).toEqual([])
  })
})

describe('a channel with a very large member list', () => {
  it('lands each membership as a small record of its own, so no record grows with the workspace', async () => {
    const members = Array.from({ length: 50_000 }, (_, index) => `U${String(index).padStart(8, '0')}`)
    const folder = join(work, 'big-channel')
    await mkdir(folder, { recursive: true })
    await writeFile(join(folder, 'channels.json'), JSON.stringify([{ id: 'C0GENERAL', name: 'general', created: 1, members }]))
    const records = (await readAll(folder)).flatMap((item) => (item.type === 'record' ? [item.record] : []))
    expect(records).toHaveLength(50_001)
    expect(records[0]).toMatchObject({ objectType: 'channel', sourceId: 'C0GENERAL', payload: { member_count: 50_000 } })
    expect(records[0]!.payload).not.toHaveProperty('members')
    expect(records[50_000]).toMatchObject({ objectType: 'channel_member', sourceId: 'C0GENERAL:U00049999', provenance: { path: '$[0].members[49999]' } })
  })
})

describe('bad input', () => {
  it('rejects what is broken with its code and location, and keeps everything around it', async () => {
    const root = await writeFolder(join(work, 'bad'), {
      'users.json': [{ id: 'U0ADA', team_id: own, name: 'ada' }, { id: 5, name: 'numeric id' }, { id: 'U0BOB', team_id: own }],
      'channels.json': [{ id: 'C0GENERAL', name: 'general', created: '1600000000', members: ['U0ADA'] }],
      'dms.json': { not: 'an array' },
      'general/2020-01-01.json': '[{"type": "message", "ts": "1577836800.000100", "text": "cut off',
      'general/2020-01-02.json': [
        { type: 'message', user: 'U0ADA', text: 'one', ts: '1577923200.000100' },
        { type: 'message', user: 'U0ADA', text: 'two', ts: '1577923201.000100' },
        { type: 'message', user: 'U0ADA', text: 'no ts; the token xoxb-999 stays out of the reject' },
        { type: 'message', user: 'U0BOB', text: 'four', ts: '1577923203.000100' },
      ],
      'ghost/2020-01-01.json': [{ type: 'message', user: 'U0ADA', text: 'nobody lists this folder', ts: '1577836900.000100' }],
      'error.json': { ok: false, error: 'invalid_auth' },
      'empty.json': '',
      // A loose message array with a UTF-8 byte order mark, naming its channel itself.
      'bom.json': '\uFEFF [{"type": "message", "ts": "1577836950.000100", "text": "bom", "channel": "C0GENERAL"}]',
      'notes.txt': 'not json at all',
    })
    const items = await readAll(root)
    expect(summary(items, root)).toMatchInlineSnapshot(`
      [
        "record user U0ADA @ users.json $[0]",
        "reject E_SCHEMA user @ users.json $[1].id",
        "record user U0BOB @ users.json $[2]",
        "record channel C0GENERAL @ channels.json $[0]",
        "record channel_member C0GENERAL:U0ADA @ channels.json $[0].members[0]",
        "reject E_JSON_SHAPE channel @ dms.json $",
        "record message C0GENERAL:1577836950.000100 @ bom.json $[0]",
        "reject E_EMPTY_INPUT  @ empty.json",
        "reject E_SLACK_ERROR_RESPONSE  @ error.json",
        "reject E_JSON_SYNTAX message @ general/2020-01-01.json",
        "record message C0GENERAL:1577923200.000100 @ general/2020-01-02.json $[0]",
        "record message C0GENERAL:1577923201.000100 @ general/2020-01-02.json $[1]",
        "reject E_SCHEMA message @ general/2020-01-02.json $[2].ts",
        "record message C0GENERAL:1577923203.000100 @ general/2020-01-02.json $[3]",
        "record message name:ghost:1577836900.000100 @ ghost/2020-01-01.json $[0]",
        "skipped @ notes.txt",
      ]
    `)
    expect(rejects(items).map(({ code, message, location, objectType }) => ({ code, message: message.replace(root, '<root>'), path: location.path, line: location.line, objectType }))).toMatchInlineSnapshot(`
      [
        {
          "code": "E_SCHEMA",
          "line": undefined,
          "message": "<root>/users.json, at $[1]: the value does not have the expected shape: $[1].id: Invalid input: expected string, received number.",
          "objectType": "user",
          "path": "$[1].id",
        },
        {
          "code": "E_JSON_SHAPE",
          "line": undefined,
          "message": "<root>/dms.json: expected an array at $, found an object.",
          "objectType": "channel",
          "path": "$",
        },
        {
          "code": "E_EMPTY_INPUT",
          "line": undefined,
          "message": "<root>/empty.json: the file is empty; it must hold a JSON document.",
          "objectType": undefined,
          "path": undefined,
        },
        {
          "code": "E_SLACK_ERROR_RESPONSE",
          "line": undefined,
          "message": "<root>/error.json: a Slack Web API error response ("error": "invalid_auth"), which holds no data; save a successful response (ok: true) instead.",
          "objectType": undefined,
          "path": undefined,
        },
        {
          "code": "E_JSON_SYNTAX",
          "line": 1,
          "message": "<root>/general/2020-01-01.json, line 1, column 65: invalid JSON: the document ends before it is complete (an array, object or string is not closed). The file must hold one JSON document.",
          "objectType": "message",
          "path": undefined,
        },
        {
          "code": "E_SCHEMA",
          "line": undefined,
          "message": "<root>/general/2020-01-02.json, at $[2]: the value does not have the expected shape: $[2].ts: Invalid input: expected string, received undefined.",
          "objectType": "message",
          "path": "$[2].ts",
        },
      ]
    `)
    expect(JSON.stringify(items)).not.toMatch(/xox/)
    // Rejects of users and channels withhold their completeness.
    expect(items.filter((item) => item.type === 'complete')).toEqual([])
  })

  it('lands messages of an unknown folder under name:<folder>, and normalisation reports them', async () => {
    const items = await readAll(join(work, 'bad', 'ghost', '2020-01-01.json'))
    expect(records(items).map((record) => record.sourceId)).toEqual(['name:ghost:1577836900.000100'])
    expect(normalizeAll(items).issues.map((issue) => issue.code)).toEqual(['W_UNRESOLVED_CHANNEL'])
  })

  it('refuses a malformed option before reading', async () => {
    await expect(readAll(samples, { channel: 'general' })).rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringContaining('channel') })
  })
})
