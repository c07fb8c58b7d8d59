import { defineConfig } from 'vitest/config'

// `npm run test:faults`: the long fault-injection loops (test/faults/), against the PostgreSQL server.
if (!process.env.DATABASE_URL) throw new Error('npm run test:faults runs against the PostgreSQL server: set DATABASE_URL=postgres://…')

export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 900_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
})
