// Where PKI Desk keeps its store. The app uses Electron's userData; the CLI and tests take
// --data-dir or PKIDESK_DATA_DIR, and otherwise the same folder the app would use.
import { homedir } from 'node:os'
import { join } from 'node:path'

export const APP_DIR_NAME = 'pkidesk'

export function defaultDataDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_DIR_NAME)
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_DIR_NAME)
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_DIR_NAME)
}

export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env.PKIDESK_DATA_DIR ?? defaultDataDir(process.platform, env)
}

export function databaseFile(dataDir: string): string {
  return join(dataDir, 'pkidesk.sqlite3')
}
