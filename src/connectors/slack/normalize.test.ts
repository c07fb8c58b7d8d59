import { describe, expect, it } from 'vitest'
import { canonicalRecordSchema } from '../../schema/canonical.ts'
import type { LandedRecord, NormalizeContext, NormalizeResult } from '../types.ts'
import { normalizeSlackRecord } from './normalize.ts'

const ours: NormalizeContext = { settings: { ownTeamId: 'T0OURS' } }
const unknownTeam: NormalizeContext = { settings: {} }

function landed(objectType: string, sourceId: string, payload: Record<string, unknown>, sourceUpdatedAt?: string): LandedRecord {
  return { system: 'slack', objectType, sourceId, payload, sourceUpdatedAt }
}

/** Normalises and checks every produced record against the canonical schema. */
function normalize(record: LandedRecord, context: NormalizeContext = ours): NormalizeResult {
  const result = normalizeSlackRecord(record, context)
  for (const canonical of result.records) expect(canonicalRecordSchema.parse(canonical)).toEqual(canonical)
  return result
}

const member = {
  id: 'U061A1R2R',
  team_id: 'T0OURS',
  name: 'ada',
  deleted: false,
  real_name: ' Ada Lovelace ',
  tz: 'Europe/London',
  is_bot: false,
  is_restricted: false,
  is_ultra_restricted: false,
  updated: 1700000000,
  profile: {
    real_name: 'Ada Lovelace',
    display_name: 'ada',
    first_name: 'Ada',
    last_name: 'Lovelace',
    email: 'Ada@Example.com',
    phone: '+44 20 7946 0000',
    title: 'Analyst',
    team: 'T0OURS',
  },
}

describe('user → person', () => {
  it('maps a member of our workspace with a full profile', () => {
    expect(normalize(landed('user', member.id, member, '2023-11-14T22:13:20.000Z'))).toMatchInlineSnapshot(`
      {
        "issues": [],
        "records": [
          {
            "emails": [
              {
                "address": "Ada@Example.com",
                "type": "work",
              },
            ],
            "externalIds": [],
            "internal": true,
            "isBot": false,
            "kind": "person",
            "name": {
              "family": "Lovelace",
              "full": "Ada Lovelace",
              "given": "Ada",
              "preferred": "ada",
            },
            "phones": [
              {
                "number": "+44 20 7946 0000",
                "type": "work",
              },
            ],
            "status": "active",
            "timezone": "Europe/London",
            "title": "Analyst",
            "updatedAt": "2023-11-14T22:13:20.000Z",
          },
        ],
      }
    `)
  })

  it('treats a user as ours when the own team is unknown and nothing says otherwise', () => {
    const [person] = normalize(landed('user', 'U1', { id: 'U1', team_id: 'T0OTHER' }), unknownTeam).records
    expect(person).toMatchObject({ kind: 'person', internal: true, status: 'active' })
  })

  it('marks guests, deleted users and bots (USLACKBOT says is_bot false)', () => {
    const guest = normalize(landed('user', 'U2', { ...member, id: 'U2', is_ultra_restricted: true })).records[0]
    const deleted = normalize(landed('user', 'U3', { ...member, id: 'U3', deleted: true, is_restricted: true })).records[0]
    const slackbot = normalize(landed('user', 'USLACKBOT', { id: 'USLACKBOT', team_id: 'T0OURS', is_bot: false, real_name: 'Slackbot', profile: {} })).records[0]
    const bot = normalize(landed('user', 'U4', { id: 'U4', is_bot: true, deleted: false, profile: { real_name: 'deploybot', bot_id: 'B1' } })).records[0]
    expect([guest, deleted, slackbot, bot].map((p) => p?.kind === 'person' && [p.status, p.isBot, p.internal])).toEqual([
      ['guest', false, true],
      ['deleted', false, true],
      ['active', true, true],
      ['active', true, true],
    ])
  })

  it('maps a Slack Connect sender derived from a message as external, without guessing an account state', () => {
    const derived = {
      id: 'U0EXT1',
      team_id: 'T0CUSTOMER',
      name: 'grace',
      profile: { real_name: 'Grace Hopper', display_name: 'grace', team: 'T0CUSTOMER', name: 'grace' },
      is_external: true,
      derived_from: 'message',
    }
    // Externality is stated by the record, so it holds with or without the own team id.
    expect(normalize(landed('user', 'U0EXT1', derived), unknownTeam)).toEqual(normalize(landed('user', 'U0EXT1', derived)))
    expect(normalize(landed('user', 'U0EXT1', derived))).toMatchInlineSnapshot(`
      {
        "issues": [],
        "records": [
          {
            "emails": [],
            "externalIds": [],
            "externalTeamId": "T0CUSTOMER",
            "internal": false,
            "isBot": false,
            "kind": "person",
            "name": {
              "full": "Grace Hopper",
              "preferred": "grace",
            },
            "phones": [],
          },
        ],
      }
    `)
  })

  it('decides externality by team id when the own team is known (API users.info of a stranger)', () => {
    const stranger = { id: 'W0X', team_id: 'T0CUSTOMER', is_stranger: false, real_name: 'Linus', profile: { email: '' } }
    expect(normalize(landed('user', 'W0X', stranger)).records[0]).toMatchObject({ internal: false, externalTeamId: 'T0CUSTOMER', emails: [] })
    const flagged = { id: 'W0Y', team_id: 'T0OURS', is_stranger: true }
    expect(normalize(landed('user', 'W0Y', flagged)).records[0]).toMatchObject({ internal: false, externalTeamId: 'T0OURS' })
  })

  it('keeps members of other workspaces of our Enterprise Grid org internal', () => {
    const gridUser = { id: 'W0G', team_id: 'T0SISTER', enterprise_user: { id: 'W0G', enterprise_id: 'E0ORG' } }
    const context = { settings: { ownTeamIds: ['T0OURS'], ownEnterpriseId: 'E0ORG' } }
    expect(normalize(landed('user', 'W0G', gridUser), context).records[0]).toMatchObject({ internal: true })
    const enterpriseAlias = { id: 'U0LOCAL', team_id: 'T0OURS', enterprise_user: { id: 'W0G', enterprise_id: 'E0ORG' } }
    expect(normalize(landed('user', 'U0LOCAL', enterpriseAlias), context).records[0]).toMatchObject({
      externalIds: [{ type: 'slack_enterprise_user_id', value: 'W0G' }],
    })
  })

  it('reports a payload that does not fit instead of throwing', () => {
    expect(normalize(landed('user', 'U5', { id: 'U5', profile: { email: 42 } }))).toMatchInlineSnapshot(`
      {
        "issues": [
          {
            "code": "E_SCHEMA",
            "message": "Slack user U5: profile.email: Invalid input: expected string, received number.",
            "path": "profile.email",
          },
        ],
        "records": [],
      }
    `)
  })
})

describe('channel → conversation + member_of links', () => {
  it('maps an export channel with string timestamps and its members', () => {
    const channel = {
      id: 'C061A0WJG',
      name: 'random',
      created: '1433558319',
      is_general: false,
      members: ['U061A1R2R', 'U061A5N1G'],
      is_archived: true,
      topic: { value: 'random', creator: '', last_set: '0' },
      purpose: { value: ' ' },
      conversation_type: 'channel',
    }
    expect(normalize(landed('channel', channel.id, channel))).toMatchInlineSnapshot(`
      {
        "issues": [],
        "records": [
          {
            "archived": true,
            "conversationType": "channel",
            "createdAt": "2015-06-06T02:38:39.000Z",
            "externallyShared": false,
            "kind": "conversation",
            "name": "random",
            "sharedTeamIds": [],
            "topic": "random",
          },
          {
            "attributes": {},
            "from": {
              "objectType": "user",
              "sourceId": "U061A1R2R",
              "system": "slack",
            },
            "kind": "link",
            "linkType": "member_of",
            "to": {
              "objectType": "channel",
              "sourceId": "C061A0WJG",
              "system": "slack",
            },
          },
          {
            "attributes": {},
            "from": {
              "objectType": "user",
              "sourceId": "U061A5N1G",
              "system": "slack",
            },
            "kind": "link",
            "linkType": "member_of",
            "to": {
              "objectType": "channel",
              "sourceId": "C061A0WJG",
              "system": "slack",
            },
          },
        ],
      }
    `)
  })

  it('maps a self-DM to one member and a DM without conversation_type by its id', () => {
    const records = normalize(landed('channel', 'DRS3PSLDK', { id: 'DRS3PSLDK', created: 1555422321, members: ['U064KUGRJ', 'U064KUGRJ'] })).records
    expect(records).toHaveLength(2)
    expect(records[0]).toMatchObject({ kind: 'conversation', conversationType: 'dm', createdAt: '2019-04-16T13:45:21.000Z' })
    expect(records[0]).not.toHaveProperty('name')
  })

  it('derives the type of API conversations from their flags', () => {
    const types = [
      { id: 'G1', is_mpim: true, is_private: true },
      { id: 'C2', is_private: true },
      { id: 'G3', is_group: true },
      { id: 'C4', is_channel: true },
      { id: 'C5', is_im: true },
    ].map((channel) => normalize(landed('channel', channel.id, channel)).records[0])
    expect(types.map((c) => c?.kind === 'conversation' && c.conversationType)).toEqual(['group_dm', 'private_channel', 'private_channel', 'channel', 'dm'])
  })

  it('lists only foreign teams of a Slack Connect channel', () => {
    const shared = {
      id: 'C0SHARED',
      name: 'acme-ext',
      is_shared: true,
      is_ext_shared: true,
      shared_team_ids: ['T0OURS', 'T0CUSTOMER'],
      connected_team_ids: ['T0CUSTOMER', 'T0PARTNER'],
      context_team_id: 'T0OURS',
    }
    expect(normalize(landed('channel', shared.id, shared)).records[0]).toMatchObject({ externallyShared: true, sharedTeamIds: ['T0CUSTOMER', 'T0PARTNER'] })
    // Without the own team id, the channel's context team and internal teams still tell ours apart.
    const orgShared = { id: 'C0ORG', is_shared: true, is_org_shared: true, shared_team_ids: ['T0A', 'T0B'], internal_team_ids: ['T0A', 'T0B'] }
    expect(normalize(landed('channel', orgShared.id, orgShared), unknownTeam).records[0]).toMatchObject({ externallyShared: false, sharedTeamIds: [] })
  })
})

describe('message → message', () => {
  it('maps a thread reply with mentions in text and blocks, reactions and an edit', () => {
    const message = {
      type: 'message',
      user: 'U061A1R2R',
      text: ' hi <@U061A5N1G> and <@W0EXT|grace> ',
      ts: '1434139103.000002',
      thread_ts: '1434139102.000002',
      parent_user_id: 'U061A5N1G',
      edited: { user: 'U061A1R2R', ts: '1434139200.123999' },
      reactions: [
        { name: 'tada', users: ['U061A5N1G', 'U064KUGRJ'], count: 2 },
        { name: ' ', users: ['U1'], count: 1 },
      ],
      blocks: [{ type: 'rich_text', elements: [{ type: 'rich_text_section', elements: [{ type: 'user', user_id: 'U0BLOCK' }, { type: 'user', user_id: 'U061A5N1G' }] }] }],
      channel: 'C061A0WJG',
    }
    expect(normalize(landed('message', 'C061A0WJG:1434139103.000002', message))).toMatchInlineSnapshot(`
      {
        "issues": [],
        "records": [
          {
            "authorRef": {
              "objectType": "user",
              "sourceId": "U061A1R2R",
              "system": "slack",
            },
            "conversationRef": {
              "objectType": "channel",
              "sourceId": "C061A0WJG",
              "system": "slack",
            },
            "editedAt": "2015-06-12T20:00:00.123Z",
            "files": [],
            "kind": "message",
            "mentionRefs": [
              {
                "objectType": "user",
                "sourceId": "U061A5N1G",
                "system": "slack",
              },
              {
                "objectType": "user",
                "sourceId": "W0EXT",
                "system": "slack",
              },
              {
                "objectType": "user",
                "sourceId": "U0BLOCK",
                "system": "slack",
              },
            ],
            "reactions": [
              {
                "count": 2,
                "name": "tada",
                "userRefs": [
                  {
                    "objectType": "user",
                    "sourceId": "U061A5N1G",
                    "system": "slack",
                  },
                  {
                    "objectType": "user",
                    "sourceId": "U064KUGRJ",
                    "system": "slack",
                  },
                ],
              },
            ],
            "sentAt": "2015-06-12T19:58:23.000Z",
            "text": "hi <@U061A5N1G> and <@W0EXT|grace>",
            "threadTs": "1434139102.000002",
            "ts": "1434139103.000002",
          },
        ],
      }
    `)
  })

  it('names a bot author and keeps file metadata of legacy file and modern files', () => {
    const botMessage = { type: 'message', subtype: 'bot_message', bot_id: 'B1', username: 'deploybot', text: 'deployed', ts: '1516457078.000065', channel: 'C1' }
    expect(normalize(landed('message', 'C1:1516457078.000065', botMessage)).records[0]).toMatchObject({ authorName: 'deploybot', subtype: 'bot_message' })
    expect(normalize(landed('message', 'C1:1516457078.000065', botMessage)).records[0]).not.toHaveProperty('authorRef')

    const fileShare = {
      type: 'message',
      subtype: 'file_share',
      user: 'U6006P1CN',
      text: '<@U6006P1CN> uploaded a file',
      ts: '1516457078.000065',
      file: { id: 'F8VSW87RR', name: 'dirac72.md', title: 'dirac72.md', mimetype: 'text/plain', size: 5755 },
      files: [{ id: 'F07A32DC2GG', name: 'Untitled', title: 'Weekly Sync', mimetype: 'application/vnd.slack-docs', size: 602 }, { id: '', mode: 'tombstone' }],
      channel: 'C1',
    }
    expect(normalize(landed('message', 'C1:1516457078.000065', fileShare)).records[0]).toMatchObject({
      files: [
        { id: 'F07A32DC2GG', name: 'Untitled', title: 'Weekly Sync', mimetype: 'application/vnd.slack-docs', size: 602 },
        { id: 'F8VSW87RR', name: 'dirac72.md', title: 'dirac72.md', mimetype: 'text/plain', size: 5755 },
      ],
      mentionRefs: [{ sourceId: 'U6006P1CN' }],
    })
  })

  it('does not count the actor of a join as a mention', () => {
    const join = { user: 'U8VAHEVUY', text: '<@U8VAHEVUY> has joined the channel', type: 'message', subtype: 'channel_join', ts: '1516454398.000069', channel: 'C1' }
    expect(normalize(landed('message', 'C1:1516454398.000069', join)).records[0]).toMatchObject({ mentionRefs: [], subtype: 'channel_join' })
  })

  it('reports messages whose channel the reader could not resolve, and still maps them', () => {
    const loose = { type: 'message', user: 'U1', text: 'hello', ts: '1434139102.000002', channel: 'name:random' }
    const result = normalize(landed('message', 'name:random:1434139102.000002', loose))
    expect(result.records[0]).toMatchObject({ conversationRef: { sourceId: 'name:random' } })
    expect(result.issues).toMatchInlineSnapshot(`
      [
        {
          "code": "W_UNRESOLVED_CHANNEL",
          "message": "Slack message name:random:1434139102.000002: no channel file of its import named its channel, so it landed under "name:random"; import it together with the export's channels.json, groups.json, dms.json and mpims.json, or give loose message files the channel id (import option channel).",
          "path": "channel",
        },
      ]
    `)
  })

  it('reports an unknown object type', () => {
    expect(normalize(landed('workspace', 'T1', { id: 'T1' })).issues[0]?.code).toBe('E_UNKNOWN_OBJECT_TYPE')
  })
})

describe('team → organisation', () => {
  it('names a Slack Connect team after the shared channel that reaches it', () => {
    expect(normalize(landed('team', 'T0ACME', { id: 'T0ACME', channel: 'ext-acme-corp' })).records).toEqual([
      { kind: 'organization', domains: [], slackTeamId: 'T0ACME', internal: false, name: 'acme-corp' },
    ])
  })

  it('prefers a name the record carries, and leaves a team whose channel names nobody unnamed', () => {
    expect(normalize(landed('team', 'T0ACME', { id: 'T0ACME', name: 'Acme Corp', channel: 'ext-acme' })).records[0]).toMatchObject({ name: 'Acme Corp' })
    expect(normalize(landed('team', 'T0X', { id: 'T0X', channel: 'ext-x' })).records[0]).not.toHaveProperty('name')
  })
})

describe('channel_member → member_of link', () => {
  it('links the user to the channel', () => {
    expect(normalize(landed('channel_member', 'C01GENERAL:U01ADA', { channel: 'C01GENERAL', user: 'U01ADA' }))).toEqual({
      records: [
        {
          kind: 'link',
          linkType: 'member_of',
          from: { system: 'slack', objectType: 'user', sourceId: 'U01ADA' },
          to: { system: 'slack', objectType: 'channel', sourceId: 'C01GENERAL' },
          attributes: {},
        },
      ],
      issues: [],
    })
  })

  it('reports a membership without a user', () => {
    expect(normalize(landed('channel_member', 'C1:', { channel: 'C1' })).issues).toMatchObject([{ code: 'E_SCHEMA', path: 'user' }])
  })
})
