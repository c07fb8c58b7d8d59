import { crc32, deflateRawSync } from 'node:zlib'

export interface RawZipEntry {
  name: string
  content?: Buffer
  /** Deflate the content (method 8) rather than store it; the deflated bytes can be given when known. */
  deflate?: boolean | Buffer
  /** Uncompressed size to state in the headers, if not the true one. */
  statedSize?: number
  /** Unix mode for the high half of the external attributes. */
  mode?: number
}

/** Writes a ZIP byte by byte, so that names, attributes and sizes can say whatever a test needs. */
export function rawZipBytes(entries: RawZipEntry[]): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const entry of entries) {
    const content = entry.content ?? Buffer.from(entry.name)
    const data = Buffer.isBuffer(entry.deflate) ? entry.deflate : entry.deflate ? deflateRawSync(content) : content
    const name = Buffer.from(entry.name)
    const size = entry.statedSize ?? content.length
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(0x800, 6)
    local.writeUInt16LE(entry.deflate ? 8 : 0, 8)
    local.writeUInt16LE(0x21, 12)
    local.writeUInt32LE(crc32(content), 14)
    local.writeUInt32LE(data.length, 18)
    local.writeUInt32LE(size, 22)
    local.writeUInt16LE(name.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE((3 << 8) | 20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(0x800, 8)
    central.writeUInt16LE(entry.deflate ? 8 : 0, 10)
    central.writeUInt16LE(0x21, 14)
    central.writeUInt32LE(crc32(content), 16)
    central.writeUInt32LE(data.length, 20)
    central.writeUInt32LE(size, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt32LE(((entry.mode ?? 0o100644) << 16) >>> 0, 38)
    central.writeUInt32LE(offset, 42)
    locals.push(local, name, data)
    centrals.push(central, name)
    offset += local.length + name.length + data.length
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}
