import { describe, expect, it } from 'vitest'
import { classifyGoogleError, FullResyncRequired, UnexpectedResponse } from './classify.ts'

/** The parts of a GaxiosError the classifier reads: status, Google's body, the request URL. */
function httpError(status: number, data: unknown, url = 'https://admin.googleapis.com/admin/directory/v1/users?customer=my_customer', headers?: Headers) {
  return Object.assign(new Error('Request failed'), { status, config: { url }, response: { status, data, headers: headers ?? new Headers() } })
}

const v1 = (status: number, reason: string, message = 'm') => ({ error: { code: status, message, errors: [{ domain: 'usageLimits', reason, message }] } })
const v2 = (status: number, grpc: string, reason?: string) => ({
  error: { code: status, message: 'm', status: grpc, ...(reason ? { details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason }] } : {}) },
})

describe('classifyGoogleError', () => {
  it('reads the rate-limit signals: 403 usageLimits reasons, 429, and a Retry-After hint', () => {
    for (const reason of ['userRateLimitExceeded', 'rateLimitExceeded', 'quotaExceeded']) {
      expect(classifyGoogleError(httpError(403, v1(403, reason))).kind).toBe('rate_limited')
    }
    expect(classifyGoogleError(httpError(429, v2(429, 'RESOURCE_EXHAUSTED', 'RATE_LIMIT_EXCEEDED')))).toMatchObject({ kind: 'rate_limited' })
    const hinted = classifyGoogleError(httpError(429, v1(429, 'rateLimitExceeded'), undefined, new Headers({ 'retry-after': '7' })))
    expect(hinted).toEqual(expect.objectContaining({ kind: 'rate_limited', retryAfterMs: 7000 }))
  })

  it('tells an expired sync token (People 400 EXPIRED_SYNC_TOKEN, Calendar 410) from other 4xx', () => {
    expect(classifyGoogleError(httpError(400, v2(400, 'FAILED_PRECONDITION', 'EXPIRED_SYNC_TOKEN'))).kind).toBe('cursor_expired')
    expect(classifyGoogleError(httpError(410, v1(410, 'fullSyncRequired'))).kind).toBe('cursor_expired')
    expect(classifyGoogleError(httpError(400, v1(400, 'invalid')))).toMatchObject({ kind: 'fatal', code: 'E_GOOGLE_BAD_REQUEST' })
    expect(classifyGoogleError(httpError(404, v1(404, 'notFound')))).toMatchObject({ kind: 'fatal', code: 'E_GOOGLE_NOT_FOUND' })
    expect(classifyGoogleError(httpError(403, v1(403, 'forbidden')))).toMatchObject({ kind: 'fatal', code: 'E_GOOGLE_FORBIDDEN' })
  })

  it('names the scope and the stream a 403 insufficient scope blocks', () => {
    const failure = classifyGoogleError(httpError(403, v2(403, 'PERMISSION_DENIED', 'ACCESS_TOKEN_SCOPE_INSUFFICIENT'), 'https://people.googleapis.com/v1/otherContacts?readMask=names'))
    expect(failure).toMatchObject({ kind: 'fatal', code: 'E_GOOGLE_SCOPE' })
    expect(failure.detail).toContain('https://www.googleapis.com/auth/contacts.other.readonly')
    expect(failure.detail).toContain('other_contacts stream')
  })

  it('reads 401 and a refused refresh token as auth, 5xx and lost connections as transient', () => {
    expect(classifyGoogleError(httpError(401, v1(401, 'authError'))).kind).toBe('auth')
    expect(classifyGoogleError(httpError(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }, 'https://oauth2.googleapis.com/token')).kind).toBe('auth')
    expect(classifyGoogleError(httpError(503, v1(503, 'backendError'))).kind).toBe('transient')
    expect(classifyGoogleError(httpError(500, 'Internal Server Error')).kind).toBe('transient')
    expect(classifyGoogleError(Object.assign(new Error('request to http://x/y?pageToken=abc failed, reason: read ECONNRESET'), { code: 'ECONNRESET' }))).toEqual({
      kind: 'transient',
      detail: 'ECONNRESET: request to http://x/y failed, reason: read ECONNRESET',
    })
    expect(classifyGoogleError(Object.assign(new Error('The operation was aborted.'), { code: 'AbortError' })).kind).toBe('transient')
  })

  it('reads the connector’s own signals', () => {
    expect(classifyGoogleError(new FullResyncRequired('deleted contacts')).kind).toBe('cursor_expired')
    expect(classifyGoogleError(new UnexpectedResponse('not JSON', true)).kind).toBe('transient')
    expect(classifyGoogleError(new UnexpectedResponse('wrong shape', false))).toMatchObject({ kind: 'fatal', code: 'E_GOOGLE_RESPONSE' })
  })
})
