import { InvalidArgumentError, type Command } from 'commander'
import { createToken, listTokens, revokeToken, type TokenInfo } from '../../auth/tokens.ts'
import { migrateToLatest } from '../../db/migrate.ts'
import { systemClock } from '../../deps.ts'
import { SCOPES } from '../../lookup/lookup-schema.ts'
import type { CliCommand } from '../run-cli.ts'
import { withDatabase } from '../with-database.ts'

interface CreateFlags {
  name: string
  scopes: string[]
  subject?: string
  expiresIn?: number
}

const DAY_MS = 86_400_000

/** `token create|list|revoke` hang under one `token` command; whichever is defined first makes it. */
function tokenGroup(program: Command): Command {
  return (
    program.commands.find((command) => command.name() === 'token') ??
    program.command('token').description('API tokens for the HTTP API and MCP over HTTP: create, list, revoke')
  )
}

export const tokenCreateCommand: CliCommand = {
  define: (program) =>
    tokenGroup(program)
      .command('create')
      .description('create an API token and print it once; only its SHA-256 is stored')
      .requiredOption('--name <name>', 'what the token is for (shown by token list)')
      .requiredOption('--scopes <list>', `comma-separated: ${SCOPES.join(', ')} (lookup reads profiles, pii unmasks phones and personal emails)`, (value: string) =>
        value.split(',').map((scope) => scope.trim()).filter((scope) => scope !== ''),
      )
      .option('--subject <who>', 'who the caller is in the graph (an email or system:objectType:sourceId): private Slack content is shown where they are a member')
      .option('--expires-in <days>', 'days until the token stops working (default: never)', (value: string) => {
        const days = Number(value)
        if (!Number.isFinite(days) || days <= 0) throw new InvalidArgumentError('expected a positive number of days')
        return days
      }),

  run: async (context, args) => {
    const [flags] = args as [CreateFlags]
    return withDatabase(context, async (database) => {
      await migrateToLatest(database.db)
      const expiresAt = flags.expiresIn === undefined ? null : new Date(systemClock.now().getTime() + flags.expiresIn * DAY_MS)
      const created = await createToken(database.db, { name: flags.name, scopes: flags.scopes, subject: flags.subject ?? null, expiresAt })
      // The log names the token by id only: the token itself goes to stdout, this once.
      context.logger.info({ tokenId: created.id, scopes: created.scopes }, 'token created')
      return {
        data: created,
        text: `${describe(created)}\n\n${created.token}\n\nKeep it now: it is shown only this once. Send it as "Authorization: Bearer <token>".`,
      }
    })
  },
}

export const tokenListCommand: CliCommand = {
  define: (program) => tokenGroup(program).command('list').description('list API tokens (ids, names, scopes, state; never secrets)'),

  run: (context) =>
    withDatabase(context, async (database) => {
      await migrateToLatest(database.db)
      const tokens = await listTokens(database.db, systemClock)
      return { data: { tokens }, text: tokens.length === 0 ? 'no tokens; customer-graph token create makes one' : tokens.map(describe).join('\n') }
    }),
}

export const tokenRevokeCommand: CliCommand = {
  define: (program) =>
    tokenGroup(program).command('revoke').description('revoke an API token: it is refused from now on').argument('<id>', 'token id (tok_…), as token list shows it'),

  run: async (context, args) => {
    const [id] = args as [string]
    return withDatabase(context, async (database) => {
      await migrateToLatest(database.db)
      const token = await revokeToken(database.db, id, systemClock)
      context.logger.info({ tokenId: token.id }, 'token revoked')
      return { data: token, text: describe(token) }
    })
  },
}

function describe(token: TokenInfo): string {
  const parts = [
    `${token.id}  ${token.state}`,
    `scopes ${token.scopes.join(',')}`,
    `name "${token.name}"`,
    ...(token.subject ? [`subject ${token.subject}`] : []),
    token.revokedAt ? `revoked ${token.revokedAt}` : token.expiresAt ? `expires ${token.expiresAt}` : 'never expires',
    `last used ${token.lastUsedAt ?? 'never'}`,
  ]
  return parts.join('  ')
}
