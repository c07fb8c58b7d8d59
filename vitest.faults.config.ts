import { defineConfig } from 'vitest/config'

// `npm run test:faults`: the long fault-injection loops (test/faults/). They run on the embedded
// database always, and on the PostgreSQL server as well when DATABASE_URL is set (CI sets it).
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 900_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
})
