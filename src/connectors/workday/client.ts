import type { WorkdaySettings } from './config.ts'
import type { Credentials } from './credentials.ts'
import { errorDetail, retryAfterMs, WorkdayHttpError } from './errors.ts'

/** Reading an error answer's excerpt stops here: a gateway's HTML page needs no more. */
const MAX_ERROR_BODY = 8 * 1024

/**
 * Workday has no SDK: requests are Node's fetch against the tenant's host (configurable, so tests aim
 * it at the fake). The client adds the credentials, refreshes an OAuth token once when a request
 * meets 401, and turns any other non-2xx answer into a WorkdayHttpError. It never retries or waits:
 * the sync's `context.call` does that around it.
 */
export class WorkdayClient {
  private readonly host: string
  private readonly tenant: string
  readonly credentials: Credentials

  constructor(settings: WorkdaySettings, credentials: Credentials) {
    this.host = settings.host.replace(/\/+$/, '')
    this.tenant = settings.tenant
    this.credentials = credentials
  }

  /** `GET {host}/ccx/service/customreport2/{tenant}/{owner}/{report}?{prompts}&format=json` */
  reportUrl(owner: string, report: string, prompts: Record<string, string>): URL {
    const url = new URL(`${this.host}/ccx/service/customreport2/${segment(this.tenant)}/${segment(owner)}/${segment(report)}`)
    for (const [name, value] of Object.entries(prompts)) url.searchParams.set(name, value)
    // JSON whatever the prompts say: the stream reads Report_Entry.
    url.searchParams.set('format', 'json')
    return url
  }

  /** `GET {host}/ccx/api/{service}/{version}/{tenant}/workers?limit=&offset=` */
  workersUrl(service: string, version: string, limit: number, offset: number): URL {
    const url = new URL(`${this.host}/ccx/api/${segment(service)}/${segment(version)}/${segment(this.tenant)}/workers`)
    url.searchParams.set('limit', String(limit))
    url.searchParams.set('offset', String(offset))
    return url
  }

  /** An authenticated GET whose answer is 2xx (its body not read yet), else a thrown WorkdayHttpError. */
  async get(url: URL, what: string, signal: AbortSignal): Promise<Response> {
    let authorization = await this.credentials.authorization(signal)
    let response = await this.fetch(url, authorization, signal)
    if (response.status === 401) {
      const fresh = await this.credentials.refresh(authorization, signal)
      if (fresh !== undefined) {
        await discard(response)
        authorization = fresh
        response = await this.fetch(url, authorization, signal)
      }
    }
    if (!response.ok) {
      const detail = errorDetail(await readCapped(response), this.credentials.secrets)
      throw new WorkdayHttpError(what, response.status, detail, retryAfterMs(response.headers.get('retry-after'), Date.now()))
    }
    return response
  }

  private fetch(url: URL, authorization: string, signal: AbortSignal): Promise<Response> {
    return fetch(url, { headers: { Authorization: authorization, Accept: 'application/json' }, signal })
  }
}

function segment(value: string): string {
  return encodeURIComponent(value)
}

/** Frees the connection of an answer that will not be read. */
async function discard(response: Response): Promise<void> {
  try {
    await response.body?.cancel()
  } catch {
    // Already gone: nothing to free.
  }
}

/** The start of an error answer's body; a body that breaks off gives what arrived. */
async function readCapped(response: Response): Promise<string> {
  if (response.body === null) return ''
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader()
  const decoder = new TextDecoder()
  let text = ''
  try {
    while (text.length < MAX_ERROR_BODY) {
      const { done, value } = await reader.read()
      if (done) break
      text += decoder.decode(value, { stream: true })
    }
  } catch {
    // The status says enough.
  } finally {
    await reader.cancel().catch(() => undefined)
  }
  return text
}
