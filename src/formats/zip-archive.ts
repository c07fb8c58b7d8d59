import { type Readable, Transform } from 'node:stream'
import yauzl from 'yauzl'
import type { InputLocation } from '../connectors/types.ts'
import { describeLocation, formatBytes, FormatError } from './format-error.ts'

/** Bounds that keep a hostile or broken archive from exhausting memory, disk or time. */
export interface ArchiveLimits {
  maxEntries: number
  /** Sum of the uncompressed sizes of all entries. */
  maxTotalBytes: number
  maxEntryBytes: number
  /** Uncompressed size over compressed size, per entry. */
  maxRatio: number
}

const GiB = 1024 ** 3

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxEntries: 100_000,
  maxTotalBytes: 20 * GiB,
  maxEntryBytes: 4 * GiB,
  maxRatio: 200,
}

/** Small repetitive files (a JSON file of indentation) compress absurdly well and cannot hurt: the ratio applies past this size. */
const RATIO_GRACE_BYTES = 1024 * 1024

export interface ZipEntry {
  /** Name with forward slashes; a backslash, as old Windows tools write them, counts as one. */
  path: string
  entry: yauzl.Entry
}

/** A ZIP file on disk or in memory; reopened for every entry read, so entries can be read any number of times. */
export type ZipSource = string | Buffer

function openZip(source: ZipSource, location: InputLocation): Promise<yauzl.ZipFile> {
  // Names stay undecoded so that a hostile name reaches our checks (and our error code) rather than yauzl's.
  const options = { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: false }
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, zipfile: yauzl.ZipFile) => (error ? reject(corrupt(location, error)) : resolve(zipfile))
    if (typeof source === 'string') yauzl.open(source, options, done)
    else yauzl.fromBuffer(source, options, done)
  })
}

/**
 * Reads the central directory and vets every entry before anything is inflated: names that would
 * escape a folder, symbolic links, entries that cannot be decompressed, and the limits as stated in
 * the headers. The headers may lie; openZipEntry holds every entry to its stated size while inflating.
 * `locate` gives an entry's location for messages (an archive nested in another one names both).
 */
export async function listZipEntries(
  source: ZipSource,
  location: InputLocation,
  limits: ArchiveLimits,
  locate: (path: string) => InputLocation = (path) => ({ ...location, entry: path }),
): Promise<ZipEntry[]> {
  const zipfile = await openZip(source, location)
  try {
    if (zipfile.entryCount > limits.maxEntries) {
      throw limitError(location, `the archive has ${zipfile.entryCount} entries; at most ${limits.maxEntries} are read`)
    }
    const entries: ZipEntry[] = []
    let totalBytes = 0
    for await (const entry of zipfile.eachEntry()) {
      const path = entryPath(entry)
      const at = locate(path)
      const unsafe = unsafeReason(path, entry)
      if (unsafe !== undefined) {
        throw new FormatError(
          'E_ARCHIVE_UNSAFE_PATH',
          `${describeLocation(at)}: the entry ${unsafe}; archives are only read when every entry stays inside the archive.`,
          at,
        )
      }
      if (!entry.canDecodeFileData()) {
        throw unreadable(
          at,
          `the entry is encrypted or compressed with method ${entry.compressionMethod}; ` +
            'only unencrypted entries, stored or deflated, are read (re-create the archive without a password)',
        )
      }
      checkStatedSize(entry, at, limits)
      totalBytes += entry.uncompressedSize
      if (totalBytes > limits.maxTotalBytes) {
        throw limitError(location, `the entries add up to more than ${formatBytes(limits.maxTotalBytes)} uncompressed, the most an archive may hold`)
      }
      entries.push({ path: path.replaceAll('\\', '/'), entry })
    }
    return entries
  } catch (error) {
    throw error instanceof FormatError ? error : corrupt(location, error)
  } finally {
    zipfile.close()
  }
}

function entryPath(entry: yauzl.Entry): string {
  return yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true)
}

function unsafeReason(name: string, entry: yauzl.Entry): string | undefined {
  const path = name.replaceAll('\\', '/')
  if (path.includes('\0')) return 'name contains a NUL character'
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'name is an absolute path'
  if (path.split('/').includes('..')) return 'name climbs out of the archive with ".."'
  // The Unix file type sits in the high half of the external attributes: 0o120000 is a symbolic link.
  if (((entry.externalFileAttributes >>> 16) & 0o170000) === 0o120000) return 'is a symbolic link'
  return undefined
}

function checkStatedSize(entry: yauzl.Entry, location: InputLocation, limits: ArchiveLimits): void {
  const size = entry.uncompressedSize
  if (size > limits.maxEntryBytes) {
    throw limitError(location, `the entry is ${formatBytes(size)} uncompressed; an entry may hold at most ${formatBytes(limits.maxEntryBytes)}`)
  }
  if (size > RATIO_GRACE_BYTES && size > entry.compressedSize * limits.maxRatio) {
    throw limitError(
      location,
      `the entry inflates ${Math.round(size / Math.max(entry.compressedSize, 1))} times (${formatBytes(entry.compressedSize)} to ${formatBytes(size)}); ` +
        `at most ${limits.maxRatio} times is read, as more is the mark of a zip bomb`,
    )
  }
}

/**
 * A fresh stream of one entry's uncompressed bytes. Inflating stops with E_ARCHIVE_LIMIT the moment
 * the entry outgrows the size its header states (which listZipEntries held to the limits), so a lying
 * header cannot make it use more memory or time than an honest one.
 */
export async function openZipEntry(source: ZipSource, zipEntry: ZipEntry, location: InputLocation): Promise<Readable> {
  const zipfile = await openZip(source, location)
  let inflated: Readable
  try {
    inflated = await zipfile.openReadStreamPromise(zipEntry.entry)
  } catch (error) {
    throw corrupt(location, error)
  } finally {
    // Closes the file once the entry's stream is done with it.
    zipfile.close()
  }
  const stated = zipEntry.entry.uncompressedSize
  let total = 0
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      total += chunk.length
      if (total > stated) {
        callback(limitError(location, `the entry inflates to more than the ${formatBytes(stated)} its header states; the archive is damaged or built to exhaust memory`))
      } else callback(null, chunk)
    },
    flush(callback) {
      callback(total < stated ? unreadable(location, `the entry ends after ${total} of the ${stated} bytes its header states; the archive is damaged`) : null)
    },
  })
  inflated.on('error', (error) => counted.destroy(corrupt(location, error)))
  // A reader that stops early, or a limit hit, stops the inflating too.
  counted.on('close', () => inflated.destroy())
  return inflated.pipe(counted)
}

function limitError(location: InputLocation, problem: string): FormatError {
  return new FormatError('E_ARCHIVE_LIMIT', `${describeLocation(location)}: ${problem}.`, location)
}

function corrupt(location: InputLocation, error: unknown): FormatError {
  const reason = error instanceof Error ? error.message : String(error)
  return unreadable(location, `the ZIP archive is damaged or incomplete (${reason}); re-create or re-download it`, error)
}

function unreadable(location: InputLocation, problem: string, cause?: unknown): FormatError {
  return new FormatError('E_ARCHIVE_CORRUPT', `${describeLocation(location)}: ${problem}.`, location, { cause })
}
