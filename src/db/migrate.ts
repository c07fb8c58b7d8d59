import { promises as fs } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Kysely } from 'kysely'
import { FileMigrationProvider, Migrator } from 'kysely/migration'
import { CgError, errorMessage } from '../errors.ts'

const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url))

export interface MigrationReport {
  applied: string[]
  schemaVersion: string | null
}

export interface SchemaVersion {
  schemaVersion: string | null
  applied: number
  pending: string[]
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run before the schema exists
function migratorFor(db: Kysely<any>): Migrator {
  return new Migrator({
    db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder: MIGRATIONS_DIR }),
  })
}

/** Applies every pending migration under kysely's migration lock; a second run applies nothing. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see migratorFor
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationReport> {
  const { error, results = [] } = await migratorFor(db).migrateToLatest()
  if (error) {
    const failed = results.find((result) => result.status === 'Error')?.migrationName
    throw new CgError(
      'E_DB_MIGRATION',
      `migration ${failed ?? '(setup)'} failed: ${errorMessage(error)}; nothing of it was applied`,
      { cause: error, location: failed ? { file: `migrations/${failed}.ts` } : {} },
    )
  }
  const version = await readSchemaVersion(db)
  return {
    applied: results.filter((result) => result.status === 'Success').map((result) => result.migrationName),
    schemaVersion: version.schemaVersion,
  }
}

/** The newest applied migration and what is still pending; works on a database never migrated. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see migratorFor
export async function readSchemaVersion(db: Kysely<any>): Promise<SchemaVersion> {
  const migrations = await migratorFor(db).getMigrations()
  const applied = migrations.filter((migration) => migration.executedAt !== undefined)
  return {
    schemaVersion: applied.at(-1)?.name ?? null,
    applied: applied.length,
    pending: migrations.filter((migration) => migration.executedAt === undefined).map((migration) => migration.name),
  }
}
