import type { Rng } from './random.ts'
import type { SlackWorkspace } from './slack-workspace.ts'
import { chatClosers, chatOpeners, DAY_MS, ourCompany, reactionNames, REFERENCE_MS, workNouns } from './reference-data.ts'
import { losAngelesDate, losAngelesWallToUtc, slackTs } from './time-format.ts'
import { slug } from './names.ts'

/** Someone who can post in a conversation: one of ours, a guest, or a Slack Connect external. */
export interface Poster {
  readonly id: string
  readonly team: string
  readonly profile: Record<string, unknown>
  /** Epoch ms after which they no longer post (terminated employees). */
  readonly activeUntilMs: number
  /** Called once, at their first message: externals become source records only by posting. */
  readonly onFirstPost?: () => void
}

export interface HistoryPlan {
  readonly channelId: string
  readonly channelName: string
  /** Folder of the day files: channel name, or the D-id for DMs. */
  readonly folder: string
  readonly startMs: number
  readonly messages: number
  poster(): Poster
  /** A user id to mention with <@…>. */
  mention(): string
  readonly joiners: readonly Poster[]
  /** A customer or topic that messages talk about. */
  readonly subject?: string
  readonly bot?: { readonly botId: string; readonly username: string; text(): string }
  /** Average messages on a day with activity: sets how many day files the history spreads over. */
  readonly perDay: number
}

/** Slack's mrkdwn escaping of literal text. */
export function escapeSlack(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
}

function uuid(rng: Rng): string {
  const hex = rng.hex(32)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'.charAt(rng.int(0, 3))}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

const fileKinds: readonly (readonly [string, string, string])[] = [
  // filetype, mimetype, pretty_type
  ['pdf', 'application/pdf', 'PDF'],
  ['png', 'image/png', 'PNG'],
  ['xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'Excel Spreadsheet'],
  ['csv', 'text/csv', 'CSV'],
  ['quip', 'application/vnd.slack-docs', 'Canvas'],
]

function chatText(rng: Rng, plan: HistoryPlan): string {
  const noun = rng.pick(workNouns)
  const plain = `${rng.pick(chatOpeners)} ${noun} ${rng.pick(chatClosers)}`
  const roll = rng.float()
  if (roll < 0.15) return `<@${plan.mention()}> ${plain}`
  if (roll < 0.23 && plan.subject !== undefined) return `Call with ${escapeSlack(plan.subject)} went well, next step is the ${noun}.`
  if (roll < 0.27) return `${plain} <https://docs.google.com/document/d/${rng.hex(24)}|${noun} notes>`
  if (roll < 0.29) return `<!here> ${plain}`
  if (roll < 0.31) return `Moving this to <#${plan.channelId}|${plan.channelName}> &amp; closing the thread`
  return plain
}

function fileMeta(rng: Rng, workspace: SlackWorkspace, author: Poster, seconds: number): Record<string, unknown> {
  const [filetype, mimetype, prettyType] = rng.pick(fileKinds)
  const id = workspace.nextFileId()
  const title = `${rng.pick(workNouns)} v${rng.int(1, 9)}`
  const name = filetype === 'quip' ? title : `${slug(title)}.${filetype}`
  return {
    id, created: seconds, timestamp: seconds, name, title, mimetype, filetype, pretty_type: prettyType,
    user: author.id, user_team: author.team, editable: filetype === 'quip', size: rng.int(2_000, 4_000_000), mode: 'hosted',
    is_external: false, external_type: '', is_public: true, public_url_shared: false, display_as_bot: false, username: '',
    url_private: `https://files.slack.com/files-pri/${workspace.teamId}-${id}/${encodeURIComponent(name)}`,
    url_private_download: `https://files.slack.com/files-pri/${workspace.teamId}-${id}/download/${encodeURIComponent(name)}`,
    permalink: `https://${ourCompany.slackDomain}.slack.com/files/${author.id}/${id}/${encodeURIComponent(name)}`,
  }
}

/** UTC instant of midnight, Los Angeles time, of the calendar date that starts at UTC `dateMs`. */
function losAngelesMidnight(dateMs: number): number {
  const date = new Date(dateMs)
  return losAngelesWallToUtc(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate(), 0, 0)
}

/**
 * Writes a conversation's history as day files in ascending ts. Activity comes in busy days: the
 * number of active days follows from the message count and `perDay`, they are drawn without
 * replacement over the last year, and each day's messages fall in Los Angeles working hours. A
 * thread's replies follow their parent immediately, so generation order is time order and each day
 * file is complete when the Los Angeles date changes. Returns the number of messages written.
 */
export function writeHistory(rng: Rng, workspace: SlackWorkspace, plan: HistoryPlan): number {
  workspace.openFolder(plan.folder)
  const endMicros = (REFERENCE_MS - 1000) * 1000
  let micros = plan.startMs * 1000
  let day = ''
  let lines: string[] = []
  let written = 0

  const flush = (): void => {
    if (lines.length === 0) return
    workspace.writeDayFile(plan.folder, day, `[\n${lines.join(',\n')}\n]\n`)
    lines = []
  }
  /** Appends a message; a new Los Angeles date completes the previous day file. */
  const emit = (message: Record<string, unknown>, at: number): void => {
    const date = losAngelesDate(Math.floor(at / 1000))
    if (date !== day) {
      flush()
      day = date
    }
    lines.push(JSON.stringify(message))
    written++
  }
  let stepMicros = 60_000_000
  /** Next ts: strictly after the previous one, about one step later. */
  const step = (): number => {
    micros += Math.floor(stepMicros * (0.2 + 1.6 * rng.float())) + rng.int(1, 999_999)
    return micros
  }
  const pickAuthor = (): Poster => {
    let author = plan.poster()
    for (let tries = 0; tries < 3 && author.activeUntilMs * 1000 <= micros; tries++) author = plan.poster()
    return author
  }
  const userMessage = (author: Poster, at: number, text: string): Record<string, unknown> => {
    author.onFirstPost?.()
    return {
      client_msg_id: uuid(rng), type: 'message', text, user: author.id, ts: slackTs(at),
      team: author.team, user_team: author.team, source_team: author.team, user_profile: author.profile,
    }
  }

  const firstDate = Math.floor(plan.startMs / DAY_MS) * DAY_MS + DAY_MS
  const lastDate = Math.floor(REFERENCE_MS / DAY_MS) * DAY_MS - 2 * DAY_MS
  const totalDays = Math.max(1, Math.floor((lastDate - firstDate) / DAY_MS) + 1)
  const activeDays = Math.min(totalDays, Math.max(1, Math.ceil(plan.messages / plan.perDay)))
  let remaining = Math.max(plan.messages, plan.joiners.length + 1)
  let daysLeft = activeDays
  for (let d = 0; d < totalDays && daysLeft > 0 && remaining > 0; d++) {
    // Selection sampling: each day is taken with probability (days still needed / days left).
    if (rng.float() * (totalDays - d) >= daysLeft) continue
    const dayStart = losAngelesMidnight(firstDate + d * DAY_MS) + 7 * 3_600_000
    const today = daysLeft === 1 ? remaining : Math.max(1, Math.min(remaining, Math.round((remaining / daysLeft) * (0.5 + rng.float()))))
    daysLeft--
    micros = Math.max(micros, dayStart * 1000 + rng.int(0, 1_800_000_000))
    stepMicros = (13 * 3_600_000_000) / (today + 1)
    let budget = today
    if (written === 0) {
      for (const joiner of plan.joiners) {
        const at = step()
        emit({ type: 'message', subtype: 'channel_join', ts: slackTs(at), user: joiner.id, text: `<@${joiner.id}> has joined the channel` }, at)
        budget--
        remaining--
      }
    }
    while (budget > 0) {
      const at = step()
      if (at >= endMicros) break
      if (plan.bot !== undefined) {
        emit({ type: 'message', subtype: 'bot_message', text: plan.bot.text(), ts: slackTs(at), username: plan.bot.username, bot_id: plan.bot.botId, icons: { image_48: `https://avatars.slack-edge.com/bots/${plan.bot.botId}_48.png` } }, at)
        budget--
        remaining--
        continue
      }
      const author = pickAuthor()
      const message = userMessage(author, at, chatText(rng, plan))
      budget--
      remaining--
      if (rng.chance(0.03)) {
        message.files = [fileMeta(rng, workspace, author, Math.floor(at / 1_000_000))]
        message.upload = false
      }
      if (rng.chance(0.03)) message.edited = { user: author.id, ts: slackTs(at + rng.int(30, 3000) * 1_000_000) }
      if (rng.chance(0.15)) {
        const reactors = new Set<string>()
        for (let i = rng.int(1, 3); i > 0; i--) reactors.add(pickAuthor().id)
        message.reactions = [{ name: rng.pick(reactionNames), users: [...reactors], count: reactors.size }]
      }
      if (budget > 0 && rng.chance(0.12)) {
        // A thread: replies are generated first so the parent can carry its reply summary.
        const replies: { reply: Record<string, unknown>; at: number }[] = []
        const replyUsers: string[] = []
        for (let r = rng.int(1, Math.min(5, budget)); r > 0; r--) {
          const replyAt = step()
          if (replyAt >= endMicros) break
          const replier = pickAuthor()
          const reply = userMessage(replier, replyAt, chatText(rng, plan))
          reply.thread_ts = message.ts
          reply.parent_user_id = author.id
          if (rng.chance(0.1)) {
            reply.subtype = 'thread_broadcast'
            reply.root = { text: message.text, user: author.id, ts: message.ts, thread_ts: message.ts, team: author.team }
          }
          replies.push({ reply, at: replyAt })
          if (!replyUsers.includes(replier.id)) replyUsers.push(replier.id)
        }
        const last = replies.at(-1)?.reply
        if (last !== undefined) {
          Object.assign(message, {
            thread_ts: message.ts, reply_count: replies.length, reply_users_count: replyUsers.length,
            latest_reply: last.ts, reply_users: replyUsers.slice(0, 5), is_locked: false, subscribed: false,
          })
        }
        emit(message, at)
        for (const { reply, at: replyAt } of replies) emit(reply, replyAt)
        budget -= replies.length
        remaining -= replies.length
        continue
      }
      emit(message, at)
    }
  }
  flush()
  return written
}
