/**
 * The live-API half of the connector contract (DESIGN.md §3): what a connector gives the sync so that
 * it can read a system's API incrementally. The built-in Slack, Salesforce, Google and Workday
 * connectors implement it exactly as an outside package would (docs/connectors.md).
 *
 * A connector never writes to the database and never sleeps on a rate limit itself: every request
 * goes through `context.call`, which owns timeouts, retries, the credential's quota and the
 * rescheduling of long waits. A stream yields pages; the sync lands each page with the cursor the
 * stream reached after it, in one transaction.
 */
import type { z } from 'zod'
import { CgError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import type { ApiLocation, LandedRecord, NormalizeContext, NormalizeResult, RawRecord, RejectedInput } from './types.ts'

/** What a failed request means, as the connector reads its SDK's error; the sync decides what follows. */
export type SourceFailure =
  /** The source asks us to slow down (Slack 429, Google 403 userRateLimitExceeded/quotaExceeded or 429, Salesforce REQUEST_LIMIT_EXCEEDED). */
  | { kind: 'rate_limited'; retryAfterMs?: number; detail: string }
  /** Credentials refused after the SDK's own refresh (if any): stop, E_AUTH. */
  | { kind: 'auth'; detail: string }
  /** Worth repeating: 5xx, connection reset, a truncated body, a timeout. */
  | { kind: 'transient'; detail: string }
  /** A sync token or saved position the source no longer accepts (Google 410/EXPIRED_SYNC_TOKEN): read again from the start. */
  | { kind: 'cursor_expired'; detail: string }
  /** Anything else (other 4xx, a missing scope, an unknown method): fail fast with this code. */
  | { kind: 'fatal'; code: string; detail: string }

export interface CallOptions {
  /** The method or endpoint called, for errors and logs (never a URL with credentials). */
  what: string
}

export interface StreamContext {
  /**
   * Makes one request through the credential's quota governor: waits out a rate limit (or ends the
   * run with E_RATE_LIMITED when the wait is longer than the cap), retries transient failures with
   * backoff, aborts a call that takes longer than the request timeout (the signal is aborted; a
   * promise that ignores it is abandoned), and turns every other failure into a CgError.
   */
  call<T>(options: CallOptions, request: (signal: AbortSignal) => Promise<T>): Promise<T>
  /**
   * Remembers a pagination cursor of one listing; the same cursor twice in one listing throws
   * E_PAGINATION_LOOP (a source that would otherwise page forever).
   */
  page(listing: string, cursor: string): void
  /** The user asked to read everything again (`sync --full`): a stream given no cursor already reads all. */
  full: boolean
  now(): Date
  logger: Logger
}

/**
 * One page a stream read: records (and rejects) to land, the cursor reached after them, and the
 * object types whose every record has now been read in this pass (a full read: the sync may infer
 * what it did not see deleted, with the same safety rules as exports).
 */
export interface StreamPage<Cursor> {
  records: RawRecord<ApiLocation>[]
  rejects?: RejectedInput<ApiLocation>[]
  /** Where the next read resumes; null starts the next read from the beginning (a full stream between passes). */
  cursor: Cursor | null
  complete?: string[]
  /**
   * Records the source says are gone, when all it gives is their id (a delete log): the connection's
   * landed copies are marked deleted and keep their last content. A record the source still returns,
   * marked deleted, belongs in `records` with `deleted` instead.
   */
  deletions?: StatedDeletion[]
}

export interface StatedDeletion {
  objectType: string
  sourceId: string
  /** The source's word for it, kept as the deletion's evidence: 'getDeleted'. */
  reason: string
  /** When the source says the record was deleted, ISO 8601. */
  deletedAt?: string
}

export interface ApiStream<Cursor = unknown> {
  /** Unique within the connector: 'users', 'conversations', 'history' … */
  readonly name: string
  /** full: every read lists everything (deletions inferred after it); incremental: reads changes since the cursor. */
  readonly mode: 'incremental' | 'full'
  /** Validates a saved cursor: a saved cursor that does not parse is E_STATE_INVALID, never silently reset. */
  readonly cursor: z.ZodType<Cursor>
  /** Streams of the same connection that must have landed in this run before this one reads (e.g. history after conversations). */
  readonly after?: readonly string[]
  read(context: StreamContext, cursor: Cursor | null): AsyncIterable<StreamPage<Cursor>>
}

export interface CheckResult {
  /** Who the credentials are, as the source says (bot user, integration user, service account). */
  identity: string
  /** Where: the workspace, org, tenant or domain. */
  account: string
  /** What each stream needs and whether it has it; a missing scope names the stream it blocks. */
  scopes: { name: string; granted: boolean; neededBy: string[] }[]
}

/** A connection opened with its settings: SDK clients made, nothing read yet. */
export interface ApiSession {
  readonly streams: readonly ApiStream[]
  /** Verifies credentials and scopes with the cheapest calls the source offers; reads no records. */
  check(context: StreamContext): Promise<CheckResult>
  /**
   * Non-secret settings the normaliser needs that only the source knows (Slack's own team id from
   * auth.test), read once per run before the streams; merged over the connection's stored settings.
   */
  normalizeSettings?(context: StreamContext): Promise<Record<string, unknown>>
  /** Reads a failed request's error (whatever the SDK threw) as a SourceFailure. */
  classify(error: unknown): SourceFailure
  close?(): Promise<void>
}

export interface OpenContext {
  logger: Logger
  /** The connection's name in the config file, for messages. */
  connection: string
}

/**
 * A system's live-API connector. `settings` validates the connection's entry of customer-graph.yaml
 * (credentials arrive as Secret objects, see sync/connections-config.ts); `normalize` is the same
 * pure function the export importer uses, because API and export records are the same source records.
 */
export interface ApiConnector<Settings = unknown> {
  readonly system: string
  readonly settings: z.ZodType<Settings>
  /** May be async, so that a connector loads its SDK only when a connection of its system is used. */
  open(settings: Settings, context: OpenContext): ApiSession | Promise<ApiSession>
  normalize(record: LandedRecord, context: NormalizeContext): NormalizeResult
}

/**
 * What `context.call` throws when the source refused a request for good (a `fatal` failure): E_SOURCE
 * with the source's own code, so that a stream can go on without what it could not read (a channel
 * the bot is not in).
 */
export class SourceError extends CgError {
  readonly sourceCode: string
  constructor(message: string, sourceCode: string, endpoint: string) {
    super('E_SOURCE', message, { location: { endpoint } })
    this.sourceCode = sourceCode
  }
}

