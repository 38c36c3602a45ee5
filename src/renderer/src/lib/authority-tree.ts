// The CA hierarchy in display order: roots first (by name), each followed depth-first by its
// subordinates. A CA whose parent is not held here shows as a root.
export interface TreeNode {
  readonly id: string
  readonly name: string
  readonly parentId: string | null
}

export function authorityTreeOrder<T extends TreeNode>(items: readonly T[]): { item: T; depth: number }[] {
  const ids = new Set(items.map((a) => a.id))
  const children = new Map<string | null, T[]>()
  for (const a of items) {
    const parent = a.parentId && ids.has(a.parentId) ? a.parentId : null
    children.set(parent, [...(children.get(parent) ?? []), a])
  }
  const out: { item: T; depth: number }[] = []
  const walk = (parent: string | null, depth: number): void => {
    for (const a of [...(children.get(parent) ?? [])].sort((x, y) => x.name.localeCompare(y.name))) {
      out.push({ item: a, depth })
      walk(a.id, depth + 1)
    }
  }
  walk(null, 0)
  return out
}
