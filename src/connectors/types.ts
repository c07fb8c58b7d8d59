import type { Readable } from 'node:stream'
import type { CanonicalRecord, SourceRef } from '../schema/canonical.ts'
import type { SystemName } from '../schema/database.ts'

/**
 * The connector contract: the only thing the pipeline knows about a source. A connector reads (export
 * files here; live API streams in the API connectors) and normalises; it never writes to the database.
 * The pipeline batches what a reader yields into pages and commits each page with its progress.
 */

/** Where in the input something was read. `file` is the path given to import (or inside a folder). */
export interface InputLocation {
  file: string
  /** Entry path inside a ZIP archive. */
  entry?: string
  /** 1-based line of a CSV row (its first line, for rows with quoted newlines) or of an ICS component. */
  line?: number
  byteOffset?: number
  /** JSON path inside the file, e.g. $[12].profile.email or $.Report_Entry[3]. */
  path?: string
  /** XLSX sheet and row. */
  sheet?: string
  row?: number
}

/** Where a record read through a live API came from: the method or endpoint, and which page of it. */
export interface ApiLocation {
  endpoint: string
  page?: number
}

/** Where anything landed was read: an export's file position or an API's endpoint and page. */
export type SourceLocation = InputLocation | ApiLocation

/** A raw record as read from a source, before landing. */
export interface RawRecord<Location extends SourceLocation = InputLocation> {
  /** Object type as the source names it: Contact, user, channel, message, worker, contact, calendar_attendee … */
  objectType: string
  /** The id in the source; for Salesforce always the 18-character form. */
  sourceId: string
  /** The record as read, JSON-safe (parsed CSV row as an object of strings, JSON object as is). */
  payload: Record<string, unknown>
  /** The source's own last-modified time, ISO 8601, when it states one. */
  sourceUpdatedAt?: string
  provenance: Location
  /** The source itself marks the record deleted (Salesforce IsDeleted=true). */
  deleted?: { reason: string }
  /**
   * Pieced together from other records rather than read as itself (a Slack Connect sender known only
   * from messages). A complete read of its type does not speak for it, so it is never inferred
   * deleted, and it never overwrites a record that was read as itself. A reader may hand the same
   * inferred record out more than once in one read (to keep its memory flat): later copies are folded
   * into the first, not reported as duplicates.
   */
  inferred?: boolean
}

/** Input that could not become a record: kept with its reason in rejected_records. */
export interface RejectedInput<Location extends SourceLocation = InputLocation> {
  code: string
  message: string
  location: Location
  objectType?: string
  /** The offending input as read (a CSV line, a JSON value), for the rejected-records table. */
  raw?: string
}

/** What an export reader yields, in input order. */
export type ExportItem =
  | { type: 'record'; record: RawRecord<InputLocation> }
  | { type: 'reject'; reject: RejectedInput<InputLocation> }
  /**
   * Every record of this object type in the export has now been read, without a file-level error. A
   * complete read lets the pipeline mark records missing from it as deleted (with the safety rules).
   */
  | { type: 'complete'; objectType: string }
  /** A file in the input that this connector does not import (reported, not an error). */
  | { type: 'skipped'; location: InputLocation; reason: string }

/** A file, folder or ZIP archive opened for reading, with safety limits already enforced. */
export interface ExportSource {
  /** The path as the user gave it. */
  readonly path: string
  readonly kind: 'file' | 'folder' | 'zip'
  /** Regular files in it, in a stable order (sorted by path). A single file yields itself. */
  entries(): AsyncIterable<ExportEntry>
}

export interface ExportEntry {
  /** Path relative to the folder or archive root, with forward slashes; the file name for a single file. */
  readonly path: string
  /** Where this entry sits, for locations: { file } or { file: archive, entry }. */
  readonly location: InputLocation
  /** Uncompressed size in bytes, when known before reading. */
  readonly size: number | undefined
  /** Opens a fresh byte stream of the entry; may be called more than once. */
  open(): Promise<Readable>
}

export interface ReadContext {
  /** Per-import options: a Workday column mapping override, the Slack workspace's own team id … */
  options: Record<string, unknown>
}

export interface NormalizeContext {
  /** Non-secret connection settings, e.g. { ownTeamId: 'T123', ownDomains: ['acme.com'] }. */
  settings: Record<string, unknown>
}

export interface NormalizeIssue {
  code: string
  message: string
  /** Field path inside the payload, e.g. profile.email. */
  path?: string
}

export interface NormalizeResult {
  records: CanonicalRecord[]
  issues: NormalizeIssue[]
}

/** A landed source record as a normaliser sees it. */
export interface LandedRecord {
  system: SystemName
  objectType: string
  sourceId: string
  payload: Record<string, unknown>
  sourceUpdatedAt: string | undefined
}

/** One system's export importer. */
export interface ExportConnector {
  readonly system: SystemName
  /** Reads an export (file, folder or ZIP) and yields its records, rejects and completeness markers. */
  read(source: ExportSource, context: ReadContext): AsyncIterable<ExportItem>
  /** Pure: raw record → canonical records. No IO, no clock. */
  normalize(record: LandedRecord, context: NormalizeContext): NormalizeResult
}

/** Builds the reference to another record of the same system. */
export function refTo(system: SystemName, objectType: string, sourceId: string): SourceRef {
  return { system, objectType, sourceId }
}
