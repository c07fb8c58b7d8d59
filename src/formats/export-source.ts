import { constants } from 'node:fs'
import { open, readdir, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { Readable } from 'node:stream'
import type { ExportEntry, ExportSource, InputLocation } from '../connectors/types.ts'
import { describeLocation, FormatError } from './format-error.ts'
import { type ArchiveLimits, DEFAULT_ARCHIVE_LIMITS, listZipEntries, openZipEntry } from './zip-archive.ts'

export type { ArchiveLimits } from './zip-archive.ts'

/**
 * Opens what the user named for import: a single file, a folder (every regular file below it) or a
 * ZIP archive (recognised by its signature, whatever its name), read in place: nothing is extracted.
 * An archive is vetted whole before any entry is read (see listZipEntries); a folder holding a
 * symbolic link is refused, as following it could read files outside the folder.
 */
export async function openExportSource(path: string, limits: Partial<ArchiveLimits> = {}): Promise<ExportSource> {
  const location = { file: path }
  const stats = await stat(path).catch((error: unknown) => {
    throw isNotFound(error) ? notFound(location) : error
  })
  if (stats.isDirectory()) return source(path, 'folder', await listFolder(path))
  if (!stats.isFile()) {
    throw new FormatError('E_INPUT_NOT_FOUND', `${describeLocation(location)}: this is not a file or a folder; give an export file, folder or ZIP archive.`, location)
  }
  if (await isZip(path)) {
    const zipEntries = await listZipEntries(path, location, { ...DEFAULT_ARCHIVE_LIMITS, ...limits })
    // An .xlsx or .docx is a ZIP too (Office Open XML): one document, which its reader opens whole.
    if (zipEntries.some((zipEntry) => zipEntry.path === '[Content_Types].xml')) {
      return source(path, 'file', [{ path: basename(path), location, size: stats.size, open: () => openFile(path, location, false) }])
    }
    const entries = zipEntries
      .filter((zipEntry) => !isJunk(zipEntry.path))
      .map((zipEntry): ExportEntry => {
        const at = { file: path, entry: zipEntry.path }
        return { path: zipEntry.path, location: at, size: zipEntry.entry.uncompressedSize, open: () => openZipEntry(path, zipEntry, at) }
      })
    return source(path, 'zip', entries)
  }
  return source(path, 'file', [{ path: basename(path), location, size: stats.size, open: () => openFile(path, location, false) }])
}

function source(path: string, kind: ExportSource['kind'], entries: ExportEntry[]): ExportSource {
  const sorted = entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  return {
    path,
    kind,
    // eslint-disable-next-line @typescript-eslint/require-await -- an async generator is what the contract asks for
    async *entries() {
      yield* sorted
    },
  }
}

/** Directories, and the resource-fork copies and Finder files macOS puts into archives it makes. */
function isJunk(path: string): boolean {
  return path.endsWith('/') || path.startsWith('__MACOSX/') || basename(path) === '.DS_Store'
}

/** PK\x03\x04 starts an archive with entries, PK\x05\x06 an empty one. */
async function isZip(path: string): Promise<boolean> {
  const handle = await open(path, 'r')
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4), 0, 4, 0)
    const signature = bytesRead === 4 ? buffer.readUInt32LE(0) : 0
    return signature === 0x04034b50 || signature === 0x06054b50
  } finally {
    await handle.close()
  }
}

async function listFolder(root: string): Promise<ExportEntry[]> {
  const entries: ExportEntry[] = []
  const pending = ['']
  for (let relative = pending.pop(); relative !== undefined; relative = pending.pop()) {
    for (const dirent of await readdir(join(root, relative), { withFileTypes: true })) {
      const path = relative === '' ? dirent.name : `${relative}/${dirent.name}`
      const file = join(root, path)
      if (dirent.isSymbolicLink()) {
        throw new FormatError(
          'E_ARCHIVE_UNSAFE_PATH',
          `${describeLocation({ file })}: this is a symbolic link; links are not followed, as they may lead outside the folder. ` +
            'Replace it with a copy of the file, or remove it.',
          { file },
        )
      }
      if (dirent.isDirectory()) {
        if (dirent.name !== '__MACOSX') pending.push(path)
      } else if (dirent.isFile() && !isJunk(path)) {
        const { size } = await stat(file)
        entries.push({ path, location: { file }, size, open: () => openFile(file, { file }, true) })
      }
    }
  }
  return entries
}

/** Opens before returning, so a missing file fails here; inside a folder a link swapped in since listing fails too. */
async function openFile(path: string, location: InputLocation, noFollow: boolean): Promise<Readable> {
  try {
    const handle = await open(path, constants.O_RDONLY | (noFollow ? constants.O_NOFOLLOW : 0))
    return handle.createReadStream()
  } catch (error) {
    if (isNotFound(error)) throw notFound(location)
    if (error instanceof Error && 'code' in error && error.code === 'ELOOP') {
      throw new FormatError('E_ARCHIVE_UNSAFE_PATH', `${describeLocation(location)}: this is now a symbolic link; links are not followed.`, location)
    }
    throw error
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && (error.code === 'ENOENT' || error.code === 'ENOTDIR')
}

function notFound(location: InputLocation): FormatError {
  return new FormatError('E_INPUT_NOT_FOUND', `${describeLocation(location)}: no such file or folder.`, location)
}
