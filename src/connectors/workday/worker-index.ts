import { createHash } from 'node:crypto'
import { resolveWorkerFields } from './columns.ts'
import { hashedIdPrefix } from './normalize.ts'
import type { ColumnMapping } from './raw.ts'

/**
 * Which workers a complete read of the report held, by employee id, WID and work email: what the REST
 * workers stream of the same connection matches its workers against (REST answers carry the WID but
 * no employee id, the report the employee id and maybe a WID column). Kept small enough for a
 * million workers: each key is a 52-bit hash in a sorted Float64Array (8 bytes a key); a false match
 * needs two of a million keys to share 52 bits (odds about one in ten thousand per million).
 */
export class WorkerIndex {
  private readonly employeeIds = new HashedKeySet()
  private readonly wids = new HashedKeySet()
  private readonly emails = new HashedKeySet()
  private ready = false
  private started = false

  /** A report row landed under `sourceId`. */
  add(sourceId: string, payload: Record<string, unknown>, mapping: ColumnMapping): void {
    this.ready = false
    const fields = resolveWorkerFields(payload, mapping)
    if (!sourceId.startsWith(hashedIdPrefix)) this.employeeIds.add(sourceId)
    if (fields.wid !== undefined) this.wids.add(fields.wid.text.toLowerCase())
    if (fields.workEmail !== undefined) this.emails.add(emailKey(fields.workEmail.text))
  }

  /** The report was read whole: the index may answer. */
  seal(): void {
    this.employeeIds.seal()
    this.wids.seal()
    this.emails.seal()
    this.ready = true
  }

  /** A read of the report starts (again): what an earlier read noted is dropped. */
  clear(): void {
    this.employeeIds.clear()
    this.wids.clear()
    this.emails.clear()
    this.ready = false
    this.started = true
  }

  /** The report was read whole in this session: the index may answer. */
  get isReady(): boolean {
    return this.ready
  }

  /** A read of the report began in this session (whether or not it finished). */
  get wasStarted(): boolean {
    return this.started
  }

  /** Whether the report has a WID column (any row stated one): then WIDs decide, not emails. */
  get hasWids(): boolean {
    return this.wids.size > 0
  }

  hasEmployeeId(id: string): boolean {
    return this.employeeIds.has(id)
  }

  hasWid(wid: string): boolean {
    return this.wids.has(wid.toLowerCase())
  }

  hasEmail(email: string): boolean {
    return this.emails.has(emailKey(email))
  }
}

function emailKey(email: string): string {
  return email.trim().toLowerCase()
}

/** A set of strings kept as 52-bit hashes: add everything, seal (sort), then ask. */
export class HashedKeySet {
  private values = new Float64Array(1024)
  private count = 0
  private sorted = true

  get size(): number {
    return this.count
  }

  add(key: string): void {
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2)
      grown.set(this.values)
      this.values = grown
    }
    this.values[this.count++] = hash52(key)
    this.sorted = false
  }

  seal(): void {
    if (this.sorted) return
    this.values.subarray(0, this.count).sort()
    this.sorted = true
  }

  clear(): void {
    this.values = new Float64Array(1024)
    this.count = 0
    this.sorted = true
  }

  has(key: string): boolean {
    this.seal()
    const wanted = hash52(key)
    let low = 0
    let high = this.count - 1
    while (low <= high) {
      const middle = (low + high) >>> 1
      const value = this.values[middle]!
      if (value === wanted) return true
      if (value < wanted) low = middle + 1
      else high = middle - 1
    }
    return false
  }
}

/** The first 52 bits of the key's SHA-1: exact in a double. */
function hash52(key: string): number {
  const digest = createHash('sha1').update(key).digest()
  return digest.readUIntBE(0, 6) * 16 + (digest[6]! >> 4)
}
