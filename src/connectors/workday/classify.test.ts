import { describe, expect, it } from 'vitest'
import { classifyWorkdayError } from './classify.ts'
import { errorDetail, retryAfterMs, WorkdayHttpError, WorkdayResponseError, WorkdayTokenError } from './errors.ts'

const http = (status: number, retryAfter?: number) => new WorkdayHttpError('workers', status, '', retryAfter)

describe('classifyWorkdayError', () => {
  it.each([
    [http(429, 7000), { kind: 'rate_limited', retryAfterMs: 7000 }],
    [http(429), { kind: 'rate_limited' }],
    [http(503, 30_000), { kind: 'rate_limited', retryAfterMs: 30_000 }],
    [http(503), { kind: 'transient' }],
    [http(500), { kind: 'transient' }],
    [http(502), { kind: 'transient' }],
    [http(504), { kind: 'transient' }],
    [http(408), { kind: 'transient' }],
    [http(401), { kind: 'auth' }],
    [http(403), { kind: 'auth' }],
    [http(404), { kind: 'fatal', code: 'E_WORKDAY_NOT_FOUND' }],
    [http(400), { kind: 'fatal', code: 'E_WORKDAY_REQUEST' }],
    [http(422), { kind: 'fatal', code: 'E_WORKDAY_REQUEST' }],
  ])('HTTP %s', (error, expected) => {
    const failure = classifyWorkdayError(error)
    expect(failure).toMatchObject(expected)
    if (!('retryAfterMs' in expected)) expect(failure).not.toHaveProperty('retryAfterMs')
  })

  it('reads Node fetch failures: resets, cut bodies and aborts are transient; an unknown host or a bad certificate is not', () => {
    const reset = new TypeError('fetch failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) })
    const cut = new TypeError('terminated', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) })
    const dns = new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' }) })
    const tls = new TypeError('fetch failed', { cause: Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' }) })
    expect(classifyWorkdayError(reset)).toMatchObject({ kind: 'transient' })
    expect(classifyWorkdayError(cut)).toMatchObject({ kind: 'transient' })
    expect(classifyWorkdayError(new TypeError('terminated'))).toMatchObject({ kind: 'transient' })
    expect(classifyWorkdayError(new DOMException('timed out', 'TimeoutError'))).toMatchObject({ kind: 'transient' })
    expect(classifyWorkdayError(new DOMException('aborted', 'AbortError'))).toMatchObject({ kind: 'transient' })
    expect(classifyWorkdayError(dns)).toMatchObject({ kind: 'fatal', code: 'E_WORKDAY_HOST' })
    expect(classifyWorkdayError(tls)).toMatchObject({ kind: 'fatal', code: 'E_WORKDAY_TLS' })
  })

  it('reads refused tokens as auth and unexpected answers as fatal', () => {
    expect(classifyWorkdayError(new WorkdayTokenError('refused'))).toEqual({ kind: 'auth', detail: 'refused' })
    expect(classifyWorkdayError(new WorkdayResponseError('no data'))).toMatchObject({ kind: 'fatal', code: 'E_WORKDAY_RESPONSE' })
    expect(classifyWorkdayError(new SyntaxError('Unexpected token <'))).toMatchObject({ kind: 'fatal', code: 'E_WORKDAY_RESPONSE' })
    expect(classifyWorkdayError(new Error('boom'))).toMatchObject({ kind: 'fatal', code: 'E_WORKDAY_UNEXPECTED' })
  })
})

describe('retryAfterMs', () => {
  it('reads delay-seconds and HTTP dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(retryAfterMs('7', now)).toBe(7000)
    expect(retryAfterMs('Thu, 01 Jan 2026 00:01:00 GMT', now)).toBe(60_000)
    expect(retryAfterMs(null, now)).toBeUndefined()
    expect(retryAfterMs('soon', now)).toBeUndefined()
  })
})

describe('errorDetail', () => {
  it('keeps a short excerpt without markup or any secret', () => {
    expect(errorDetail('<html><body><h1>502</h1> Bad   gateway</body></html>', [])).toBe('502 Bad gateway')
    expect(errorDetail('{"error":"bad token s3cr3t-value"}', ['s3cr3t-value'])).toBe('{"error":"bad token [secret]"}')
    expect(errorDetail('x'.repeat(500), [])).toHaveLength(201)
  })
})
