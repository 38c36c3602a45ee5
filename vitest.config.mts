import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    // Keychain tests need a Secret Service: scripts/run-all-tests.mjs runs them inside one.
    exclude: ['tests/integration/keychain/**', '**/node_modules/**'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
