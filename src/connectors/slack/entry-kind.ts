import { channelFileTypes, userFileNames, type ConversationType } from './raw.ts'

/**
 * What a file of the input is, from its path alone. Export files are found by name at any depth:
 * at the root of a workspace export, under `teams/<name>/` of an Enterprise Grid org export, or
 * inside the one top-level folder many ZIP tools add.
 */
export type EntryKind =
  | { kind: 'users' }
  | { kind: 'channels'; conversationType: ConversationType; scope: string }
  /** `<folder>/YYYY-MM-DD.json`: `folder` is a channel/group/MPIM name or a DM id; `scope` the folder's parent. */
  | { kind: 'day'; folder: string; scope: string }
  /** Any other JSON file: a loose message array, a single message or a Web API response, told by content. */
  | { kind: 'json' }
  | { kind: 'skip'; reason: string }

const dayFileName = /^\d{4}-\d{2}-\d{2}\.json$/

/** Export files with data this connector does not import. */
const metadataFiles: Readonly<Record<string, string>> = {
  'integration_logs.json': 'the app install/remove log of the export is not imported',
  'canvases.json': 'canvas links of the export are not imported (canvases are files; only their metadata on messages is kept)',
  'content_flags.json': 'content flags of the export are not imported',
}

/**
 * @param path entry path relative to the folder or archive, with forward slashes
 * @param singleFileFolder for a single file given on its own: the name of the folder it sits in,
 *   which names the channel of a day file (`random/2018-01-20.json` imported alone)
 */
export function classifyEntry(path: string, singleFileFolder?: string): EntryKind {
  const parts = path.split('/')
  const name = parts.at(-1) ?? path
  if (parts.some((part) => part === '__MACOSX') || name.startsWith('.')) return { kind: 'skip', reason: 'hidden or macOS metadata file' }
  if (!name.toLowerCase().endsWith('.json')) return { kind: 'skip', reason: 'not a JSON file; Slack exports and API responses are .json files' }
  const scope = parts.slice(0, -1).join('/')
  if (userFileNames.has(name)) return { kind: 'users' }
  const conversationType = channelFileTypes[name]
  if (conversationType !== undefined) return { kind: 'channels', conversationType, scope }
  const metadata = metadataFiles[name]
  if (metadata !== undefined) return { kind: 'skip', reason: metadata }
  if (dayFileName.test(name)) {
    const folder = parts.length >= 2 ? parts.at(-2) : singleFileFolder
    if (folder !== undefined && folder !== '') return { kind: 'day', folder, scope: parts.slice(0, -2).join('/') }
  }
  return { kind: 'json' }
}

/** Users first, then channel files, then the rest: day files need both to resolve folders and externals. */
export function readPhase(kind: EntryKind): number {
  return kind.kind === 'users' ? 0 : kind.kind === 'channels' ? 1 : 2
}
