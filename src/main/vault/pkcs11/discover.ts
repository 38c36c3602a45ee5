// The PKCS#11 modules the app offers: the usual install paths of the middleware operators use
// (SoftHSM2, OpenSC, YubiKey's ykcs11, p11-kit's proxy) that exist on this machine, plus the
// absolute paths listed in PKIDESK_PKCS11_MODULES (colon-separated). The renderer chooses
// among these and never names a library: loading one runs its code in main.
import { existsSync, realpathSync } from 'node:fs'
import { isAbsolute } from 'node:path'

const USUAL = [
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so',
  '/usr/lib/aarch64-linux-gnu/opensc-pkcs11.so',
  '/usr/lib/x86_64-linux-gnu/libykcs11.so',
  '/usr/lib/aarch64-linux-gnu/libykcs11.so',
  '/usr/local/lib/softhsm/libsofthsm2.so',
  '/usr/local/lib/opensc-pkcs11.so',
  '/usr/local/lib/libykcs11.dylib',
  '/opt/homebrew/lib/softhsm/libsofthsm2.so',
  '/opt/homebrew/lib/opensc-pkcs11.so',
  '/opt/homebrew/lib/libykcs11.dylib'
]

/** Module paths this machine offers, configured ones first, each library once (Debian links one file under two paths). */
export function offeredModules(env: NodeJS.ProcessEnv = process.env): string[] {
  const configured = (env.PKIDESK_PKCS11_MODULES ?? '')
    .split(':')
    .map((p) => p.trim())
    .filter((p) => p.length > 0 && isAbsolute(p))
  const seen = new Set<string>()
  const out: string[] = []
  for (const path of [...configured, ...USUAL.filter((p) => existsSync(p))]) {
    let real = path
    try {
      real = realpathSync(path)
    } catch {
      // a configured path that does not exist is still offered: loading it says what is wrong
    }
    if (seen.has(real)) continue
    seen.add(real)
    out.push(path)
  }
  return out
}
