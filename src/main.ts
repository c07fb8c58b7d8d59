import { runCli } from './cli/run-cli.ts'

// Composition root: the only place that reads process.env, argv and the real streams.
process.exitCode = await runCli({
  argv: process.argv.slice(2),
  env: process.env,
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
  // A getter: only the command that reads stdin makes Node open it.
  get stdin() {
    return process.stdin
  },
  signals: process,
})
