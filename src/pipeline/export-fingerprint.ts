/**
 * A fingerprint of an export as it lies on disk: SHA-256 over every file's relative path, size and
 * content (a folder walked in name order; symbolic links followed as the readers follow them), and over
 * what else decides what an import makes of it (settings, read and deletion options). Two imports
 * with the same fingerprint read the same records.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import { canonicalJson } from './content-hash.ts'

export async function fingerprintExport(exportPath: string, options: unknown): Promise<string> {
  const hash = createHash('sha256')
  hash.update(`options\u0000${canonicalJson(options)}\u0000`)
  await addEntry(hash, exportPath, '')
  return hash.digest('hex')
}

async function addEntry(hash: ReturnType<typeof createHash>, absolute: string, relative: string): Promise<void> {
  const info = await stat(absolute)
  if (info.isDirectory()) {
    const names = (await readdir(absolute)).sort()
    hash.update(`dir\u0000${relative}\u0000${names.length}\u0000`)
    for (const name of names) await addEntry(hash, path.join(absolute, name), relative === '' ? name : `${relative}/${name}`)
    return
  }
  if (!info.isFile()) return
  hash.update(`file\u0000${relative}\u0000${info.size}\u0000`)
  for await (const chunk of createReadStream(absolute)) hash.update(chunk as Buffer)
}
