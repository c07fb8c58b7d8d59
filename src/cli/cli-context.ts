import type { Readable, Writable } from 'node:stream'
import type { Config, ConfigEnv } from '../config.ts'
import type { Logger } from '../logger.ts'

/** What the CLI was started with; tests pass their own. */
export interface CliIo {
  argv: string[]
  env: ConfigEnv
  cwd: string
  stdout: Writable
  stderr: NodeJS.WritableStream
  /** Standard input, for the commands that read it (`mcp` speaks the protocol over stdin and stdout). */
  stdin: Readable
  /** Where the process's signals arrive (`process`), so a long-running command can stop cleanly. */
  signals: Pick<NodeJS.EventEmitter, 'once' | 'off'>
}

/** What every command receives once the global options are resolved. */
export interface CommandContext {
  config: Config
  logger: Logger
  json: boolean
  io: CliIo
}

/** A command's result: data for --json, and the same data as a short text for a person. */
export interface CommandOutput<T> {
  data: T
  text: string
  /** Non-zero when the command did run but failed at its job (e.g. an import that could read nothing). */
  exitCode?: number
  /** The command already wrote its output to stdout (a CSV stream): print nothing more. */
  printed?: boolean
}
