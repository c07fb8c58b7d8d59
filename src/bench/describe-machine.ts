/** The machine a benchmark ran on, for the report: figures mean little without it. */
import { cpus, totalmem } from 'node:os'

export interface MachineDescription {
  cpu: string
  cores: number
  memoryGb: number
  node: string
  /** `select version()` of the server, or PGlite's; filled in by the targets that ran. */
  postgres: Record<string, string>
}

export function describeMachine(): MachineDescription {
  const all = cpus()
  return {
    cpu: all[0]?.model.trim() ?? 'unknown',
    cores: all.length,
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    postgres: {},
  }
}
