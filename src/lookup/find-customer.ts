/**
 * The candidates a query names, with the facts that tell them apart, without building a profile:
 * what an agent calls first when it is not sure whom it is asking about.
 */
import type { Deps } from '../deps.ts'
import { audited } from './audit.ts'
import { classifyQuery } from './classify-query.ts'
import { decideStatus } from './decide-status.ts'
import { describeCandidates } from './describe-candidates.ts'
import { findEntities } from './find-entities.ts'
import { findInputSchema, LIMITS, type FindResult, type Principal } from './lookup-schema.ts'
import { parseInput } from './parse-input.ts'
import { sanitizeLine } from './sanitize-text.ts'
import { requireScope, viewerOf } from './viewer.ts'

export async function findCustomer(deps: Deps, input: unknown, principal: Principal): Promise<FindResult> {
  return audited(deps, principal, 'find_customer', input, async () => {
    const asked = parseInput(findInputSchema, input)
    requireScope(principal, 'lookup')
    const reading = classifyQuery(asked.query)
    const matches = await findEntities(deps.db, reading)
    const decision = decideStatus(matches)
    const shown = matches.slice(0, asked.limit ?? LIMITS.findLimit.default)
    const result: FindResult = {
      status: decision.status,
      query: { text: sanitizeLine(asked.query, LIMITS.queryMaxLength) ?? '', interpretedAs: reading.as },
      candidates: await describeCandidates(deps.db, shown, await viewerOf(deps.db, principal)),
    }
    return { result, status: result.status, entityIds: shown.map((match) => match.entityId) }
  })
}
