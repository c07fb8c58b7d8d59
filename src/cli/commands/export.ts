import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import { InvalidArgumentError, type Command } from 'commander'
import { migrateToLatest } from '../../db/migrate.ts'
import { exportIdentities } from '../../resolve/export-identities.ts'
import { RESOLVED_KINDS } from '../../resolve/resolvable.ts'
import type { ResolvedKind } from '../../schema/database.ts'
import type { CliCommand } from '../run-cli.ts'
import { withDatabase } from '../with-database.ts'

interface ExportFlags {
  kind?: ResolvedKind
  output?: string
}

export const exportCommand: CliCommand = {
  define: (program: Command) => {
    const group = program.command('export').description('write resolved data out')
    return group
      .command('identities')
      .description('CSV of the resolved partition: entity_id,entity_kind,system,object_type,source_id, one row per resolved record')
      .option('--kind <kind>', 'only person or organization entities', (value: string) => {
        if (value !== 'person' && value !== 'organization') throw new InvalidArgumentError('expected person or organization')
        return value
      })
      .option('--output <file>', 'write the CSV to this file instead of stdout')
  },

  run: async (context, args) => {
    const [flags] = args as [ExportFlags]
    const kinds = flags.kind ? [flags.kind] : [...RESOLVED_KINDS]
    return withDatabase(context, async (database) => {
      await migrateToLatest(database.db)
      const sink: NodeJS.WritableStream = flags.output ? createWriteStream(flags.output) : context.io.stdout
      // A reader that stops early (`| head`) closes the pipe: stop writing, that is no failure.
      sink.on('error', () => undefined)
      let rows = -1
      for await (const chunk of exportIdentities(database.db, kinds)) {
        rows += chunk.split('\n').length - 1
        const failed = await new Promise<NodeJS.ErrnoException | null | undefined>((resolve) => sink.write(chunk, resolve))
        if (failed?.code === 'EPIPE') break
        if (failed) throw failed
      }
      if (!flags.output) return { data: { rows }, text: '', printed: true }
      sink.end()
      await once(sink, 'finish')
      return { data: { file: flags.output, rows }, text: `wrote ${rows.toLocaleString('en-US')} identity row(s) to ${flags.output}` }
    })
  },
}
