import type { ApiConnector, ApiSession, ApiStream, OpenContext } from '../api-contract.ts'
import { checkWorkday } from './check.ts'
import { classifyWorkdayError } from './classify.ts'
import { WorkdayClient } from './client.ts'
import { type WorkdaySettings, workdaySettings } from './config.ts'
import { credentialsFor } from './credentials.ts'
import { normalizeWorker } from './normalize.ts'
import { reportStream } from './streams/report.ts'
import { restWorkersStream } from './streams/rest-workers.ts'
import { WorkerIndex } from './worker-index.ts'

/**
 * Workday's live API (no SDK: Node's fetch against the tenant's host). Streams: `report` (the RaaS
 * custom report, when configured) and `workers` (REST, when configured), both full reads of
 * `worker` records with the export importer's ids, payloads and normaliser.
 */
export const workdayApiConnector = {
  system: 'workday',
  settings: workdaySettings,
  open: openWorkday,
  normalize: normalizeWorker,
} satisfies ApiConnector<WorkdaySettings>

function openWorkday(settings: WorkdaySettings, context: OpenContext): ApiSession {
  const client = new WorkdayClient(settings, credentialsFor(settings))
  const mapping = settings.mapping ?? {}
  const streams: ApiStream[] = []
  // With both APIs, the report stream notes its workers for the REST stream to match (rest-workers.ts).
  const index = settings.report !== undefined && settings.rest !== undefined ? new WorkerIndex() : undefined
  if (settings.report !== undefined) streams.push(reportStream(client, settings.report, mapping, index))
  if (settings.rest !== undefined) {
    const report = settings.report !== undefined && index !== undefined ? { index, name: `${settings.report.owner}/${settings.report.name}` } : undefined
    streams.push(restWorkersStream({ client, rest: settings.rest, mapping, report, connection: context.connection }))
  }
  return {
    streams,
    check: (streamContext) => checkWorkday(streamContext, client, settings),
    // The normaliser matches columns with the same mapping override the reads used.
    normalizeSettings: () => Promise.resolve(settings.mapping === undefined ? {} : { mapping: settings.mapping }),
    classify: classifyWorkdayError,
  }
}
