import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { deflateRawSync } from 'node:zlib'
import yazl from 'yazl'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ExportEntry, ExportSource } from '../connectors/types.ts'
import { rawZipBytes, type RawZipEntry } from '../../test/support/raw-zip.ts'
import { openExportSource } from './export-source.ts'
import { FormatError } from './format-error.ts'

let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cg-export-source-'))
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function list(source: ExportSource): Promise<ExportEntry[]> {
  const entries: ExportEntry[] = []
  for await (const entry of source.entries()) entries.push(entry)
  return entries
}

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString()
}

async function failure(promise: Promise<unknown>): Promise<FormatError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  )
  expect(error).toBeInstanceOf(FormatError)
  return error as FormatError
}

async function yazlZip(file: string, entries: Record<string, string>, directories: string[] = []): Promise<string> {
  const zip = new yazl.ZipFile()
  for (const directory of directories) zip.addEmptyDirectory(directory)
  for (const [name, content] of Object.entries(entries)) zip.addBuffer(Buffer.from(content), name)
  zip.end()
  const chunks: Buffer[] = []
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer)
  const path = join(dir, file)
  await writeFile(path, Buffer.concat(chunks))
  return path
}

async function rawZip(file: string, entries: RawZipEntry[]): Promise<string> {
  const path = join(dir, file)
  await writeFile(path, rawZipBytes(entries))
  return path
}

describe('openExportSource', () => {
  it('opens a single file as its only entry, as often as asked', async () => {
    const path = join(dir, 'users.json')
    await writeFile(path, '[]')
    const source = await openExportSource(path)
    expect(source).toMatchObject({ path, kind: 'file' })
    const [entry, ...rest] = await list(source)
    expect(rest).toEqual([])
    expect(entry).toMatchObject({ path: 'users.json', location: { file: path }, size: 2 })
    expect(await text(await entry!.open())).toBe('[]')
    expect(await text(await entry!.open())).toBe('[]')
  })

  it('refuses a path that does not exist', async () => {
    const error = await failure(openExportSource(join(dir, 'missing.zip')))
    expect(error.code).toBe('E_INPUT_NOT_FOUND')
    expect(error.message).toBe(`${join(dir, 'missing.zip')}: no such file or folder.`)
  })

  it('lists a folder recursively, sorted by path, without macOS leftovers', async () => {
    const root = join(dir, 'slack-export')
    await mkdir(join(root, 'general'), { recursive: true })
    await mkdir(join(root, '__MACOSX'), { recursive: true })
    await mkdir(join(root, 'empty'), { recursive: true })
    await writeFile(join(root, 'users.json'), '[1]')
    await writeFile(join(root, 'general', '2024-01-02.json'), '[]')
    await writeFile(join(root, 'general-x.json'), '[]')
    await writeFile(join(root, '.DS_Store'), 'junk')
    await writeFile(join(root, '__MACOSX', '._users.json'), 'junk')
    const source = await openExportSource(root)
    expect(source.kind).toBe('folder')
    const entries = await list(source)
    expect(entries.map((entry) => entry.path)).toEqual(['general-x.json', 'general/2024-01-02.json', 'users.json'])
    expect(entries[2]).toMatchObject({ location: { file: join(root, 'users.json') }, size: 3 })
    expect(await text(await entries[2]!.open())).toBe('[1]')
  })

  it('refuses a folder that holds a symbolic link', async () => {
    const root = join(dir, 'linked')
    await mkdir(root)
    await symlink('/etc/passwd', join(root, 'users.json'))
    const error = await failure(openExportSource(root))
    expect(error.code).toBe('E_ARCHIVE_UNSAFE_PATH')
    expect(error.location).toEqual({ file: join(root, 'users.json') })
  })

  it('reads a ZIP archive found by its signature, without extracting it', async () => {
    const path = await yazlZip(
      'export.dat',
      { 'users.json': '[{"id":"U1"}]', 'channels/general.json': '[]', '__MACOSX/._users.json': 'junk', 'a.csv': 'x' },
      ['channels/'],
    )
    const source = await openExportSource(path)
    expect(source.kind).toBe('zip')
    const entries = await list(source)
    expect(entries.map((entry) => [entry.path, entry.size])).toEqual([
      ['a.csv', 1],
      ['channels/general.json', 2],
      ['users.json', 13],
    ])
    expect(entries[2]!.location).toEqual({ file: path, entry: 'users.json' })
    expect(await text(await entries[2]!.open())).toBe('[{"id":"U1"}]')
    expect(await text(await entries[2]!.open())).toBe('[{"id":"U1"}]')
    expect(await list(await openExportSource(await yazlZip('empty.zip', {})))).toEqual([])
  })

  it('reads a name written with backslashes as a path', async () => {
    const entries = await list(await openExportSource(await rawZip('windows.zip', [{ name: 'reports\\workers.csv', content: Buffer.from('a') }])))
    expect(entries.map((entry) => entry.path)).toEqual(['reports/workers.csv'])
  })

  it.each([
    ['../evil.csv', 'climbs out of the archive'],
    ['data/../../evil.csv', 'climbs out of the archive'],
    ['..\\..\\evil.csv', 'climbs out of the archive'],
    ['/etc/cron.d/evil', 'is an absolute path'],
    ['C:\\Windows\\evil.dll', 'is an absolute path'],
    ['\\\\server\\share\\evil', 'is an absolute path'],
  ])('refuses the entry %j', async (name, reason) => {
    const path = await rawZip('unsafe.zip', [{ name: 'ok.csv' }, { name }])
    const error = await failure(openExportSource(path))
    expect(error.code).toBe('E_ARCHIVE_UNSAFE_PATH')
    expect(error.location).toEqual({ file: path, entry: name })
    expect(error.message).toContain(reason)
  })

  it('refuses an entry that is a symbolic link', async () => {
    const path = await rawZip('symlink.zip', [{ name: 'users.json', content: Buffer.from('/etc/passwd'), mode: 0o120777 }])
    const error = await failure(openExportSource(path))
    expect(error.code).toBe('E_ARCHIVE_UNSAFE_PATH')
    expect(error.message).toBe(`${path}, entry users.json: the entry is a symbolic link; archives are only read when every entry stays inside the archive.`)
  })

  it('enforces the entry count, entry size and total size limits from the headers', async () => {
    const path = await yazlZip('three.zip', { 'a.csv': 'aaaa', 'b.csv': 'bbbb', 'c.csv': 'cccc' })
    expect((await failure(openExportSource(path, { maxEntries: 2 }))).message).toMatch(/has 3 entries; at most 2 are read/)
    expect((await failure(openExportSource(path, { maxEntryBytes: 3 }))).message).toMatch(/entry a\.csv: the entry is 4 bytes uncompressed/)
    expect((await failure(openExportSource(path, { maxTotalBytes: 10 }))).code).toBe('E_ARCHIVE_LIMIT')
  })

  const zeros = Buffer.alloc(100 * 1024 * 1024)
  const deflatedZeros = deflateRawSync(zeros)

  it('refuses a zip bomb by its compression ratio', async () => {
    const path = await rawZip('bomb.zip', [{ name: 'zeros.csv', content: zeros, deflate: deflatedZeros }])
    const error = await failure(openExportSource(path))
    expect(error.code).toBe('E_ARCHIVE_LIMIT')
    expect(error.message).toMatch(/entry zeros\.csv: the entry inflates \d+ times \(\d+(\.\d)? KiB to 100 MiB\); at most 200 times is read/)
  })

  it('stops inflating an entry the moment it outgrows the size its header states', async () => {
    const path = await rawZip('liar.zip', [{ name: 'zeros.csv', content: zeros, deflate: deflatedZeros, statedSize: 1024 * 1024 }])
    const [entry] = await list(await openExportSource(path))
    const before = process.memoryUsage().arrayBuffers
    let received = 0
    const error = await failure(
      (async () => {
        for await (const chunk of await entry!.open()) received += (chunk as Buffer).length
      })(),
    )
    expect(error.code).toBe('E_ARCHIVE_LIMIT')
    expect(error.message).toMatch(/inflates to more than the 1 MiB its header states/)
    expect(received).toBeLessThanOrEqual(1024 * 1024)
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024)
  })

  it('reports an entry shorter than its header states, a damaged entry and a truncated archive', async () => {
    const short = await rawZip('short.zip', [{ name: 'a.csv', content: Buffer.from('abc'), statedSize: 10 }])
    const [shortEntry] = await list(await openExportSource(short))
    expect((await failure(text(await shortEntry!.open()))).message).toMatch(/ends after 3 of the 10 bytes/)

    const damaged = await rawZip('damaged.zip', [{ name: 'a.csv', content: Buffer.from('hello hello hello'), deflate: true }])
    const bytes = await readFile(damaged)
    bytes.fill(0xff, 30 + 5, 30 + 9)
    await writeFile(damaged, bytes)
    const [damagedEntry] = await list(await openExportSource(damaged))
    expect((await failure(text(await damagedEntry!.open()))).code).toBe('E_ARCHIVE_CORRUPT')

    const whole = await readFile(short)
    const truncated = join(dir, 'truncated.zip')
    await writeFile(truncated, whole.subarray(0, whole.length - 30))
    const error = await failure(openExportSource(truncated))
    expect(error.code).toBe('E_ARCHIVE_CORRUPT')
    expect(error.message).toMatch(/^.*truncated\.zip: the ZIP archive is damaged or incomplete \(.+\); re-create or re-download it\.$/)
  })
})
