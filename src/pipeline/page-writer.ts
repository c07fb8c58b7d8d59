/**
 * Turns raw records into landed pages: each record is sanitised, hashed with the normaliser settings,
 * normalised, joined by the organisations it implies, and buffered; `flush` lands the buffer as one
 * page in one transaction, together with whatever the caller commits with it (a sync's cursor, the
 * run's counts). A page PostgreSQL refuses for its data is landed record by record, so only the record
 * it cannot store is rejected.
 */
import type { Transaction } from 'kysely'
import type { LandedRecord, NormalizeContext, NormalizeIssue, NormalizeResult, RawRecord, RejectedInput, SourceLocation } from '../connectors/types.ts'
import type { Deps } from '../deps.ts'
import { errorMessage } from '../errors.ts'
import type { DB, RecordCounts, SystemName } from '../schema/database.ts'
import { canonicalJson, hashCanonicalJson } from './content-hash.ts'
import { deriveOrganizations } from './derive-organizations.ts'
import { landPage, type PageCounts, type PageToLand, type PreparedRecord } from './land-page.ts'
import { storableJson, storableText } from './storable.ts'
import type { Suppression } from '../erase/suppression.ts'

export interface PageWriterOptions {
  runId: number
  connectionId: string
  system: SystemName
  normalize: (record: LandedRecord, context: NormalizeContext) => NormalizeResult
  /** Settings the normaliser sees; they are part of every record's hash (a new mapping rebuilds). */
  settings: Record<string, unknown>
  /** A second copy of a record in one run: an export's is a duplicate (rejected), an API's is newer (replaces). */
  repeats: PageToLand['repeats']
  /** Erased people: their records are dropped, their traces scrubbed from the rest (erase/suppression.ts). */
  suppression: Suppression
  /** Also written in each page's transaction: the run's counts after it. */
  onLanded?: (trx: Transaction<DB>, counts: RecordCounts) => Promise<void>
}

/** What one canonical record weighs in a page, roughly (objects, then JSON for the statement). */
const CANONICAL_RECORD_BYTES = 400
const MAX_PAGE_BYTES = 8 * 1024 * 1024

export class PageWriter {
  readonly #deps: Deps
  readonly #options: PageWriterOptions
  readonly #settingsJson: string
  #records: PreparedRecord[] = []
  #rejects: RejectedInput<SourceLocation>[] = []
  #bytes = 0
  /** Derived records already in this page (see derive-organizations.ts): bounded by the page size. */
  #derivedInPage = new Set<string>()
  counts: RecordCounts = { read: 0, new: 0, changed: 0, unchanged: 0, rejected: 0, deleted: 0, suppressed: 0 }

  constructor(deps: Deps, options: PageWriterOptions) {
    this.#deps = deps
    this.#options = options
    this.#settingsJson = canonicalJson(options.settings)
  }

  /** Records and rejects waiting for the next flush. */
  get buffered(): number {
    return this.#records.length + this.#rejects.length
  }

  get overweight(): boolean {
    return this.#bytes > MAX_PAGE_BYTES
  }

  add(raw: RawRecord<SourceLocation>): void {
    this.counts.read++
    const ready = this.#prepare(raw)
    if (!ready) {
      this.counts.suppressed++
      return
    }
    const { prepared, bytes } = ready
    this.#records.push(prepared)
    this.#bytes += bytes
    for (const derived of derivedRecords(prepared, this.#derivedInPage)) {
      this.counts.read++
      this.#records.push(derived)
    }
  }

  reject(reject: RejectedInput<SourceLocation>): void {
    this.counts.read++
    this.#rejects.push(reject)
    this.#bytes += (reject.raw?.length ?? 0) * 2
  }

  /**
   * Lands what is buffered as one page (even nothing, when `commit` has something to write) and
   * returns what the page rejected. `commit` runs in the page's transaction.
   */
  async flush(commit?: (trx: Transaction<DB>) => Promise<void>): Promise<RejectedInput<SourceLocation>[]> {
    if (this.buffered === 0 && !commit) return []
    const { runId, connectionId, system, repeats } = this.#options
    const page: PageToLand = { runId, connectionId, system, records: this.#records, rejects: this.#rejects, repeats }
    this.#records = []
    this.#rejects = []
    this.#bytes = 0
    this.#derivedInPage = new Set()
    const landed = await this.#landWhole(page, this.counts, commit).catch((error: unknown) => {
      // Bad data (SQLSTATE class 22: a value PostgreSQL cannot store) costs only its own record.
      if (!isDataException(error)) throw error
      return this.#landOneByOne(page, commit)
    })
    this.counts = landed.counts
    return landed.rejects
  }

  async #landWhole(page: PageToLand, totals: RecordCounts, commit?: (trx: Transaction<DB>) => Promise<void>): Promise<{ counts: RecordCounts; rejects: RejectedInput<SourceLocation>[] }> {
    return this.#deps.db.transaction().execute(async (trx) => {
      const landed = await landPage(trx, page, this.#deps.clock.now())
      const counts = addCounts(totals, landed.counts)
      await this.#options.onLanded?.(trx, counts)
      await commit?.(trx)
      return { counts, rejects: landed.rejects }
    })
  }

  /** A page PostgreSQL refused for its data: each record on its own, the one it cannot store rejected; the commit goes with the last. */
  async #landOneByOne(page: PageToLand, commit?: (trx: Transaction<DB>) => Promise<void>): Promise<{ counts: RecordCounts; rejects: RejectedInput<SourceLocation>[] }> {
    let counts = this.counts
    const rejects: RejectedInput<SourceLocation>[] = []
    const single = (records: PreparedRecord[], pageRejects: RejectedInput<SourceLocation>[]): PageToLand => ({ ...page, records, rejects: pageRejects })
    for (const record of page.records) {
      try {
        const landed = await this.#landWhole(single([record], []), counts)
        counts = landed.counts
        rejects.push(...landed.rejects)
      } catch (error) {
        if (!isDataException(error)) throw error
        const reject: RejectedInput<SourceLocation> = {
          code: 'E_UNSTORABLE',
          message: `${record.raw.objectType} ${record.raw.sourceId}: the database cannot store this record (${errorMessage(error)}); it is not imported`,
          location: record.raw.provenance,
          objectType: record.raw.objectType,
          raw: JSON.stringify(record.raw.payload),
        }
        const landed = await this.#landWhole(single([], [reject]), counts)
        counts = landed.counts
        rejects.push(...landed.rejects)
      }
    }
    const landed = await this.#landWhole(single([], page.rejects), counts, commit)
    return { counts: landed.counts, rejects: [...rejects, ...landed.rejects] }
  }

  /**
   * The record ready to land, and roughly what it weighs in a page (its JSON length); nothing for a
   * record of an erased person. The hash is the source's content, before any scrubbing, so a record
   * scrubbed in the store by an erasure stays unchanged when the same content is read again.
   */
  #prepare(raw: RawRecord<SourceLocation>): { prepared: PreparedRecord; bytes: number } | undefined {
    const issues: NormalizeIssue[] = []
    const sourceUpdatedAt = storableTime(raw.sourceUpdatedAt, issues)
    const clean: RawRecord<SourceLocation> = {
      ...raw,
      objectType: storableText(raw.objectType),
      sourceId: storableText(raw.sourceId),
      payload: storableJson(raw.payload),
      provenance: storableJson(raw.provenance),
      ...(sourceUpdatedAt === undefined ? { sourceUpdatedAt: undefined } : { sourceUpdatedAt }),
    }
    const { suppression, system } = this.#options
    if (suppression.suppressesRecord(`${system}:${clean.objectType}:${clean.sourceId}`)) return undefined
    const json = canonicalJson(clean.payload)
    const hash = hashCanonicalJson(`${json}\n${this.#settingsJson}`)
    let prepared = this.#normalize(clean, hash)
    const scrubbed = suppression.scrub(clean.payload)
    if (scrubbed !== undefined) {
      if (describesErasedPerson(prepared.canonical, suppression)) return undefined
      prepared = this.#normalize({ ...clean, payload: scrubbed }, hash)
    }
    prepared.issues.unshift(...issues)
    // The page carries the canonical records too: a channel's 150k member ids become 150k links, each
    // several times the size of its id in the payload.
    return { prepared, bytes: json.length * 2 + prepared.canonical.length * CANONICAL_RECORD_BYTES }
  }

  #normalize(clean: RawRecord<SourceLocation>, hash: string): PreparedRecord {
    const { system, settings, normalize } = this.#options
    try {
      const result = normalize({ system, objectType: clean.objectType, sourceId: clean.sourceId, payload: clean.payload, sourceUpdatedAt: clean.sourceUpdatedAt }, { settings })
      return { raw: clean, hash, canonical: storableJson(result.records), issues: storableJson(result.issues) }
    } catch (error) {
      // A normaliser bug must not lose the raw record: it lands, with the failure recorded on it.
      return { raw: clean, hash, canonical: [], issues: [{ code: 'E_NORMALIZE', message: storableText(errorMessage(error)) }] }
    }
  }
}

/** A person record with an email an erased person was known by is theirs, whatever its id. */
function describesErasedPerson(canonical: PreparedRecord['canonical'], suppression: Suppression): boolean {
  return canonical.some((record) => record.kind === 'person' && record.emails.some((email) => suppression.suppressesEmail(email.address)))
}

function isDataException(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.startsWith('22')
}

/**
 * The organisations a record implies (its people's work domains), as inferred records of the same
 * system found where the record was read; each only once per page (`inPage`), later pages fold
 * theirs into the first copy. The payload is the whole record, so its hash is that of the payload.
 */
function derivedRecords(prepared: PreparedRecord, inPage: Set<string>): PreparedRecord[] {
  const result: PreparedRecord[] = []
  for (const derived of deriveOrganizations(prepared.canonical, prepared.raw.deleted !== undefined)) {
    const key = `${derived.objectType}\u0000${derived.sourceId}`
    if (inPage.has(key)) continue
    inPage.add(key)
    const raw: RawRecord<SourceLocation> = { objectType: derived.objectType, sourceId: derived.sourceId, payload: derived.payload, provenance: prepared.raw.provenance, inferred: true }
    result.push({ raw, hash: hashCanonicalJson(canonicalJson(derived.payload)), canonical: [derived.organization], issues: [] })
  }
  return result
}

/**
 * The source's modification time as ISO 8601 UTC, or nothing with an issue saying why it was dropped:
 * unparseable, outside years 1–9999, or a calendar day that does not exist (V8 reads 2024-02-30 as
 * March 1; PostgreSQL refuses it, which would fail the whole page).
 */
function storableTime(value: string | undefined, issues: NormalizeIssue[]): string | undefined {
  if (value === undefined) return undefined
  const time = Date.parse(value)
  const date = new Date(time)
  const stated = /^(\d{4})-(\d{2})-(\d{2})/.exec(value.trim())
  const dayExists = !stated || new Date(Date.UTC(Number(stated[1]), Number(stated[2]) - 1, Number(stated[3]))).getUTCDate() === Number(stated[3])
  if (!Number.isNaN(time) && dayExists && date.getUTCFullYear() >= 1 && date.getUTCFullYear() <= 9999) return date.toISOString()
  issues.push({ code: 'W_SOURCE_TIME', message: `the source's modification time "${storableText(value)}" is not a valid date between years 1 and 9999; not kept` })
  return undefined
}

function addCounts(total: RecordCounts, page: PageCounts): RecordCounts {
  return {
    // A folded copy was counted when read, but it is no record of its own.
    read: total.read - page.folded,
    new: total.new + page.new,
    changed: total.changed + page.changed,
    unchanged: total.unchanged + page.unchanged,
    rejected: total.rejected + page.rejected,
    deleted: total.deleted + page.deleted,
    suppressed: total.suppressed,
  }
}
