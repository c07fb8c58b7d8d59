import { describe, expect, it } from 'vitest'
import { CgError } from '../errors.ts'
import { cronItems, nextTick, planSchedules, scheduleOf } from './schedule-plan.ts'

const slack = { connection: 'acme', streams: ['users', 'conversations', 'history'], retries: 8 }

describe('planSchedules', () => {
  it('schedules every stream of a connection with one cron, in the order they run, under its key and queue', () => {
    const plan = planSchedules([{ ...slack, schedule: '*/15 * * * *' }, { connection: 'quiet', streams: ['users'], retries: 8, schedule: undefined }])
    expect(plan).toEqual([
      { connection: 'acme', stream: 'users', cron: '*/15 * * * *', identifier: 'sync:acme:users', priority: 0, maxAttempts: 9 },
      { connection: 'acme', stream: 'conversations', cron: '*/15 * * * *', identifier: 'sync:acme:conversations', priority: 1, maxAttempts: 9 },
      { connection: 'acme', stream: 'history', cron: '*/15 * * * *', identifier: 'sync:acme:history', priority: 2, maxAttempts: 9 },
    ])
    expect(cronItems(plan).map((item) => item.options)).toEqual(
      plan.map((item) => ({ backfillPeriod: 3_600_000, jobKey: item.identifier, jobKeyMode: 'preserve_run_at', queueName: 'sync:acme', priority: item.priority, maxAttempts: 9 })),
    )
  })

  it('takes a cron per stream, `default` for the rest; a stream left out of both is not scheduled', () => {
    expect(planSchedules([{ ...slack, schedule: { history: '*/5 * * * *', default: '0 * * * *' } }]).map(({ stream, cron }) => [stream, cron])).toEqual([
      ['users', '0 * * * *'],
      ['conversations', '0 * * * *'],
      ['history', '*/5 * * * *'],
    ])
    expect(planSchedules([{ ...slack, schedule: { history: '*/5 * * * *' } }]).map(({ stream }) => stream)).toEqual(['history'])
  })

  it('refuses a stream the connection does not sync, and a cron graphile-worker cannot read, naming the path', () => {
    const unknown = catching(() => planSchedules([{ ...slack, schedule: { messages: '*/5 * * * *' } }]))
    expect(unknown).toMatchObject({ code: 'E_CONFIG', location: { path: 'connections.acme.schedule.messages' } })
    expect(unknown.message).toMatch(/schedules "messages", which it does not sync; its streams are users, conversations, history/)
    const bad = catching(() => cronItems(planSchedules([{ ...slack, schedule: '61 * * * *' }])))
    expect(bad).toMatchObject({ code: 'E_CONFIG', location: { path: 'connections.acme.schedule' } })
  })
})

describe('nextTick', () => {
  it('is the next matching minute in UTC, strictly after the time given', () => {
    const { parsed } = scheduleOf('acme', { '*': '30 9 * * 1' })!
    const item = parsed[0]!
    // Monday 7 December 2026, 09:30 UTC: the next is a week later.
    expect(nextTick(item, new Date('2026-12-07T09:30:00Z'))?.toISOString()).toBe('2026-12-14T09:30:00.000Z')
    expect(nextTick(item, new Date('2026-12-07T09:29:59Z'))?.toISOString()).toBe('2026-12-07T09:30:00.000Z')
    const everyQuarter = scheduleOf('acme', '*/15 * * * *')!.parsed[0]!
    expect(nextTick(everyQuarter, new Date('2026-12-07T23:59:10Z'))?.toISOString()).toBe('2026-12-08T00:00:00.000Z')
  })
})

function catching(work: () => unknown): CgError {
  try {
    work()
  } catch (error) {
    if (error instanceof CgError) return error
    throw error
  }
  throw new Error('expected a CgError')
}
