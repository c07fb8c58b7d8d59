/**
 * found, ambiguous or not_found, from the entities a query matched. An identifier (email, phone,
 * domain, id) that names one entity finds it; one that names several is ambiguous (a shared mailbox,
 * a refused merge). A name finds an entity only when exactly one has it, or when it is the only
 * candidate at all; otherwise the candidates are the answer, so a near match is never passed off
 * as the person asked for. Pure.
 */
import type { EntityMatch } from './find-entities.ts'

export const MAX_CANDIDATES = 5

export type Decision =
  | { status: 'found'; match: EntityMatch }
  | { status: 'ambiguous'; candidates: EntityMatch[] }
  | { status: 'not_found' }

export function decideStatus(matches: readonly EntityMatch[]): Decision {
  if (matches.length === 0) return { status: 'not_found' }
  if (matches.length === 1) return { status: 'found', match: matches[0]! }
  const exact = matches.filter((match) => match.score === 1)
  if (exact.length === 1) return { status: 'found', match: exact[0]! }
  const pool = exact.length > 1 ? exact : matches
  return { status: 'ambiguous', candidates: pool.slice(0, MAX_CANDIDATES) }
}
