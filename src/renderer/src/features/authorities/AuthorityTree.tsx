// The CA hierarchy as a WAI-ARIA tree: one tab stop (roving tabindex), ↑/↓ move, → opens a
// node or goes to its first child, ← closes it or goes to its parent, Home/End, Enter or Space
// chooses the CA. Roots, intermediates, external parents (the issuer named by the certificate,
// outside PKI Desk) and retired CAs each say what they are; every CA says whether it is locked.
import { Badge, Group, Text } from '@mantine/core'
import { useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react'
import type { AuthoritySummary } from '../../../../shared/domain/authority'
import { authorityForest, type AuthorityTreeNode } from '../../lib/authority-tree'
import { formatDate, keySpecLabel } from '../../lib/format'

type Node = AuthorityTreeNode<AuthoritySummary>

/** What a CA is, in one or two words, and the badge colour that goes with it. */
export function authorityKind(a: AuthoritySummary): { label: string; color: string } {
  if (a.state === 'retired') return { label: 'retired', color: 'gray' }
  if (a.state === 'pending-certificate') return { label: 'pending', color: 'yellow' }
  if (a.revoked) return { label: 'revoked', color: 'red' }
  if (a.canIssue === false) return { label: a.cannotIssueReason?.code === 'AUTHORITY_EXPIRED' ? 'expired' : 'cannot issue', color: 'orange' }
  return a.selfSigned ? { label: 'root', color: 'blue' } : { label: 'intermediate', color: 'indigo' }
}

function Row({ node, selected }: { node: Node; selected: boolean }): ReactNode {
  if (node.kind === 'external')
    return (
      <>
        <Text size="sm" fw={500}>
          {node.label}
        </Text>
        <Group gap={6} wrap="nowrap">
          <Badge size="xs" variant="outline" color="gray">
            {node.key === 'external:pending' ? 'waiting' : 'external parent'}
          </Badge>
          <Text size="xs" c="dimmed">
            {node.key === 'external:pending' ? 'their CSRs went outside PKI Desk' : 'outside PKI Desk'}
          </Text>
        </Group>
      </>
    )
  const a = node.authority
  const kind = authorityKind(a)
  return (
    <>
      <Text size="sm" fw={selected ? 700 : 500}>
        {a.name}
      </Text>
      <Group gap={6} wrap="wrap">
        <Badge size="xs" variant="light" color={kind.color}>
          {kind.label}
        </Badge>
        {a.keyId ? (
          <Badge size="xs" variant="light" color={a.unlocked ? 'teal' : 'gray'}>
            {a.unlocked ? 'unlocked' : 'locked'}
          </Badge>
        ) : null}
        <Text size="xs" c="dimmed">
          {keySpecLabel(a.keySpec)}
          {a.notAfter ? ` · until ${formatDate(a.notAfter)}` : ''}
        </Text>
      </Group>
    </>
  )
}

export function AuthorityTree({ items, selectedId, onSelect }: { items: readonly AuthoritySummary[]; selectedId: string | null; onSelect(id: string): void }): ReactNode {
  const forest = useMemo(() => authorityForest(items), [items])
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set())
  const visible = useMemo(() => {
    const out: { node: Node; depth: number; parentKey: string | null }[] = []
    const walk = (nodes: readonly Node[], depth: number, parentKey: string | null): void => {
      for (const n of nodes) {
        out.push({ node: n, depth, parentKey })
        if (!collapsed.has(n.key)) walk(n.children, depth + 1, n.key)
      }
    }
    walk(forest, 0, null)
    return out
  }, [forest, collapsed])
  const [focusKey, setFocusKey] = useState<string | null>(null)
  const refs = useRef(new Map<string, HTMLElement>())
  // The one tab stop: the focused node, else the chosen CA, else the first node.
  const tabKey = visible.some((v) => v.node.key === focusKey) ? focusKey : visible.some((v) => v.node.key === selectedId) ? selectedId : (visible[0]?.node.key ?? null)
  const moveTo = (key: string | undefined | null): void => {
    if (!key) return
    setFocusKey(key)
    refs.current.get(key)?.focus()
  }

  const toggle = (key: string, open: boolean): void =>
    setCollapsed((c) => {
      const next = new Set(c)
      if (open) next.delete(key)
      else next.add(key)
      return next
    })
  const choose = (n: Node): void => {
    if (n.kind === 'ca') onSelect(n.authority.id)
    else toggle(n.key, collapsed.has(n.key))
  }

  const onKeyDown = (e: KeyboardEvent<HTMLUListElement>): void => {
    const i = visible.findIndex((v) => v.node.key === tabKey)
    const cur = visible[i]
    if (!cur) return
    const open = cur.node.children.length > 0 && !collapsed.has(cur.node.key)
    switch (e.key) {
      case 'ArrowDown':
        moveTo(visible[i + 1]?.node.key)
        break
      case 'ArrowUp':
        moveTo(visible[i - 1]?.node.key)
        break
      case 'Home':
        moveTo(visible[0]?.node.key)
        break
      case 'End':
        moveTo(visible[visible.length - 1]?.node.key)
        break
      case 'ArrowRight':
        if (cur.node.children.length === 0) return
        if (open) moveTo(cur.node.children[0]!.key)
        else toggle(cur.node.key, true)
        break
      case 'ArrowLeft':
        if (open) toggle(cur.node.key, false)
        else moveTo(cur.parentKey)
        break
      case 'Enter':
      case ' ':
        choose(cur.node)
        break
      default:
        return
    }
    e.preventDefault()
  }

  // Flat treeitems with aria-level/setsize/posinset (a valid ARIA tree): each item holds only
  // its own row, so its name is its row and a click lands on the CA it shows.
  const rows = visible.map(({ node: n, depth, parentKey }) => {
    const isCa = n.kind === 'ca'
    const selected = isCa && n.authority.id === selectedId
    const hasChildren = n.children.length > 0
    const open = hasChildren && !collapsed.has(n.key)
    const siblings = parentKey === null ? forest : (visible.find((v) => v.node.key === parentKey)?.node.children ?? [])
    return (
      <li
        key={n.key}
        role="treeitem"
        aria-level={depth + 1}
        aria-setsize={siblings.length}
        aria-posinset={siblings.findIndex((x) => x.key === n.key) + 1}
        {...(isCa ? { 'aria-selected': selected } : {})}
        {...(hasChildren ? { 'aria-expanded': open } : {})}
        tabIndex={n.key === tabKey ? 0 : -1}
        ref={(el) => {
          if (el) refs.current.set(n.key, el)
          else refs.current.delete(n.key)
        }}
        onFocus={() => setFocusKey(n.key)}
        onClick={() => {
          setFocusKey(n.key)
          choose(n)
        }}
        data-testid={isCa ? 'ca-tree-node' : 'ca-tree-external'}
        style={{
          cursor: 'pointer',
          padding: '6px 8px',
          paddingLeft: 8 + depth * 18,
          borderRadius: 4,
          outlineOffset: -2,
          background: selected ? 'var(--mantine-primary-color-light)' : undefined
        }}
      >
        <Group gap={6} wrap="nowrap" align="flex-start">
          <Text size="xs" c="dimmed" w={10} aria-hidden>
            {hasChildren ? (open ? '▾' : '▸') : ''}
          </Text>
          <div style={{ minWidth: 0, flex: 1 }}>
            <Row node={n} selected={selected} />
          </div>
        </Group>
      </li>
    )
  })

  return (
    <ul role="tree" aria-label="CA hierarchy" onKeyDown={onKeyDown} style={{ listStyle: 'none', margin: 0, padding: 0 }}>
      {rows}
    </ul>
  )
}
