// The structure view's model in the window: pages merged under their parent, the visible rows
// of the open elements, a "more" row while a parent's children are not all here.
import { describe, expect, it } from 'vitest'
import { asn1Tree, ASN1_TREE_LIMITS } from '../../../src/main/engine/asn1-tree'
import { sequence, tlv } from '../../../src/main/engine/der'
import { EMPTY_MODEL, hexLines, mergePage, tagText, visibleRows } from '../../../src/renderer/src/lib/asn1-rows'

/** SEQUENCE { SEQUENCE { INTEGER i } × n } */
function list(n: number): Uint8Array {
  return sequence(Buffer.concat(Array.from({ length: n }, (_, i) => sequence(tlv(0x02, Uint8Array.of(i & 0x7f))))))
}

describe('asn1-rows', () => {
  it('shows the open elements depth-first, a "more" row, and joins the next page under its parent', () => {
    const doc = list(ASN1_TREE_LIMITS.pageSize + 5)
    const first = asn1Tree(doc)
    if (!first.ok) throw new Error(first.error.message)
    let model = mergePage(EMPTY_MODEL, first.value)
    expect(visibleRows(model, new Set()).map((r) => r.key)).toEqual(['0'])
    let rows = visibleRows(model, new Set([0]))
    expect(rows.length).toBe(ASN1_TREE_LIMITS.pageSize + 2)
    const more = rows[rows.length - 1]!
    expect(more).toMatchObject({ kind: 'more', parent: 0, more: { remaining: 5 }, depth: 1 })
    expect(rows[1]).toMatchObject({ kind: 'node', depth: 1, pos: 1, setSize: ASN1_TREE_LIMITS.pageSize + 5, expandable: true, open: false })

    const next = asn1Tree(doc, { parent: 0, from: more.kind === 'more' ? more.more.from : -1 })
    if (!next.ok) throw new Error(next.error.message)
    model = mergePage(model, next.value, 0)
    const thirdOffset = Number(rows[3]!.key)
    rows = visibleRows(model, new Set([0, thirdOffset]))
    expect(rows.some((r) => r.kind === 'more')).toBe(false)
    expect(rows.filter((r) => r.depth === 1).length).toBe(ASN1_TREE_LIMITS.pageSize + 5)
    // the third entry opened: its INTEGER follows it, one level down
    const third = rows.findIndex((r) => r.key === String(thirdOffset))
    expect(rows[third + 1]).toMatchObject({ kind: 'node', depth: 2, node: { name: 'INTEGER', value: '02' } })
    // offsets strictly increase down the fully open list (document order)
    const offsets = rows.map((r) => (r.kind === 'node' ? r.node.offset : -1))
    expect([...offsets].sort((a, b) => a - b)).toEqual(offsets)
  })

  it('tag text and hex lines', () => {
    const page = asn1Tree(sequence(tlv(0xa0, tlv(0x02, Uint8Array.of(1)))))
    if (!page.ok) throw new Error(page.error.message)
    expect(page.value.nodes.map(tagText)).toEqual(['univ 16 cons', 'cont 0 cons', 'univ 2 prim'])
    expect(hexLines('00'.repeat(17), 40)).toEqual([{ offset: 40, bytes: Array(16).fill('00') }, { offset: 56, bytes: ['00'] }])
  })
})
