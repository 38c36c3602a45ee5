// The Electron glue of "Reveal" and "Copy path" (src/main/app/desktop.ts) with `electron`
// replaced by recorders: Reveal selects the file in the OS file manager, Copy path writes text.
import { describe, expect, it, vi } from 'vitest'

const rec = vi.hoisted(() => ({ shown: [] as string[], copied: [] as string[] }))
vi.mock('electron', () => ({
  shell: { showItemInFolder: (p: string) => void rec.shown.push(p) },
  clipboard: { writeText: (t: string) => void rec.copied.push(t) }
}))

describe('createElectronDesktop', () => {
  it('reveals with shell.showItemInFolder and copies with clipboard.writeText', async () => {
    const { createElectronDesktop } = await import('../../../src/main/app/desktop')
    const desktop = createElectronDesktop()
    desktop.showItemInFolder('/data/pkidesk.sqlite3')
    desktop.copyText('/data')
    expect(rec).toEqual({ shown: ['/data/pkidesk.sqlite3'], copied: ['/data'] })
  })
})
