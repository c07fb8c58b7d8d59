import { mkdirSync, writeFileSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { slackId } from './ids.ts'
import { jsonArraySink, openTextSink, type JsonArraySink, type TextSink } from './text-sink.ts'

/** The unpacked corporate export folder being written: its top-level JSON arrays and day files. */
export interface SlackWorkspace {
  readonly root: string
  readonly teamId: string
  readonly users: JsonArraySink & { end(): void }
  readonly channels: JsonArraySink & { end(): void }
  readonly groups: JsonArraySink & { end(): void }
  readonly dms: JsonArraySink & { end(): void }
  readonly mpims: JsonArraySink & { end(): void }
  readonly sinks: readonly TextSink[]
  /** Creates a conversation's folder. */
  openFolder(folder: string): void
  /** Writes a day file (`<folder>/<date>.json`). */
  writeDayFile(folder: string, date: string, content: string): void
  readonly dayFiles: { count: number; bytes: number }
  nextConversationId(prefix: 'C' | 'G' | 'D'): string
  nextFileId(): string
  nextBotId(): string
}

export const OUR_TEAM_ID = slackId('T', 0)

export async function openSlackWorkspace(root: string): Promise<SlackWorkspace> {
  await mkdir(root, { recursive: true })
  const dayFiles = { count: 0, bytes: 0 }
  const open = (name: string): JsonArraySink & { end(): void } => jsonArraySink(openTextSink(join(root, name)))
  const users = open('users.json')
  const channels = open('channels.json')
  const groups = open('groups.json')
  const dms = open('dms.json')
  const mpims = open('mpims.json')
  // One counter for all conversation kinds: their ids share a namespace in an export.
  let conversations = 0
  let fileIds = 0
  let bots = 0
  return {
    root,
    teamId: OUR_TEAM_ID,
    users,
    channels,
    groups,
    dms,
    mpims,
    sinks: [users.sink, channels.sink, groups.sink, dms.sink, mpims.sink],
    dayFiles,
    // Synchronous on purpose: for thousands of small files, writeFileSync into the page cache is
    // several times faster than fs.promises (no thread-pool round trips), and nothing else is
    // waiting on the event loop while a conversation is generated.
    openFolder: (folder) => mkdirSync(join(root, folder), { recursive: true }),
    writeDayFile(folder, date, content) {
      writeFileSync(join(root, folder, `${date}.json`), content)
      dayFiles.count++
      dayFiles.bytes += Buffer.byteLength(content)
    },
    nextConversationId: (prefix) => slackId(prefix, 1000 + conversations++),
    nextFileId: () => slackId('F', 1000 + fileIds++),
    nextBotId: () => slackId('B', 1000 + bots++),
  }
}

/** Deterministic avatar hash from a number: no randomness needed for a cosmetic field. */
export function avatarHash(n: number): string {
  const a = Math.imul(n + 1, 2_654_435_761) >>> 0
  const b = Math.imul(n + 7, 40_503) >>> 0
  return (a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0')).slice(0, 12)
}

export function avatarImages(hash: string): Record<string, string> {
  const images: Record<string, string> = {}
  for (const size of [24, 32, 48, 72, 192, 512]) images[`image_${size}`] = `https://avatars.slack-edge.com/2024-01-15/${hash}_${size}.jpg`
  return images
}
