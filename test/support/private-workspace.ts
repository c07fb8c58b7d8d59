/**
 * A hand-built Slack workspace export for access tests: a few people of our own and one of a partner
 * (in a Slack Connect channel), a public channel and private conversations of every kind (a private
 * channel, DMs, a self-DM, a group DM, a private shared channel), each with known members. Every
 * private message carries a canary string of its own, so whether an answer leaks it is a substring
 * search; the people carry phone numbers and personal emails, so whether an answer unmasks them is one
 * too. Private messages mention people who are not members, so those people's profiles reach them.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

export interface WorkspacePerson {
  slackId: string
  name: string
  email: string
  /** As the Slack profile writes it; null when the profile has none. */
  phone: string | null
  /** The same number in E.164, as resolution keys it. */
  e164: string | null
  internal: boolean
}

export interface WorkspaceConversation {
  id: string
  /** The day-file folder: the name, or the id for a DM. */
  folder: string
  name: string | null
  file: 'channels.json' | 'groups.json' | 'dms.json' | 'mpims.json'
  members: readonly string[]
  shared?: boolean
  messages: readonly WorkspaceMessage[]
}

export interface WorkspaceMessage {
  author: string
  /** Seconds since the epoch: the message's ts is `${seconds}.000100`. */
  seconds: number
  text: string
  /** Present on every message of a private conversation, and in its text. */
  canary: string | null
}

export const OUR_TEAM = 'T0QRWOURS1'
export const PARTNER_TEAM = 'T0QRWPART1'

const person = (slackId: string, name: string, email: string, phone: string | null, e164: string | null, internal = true): WorkspacePerson => ({
  slackId,
  name,
  email,
  phone,
  e164,
  internal,
})

export const PEOPLE = {
  adaline: person('U0QRWADA01', 'Adaline Quorrow', 'adaline@quorrow-works.io', '+44 20 7946 0101', '+442079460101'),
  benedikt: person('U0QRWBEN02', 'Benedikt Yarrowby', 'benedikt@quorrow-works.io', '+44 (0)20 7946 0102', '+442079460102'),
  // Her only address is a personal one (a token's subject can name her by it); her number has no
  // country code, so resolution keys it nowhere and only its raw text can be masked.
  cassia: person('U0QRWCAS03', 'Cassia Vantongeren', 'cassia.vantongeren.home@gmail.com', '020 7946 0103', null),
  dovid: person('U0QRWDOV04', 'Dovid Fairweathers', 'dovid@quorrow-works.io', '+44 20 7946 0104', '+442079460104'),
  emrys: person('U0QRWEMR05', 'Emrys Tallowmere', 'emrys@partnerly-ltd.io', '+44 20 7946 0105', '+442079460105', false),
  fenna: person('U0QRWFEN06', 'Fenna Oduyami', 'fenna@quorrow-works.io', '+44 20 7946 0106', '+442079460106'),
  gilda: person('U0QRWGIL07', 'Gilda Marchbanke', 'gilda.marchbanke@outlook.com', null, null),
} as const satisfies Record<string, WorkspacePerson>

export type PersonKey = keyof typeof PEOPLE

const at = (day: number, minute: number) => Date.UTC(2026, 1, day, 9, minute) / 1000
const mention = (key: PersonKey) => `<@${PEOPLE[key].slackId}>`

/** A private message: its canary is unique to it (and no canary is the start of another), and its time to private messages. */
function secret(conversation: string, n: number, author: PersonKey, seconds: number, words: string): WorkspaceMessage {
  const canary = `CNRY${conversation}X${n}Q`
  return { author: PEOPLE[author].slackId, seconds, text: `${words} ${canary}`, canary }
}
const open = (author: PersonKey, seconds: number, text: string): WorkspaceMessage => ({ author: PEOPLE[author].slackId, seconds, text, canary: null })

const ids = (...keys: PersonKey[]) => keys.map((key) => PEOPLE[key].slackId)

export const CONVERSATIONS: readonly WorkspaceConversation[] = [
  {
    id: 'C0QRWLOBBY',
    folder: 'quorrow-lobby',
    name: 'quorrow-lobby',
    file: 'channels.json',
    members: ids('adaline', 'benedikt', 'cassia', 'dovid', 'fenna', 'gilda'),
    messages: [
      open('adaline', Date.UTC(2026, 0, 5, 9) / 1000, 'Morning all, the lobby is open.'),
      open('benedikt', Date.UTC(2026, 0, 5, 10) / 1000, `Welcome ${mention('cassia')}, ask ${mention('adaline')} for the keys.`),
      open('fenna', Date.UTC(2026, 0, 6, 9) / 1000, `My desk line is ${PEOPLE.fenna.phone}, or fenna@quorrow-works.io.`),
      open('gilda', Date.UTC(2026, 0, 6, 10) / 1000, 'Back on Monday.'),
      // Someone else's number in a message: a profile must mask more than its own person's values.
      open('adaline', Date.UTC(2026, 0, 7, 9) / 1000, `${mention('cassia')} is on her mobile today: ${PEOPLE.cassia.phone}.`),
      open('benedikt', Date.UTC(2026, 0, 7, 10) / 1000, `Gilda asked me to share her address, ${PEOPLE.gilda.email}.`),
    ],
  },
  {
    id: 'G0QRWPLANS',
    folder: 'quorrow-hush-plans',
    name: 'quorrow-hush-plans',
    file: 'groups.json',
    members: ids('adaline', 'benedikt'),
    messages: [
      secret('plans', 1, 'adaline', at(2, 1), `The reorganisation moves ${mention('cassia')} to Lisbon.`),
      secret('plans', 2, 'benedikt', at(2, 2), `Agreed. Call me on ${PEOPLE.benedikt.phone} before the board.`),
      secret('plans', 3, 'adaline', at(2, 3), `And tell ${mention('fenna')} nothing yet.`),
    ],
  },
  {
    id: 'D0QRWADCA1',
    folder: 'D0QRWADCA1',
    name: null,
    file: 'dms.json',
    members: ids('adaline', 'cassia'),
    messages: [
      secret('dmac', 1, 'adaline', at(3, 1), 'Are you free for a private word?'),
      secret('dmac', 2, 'cassia', at(3, 2), `Yes: my personal mail is ${PEOPLE.cassia.email}, my mobile ${PEOPLE.cassia.phone}.`),
      secret('dmac', 3, 'cassia', at(3, 3), `Does ${mention('dovid')} know?`),
    ],
  },
  {
    id: 'G0QRWMPIM1',
    folder: 'mpdm-benedikt--cassia--dovid-1',
    name: 'mpdm-benedikt--cassia--dovid-1',
    file: 'mpims.json',
    members: ids('benedikt', 'cassia', 'dovid'),
    messages: [
      secret('mpim', 1, 'dovid', at(4, 1), `Gift for ${mention('gilda')}: collect on Friday.`),
      secret('mpim', 2, 'cassia', at(4, 2), 'I am in.'),
    ],
  },
  {
    id: 'G0QRWPARTN',
    folder: 'ext-partnerly-deal',
    name: 'ext-partnerly-deal',
    file: 'groups.json',
    members: ids('dovid', 'emrys'),
    shared: true,
    messages: [
      secret('partner', 1, 'emrys', at(5, 1), `Our best price, not for ${mention('fenna')}: 40% off.`),
      secret('partner', 2, 'dovid', at(5, 2), 'Noted, I will keep it between us.'),
      secret('partner', 3, 'emrys', at(5, 3), `Reach me on ${PEOPLE.emrys.phone}.`),
    ],
  },
  {
    id: 'D0QRWGILSF',
    folder: 'D0QRWGILSF',
    name: null,
    file: 'dms.json',
    // A self-DM lists the user twice.
    members: ids('gilda', 'gilda'),
    messages: [secret('self', 1, 'gilda', at(6, 1), `Note to self: ask ${mention('adaline')} about the raise.`)],
  },
]

export const isPrivate = (conversation: WorkspaceConversation) => conversation.file !== 'channels.json'

/** Writes the workspace as an unpacked Slack export folder. */
export async function writePrivateWorkspace(folder: string): Promise<void> {
  await mkdir(folder, { recursive: true })
  const users = Object.values(PEOPLE).map((each) => ({
    id: each.slackId,
    team_id: each.internal ? OUR_TEAM : PARTNER_TEAM,
    name: each.name.split(' ')[0]!.toLowerCase(),
    real_name: each.name,
    deleted: false,
    is_bot: false,
    profile: { real_name: each.name, email: each.email, phone: each.phone ?? '' },
  }))
  await writeFile(join(folder, 'users.json'), JSON.stringify(users))
  for (const file of ['channels.json', 'groups.json', 'dms.json', 'mpims.json'] as const) {
    const listed = CONVERSATIONS.filter((conversation) => conversation.file === file).map((conversation) => ({
      id: conversation.id,
      ...(conversation.name === null ? {} : { name: conversation.name }),
      created: 1767225600,
      creator: conversation.members[0],
      is_archived: false,
      members: conversation.members,
      ...(file === 'mpims.json' ? { is_mpim: true } : {}),
      ...(conversation.shared ? { is_shared: true, is_ext_shared: true, shared_team_ids: [OUR_TEAM, PARTNER_TEAM] } : {}),
    }))
    await writeFile(join(folder, file), JSON.stringify(listed))
  }
  for (const conversation of CONVERSATIONS) {
    await mkdir(join(folder, conversation.folder), { recursive: true })
    const byDay = new Map<string, unknown[]>()
    for (const message of conversation.messages) {
      const day = new Date(message.seconds * 1000).toISOString().slice(0, 10)
      byDay.set(day, [...(byDay.get(day) ?? []), { type: 'message', user: message.author, text: message.text, ts: `${message.seconds}.000100` }])
    }
    for (const [day, messages] of byDay) await writeFile(join(folder, conversation.folder, `${day}.json`), JSON.stringify(messages))
  }
}
