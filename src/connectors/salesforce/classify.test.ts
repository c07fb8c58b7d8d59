import { describe, expect, it } from 'vitest'
import { classifySalesforceFailure } from './classify.ts'
import { ceilingWaitMs } from './client.ts'
import { ApiUsageCeilingError, SalesforceApiError, SalesforceAuthError, SalesforceNetworkError, SalesforcePayloadError, SalesforcePositionExpired } from './errors.ts'

describe('classifySalesforceFailure', () => {
  it('reads Salesforce error answers by errorCode and status', () => {
    expect(classifySalesforceFailure(new SalesforceApiError('TotalRequests Limit exceeded.', 'REQUEST_LIMIT_EXCEEDED', 403))).toEqual({
      kind: 'rate_limited',
      detail: 'REQUEST_LIMIT_EXCEEDED (HTTP 403): TotalRequests Limit exceeded.',
    })
    expect(classifySalesforceFailure(new SalesforceApiError('Session expired or invalid', 'INVALID_SESSION_ID', 401)).kind).toBe('auth')
    expect(classifySalesforceFailure(new SalesforceApiError('Server temporarily unavailable', 'SERVER_UNAVAILABLE', 503)).kind).toBe('transient')
    expect(classifySalesforceFailure(new SalesforceApiError('An unexpected error occurred', 'UNKNOWN_EXCEPTION', 500)).kind).toBe('transient')
    expect(classifySalesforceFailure(new SalesforceApiError("No such column 'Nope'", 'INVALID_FIELD', 400))).toEqual({
      kind: 'fatal',
      code: 'INVALID_FIELD',
      detail: "INVALID_FIELD (HTTP 400): No such column 'Nope'",
    })
    expect(classifySalesforceFailure(new SalesforceApiError('insufficient access rights on object id', 'INSUFFICIENT_ACCESS', 403)).kind).toBe('fatal')
  })

  it('reads the client’s own errors', () => {
    expect(classifySalesforceFailure(new ApiUsageCeilingError('past the ceiling', 3_600_000))).toEqual({ kind: 'rate_limited', retryAfterMs: 3_600_000, detail: 'past the ceiling' })
    expect(classifySalesforceFailure(new SalesforceNetworkError('cut off')).kind).toBe('transient')
    expect(classifySalesforceFailure(new SalesforceAuthError('refused')).kind).toBe('auth')
    expect(classifySalesforceFailure(new SalesforcePositionExpired('log purged')).kind).toBe('cursor_expired')
    expect(classifySalesforceFailure(new SalesforcePayloadError('not a query result'))).toMatchObject({ kind: 'fatal', code: 'E_SF_PAYLOAD' })
    expect(classifySalesforceFailure(new TypeError('x is undefined'))).toEqual({ kind: 'fatal', code: 'E_SF_UNEXPECTED', detail: 'TypeError: x is undefined' })
  })
})

describe('ceilingWaitMs', () => {
  it('estimates the time for the excess over the ceiling to age out of the rolling 24 hours, 15 minutes to a day', () => {
    // 8,100 used, ceiling 8,000: 100 of 8,100 calls age out in 24 h × 100 / 8,100 ≈ 17.8 minutes
    expect(ceilingWaitMs({ used: 8_100, limit: 10_000 }, 0.8)).toBe(Math.round((86_400_000 * 100) / 8_100))
    expect(ceilingWaitMs({ used: 8_001, limit: 10_000 }, 0.8)).toBe(15 * 60_000)
    expect(ceilingWaitMs({ used: 1, limit: 1 }, 0.1)).toBe(86_400_000)
  })
})
