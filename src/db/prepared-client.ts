/**
 * Named prepared statements for the hot read paths on a server. A statement whose SQL starts with
 * the PREPARED marker is prepared once per connection under a name derived from its text, so the
 * server stops planning it on every call (the lookup's statements take longer to plan than to run:
 * 3–8 ms of planning against 1–5 ms of execution on a small store). Only marked statements: texts
 * that vary with their input (IN lists, batches) would pile up prepared statements on every
 * connection. The embedded database has no connections to keep them on and ignores the marker.
 * A connection that runs one also runs without JIT compilation and with generic plans (see below):
 * only lookups use the marker, and a pool that serves them runs little else.
 */
import { createHash } from 'node:crypto'
import pg from 'pg'

/** The marker, written literally at the very start of a sql`…` template (a parameter would not do). */
export const PREPARED = '/* prepared */'

export class PreparingClient extends pg.Client {
  #jitOff = false

  // pg's query() has a dozen overloads; only (text, values) from kysely's driver is rewritten.
  override query(...args: unknown[]): never {
    const [text, values] = args
    if (typeof text === 'string' && text.startsWith(PREPARED) && (values === undefined || Array.isArray(values)) && args.length <= 2) {
      const name = `cg_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`
      const prepared = () => super.query({ name, text, values: values as unknown[] | undefined })
      if (this.#jitOff) return prepared() as never
      // A connection that serves lookups turns JIT off first. With a million people the planner's
      // estimates for these statements pass jit_above_cost, and compiling them took 1.3 s of a
      // lookup whose statements run in 6 ms. It also plans them once for any value: by default the
      // server plans the first five calls on each connection again, and every later one whose custom
      // plan it costs below the generic plan, 8–10 ms of planning for a profile that runs in 1–2 ms. Measured at 100k records with 4 callers, alternating runs:
      // email p99 16–19 ms generic against 22–35 ms custom, no query class slower.
      this.#jitOff = true
      return super.query('set jit = off; set plan_cache_mode = force_generic_plan').then(prepared) as never
    }
    return (super.query as (...rest: unknown[]) => unknown)(...args) as never
  }
}
