import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The long fault-injection loops run on their own: npm run test:faults (vitest.faults.config.ts).
    exclude: ['test/faults/**', '**/node_modules/**'],
    globalSetup: ['test/support/global-setup.ts'],
    // Embedded PostgreSQL boots in a few seconds per file on a loaded 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default leaves a core free: one worker on a 2-core machine, where most of a test's time
    // is spent waiting for a database. With two workers there the embedded suite runs in about 4
    // minutes and the server suite in under 3, every test passing.
    maxWorkers: Math.max(2, availableParallelism()),
  },
})
