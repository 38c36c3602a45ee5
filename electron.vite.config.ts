import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        // The CLI is built beside the main process: same services, no Electron. The issuance
        // worker (batch preparation off the main thread) ships beside both as issuance-worker.js,
        // the store's checkpoint thread as wal-checkpointer.js.
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          cli: resolve(__dirname, 'src/cli/index.ts'),
          'issuance-worker': resolve(__dirname, 'src/main/services/issuance-workers/worker.ts'),
          'wal-checkpointer': resolve(__dirname, 'src/main/store/wal-checkpoint-worker.ts')
        }
      }
    }
  },
  preload: {
    // A sandboxed preload cannot require packages: bundle zod and the contract into it.
    // Two preloads: the app window's (window.pki) and main's CA key export prompt's.
    build: {
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts'), 'ca-key-prompt': resolve(__dirname, 'src/preload/ca-key-prompt.ts') },
        output: { format: 'cjs' }
      }
    }
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    plugins: [react()],
    build: { rollupOptions: { input: resolve(__dirname, 'src/renderer/index.html') } }
  }
})
