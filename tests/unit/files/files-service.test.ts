import { describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createFilesService, type DialogsPort } from '../../../src/main/services/files-service'
import { filesChannels } from '../../../src/shared/ipc/files'

const b64 = (s: string): string => Buffer.from(s).toString('base64')

function folderDialogs(dir: string | null): DialogsPort {
  return { chooseFolder: async () => dir, chooseSaveFile: async (_t, name) => (dir ? join(dir, name) : null), chooseOpenFiles: async () => null, confirmCaKeyExport: async () => null, confirmModuleLoad: async () => false }
}

describe('files service', () => {
  it('writes every file into the chosen folder and never overwrites one that exists', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pkidesk-files-'))
    writeFileSync(join(dir, 'a.pem'), 'old')
    const files = createFilesService(folderDialogs(dir))
    const r = await files.saveAll('Save', [
      { name: 'a.pem', base64: b64('new a') },
      { name: 'a.pem', base64: b64('second a') },
      { name: 'b.der', base64: Buffer.from([0, 1, 2]).toString('base64') }
    ])
    expect(r).toMatchObject({ ok: true, value: { saved: true } })
    expect(readdirSync(dir).sort()).toEqual(['a (2).pem', 'a (3).pem', 'a.pem', 'b.der'])
    expect(readFileSync(join(dir, 'a.pem'), 'utf8')).toBe('old')
    expect(readFileSync(join(dir, 'a (2).pem'), 'utf8')).toBe('new a')
    expect(readFileSync(join(dir, 'a (3).pem'), 'utf8')).toBe('second a')
    expect([...readFileSync(join(dir, 'b.der'))]).toEqual([0, 1, 2])
  })

  it('reports a cancelled dialog as not saved, and writes nothing', async () => {
    const files = createFilesService(folderDialogs(null))
    expect(await files.saveAll('Save', [{ name: 'x.pem', base64: b64('x') }])).toEqual({ ok: true, value: { saved: false, paths: [] } })
    expect(await files.save('Save', { name: 'x.pem', base64: b64('x') })).toEqual({ ok: true, value: { saved: false, paths: [] } })
  })

  it('saveProduced asks where first: a cancelled dialog never runs the producer; otherwise its bytes are written and then zeroed', async () => {
    let produced = 0
    const bytes = new Uint8Array([7, 8, 9])
    const produce = async () => {
      produced++
      return { ok: true as const, value: bytes }
    }
    expect(await createFilesService(folderDialogs(null)).saveProduced('Save', 'k.pem', produce)).toEqual({ ok: true, value: { saved: false, paths: [] } })
    expect(produced).toBe(0)
    const dir = mkdtempSync(join(tmpdir(), 'pkidesk-files-'))
    const r = await createFilesService(folderDialogs(dir)).saveProduced('Save', 'k.pem', produce)
    expect(r).toEqual({ ok: true, value: { saved: true, paths: [join(dir, 'k.pem')] } })
    expect([...readFileSync(join(dir, 'k.pem'))]).toEqual([7, 8, 9])
    expect([...bytes]).toEqual([0, 0, 0])
    const refused = await createFilesService(folderDialogs(dir)).saveProduced('Save', 'x.pem', async () => ({ ok: false as const, error: { code: 'KEY_NOT_FOUND' as const, message: 'no' } }))
    expect(refused).toMatchObject({ ok: false, error: { code: 'KEY_NOT_FOUND' } })
    expect(readdirSync(dir)).toEqual(['k.pem'])
  })

  it('refuses with a coded error when there is no dialog (the CLI)', async () => {
    const r = await createFilesService(undefined).save('Save', { name: 'x.pem', base64: b64('x') })
    expect(r).toMatchObject({ ok: false, error: { code: 'FILES_NO_DIALOG' } })
  })

  it('the contract refuses names with folders or traversal', () => {
    const req = filesChannels['files:save'].request
    for (const name of ['../x.pem', 'a/b.pem', 'a\\b.pem', '..', '.hidden', 'c:x'])
      expect(req.safeParse({ title: 't', file: { name, base64: '' } }).success, name).toBe(false)
    expect(req.safeParse({ title: 't', file: { name: 'server (1).pem', base64: '' } }).success).toBe(true)
  })
})
