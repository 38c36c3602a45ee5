// The structure view's model in the window: the elements main sent so far (pages merged by
// parent), and the rows a tree shows for a set of open elements. Pure, so it is tested alone.
import type { Asn1More, Asn1Node, Asn1Page } from '../../../shared/domain/asn1'

export interface Asn1Model {
  readonly nodes: ReadonlyMap<number, Asn1Node>
  /** Offsets of each element's children received so far, in document order (key -1: the outermost). */
  readonly children: ReadonlyMap<number, readonly number[]>
  /** Children still to ask for, by parent offset. */
  readonly more: ReadonlyMap<number, Asn1More>
  readonly size: number
}

export const EMPTY_MODEL: Asn1Model = { nodes: new Map(), children: new Map(), more: new Map(), size: 0 }

const ROOT = -1

/** Adds an answer: the first one (`parent` undefined) or a continuation of `parent`'s children. */
export function mergePage(model: Asn1Model, page: Asn1Page, parent?: number): Asn1Model {
  const nodes = new Map(model.nodes)
  const children = new Map(model.children)
  const more = new Map(model.more)
  for (const n of page.nodes) {
    nodes.set(n.offset, n)
    const key = n.parent ?? ROOT
    children.set(key, [...(children.get(key) ?? []), n.offset])
    if (n.more) more.set(n.offset, n.more)
  }
  if (parent !== undefined) {
    if (page.more) more.set(parent, page.more)
    else more.delete(parent)
  }
  return { nodes, children, more, size: page.size }
}

export type Asn1Row =
  | { readonly kind: 'node'; readonly key: string; readonly node: Asn1Node; readonly depth: number; readonly parent: number | null; readonly expandable: boolean; readonly open: boolean; readonly pos: number; readonly setSize: number }
  | { readonly kind: 'more'; readonly key: string; readonly parent: number; readonly more: Asn1More; readonly depth: number; readonly pos: number; readonly setSize: number }

export const expandable = (n: Asn1Node): boolean => (n.childCount ?? 0) > 0

/** The visible rows, depth-first; an open element whose children are not all here ends with a "more" row. */
export function visibleRows(model: Asn1Model, open: ReadonlySet<number>): Asn1Row[] {
  const rows: Asn1Row[] = []
  const walk = (parentKey: number, depth: number): void => {
    const kids = model.children.get(parentKey) ?? []
    const pending = parentKey === ROOT ? undefined : model.more.get(parentKey)
    const node = model.nodes.get(parentKey)
    const setSize = node?.childCount ?? kids.length
    kids.forEach((offset, i) => {
      const n = model.nodes.get(offset)!
      const isOpen = expandable(n) && open.has(offset)
      rows.push({ kind: 'node', key: String(offset), node: n, depth, parent: n.parent, expandable: expandable(n), open: isOpen, pos: i + 1, setSize })
      if (isOpen) walk(offset, depth + 1)
    })
    if (pending && parentKey !== ROOT) rows.push({ kind: 'more', key: `more:${parentKey}`, parent: parentKey, more: pending, depth, pos: kids.length + 1, setSize: kids.length + 1 })
  }
  walk(ROOT, 0)
  return rows
}

/** "SEQUENCE", "[0]"… with the tag in numbers: class, number, constructed or primitive. */
export function tagText(n: Asn1Node): string {
  const cls = { universal: 'univ', application: 'appl', context: 'cont', private: 'priv' }[n.tagClass]
  return `${cls} ${n.tagNumber} ${n.constructed ? 'cons' : 'prim'}`
}

/** Hex in lines of 16 bytes, each with its offset in the document. */
export function hexLines(hex: string, offset: number): { offset: number; bytes: string[] }[] {
  const out: { offset: number; bytes: string[] }[] = []
  for (let i = 0; i < hex.length; i += 32) {
    const line = hex.slice(i, i + 32)
    out.push({ offset: offset + i / 2, bytes: line.match(/../g) ?? [] })
  }
  return out
}
