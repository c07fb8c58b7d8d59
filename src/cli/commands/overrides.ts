import { InvalidArgumentError, type Command } from 'commander'
import { migrateToLatest } from '../../db/migrate.ts'
import { CgError } from '../../errors.ts'
import { findSubject } from '../../resolve/find-subject.ts'
import { recordOverride, type RecordedOverride } from '../../resolve/overrides.ts'
import type { ResolutionReport } from '../../resolve/run-resolution.ts'
import type { ResolvedKind } from '../../schema/database.ts'
import type { CliCommand } from '../run-cli.ts'
import { withDatabase } from '../with-database.ts'
import { resolveWithProgress } from './resolve.ts'

interface OverrideFlags {
  kind?: ResolvedKind
  note?: string
}

const kindOption = (value: string): ResolvedKind => {
  if (value !== 'person' && value !== 'organization') throw new InvalidArgumentError('expected person or organization')
  return value
}

export const linkCommand: CliCommand = {
  define: (program: Command) =>
    program
      .command('link')
      .description('record that two records (or entities) are the same; outranks the model and survives every re-run')
      .argument('<a>', 'entity id, record (system:objectType:sourceId) or source id')
      .argument('<b>', 'entity id, record (system:objectType:sourceId) or source id')
      .option('--kind <kind>', 'person or organization, when a record describes both', kindOption)
      .option('--note <text>', 'why, for whoever reads explain later'),

  run: async (context, args) => {
    const [a, b, flags] = args as [string, string, OverrideFlags]
    return withDatabase(context, async (database) => {
      await migrateToLatest(database.db)
      const override = await recordOverride(database.db, {
        action: 'link',
        subject: await findSubject(database.db, a, 'a'),
        other: await findSubject(database.db, b, 'b'),
        ...flags,
      })
      const resolution = await resolveWithProgress(context, database)
      return { data: { override, resolution }, text: describe(override, resolution) }
    })
  },
}

export const unlinkCommand: CliCommand = {
  define: (program: Command) =>
    program
      .command('unlink')
      .description('take a record out of its entity and keep it apart from every other record; survives every re-run')
      .argument('<record>', 'record (system:objectType:sourceId) or source id')
      .option('--kind <kind>', 'person or organization, when the record describes both', kindOption)
      .option('--note <text>', 'why, for whoever reads explain later'),

  run: async (context, args) => {
    const [record, flags] = args as [string, OverrideFlags]
    return withDatabase(context, async (database) => {
      await migrateToLatest(database.db)
      const subject = await findSubject(database.db, record, 'record')
      if (subject.type !== 'record') throw new CgError('E_USAGE', 'unlink takes a record, not an entity: name the record to take out', { location: { parameter: 'record' } })
      const override = await recordOverride(database.db, { action: 'unlink', subject, ...flags })
      const resolution = await resolveWithProgress(context, database)
      return { data: { override, resolution }, text: describe(override, resolution) }
    })
  },
}

function describe(override: RecordedOverride, resolution: ResolutionReport): string {
  const what = override.action === 'link' ? `${override.record} = ${override.other ?? ''}` : `${override.record} stands apart`
  const report = override.kind === 'person' ? resolution.person : resolution.organization
  return `override #${override.id} (${override.kind}): ${what}\nre-resolved ${report.scope} record(s): ${report.entities.created} new entit${report.entities.created === 1 ? 'y' : 'ies'}, ${report.entities.redirected} merged away`
}
