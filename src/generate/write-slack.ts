import type { GenerationContext } from './context.ts'
import type { Employee } from './model-employees.ts'
import type { CustomerPerson, Org } from './model-orgs.ts'
import type { Rng } from './random.ts'
import type { SlackWorkspace } from './slack-workspace.ts'
import { countRecord } from './context.ts'
import { slackId, slackUserSpace } from './ids.ts'
import { departmentAt, directoryName, employeeSlackId, pickActiveEmployee, type EmployeeDirectory } from './model-employees.ts'
import { emailCaseNoise, emailToken, foldDiacritics, hasDiacritics, slug, whitespaceNoise } from './names.ts'
import { departments, DAY_MS, REFERENCE_MS, workNouns } from './reference-data.ts'
import { avatarHash, avatarImages } from './slack-workspace.ts'
import { writeHistory, type HistoryPlan, type Poster } from './slack-messages.ts'

const HISTORY_START_MS = REFERENCE_MS - 365 * DAY_MS

/**
 * How much Slack there is for a company size. Messages total about 2 × people. Conversation counts
 * grow with the company only up to caps, and busier days hold more messages at scale: the day-file
 * count (= ZIP entries) stays in the tens of thousands even at a million people, which keeps the
 * export ZIP fast to write (see streaming-zip.ts).
 */
export interface SlackVolume {
  readonly messages: number
  readonly perDay: number
  readonly teamChannels: number
  readonly privateGroups: number
  readonly dms: number
  readonly mpims: number
  /** Chance per customer organisation of a Slack Connect channel, an internal channel, a guest. */
  readonly connectRate: number
  readonly internalRate: number
  readonly guestRate: number
  readonly connectMessagesPerPerson: number
  readonly internalMessagesPerPerson: number
}

const AVERAGE_ORG_SIZE = 20

export function slackVolume(people: number, employees: number): SlackVolume {
  const messages = 2 * people
  const expectedOrgs = Math.max(1, (people - employees) / AVERAGE_ORG_SIZE)
  const connectRate = Math.min(0.06, 300 / expectedOrgs)
  const internalRate = Math.min(0.1, 400 / expectedOrgs)
  return {
    messages,
    perDay: Math.max(15, messages / 10_000),
    teamChannels: Math.min(150, Math.max(1, Math.ceil(employees / 40))),
    privateGroups: Math.min(60, Math.max(1, Math.ceil(employees / 100))),
    dms: Math.min(800, Math.max(2, Math.ceil(employees / 8))),
    mpims: Math.min(200, Math.max(1, Math.ceil(employees / 30))),
    connectRate,
    internalRate,
    guestRate: Math.min(0.01, 60 / expectedOrgs),
    // Customer channels carry about a sixth of all messages, spread over however many there are.
    connectMessagesPerPerson: (messages * 0.13) / Math.max(1, expectedOrgs * connectRate) / AVERAGE_ORG_SIZE,
    internalMessagesPerPerson: (messages * 0.04) / Math.max(1, expectedOrgs * internalRate) / AVERAGE_ORG_SIZE,
  }
}

interface TimeZone {
  readonly tz: string
  readonly label: string
  readonly offset: number
}

function timeZoneOf(location: string): TimeZone {
  switch (location) {
    case 'New York':
      return { tz: 'America/New_York', label: 'Eastern Standard Time', offset: -18_000 }
    case 'Austin':
      return { tz: 'America/Chicago', label: 'Central Standard Time', offset: -21_600 }
    case 'London':
      return { tz: 'Europe/London', label: 'Greenwich Mean Time', offset: 0 }
    case 'Berlin':
      return { tz: 'Europe/Berlin', label: 'Central European Time', offset: 3600 }
    default:
      return { tz: 'America/Los_Angeles', label: 'Pacific Standard Time', offset: -28_800 }
  }
}

/** Display name an employee set in Slack: every third one uses their first name, others leave it empty. */
function employeeDisplayName(directory: EmployeeDirectory, index: number): string {
  return index % 3 === 0 ? (directory.firstNames[index] ?? '') : ''
}

/** The user_profile Slack embeds in each message of an employee. */
function employeeProfile(directory: EmployeeDirectory, index: number, teamId: string): Record<string, unknown> {
  const hash = avatarHash(index)
  return {
    avatar_hash: hash, image_72: `https://avatars.slack-edge.com/2024-01-15/${hash}_72.jpg`,
    first_name: directory.firstNames[index] ?? '', real_name: directoryName(directory, index),
    display_name: employeeDisplayName(directory, index), team: teamId, name: directory.handles[index] ?? '',
    is_restricted: false, is_ultra_restricted: false,
  }
}

export function employeePoster(directory: EmployeeDirectory, index: number, teamId: string): Poster {
  const terminated = directory.terminatedAt[index] ?? 0
  return {
    id: employeeSlackId(index),
    team: teamId,
    profile: employeeProfile(directory, index, teamId),
    activeUntilMs: terminated === 0 ? Number.POSITIVE_INFINITY : terminated,
  }
}

function userObject(input: {
  id: string; teamId: string; handle: string; deleted: boolean; realName: string; first: string; last: string
  displayName: string; title: string; phone: string; email: string | undefined; zone: TimeZone; hash: string
  restricted: boolean; admin: boolean; updated: number
}): Record<string, unknown> {
  const profile: Record<string, unknown> = {
    title: input.title, phone: input.phone, skype: '', real_name: input.realName, real_name_normalized: foldDiacritics(input.realName),
    display_name: input.displayName, display_name_normalized: foldDiacritics(input.displayName), fields: {}, status_text: '',
    status_emoji: '', status_expiration: 0, avatar_hash: input.hash,
  }
  // Some exports strip addresses; the importer must not assume one.
  if (input.email !== undefined) profile.email = input.email
  Object.assign(profile, { first_name: input.first, last_name: input.last }, avatarImages(input.hash), { status_text_canonical: '', team: input.teamId })
  return {
    id: input.id, team_id: input.teamId, name: input.handle, deleted: input.deleted, color: input.hash.slice(0, 6),
    real_name: input.realName, tz: input.zone.tz, tz_label: input.zone.label, tz_offset: input.zone.offset, profile,
    is_admin: input.admin, is_owner: input.admin, is_primary_owner: false, is_restricted: input.restricted,
    is_ultra_restricted: false, is_bot: false, is_app_user: false, updated: input.updated,
    is_email_confirmed: true, who_can_share_contact_card: 'EVERYONE', has_2fa: !input.restricted,
  }
}

/** One employee in users.json; terminated ones stay, marked deleted. */
export function writeSlackEmployee(context: GenerationContext, workspace: SlackWorkspace, employee: Employee): void {
  const { rng, directory } = context
  const realName = directoryName(directory, employee.index)
  const email = rng.chance(0.01) ? undefined : rng.chance(0.02) ? emailCaseNoise(rng, employee.workEmail) : employee.workEmail
  workspace.users.push(userObject({
    id: employee.slackUserId, teamId: workspace.teamId, handle: employee.slackHandle, deleted: employee.terminationMs !== undefined,
    realName: rng.chance(0.01) ? whitespaceNoise(rng, realName) : realName, first: directory.firstNames[employee.index] ?? '',
    last: employee.name.last, displayName: employeeDisplayName(directory, employee.index), title: employee.title,
    phone: employee.workPhone, email, zone: timeZoneOf(employee.location), hash: avatarHash(employee.index),
    restricted: false, admin: employee.index <= 1 || employee.title === 'IT Administrator',
    updated: Math.floor((employee.terminationMs ?? REFERENCE_MS - rng.int(1, 300) * DAY_MS) / 1000),
  }))
  context.truth.person(employee.entityId, 'slack', 'user', employee.slackUserId)
  countRecord(context, 'slack/user')
}

/** Slackbot and an integration bot: users.json rows that are not people (no ground truth). */
export function writeSlackBots(workspace: SlackWorkspace): { botId: string } {
  const teamId = workspace.teamId
  workspace.users.push({
    id: 'USLACKBOT', team_id: teamId, name: 'slackbot', deleted: false, color: '757575', real_name: 'Slackbot', tz: 'America/Los_Angeles',
    tz_label: 'Pacific Standard Time', tz_offset: -28_800,
    profile: { title: '', phone: '', skype: '', real_name: 'Slackbot', real_name_normalized: 'Slackbot', display_name: 'Slackbot', display_name_normalized: 'Slackbot', fields: null, status_text: '', status_emoji: '', avatar_hash: 'sv41d8cd98f0', always_active: true, first_name: 'slackbot', last_name: '', team: teamId },
    is_admin: false, is_owner: false, is_primary_owner: false, is_restricted: false, is_ultra_restricted: false, is_bot: false, is_app_user: false, updated: 0,
  })
  const botId = workspace.nextBotId()
  const hash = avatarHash(999_999)
  workspace.users.push({
    id: slackId('U', slackUserSpace.bot), team_id: teamId, name: 'salesforce', deleted: false, color: '4bbe2e', real_name: 'Salesforce',
    tz: 'America/Los_Angeles', tz_label: 'Pacific Standard Time', tz_offset: -28_800,
    profile: { title: '', phone: '', skype: '', real_name: 'Salesforce', real_name_normalized: 'Salesforce', display_name: '', display_name_normalized: '', fields: null, status_text: '', status_emoji: '', avatar_hash: hash, api_app_id: 'A0SFDC0001', always_active: true, bot_id: botId, first_name: 'Salesforce', last_name: '', ...avatarImages(hash), team: teamId },
    is_admin: false, is_owner: false, is_primary_owner: false, is_restricted: false, is_ultra_restricted: false, is_bot: true, is_app_user: false,
    updated: Math.floor((REFERENCE_MS - 500 * DAY_MS) / 1000),
  })
  return { botId }
}

interface ConversationMeta {
  readonly kind: 'channel' | 'group' | 'mpim'
  readonly id: string
  readonly name: string
  readonly createdMs: number
  readonly creator: string
  readonly members: readonly string[]
  readonly topic?: string
  readonly purpose?: string
  readonly isGeneral?: boolean
  readonly shared?: { readonly teamIds: readonly string[] }
}

function writeConversationMeta(rng: Rng, workspace: SlackWorkspace, meta: ConversationMeta): void {
  const seconds = Math.floor(meta.createdMs / 1000)
  // Some real exports write epoch numbers as strings; importers must accept both.
  const created = rng.chance(0.1) ? String(seconds) : seconds
  const text = (value: string | undefined): Record<string, unknown> => ({ value: value ?? '', creator: value === undefined ? '' : meta.creator, last_set: value === undefined ? 0 : seconds })
  const object: Record<string, unknown> = {
    id: meta.id, name: meta.name, created, creator: meta.creator, is_archived: false, is_general: meta.isGeneral === true,
    members: meta.members, topic: text(meta.topic), purpose: text(meta.purpose),
  }
  if (meta.shared !== undefined) {
    Object.assign(object, {
      is_shared: true, is_ext_shared: true, is_org_shared: false, is_pending_ext_shared: false,
      shared_team_ids: meta.shared.teamIds, conversation_host_id: workspace.teamId,
    })
  }
  const sink = meta.kind === 'channel' ? workspace.channels : meta.kind === 'group' ? workspace.groups : workspace.mpims
  sink.push(object)
}

function sample(rng: Rng, pool: readonly number[], count: number): number[] {
  const chosen = new Set<number>()
  for (let tries = 0; chosen.size < Math.min(count, pool.length) && tries < count * 4; tries++) chosen.add(rng.pick(pool))
  return [...chosen]
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i)
}

/** A plan for a conversation among employees only. */
function employeePlan(
  context: GenerationContext,
  workspace: SlackWorkspace,
  volume: SlackVolume,
  input: { id: string; name: string; folder: string; members: readonly number[] | undefined; messages: number; createdMs: number; subject?: string; posters?: readonly number[] },
): HistoryPlan {
  const { rng, directory } = context
  const members = input.members
  const pickMember = (): number => (members === undefined ? Math.floor(rng.float() * directory.size) : rng.pick(members))
  const cache = new Map<number, Poster>()
  const posters = input.posters
  const joiners = members === undefined || members.length <= 3 ? [] : sample(rng, members, rng.int(0, 3)).map((index) => employeePoster(directory, index, workspace.teamId))
  return {
    channelId: input.id,
    channelName: input.name,
    folder: input.folder,
    startMs: Math.max(input.createdMs, HISTORY_START_MS),
    messages: Math.max(1, Math.round(input.messages)),
    poster: () => {
      const index = posters === undefined ? pickMember() : rng.pick(posters)
      let poster = cache.get(index)
      if (poster === undefined) {
        // Bounded: #general has every employee as a member.
        if (cache.size >= 2048) cache.clear()
        poster = employeePoster(directory, index, workspace.teamId)
        cache.set(index, poster)
      }
      return poster
    },
    mention: () => employeeSlackId(pickMember()),
    joiners,
    subject: input.subject,
    perDay: volume.perDay,
  }
}

function writeChannel(
  context: GenerationContext,
  workspace: SlackWorkspace,
  volume: SlackVolume,
  kind: 'channel' | 'group',
  input: { name: string; members: readonly number[] | undefined; messages: number; createdMs?: number; topic?: string; purpose?: string; isGeneral?: boolean; posters?: readonly number[]; bot?: HistoryPlan['bot'] },
): void {
  const { rng, directory } = context
  const id = workspace.nextConversationId(kind === 'channel' ? 'C' : 'G')
  const createdMs = input.createdMs ?? REFERENCE_MS - rng.int(400, 2000) * DAY_MS
  const memberIndexes = input.members ?? range(directory.size)
  writeConversationMeta(rng, workspace, {
    kind, id, name: input.name, createdMs, creator: employeeSlackId(memberIndexes[0] ?? 0), members: memberIndexes.map(employeeSlackId),
    topic: input.topic, purpose: input.purpose, isGeneral: input.isGeneral,
  })
  countRecord(context, 'slack/channel')
  const plan = employeePlan(context, workspace, volume, { id, name: input.name, folder: input.name, members: input.members, messages: input.messages, createdMs, posters: input.posters })
  countRecord(context, 'slack/message', writeHistory(rng, workspace, input.bot === undefined ? plan : { ...plan, bot: input.bot, joiners: [] }))
}

/**
 * Our own conversations: #general and friends, department and team channels, private groups, DMs
 * and group DMs. Volumes scale with the number of people so messages total roughly 2 × people
 * together with the customer channels written per organisation.
 */
export async function writeInternalSlack(
  context: GenerationContext,
  workspace: SlackWorkspace,
  volume: SlackVolume,
  botId: string,
  checkpoint: () => Promise<void>,
): Promise<void> {
  const { rng, directory } = context
  const budget = volume.messages
  const employees = directory.size
  const heads = range(departments.length + 1)
  // Between conversations the output files get a chance to drain (their buffers stay small).
  const channel = async (kind: 'channel' | 'group', input: Parameters<typeof writeChannel>[4]): Promise<void> => {
    writeChannel(context, workspace, volume, kind, input)
    await checkpoint()
  }
  await channel('channel', { name: 'general', members: undefined, messages: budget * 0.12, createdMs: REFERENCE_MS - 2400 * DAY_MS, isGeneral: true, purpose: 'Company-wide announcements and work-based matters' })
  await channel('channel', { name: 'random', members: undefined, messages: budget * 0.06, createdMs: REFERENCE_MS - 2400 * DAY_MS, purpose: 'Non-work banter and water cooler conversation' })
  await channel('channel', { name: 'announcements', members: undefined, messages: budget * 0.01, posters: heads, topic: 'Read-only for leadership' })
  const totalWeight = departments.reduce((sum, department) => sum + department.weight, 0)
  for (const [index, department] of departments.entries()) {
    await channel('channel', { name: `dept-${slug(department.name)}`, members: directory.byDepartment[index] ?? [], messages: (budget * 0.16 * department.weight) / totalWeight, purpose: `${department.name} team` })
  }
  for (let k = 0; k < volume.teamChannels; k++) {
    const department = rng.weighted(departments.map((d, index) => [index, d.weight] as const))
    const members = sample(rng, directory.byDepartment[department] ?? [0], rng.int(5, 30))
    const recent = rng.chance(0.2)
    await channel('channel', {
      name: `team-${slug(departmentAt(department).name)}-${k + 1}`, members, messages: (budget * 0.2) / volume.teamChannels,
      createdMs: recent ? REFERENCE_MS - rng.int(30, 300) * DAY_MS : undefined, topic: `Working on the ${rng.pick(workNouns)}`,
    })
  }
  const sales = [...(directory.byDepartment[1] ?? []), ...(directory.byDepartment[2] ?? [])]
  const bot = (text: () => string): HistoryPlan['bot'] => ({ botId, username: 'Salesforce', text })
  await channel('channel', {
    name: 'sales-wins', members: sales, messages: budget * 0.02,
    bot: bot(() => `:trophy: Closed Won: *${rng.faker.company.name()}* - $${rng.int(5, 400)},000 (${rng.pick(['New Business', 'Renewal', 'Expansion'])})`),
  })
  await channel('channel', {
    name: 'support-alerts', members: directory.byDepartment[3] ?? [], messages: budget * 0.02,
    bot: bot(() => `New case ${String(rng.int(1000, 99_999)).padStart(8, '0')}: Problem with the ${rng.pick(workNouns)} (Priority: ${rng.pick(['Low', 'Medium', 'High'])})`),
  })
  await channel('group', { name: 'leadership', members: heads, messages: budget * 0.01 })
  await channel('group', { name: 'deal-desk', members: [...sample(rng, sales, 20), ...sample(rng, directory.byDepartment[6] ?? [], 5)], messages: budget * 0.02 })
  for (let k = 0; k < volume.privateGroups; k++) {
    const department = rng.int(0, departments.length - 1)
    await channel('group', { name: `priv-${slug(departmentAt(department).name)}-${k + 1}`, members: sample(rng, directory.byDepartment[department] ?? [0], rng.int(3, 12)), messages: (budget * 0.03) / volume.privateGroups })
  }

  const dmCount = volume.dms
  for (let k = 0; k < dmCount; k++) {
    const a = pickActiveEmployee(rng, directory)
    // Mostly manager and report; the first DM is a self-DM, which lists the same user twice.
    const b = k === 0 ? a : rng.chance(0.7) ? Math.max(0, directory.managers[a] ?? 0) : pickActiveEmployee(rng, directory)
    const id = workspace.nextConversationId('D')
    const createdMs = REFERENCE_MS - rng.int(30, 900) * DAY_MS
    workspace.dms.push({ id, created: Math.floor(createdMs / 1000), members: [employeeSlackId(a), employeeSlackId(b)] })
    countRecord(context, 'slack/channel')
    const plan = employeePlan(context, workspace, volume, { id, name: id, folder: id, members: [a, b], messages: (budget * 0.14) / dmCount, createdMs })
    countRecord(context, 'slack/message', writeHistory(rng, workspace, plan))
    if (k % 32 === 31) await checkpoint()
  }
  const mpimCount = volume.mpims
  const mpimNames = new Set<string>()
  for (let k = 0; k < mpimCount; k++) {
    const members = [...new Set(Array.from({ length: rng.int(3, 4) }, () => Math.floor(rng.float() * employees)))]
    const stem = `mpdm-${members.map((index) => directory.handles[index] ?? '').join('--')}`
    let suffix = 1
    while (mpimNames.has(`${stem}-${suffix}`)) suffix++
    const name = `${stem}-${suffix}`
    mpimNames.add(name)
    const id = workspace.nextConversationId('G')
    const createdMs = REFERENCE_MS - rng.int(30, 900) * DAY_MS
    writeConversationMeta(rng, workspace, { kind: 'mpim', id, name, createdMs, creator: employeeSlackId(members[0] ?? 0), members: members.map(employeeSlackId) })
    countRecord(context, 'slack/channel')
    const plan = employeePlan(context, workspace, volume, { id, name, folder: name, members, messages: (budget * 0.04) / mpimCount, createdMs })
    countRecord(context, 'slack/message', writeHistory(rng, workspace, plan))
    if (k % 32 === 31) await checkpoint()
  }
}

/** A customer as their own Slack workspace shows them: name only, never an e-mail address. */
function externalPoster(context: GenerationContext, org: Org, person: CustomerPerson): Poster {
  const { rng, truth } = context
  const id = slackId('U', slackUserSpace.external + person.number)
  const first = person.name.goesBy ?? person.name.first
  const realName = `${first} ${person.name.last}`
  const hash = avatarHash(slackUserSpace.external + person.number)
  let posted = false
  return {
    id,
    team: org.slackTeamId,
    profile: {
      avatar_hash: hash, image_72: `https://avatars.slack-edge.com/2024-01-15/${hash}_72.jpg`, first_name: first,
      real_name: hasDiacritics(realName) && rng.chance(0.3) ? foldDiacritics(realName) : realName,
      display_name: rng.chance(0.5) ? first : '', team: org.slackTeamId, name: emailToken(first) + (rng.chance(0.5) ? `.${emailToken(person.name.last)}` : ''),
      is_restricted: false, is_ultra_restricted: false,
    },
    activeUntilMs: Number.POSITIVE_INFINITY,
    onFirstPost: () => {
      if (posted) return
      posted = true
      truth.person(person.entityId, 'slack', 'user', id)
      countRecord(context, 'slack/user (external, from messages)')
    },
  }
}

function accountTeam(context: GenerationContext, org: Org): number[] {
  const { rng, directory } = context
  const team = new Set<number>()
  if ((directory.terminatedAt[org.ownerIndex] ?? 0) === 0) team.add(org.ownerIndex)
  for (let i = rng.int(1, 3); i > 0; i--) team.add(pickActiveEmployee(rng, directory, rng.chance(0.6) ? directory.salesOwners : directory.supportOwners))
  return [...team]
}

/**
 * Slack for one organisation: a Slack Connect channel shared with their workspace (externals appear
 * only in messages), an internal channel about them, and sometimes one of their people as a guest.
 */
export function writeOrgSlack(context: GenerationContext, workspace: SlackWorkspace, volume: SlackVolume, org: Org): void {
  const { rng, directory } = context
  const people = org.people
  const guest = org.slackGuest ? people[people.length - 1] : undefined

  if (org.slack === 'connect') {
    const ours = accountTeam(context, org)
    const candidates = people.filter((person) => person !== guest)
    const externals = sample(rng, range(candidates.length), rng.int(2, 6)).flatMap((i) => {
      const person = candidates[i]
      return person === undefined ? [] : [externalPoster(context, org, person)]
    })
    const isPrivate = rng.chance(0.2)
    const id = workspace.nextConversationId(isPrivate ? 'G' : 'C')
    const name = `ext-${org.label}`
    const createdMs = Math.max(org.createdMs, REFERENCE_MS - rng.int(60, 700) * DAY_MS)
    writeConversationMeta(rng, workspace, {
      kind: isPrivate ? 'group' : 'channel', id, name, createdMs, creator: employeeSlackId(ours[0] ?? 0), members: ours.map(employeeSlackId),
      purpose: `Shared channel between ${org.name} and us`, shared: { teamIds: [workspace.teamId, org.slackTeamId] },
    })
    countRecord(context, 'slack/channel')
    const internal = ours.map((index) => employeePoster(directory, index, workspace.teamId))
    const posted = new Set<string>()
    const messages = Math.max(10, Math.round(people.length * volume.connectMessagesPerPerson * (0.5 + rng.float())))
    countRecord(context, 'slack/message', writeHistory(rng, workspace, {
      channelId: id, channelName: name, folder: name, startMs: Math.max(createdMs, HISTORY_START_MS), messages,
      poster: () => {
        const poster = externals.length > 0 && rng.chance(0.45) ? rng.pick(externals) : rng.pick(internal)
        posted.add(poster.id)
        return poster
      },
      // Mention only people with a profile in the export: ours, or externals who already posted.
      mention: () => (posted.size > 0 && rng.chance(0.4) ? rng.pick([...posted]) : rng.pick(internal).id),
      joiners: internal.slice(0, 2), subject: org.name, perDay: volume.perDay,
    }))
  } else if (org.slack === 'internal') {
    const ours = accountTeam(context, org)
    const isPrivate = rng.chance(0.4)
    writeChannel(context, workspace, volume, isPrivate ? 'group' : 'channel', {
      name: `${isPrivate ? 'acct' : 'cust'}-${org.label}`, members: ours, messages: Math.max(3, Math.round(people.length * volume.internalMessagesPerPerson * (0.5 + rng.float()))),
      purpose: `Internal: account team for ${org.name}`,
    })
  }

  if (guest !== undefined) {
    // A customer invited into our workspace as a guest: a full member record, with their e-mail.
    const id = slackId('U', slackUserSpace.guest + guest.number)
    const first = guest.name.goesBy ?? guest.name.first
    const hash = avatarHash(slackUserSpace.guest + guest.number)
    const email = guest.workEmail ?? guest.personalEmail
    workspace.users.push(userObject({
      id, teamId: workspace.teamId, handle: emailToken(first) + emailToken(guest.name.last), deleted: false, realName: `${first} ${guest.name.last}`,
      first, last: guest.name.last, displayName: '', title: guest.title, phone: '', email, zone: timeZoneOf(''), hash, restricted: true, admin: false,
      updated: Math.floor((REFERENCE_MS - rng.int(1, 200) * DAY_MS) / 1000),
    }))
    context.truth.person(guest.entityId, 'slack', 'user', id)
    countRecord(context, 'slack/user')
    const ours = accountTeam(context, org)
    const channelId = workspace.nextConversationId('G')
    const name = `proj-${org.label}`
    const createdMs = REFERENCE_MS - rng.int(30, 300) * DAY_MS
    writeConversationMeta(rng, workspace, { kind: 'group', id: channelId, name, createdMs, creator: employeeSlackId(ours[0] ?? 0), members: [...ours.map(employeeSlackId), id], purpose: `Project with ${org.name}` })
    countRecord(context, 'slack/channel')
    const guestPoster: Poster = {
      id, team: workspace.teamId, activeUntilMs: Number.POSITIVE_INFINITY,
      profile: { avatar_hash: hash, image_72: `https://avatars.slack-edge.com/2024-01-15/${hash}_72.jpg`, first_name: first, real_name: `${first} ${guest.name.last}`, display_name: '', team: workspace.teamId, name: emailToken(first) + emailToken(guest.name.last), is_restricted: true, is_ultra_restricted: false },
    }
    const internal = ours.map((index) => employeePoster(directory, index, workspace.teamId))
    countRecord(context, 'slack/message', writeHistory(rng, workspace, {
      channelId, channelName: name, folder: name, startMs: createdMs, messages: rng.int(3, 12),
      poster: () => (rng.chance(0.4) ? guestPoster : rng.pick(internal)), mention: () => rng.pick(internal).id,
      joiners: [guestPoster], subject: org.name, perDay: 6,
    }))
  }
}
