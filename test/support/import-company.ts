import { join } from 'node:path'
import { exportConnectors } from '../../src/connectors/registry.ts'
import type { Deps } from '../../src/deps.ts'
import { openExportSource } from '../../src/formats/export-source.ts'
import { runImport } from '../../src/pipeline/run-import.ts'

/**
 * Imports what generateCompany wrote into `folder` (the Slack export from its unpacked folder) through
 * the real pipeline, one connection per system. Resolution is left to the caller, who may import more.
 */
export async function importCompany(deps: Deps, folder: string): Promise<void> {
  for (const system of ['salesforce', 'workday', 'google', 'slack'] as const) {
    const path = join(folder, system)
    await runImport(deps, { connector: exportConnectors[system], path, openSource: () => openExportSource(path) })
  }
}
