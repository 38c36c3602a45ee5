// The keychain suite: runs inside scripts/with-secret-service.sh (a private D-Bus session with
// an unlocked gnome-keyring), one file at a time since they share that keyring.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/integration/keychain/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
