// searchFold folds every code point as the FTS5 trigram tokenizer of the SQLite this build
// loads: read out of FTS5 itself (fts5vocab's instances over a table holding every code
// point, each between two markers), so a SQLite upgrade that changes its folding fails here.
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { searchFold } from '../../../src/main/store/search-fold'

const START = '\u0001'
const END = '\u0002'
const PER_ROW = 2000

describe('searchFold', () => {
  it('folds every code point as FTS5 trigram does', () => {
    const db = new Database(':memory:')
    try {
      db.exec("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='trigram'); CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance');")
      const codePoints: number[] = []
      for (let c = 0x03; c <= 0x10ffff; c++) if (c < 0xd800 || c > 0xdfff) codePoints.push(c)
      const rows: number[][] = []
      for (let i = 0; i < codePoints.length; i += PER_ROW) rows.push(codePoints.slice(i, i + PER_ROW))
      const insert = db.prepare('INSERT INTO t (rowid, x) VALUES (?, ?)')
      db.transaction(() => rows.forEach((cps, i) => insert.run(i + 1, cps.map((c) => START + String.fromCodePoint(c) + END).join(''))))()
      // Every third trigram is START, a code point as FTS5 folded it, END.
      const fts = new Map<number, number>()
      for (const { doc, offset, term } of db.prepare('SELECT doc, offset, term FROM v').iterate() as Iterable<{ doc: number; offset: number; term: string }>) {
        if (offset % 3 !== 0) continue
        const chars = [...term]
        expect(chars[0]).toBe(START)
        fts.set(rows[doc - 1]![offset / 3]!, chars[1]!.codePointAt(0)!)
      }
      expect(fts.size).toBe(codePoints.length)
      const wrong = codePoints.filter((c) => searchFold(String.fromCodePoint(c)) !== String.fromCodePoint(fts.get(c)!))
      expect(wrong.map((c) => c.toString(16))).toEqual([])
    } finally {
      db.close()
    }
  })

  it('folds a string code point by code point, ASCII and beyond', () => {
    expect(searchFold('CN=Gateway-ALPHA')).toBe('cn=gateway-alpha')
    expect(searchFold('ÉCOLE Ünïcode')).toBe('école ünïcode')
    expect(searchFold('ΣΊΣΥΦΟΣ')).toBe('σίσυφοσ')
    expect(searchFold('ｆｕｌｌ ＦＵＬＬ')).toBe('ｆｕｌｌ ｆｕｌｌ')
    expect(searchFold('\u212a')).toBe('k') // the Kelvin sign
    expect(searchFold('Ꭰ')).toBe('Ꭰ') // Cherokee: JavaScript lowercases it, FTS5 does not
    expect(searchFold('𐐀x')).toBe('𐐨x') // beyond the BMP
  })
})
