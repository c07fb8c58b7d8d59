import os from 'node:os'
import type { Principal, Scope } from '../lookup/lookup-schema.ts'

/**
 * Whoever runs the CLI on this machine owns the database: they see every conversation and are
 * audited as cli:<login name>. The lookup command gets every scope; `mcp` the ones its flag gives.
 */
export function localOperator(surface: Principal['surface'], scopes: readonly Scope[] = ['lookup', 'pii', 'admin']): Principal {
  return { id: `cli:${osUser()}`, surface, scopes: new Set(scopes), subject: 'all' }
}

/** The operator's login name, for the audit trail; a container user without a passwd entry has none. */
function osUser(): string {
  try {
    return os.userInfo().username
  } catch {
    return 'unknown'
  }
}
