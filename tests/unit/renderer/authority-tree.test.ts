// The Authorities tree by issuer (renderer lib/authority-tree.ts): roots by name with what they
// signed below them, CAs of an outside issuer grouped under one external-parent node per
// issuer, CAs waiting for an external parent's certificate together, a retired CA where its
// issuer put it, and a cycle in the rows shown rather than lost.
import { describe, expect, it } from 'vitest'
import { authorityForest, authorityTreeOrder, flattenForest, type TreeNode } from '../../../src/renderer/src/lib/authority-tree'

const ca = (id: string, name: string, parentId: string | null, more: Partial<TreeNode> = {}): TreeNode => ({ id, name, parentId, selfSigned: parentId === null, state: 'active', issuerText: null, ...more })

describe('authorityForest', () => {
  it('nests by issuer, groups external parents by issuer name, and keeps every CA exactly once', () => {
    const items = [
      ca('i2', 'Issuing B', 'r1'),
      ca('r1', 'Root', null),
      ca('i1', 'Issuing A', 'r1'),
      ca('old', 'Issuing A (key 1)', 'r1', { state: 'retired' }),
      ca('x1', 'Partner 2', null, { selfSigned: false, issuerText: 'CN=Partner Root' }),
      ca('x2', 'Partner 1', null, { selfSigned: false, issuerText: 'CN=Partner Root' }),
      ca('p1', 'Waiting', null, { selfSigned: false, state: 'pending-certificate' }),
      ca('s1', 'Sub', 'i1')
    ]
    const rows = flattenForest(authorityForest(items)).map(({ node, depth }) => `${'  '.repeat(depth)}${node.kind === 'ca' ? node.authority.name : `[${node.label}]`}`)
    expect(rows).toEqual([
      'Root',
      '  Issuing A',
      '    Sub',
      '  Issuing A (key 1)',
      '  Issuing B',
      '[CN=Partner Root]',
      '  Partner 1',
      '  Partner 2',
      '[Awaiting a certificate from an external parent]',
      '  Waiting'
    ])
    expect(authorityTreeOrder(items).map((r) => r.item.id).sort()).toEqual(items.map((a) => a.id).sort())
  })

  it('shows CAs whose parent rows form a cycle as roots instead of losing them', () => {
    const items = [ca('a', 'A', 'b', { selfSigned: false }), ca('b', 'B', 'a', { selfSigned: false })]
    const order = authorityTreeOrder(items)
    expect(order.map((r) => r.item.id).sort()).toEqual(['a', 'b'])
  })
})
