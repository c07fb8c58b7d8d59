/**
 * Resolves with the first SIGTERM or SIGINT. Until then the default handling (immediate exit) is off,
 * so a stop lets requests in flight finish and the database close; a second signal, once this has
 * resolved, kills as usual.
 */
export function waitForShutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', stop)
      process.off('SIGINT', stop)
      resolve(signal)
    }
    process.once('SIGTERM', stop)
    process.once('SIGINT', stop)
  })
}
