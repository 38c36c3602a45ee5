// The CA hierarchy by issuer: roots first (by name), each with the CAs it signed below it.
// A CA whose issuer is not held here hangs under an "external parent" node named by the
// issuer in its certificate (CAs with the same outside issuer share one); a CA still waiting
// for its certificate from an external parent hangs under "Awaiting a certificate". A retired
// (re-keyed) CA stays where its issuer put it: its certificate and what it signed are real.
export interface TreeNode {
  readonly id: string
  readonly name: string
  readonly parentId: string | null
  readonly selfSigned?: boolean
  readonly state?: string
  readonly issuerText?: string | null
}

export type AuthorityTreeNode<T extends TreeNode> =
  | { readonly kind: 'ca'; readonly key: string; readonly authority: T; readonly children: readonly AuthorityTreeNode<T>[] }
  | { readonly kind: 'external'; readonly key: string; readonly label: string; readonly children: readonly AuthorityTreeNode<T>[] }

const byName = <T extends TreeNode>(x: T, y: T): number => x.name.localeCompare(y.name)

export function authorityForest<T extends TreeNode>(items: readonly T[]): AuthorityTreeNode<T>[] {
  const ids = new Set(items.map((a) => a.id))
  const children = new Map<string, T[]>()
  const roots: T[] = []
  const outside = new Map<string, T[]>()
  const pending: T[] = []
  for (const a of items) {
    if (a.parentId && a.parentId !== a.id && ids.has(a.parentId)) children.set(a.parentId, [...(children.get(a.parentId) ?? []), a])
    else if (a.state === 'pending-certificate') pending.push(a)
    else if (a.selfSigned === false && a.issuerText) outside.set(a.issuerText, [...(outside.get(a.issuerText) ?? []), a])
    else roots.push(a)
  }
  const seen = new Set<string>()
  const node = (a: T): AuthorityTreeNode<T> => {
    seen.add(a.id)
    return { kind: 'ca', key: a.id, authority: a, children: [...(children.get(a.id) ?? [])].filter((c) => !seen.has(c.id)).sort(byName).map(node) }
  }
  const forest: AuthorityTreeNode<T>[] = [...roots].sort(byName).map(node)
  for (const [issuer, list] of [...outside.entries()].sort(([x], [y]) => x.localeCompare(y)))
    forest.push({ kind: 'external', key: `external:${issuer}`, label: issuer, children: [...list].sort(byName).map(node) })
  if (pending.length) forest.push({ kind: 'external', key: 'external:pending', label: 'Awaiting a certificate from an external parent', children: [...pending].sort(byName).map(node) })
  // A cycle in the rows (never made here) would leave CAs unreached: they show as roots.
  for (const a of items) if (!seen.has(a.id)) forest.push(node(a))
  return forest
}

/** The forest in display order, depth-first, with each node's depth. */
export function flattenForest<T extends TreeNode>(forest: readonly AuthorityTreeNode<T>[], depth = 0): { node: AuthorityTreeNode<T>; depth: number }[] {
  return forest.flatMap((n) => [{ node: n, depth }, ...flattenForest(n.children, depth + 1)])
}

/** The CA hierarchy in display order (roots first, each followed depth-first by what it signed). */
export function authorityTreeOrder<T extends TreeNode>(items: readonly T[]): { item: T; depth: number }[] {
  return flattenForest(authorityForest(items)).flatMap(({ node, depth }) => (node.kind === 'ca' ? [{ item: node.authority, depth }] : []))
}
