/**
 * What the worker schedules: one job per (connection, stream) that has a cron expression. The plan is
 * pure: it turns each connection's schedule and its streams (in the order they run, each after the
 * ones it reads after) into graphile-worker cron items (job options: queue-names.ts), and says when
 * each runs next. Ticks missed while no worker ran, within the last hour, run once when one starts.
 */
import { parseCronItems, type CronItem, type ParsedCronItem } from 'graphile-worker'
import { CgError } from '../errors.ts'
import { jobKeyOf, SYNC_TASK, syncJobSpec, type SyncJobPayload } from './queue-names.ts'
/** Ticks missed while every worker was down, within this long, run once when one starts. */
export const BACKFILL_MS = 60 * 60 * 1000

export interface ConnectionStreams {
  connection: string
  schedule: string | Readonly<Record<string, string>> | undefined
  /** The streams a sync of the connection runs, in order. */
  streams: readonly string[]
  /** The job's attempts after the first, for failures that may pass. */
  retries: number
}

export interface ScheduledStream {
  connection: string
  stream: string
  cron: string
  /** graphile-worker's name for the cron item: it records the last tick it queued under it. */
  identifier: string
  priority: number
  maxAttempts: number
}

export function planSchedules(connections: readonly ConnectionStreams[]): ScheduledStream[] {
  const planned: ScheduledStream[] = []
  for (const { connection, schedule, streams, retries } of connections) {
    if (schedule === undefined) continue
    if (typeof schedule !== 'string') {
      const unknown = Object.keys(schedule).filter((name) => name !== 'default' && !streams.includes(name))
      if (unknown.length > 0) {
        throw new CgError('E_CONFIG', `connection "${connection}" schedules ${unknown.map((name) => `"${name}"`).join(', ')}, which it does not sync; its streams are ${streams.join(', ')} (or "default" for the rest)`, {
          location: { path: `connections.${connection}.schedule.${unknown[0]}` },
        })
      }
    }
    streams.forEach((stream, index) => {
      const cron = typeof schedule === 'string' ? schedule : (schedule[stream] ?? schedule.default)
      if (cron === undefined) return
      planned.push({
        connection,
        stream,
        cron,
        identifier: jobKeyOf(connection, stream),
        priority: index,
        maxAttempts: retries + 1,
      })
    })
  }
  return planned
}

/** The plan as graphile-worker cron items; a cron expression it cannot read is E_CONFIG naming the connection. */
export function cronItems(plan: readonly ScheduledStream[]): ParsedCronItem[] {
  return plan.map((item) => {
    const cronItem: CronItem = {
      task: SYNC_TASK,
      match: item.cron,
      identifier: item.identifier,
      payload: { connection: item.connection, stream: item.stream } satisfies SyncJobPayload,
      options: { backfillPeriod: BACKFILL_MS, ...syncJobSpec(item.connection, item.stream, item) },
    }
    return parseCron(item.connection, cronItem)
  })
}

function parseCron(connection: string, item: CronItem): ParsedCronItem {
  try {
    return parseCronItems([item])[0]!
  } catch (error) {
    throw new CgError('E_CONFIG', `connection "${connection}": the schedule "${String(item.match)}" is not a cron expression graphile-worker accepts (${error instanceof Error ? error.message : String(error)})`, {
      location: { path: `connections.${connection}.schedule` },
    })
  }
}

/** The first minute after `from` (UTC) that the parsed cron item matches, within a year; undefined if none. */
export function nextTick(item: ParsedCronItem, from: Date): Date | undefined {
  const at = new Date(from)
  at.setUTCSeconds(0, 0)
  for (let minutes = 0; minutes < 366 * 24 * 60; minutes++) {
    at.setUTCMinutes(at.getUTCMinutes() + 1)
    const digest = { min: at.getUTCMinutes(), hour: at.getUTCHours(), date: at.getUTCDate(), month: at.getUTCMonth() + 1, dow: at.getUTCDay() }
    if (item.match(digest)) return new Date(at)
  }
  return undefined
}

/** A connection's schedule as `status` shows it: cron per stream (`*` for every stream), each parsed for its next tick. */
export function scheduleOf(connection: string, schedule: ConnectionStreams['schedule']): { crons: Record<string, string>; parsed: ParsedCronItem[] } | undefined {
  if (schedule === undefined) return undefined
  const crons = typeof schedule === 'string' ? { '*': schedule } : { ...schedule }
  const parsed = Object.entries(crons).map(([stream, cron]) => parseCron(connection, { task: SYNC_TASK, match: cron, identifier: `${connection}:${stream}` }))
  return { crons, parsed }
}
