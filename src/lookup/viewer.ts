/**
 * Who the caller is in the graph, for private Slack content: the local operator sees everything; a
 * token's subject (an email or a record reference) is looked up like any query and must name one
 * person; a caller who is nobody sees public content only.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../schema/database.ts'
import { classifyQuery } from './classify-query.ts'
import { findEntities } from './find-entities.ts'
import type { Viewer } from './load-profile.ts'
import type { Principal, Scope } from './lookup-schema.ts'
import { CgError } from '../errors.ts'

export async function viewerOf(db: Kysely<DB>, principal: Principal): Promise<Viewer> {
  if (principal.subject === 'all') return { all: true }
  if (principal.subject === null) return { all: false, entityId: null }
  const reading = classifyQuery(principal.subject)
  if (reading.as === 'name') return { all: false, entityId: null }
  const people = (await findEntities(db, reading)).filter((match) => match.kind === 'person')
  return { all: false, entityId: people.length === 1 ? people[0]!.entityId : null }
}

export function requireScope(principal: Principal, scope: Scope): void {
  if (!principal.scopes.has(scope)) {
    throw new CgError('E_FORBIDDEN', `this caller's token lacks the "${scope}" scope; create one with customer-graph token create --scopes ${scope}`, {
      location: { parameter: 'scopes' },
    })
  }
}
