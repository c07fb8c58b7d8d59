import { Readable } from 'node:stream'
import { FormatError } from '../../formats/format-error.ts'
import { readJsonArray } from '../../formats/json.ts'
import type { CheckResult, StreamContext } from '../api-contract.ts'
import type { WorkdayClient } from './client.ts'
import type { WorkdaySettings } from './config.ts'
import { WorkdayHttpError, WorkdayResponseError } from './errors.ts'
import { REPORT_STREAM } from './streams/report.ts'
import { REST_WORKERS_STREAM } from './streams/rest-workers.ts'

type Probe = { granted: true } | { granted: false; reason: string }

/**
 * One authenticated request per configured API, each answering at most one worker: the report run
 * with its check prompts (or its prompts) and read up to its first entry, the rest of the answer
 * cancelled (RaaS has no row limit of its own); REST workers with limit=1. Bad credentials fail the
 * check (E_AUTH, after the one OAuth refresh); an API the integration user may not use (403, or the
 * report not found or not shared: 404) is a scope not granted.
 */
export async function checkWorkday(context: StreamContext, client: WorkdayClient, settings: WorkdaySettings): Promise<CheckResult> {
  const scopes: CheckResult['scopes'] = []
  const { report, rest } = settings
  if (report !== undefined) {
    const name = `${report.owner}/${report.name}`
    const what = `report ${name} (check)`
    const url = client.reportUrl(report.owner, report.name, report.checkPrompts ?? report.prompts)
    const probe = await context.call({ what }, (signal) => denied(async () => firstEntry(await client.get(url, what, signal), what)))
    note(context, what, probe)
    const neededBy = rest === undefined ? [REPORT_STREAM] : [REPORT_STREAM, REST_WORKERS_STREAM]
    scopes.push({ name: `custom report ${name} (web service)`, granted: probe.granted, neededBy })
  }
  if (rest !== undefined) {
    const what = `${rest.service}/${rest.version} workers (check)`
    const url = client.workersUrl(rest.service, rest.version, 1, 0)
    const probe = await context.call({ what }, (signal) =>
      denied(async () => {
        await (await client.get(url, what, signal)).json()
      }),
    )
    note(context, what, probe)
    scopes.push({ name: `REST ${rest.service}/${rest.version} workers`, granted: probe.granted, neededBy: [REST_WORKERS_STREAM] })
  }
  return { identity: client.credentials.identity, account: `tenant ${settings.tenant} on ${settings.host}`, scopes }
}

/** A 403 or 404 answer as a scope not granted; anything else as the call's outcome. */
async function denied(request: () => Promise<void>): Promise<Probe> {
  try {
    await request()
    return { granted: true }
  } catch (error) {
    if (error instanceof WorkdayHttpError && (error.status === 403 || error.status === 404)) return { granted: false, reason: error.message }
    throw error
  }
}

function note(context: StreamContext, what: string, probe: Probe): void {
  if (!probe.granted) context.logger.warn({ check: what }, `not granted: ${probe.reason}`)
}

/** Reads the answer up to its first report entry (or its end), then drops the rest. */
async function firstEntry(response: Response, what: string): Promise<void> {
  if (response.body === null) throw new WorkdayResponseError(`${what}: the answer has no body`)
  const body = Readable.fromWeb(response.body)
  try {
    for await (const entry of readJsonArray(body, { file: what }, { arrayPath: ['Report_Entry'] })) {
      void entry
      return
    }
  } catch (error) {
    if (error instanceof FormatError) throw new WorkdayResponseError(`${error.message} Is the report's output JSON ({"Report_Entry": [ … ]})?`)
    throw error
  } finally {
    body.destroy()
  }
}
