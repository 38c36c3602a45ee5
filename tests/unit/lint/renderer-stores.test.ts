// Proves the renderer-store rules of eslint.config.mjs: a component that takes a whole store
// or a store with module-level mutable state fails lint; selectors pass.
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const eslint = new ESLint({ cwd: process.cwd() })

async function storeRuleErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message)
}

const STORE = "import { create } from 'zustand'\n"
const violations: [string, string, string, RegExp][] = [
  ['a screen destructures a whole store', 'src/renderer/src/features/x/Bad.tsx', "import { useAuditStore } from '../../stores/audit-store'\nexport function Bad() {\n  const { entries } = useAuditStore()\n  return entries.length\n}", /Select what the component uses/],
  ['a store keeps a module counter', 'src/renderer/src/stores/bad-store.ts', `${STORE}let seq = 0\nexport const useBadStore = create(() => ({ next: () => ++seq }))`, /No module globals/],
  ['a store exports a module variable', 'src/renderer/src/stores/bad-store.ts', `${STORE}export let running: string | null = null\nexport const useBadStore = create(() => ({ running }))`, /No module globals/]
]

const allowed: [string, string, string][] = [
  ['a screen selects one field', 'src/renderer/src/features/x/Ok.tsx', "import { useAuditStore } from '../../stores/audit-store'\nexport function Ok() {\n  const entries = useAuditStore((s) => s.entries)\n  return entries.length\n}"],
  ['an action reads the store outside React', 'src/renderer/src/features/x/ok.ts', "import { useAuditStore } from '../../stores/audit-store'\nexport const reload = () => useAuditStore.getState().load()"],
  ['a store with constants and state only', 'src/renderer/src/stores/ok-store.ts', `${STORE}const PAGE = 500\nexport const useOkStore = create(() => ({ page: PAGE, seq: 0 }))`]
]

describe('renderer stores', () => {
  it.each(violations)('rejects: %s', async (_name, filePath, code, expected) => {
    const errors = await storeRuleErrors(filePath, code)
    expect(errors.length).toBeGreaterThan(0)
    expect(errors.join('\n')).toMatch(expected)
  })
  it.each(allowed)('allows: %s', async (_name, filePath, code) => {
    expect(await storeRuleErrors(filePath, code)).toEqual([])
  })
})
