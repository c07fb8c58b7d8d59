import type { AsyncLocalStorage } from 'node:async_hooks'
import { PassThrough } from 'node:stream'
import type { HttpRequest, HttpRequestOptions, HttpResponse, StreamPromise } from 'jsforce'
import { SalesforceNetworkError } from './errors.ts'

/**
 * The HTTP transport the sync installs in jsforce's Connection (and its OAuth2 client) in place of
 * jsforce's own. jsforce 3.10's transport (lib/request.js, startFetchRequest) does
 * `Readable.fromWeb(res.body).pipe(output)` with no 'error' listener on the Readable: a body cut off
 * by a closed connection emits `TypeError: terminated` there and the Node process dies of an unhandled
 * 'error' event, which no try/catch around a jsforce call can catch. A body cut off on an open
 * connection never ends, and jsforce's only limit is its 30-minute fetch timeout. It also retries
 * 5xx and socket errors on its own (up to five times, 15 s of sleeping), which the sync's
 * `context.call` must own.
 *
 * This transport makes each request with fetch and reads the whole body with `response.text()`
 * inside a try, so a cut-off body is a rejected promise (a retryable SalesforceNetworkError); it
 * passes the signal of the current `context.call` (kept in an AsyncLocalStorage, since jsforce's
 * high-level methods take no signal) so a timeout aborts the socket instead of leaving it open; and it
 * never retries. jsforce reads the response as its own transport would give it (status, lower-case
 * headers, body text) and keeps parsing errors, refreshing sessions and reading Sforce-Limit-Info.
 *
 * Relies on jsforce 3.x internals: `Connection._transport` / `OAuth2._transport` and the
 * `httpRequest(request, options) → StreamPromise<HttpResponse>` shape (test/sync-salesforce.test.ts
 * covers it with the real package, which package.json pins).
 */

/** What the transport learns of a response, for the call that made it. */
export interface ResponseInfo {
  status: number
  headers: Readonly<Record<string, string>>
  /** The request carried a session (Authorization header); false for the OAuth token endpoint. */
  authorized: boolean
}

/** The context of one `context.call`, carried through jsforce into the transport. */
export interface RequestScope {
  signal: AbortSignal | undefined
  /** Every response of the call, in order (a refreshed session answers twice). */
  responses: ResponseInfo[]
}

export class FetchTransport {
  readonly #scope: AsyncLocalStorage<RequestScope>
  readonly #onResponse: (info: ResponseInfo) => void

  constructor(scope: AsyncLocalStorage<RequestScope>, onResponse: (info: ResponseInfo) => void) {
    this.#scope = scope
    this.#onResponse = onResponse
  }

  httpRequest(request: HttpRequest, options: HttpRequestOptions = {}): StreamPromise<HttpResponse> {
    // jsforce pipes the stream of every request into the stream it hands callers of `.stream()`; the
    // sync reads promises only, but the stream must still carry the body and end (never error: an
    // 'error' without a listener is the crash this transport exists to prevent).
    const stream = new PassThrough()
    const promise = this.#send(request, options.encoding ?? 'utf8').then(
      (response) => {
        stream.end(response.body)
        return response
      },
      (error: unknown) => {
        stream.destroy()
        throw error
      },
    )
    // What jsforce's StreamPromise is: a promise with a stream() (its class is not reachable from ESM).
    return Object.assign(promise, { stream: () => stream })
  }

  /** Never called: jsforce calls it only from the httpRequest this class replaces. */
  getRequestStreamCreator(): never {
    throw new Error('FetchTransport makes its requests in httpRequest')
  }

  async #send(request: HttpRequest, encoding: BufferEncoding): Promise<HttpResponse> {
    const scope = this.#scope.getStore()
    const signal = scope?.signal
    signal?.throwIfAborted()
    const headers = request.headers ?? {}
    const where = `${request.method} ${pathOf(request.url)}`
    let response: Response
    try {
      response = await fetch(request.url, { method: request.method, headers, body: requestBody(request), signal: signal ?? null, redirect: 'follow' })
    } catch (error) {
      throw networkError(error, signal, `${where}: no answer`)
    }
    let body: string
    try {
      const bytes = Buffer.from(await response.arrayBuffer())
      body = bytes.toString(encoding)
    } catch (error) {
      throw networkError(error, signal, `${where}: the answer (HTTP ${response.status}) was cut off before its end`)
    }
    const responseHeaders: Record<string, string> = {}
    response.headers.forEach((value, name) => (responseHeaders[name] = value))
    const info: ResponseInfo = { status: response.status, headers: responseHeaders, authorized: Object.keys(headers).some((name) => name.toLowerCase() === 'authorization') }
    scope?.responses.push(info)
    this.#onResponse(info)
    return { statusCode: response.status, headers: responseHeaders, body }
  }
}

/** The bodies jsforce sends for the calls the sync makes: JSON and form text. */
function requestBody(request: HttpRequest): string | Buffer | URLSearchParams | undefined {
  const body = request.body
  if (body === undefined || body === null) return undefined
  if (typeof body === 'string' || Buffer.isBuffer(body) || body instanceof URLSearchParams) return body
  throw new Error(`${request.method} ${pathOf(request.url)}: the sync's transport sends text bodies only, not streams or multipart forms`)
}

/** Path without the query string: enough to say where, and no SOQL or token ever reaches a message. */
function pathOf(url: string): string {
  const parsed = URL.parse(url)
  return parsed ? parsed.pathname : url.split('?')[0] ?? url
}

function networkError(error: unknown, signal: AbortSignal | undefined, message: string): unknown {
  // The sync aborted the call (its timeout): hand its reason back unchanged, it knows what it means.
  if (signal?.aborted) return signal.reason as unknown
  const cause = error instanceof Error ? error.cause : undefined
  const code = causeCode(cause) ?? causeCode(error)
  const detail = error instanceof Error ? error.message : String(error)
  return new SalesforceNetworkError(`${message} (${detail}${code ? `, ${code}` : ''})`, { cause: error })
}

function causeCode(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const code = (value as { code?: unknown }).code
  if (typeof code === 'string') return code
  return causeCode((value as { cause?: unknown }).cause)
}
