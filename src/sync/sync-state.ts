/**
 * A stream's committed cursor in sync_state: read and validated before a stream runs (a cursor that
 * no longer parses is E_STATE_INVALID — never silently reset, which would re-read or skip data), and
 * written in the same transaction as the page it follows.
 */
import { sql, type Kysely, type Transaction } from 'kysely'
import type { ApiStream } from '../connectors/api-contract.ts'
import { CgError } from '../errors.ts'
import type { DB } from '../schema/database.ts'

export async function loadCursor<Cursor>(db: Kysely<DB>, connection: string, stream: ApiStream<Cursor>): Promise<Cursor | null> {
  const row = await db.selectFrom('sync_state').select('cursor').where('connection_id', '=', connection).where('stream', '=', stream.name).executeTakeFirst()
  if (row?.cursor === undefined || row.cursor === null) return null
  const parsed = stream.cursor.safeParse(row.cursor)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const path = ['cursor', ...(issue?.path ?? [])].map(String).join('.')
  throw new CgError(
    'E_STATE_INVALID',
    `${connection}: the saved cursor of stream ${stream.name} is not valid (${path}: ${issue?.message ?? 'invalid'}); nothing was read from it and it was left as it is. ` +
      `Run \`customer-graph sync --only ${connection} --full\` to read the stream again from the start (its first page replaces the cursor)`,
    { location: { path: `sync_state[${connection}/${stream.name}].${path}` } },
  )
}

export async function saveCursor(trx: Transaction<DB>, connection: string, stream: string, cursor: unknown, runId: number): Promise<void> {
  await sql`insert into sync_state (connection_id, stream, cursor, last_run_id, updated_at)
    values (${connection}, ${stream}, ${JSON.stringify(cursor ?? null)}::jsonb, ${runId}, now())
    on conflict (connection_id, stream) do update set cursor = excluded.cursor, last_run_id = excluded.last_run_id, updated_at = excluded.updated_at`.execute(trx)
}
