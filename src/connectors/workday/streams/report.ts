import { Readable } from 'node:stream'
import { z } from 'zod'
import { CgError } from '../../../errors.ts'
import { FormatError } from '../../../formats/format-error.ts'
import { type JsonArrayItem, readJsonArray } from '../../../formats/json.ts'
import type { ApiStream, StreamContext, StreamPage } from '../../api-contract.ts'
import type { InputLocation } from '../../types.ts'
import type { WorkdayClient } from '../client.ts'
import type { WorkdaySettings } from '../config.ts'
import { hasEmployeeIdKey, jsonWorkerItem } from '../json-file.ts'
import type { ColumnMapping } from '../raw.ts'
import type { WorkerIndex } from '../worker-index.ts'
import { fileReject, type IdMode } from '../worker-rows.ts'
import { PageBuilder } from './pages.ts'
import { BodyChangedError, resumableBody } from './resumable-body.ts'

export const REPORT_STREAM = 'report'

/** How often one read starts the report over because it changed while a broken answer was re-requested. */
const MAX_READS = 3

/**
 * Entries held back while no entry has shown an employee id key yet (RaaS leaves empty values out, so
 * the first entries may lack it). The export importer decides by scanning the whole file first; a
 * live answer can be read once only, so this many entries without one make it a report without the
 * column (ids by row hash). Only a report whose first 10,000 workers all lack an employee id while a
 * later one has it is read differently from its export.
 */
const ID_DECISION_LIMIT = 10_000

export type ReportSettings = NonNullable<WorkdaySettings['report']>

/**
 * The RaaS custom report: `GET …/customreport2/{tenant}/{owner}/{report}?format=json`, one answer
 * holding every worker as `{"Report_Entry":[…]}`. Full mode: the answer is streamed through the export
 * importer's JSON array reader (never held whole: a report may hold a million workers), each entry
 * becomes the same `worker` record the export importer makes of the same report file, and after an
 * answer read whole without a rejected entry the page says `worker` is complete, so workers no
 * longer in the report are inferred deleted (with the sync's safety share).
 *
 * The cursor is always null: one answer cannot be resumed midway, so a run that stopped after some
 * pages reads the report again from its start (landing unchanged entries costs a hash comparison).
 */
export function reportStream(client: WorkdayClient, report: ReportSettings, mapping: ColumnMapping, index: WorkerIndex | undefined): ApiStream<null> {
  return {
    name: REPORT_STREAM,
    mode: 'full',
    cursor: z.null(),
    async *read(context) {
      for (let attempt = 1; ; attempt++) {
        try {
          yield* readReport(context, client, report, mapping, index)
          return
        } catch (error) {
          if (!(error instanceof BodyChangedError)) throw error
          if (attempt >= MAX_READS) {
            throw new CgError('E_SOURCE_UNAVAILABLE', `${error.message}, ${attempt} times in one sync; what was read landed, and the next sync reads the report again`, {
              retryable: true,
              location: { endpoint: `customreport2/${report.owner}/${report.name}` },
            })
          }
          context.logger.warn({ stream: REPORT_STREAM, attempt }, `${error.message}; reading the report again from its start`)
        }
      }
    },
  }
}

async function* readReport(
  context: StreamContext,
  client: WorkdayClient,
  report: ReportSettings,
  mapping: ColumnMapping,
  index: WorkerIndex | undefined,
): AsyncGenerator<StreamPage<null>> {
  const name = `${report.owner}/${report.name}`
  const what = `report ${name}`
  const location: InputLocation = { file: `Workday report ${name}` }
  const url = client.reportUrl(report.owner, report.name, report.prompts)
  const pages = new PageBuilder(`customreport2/${name}`, report.pageSize)
  const ids = new IdModeDecision(mapping)
  index?.clear()

  const land = (item: JsonArrayItem) => {
    const result = jsonWorkerItem(item, location, 'report', ids.mode, mapping)
    if (result?.type === 'record') index?.add(result.record.sourceId, result.record.payload, mapping)
    if (result !== undefined) pages.add(result)
  }

  const body = Readable.from(resumableBody(context, what, (signal) => client.get(url, what, signal)))
  let broken = false
  try {
    for await (const item of readJsonArray(body, location, { arrayPath: ['Report_Entry'] })) {
      for (const ready of ids.push(item)) {
        land(ready)
        if (pages.full) yield pages.take(null)
      }
    }
  } catch (error) {
    // Not JSON, no Report_Entry, invalid midway: the entries before it land, the answer is rejected
    // where it broke (as the export importer rejects such a file), and nothing is inferred deleted.
    if (!(error instanceof FormatError)) throw error
    broken = true
    pages.reject(fileReject(error, location) ?? { code: error.code, message: error.message, location, objectType: 'worker' })
  } finally {
    body.destroy()
  }
  for (const ready of ids.finish(broken)) {
    land(ready)
    if (pages.full) yield pages.take(null)
  }
  const complete = !broken && pages.rejected === 0
  if (!broken) index?.seal()
  yield pages.take(null, complete ? ['worker'] : undefined)
}

/**
 * Whether the report identifies workers by employee id (any entry has the key) or by row hash (none
 * has), decided as soon as an entry shows the key: entries before it wait (see ID_DECISION_LIMIT).
 */
class IdModeDecision {
  private decided: IdMode | undefined
  private pending: JsonArrayItem[] = []
  private readonly mapping: ColumnMapping

  constructor(mapping: ColumnMapping) {
    this.mapping = mapping
  }

  get mode(): IdMode {
    return this.decided ?? { kind: 'hash' }
  }

  /** The entries whose id mode is known now, in report order. */
  push(item: JsonArrayItem): JsonArrayItem[] {
    if (this.decided !== undefined) return [item]
    if (hasEmployeeIdKey(item.value, this.mapping)) return this.decide({ kind: 'employee', idColumns: [] }, item)
    this.pending.push(item)
    return this.pending.length >= ID_DECISION_LIMIT ? this.decide({ kind: 'hash' }) : []
  }

  /**
   * The entries still waiting at the end. As in the export importer, a report that broke off after
   * some entries counts as having the column (its entries are held to it).
   */
  finish(broken: boolean): JsonArrayItem[] {
    if (this.decided !== undefined) return []
    return this.decide(broken && this.pending.length > 0 ? { kind: 'employee', idColumns: [] } : { kind: 'hash' })
  }

  private decide(mode: IdMode, item?: JsonArrayItem): JsonArrayItem[] {
    this.decided = mode
    const ready = item === undefined ? this.pending : [...this.pending, item]
    this.pending = []
    return ready
  }
}
