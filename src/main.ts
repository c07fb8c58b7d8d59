import { runCli } from './cli/run-cli.ts'

// Composition root: the only place that reads process.env, argv and the real streams.

// A reader that stops early (`customer-graph … | head`) closes the pipe: what is left is not wanted,
// which is no error. Stop quietly with the exit code so far; any other stream error is re-thrown.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
    // eslint-disable-next-line no-restricted-properties -- cutting off pending output is the point: its reader is gone
    process.exit(process.exitCode ?? 0)
  })
}

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
