// The "Structure" tab of the certificate, CSR and CRL views (KeyStore Explorer's ASN.1 viewer):
// the DER as a WAI-ARIA tree (one tab stop; ↑/↓ move, → opens or goes to the first child, ←
// closes or goes to the parent, Home/End, Enter or Space opens/closes or loads more), with the
// offset, header length, length and tag of each element, its decoded value, and the selected
// element's bytes below. Main builds the tree (structure:tree) a page at a time: a long list
// (a CRL's entries) ends in a "more" row that loads the next page.
import { Group, Loader, Stack, Text, VisuallyHidden } from '@mantine/core'
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react'
import type { Asn1Bytes, Asn1Source } from '../../../../shared/domain/asn1'
import type { AppError } from '../../../../shared/errors'
import { pki } from '../../api/pki'
import { ErrorNote } from '../../components/ErrorNote'
import { EMPTY_MODEL, hexLines, mergePage, tagText, visibleRows, type Asn1Model, type Asn1Row } from '../../lib/asn1-rows'
import { tone } from '../../lib/colors'

const MONO = 'var(--mantine-font-family-monospace)'
/** Offset, header length, length, tag: fixed widths so the tree column lines up. */
const COLUMNS = '7ch 3ch 7ch 14ch 1fr'

function sourceKey(s: Asn1Source): string {
  return s.kind === 'csr' ? `csr:${s.pem.length}:${s.pem.slice(-80)}` : `${s.kind}:${s.id}`
}

function BytesPane({ bytes, headerLength, name }: { bytes: Asn1Bytes; headerLength: number; name: string }): ReactNode {
  const lines = hexLines(bytes.hex, bytes.offset)
  return (
    <Stack gap={4}>
      <Text size="xs" c="dimmed" id="structure-bytes-title">
        Bytes of {name} at offset {bytes.offset}: {bytes.total.toLocaleString('en-US')} bytes (header first, in bold)
        {bytes.shown < bytes.total ? `; the first ${bytes.shown.toLocaleString('en-US')} shown` : ''}
      </Text>
      <div
        role="region"
        aria-labelledby="structure-bytes-title"
        tabIndex={0}
        data-testid="structure-bytes"
        style={{ fontFamily: MONO, fontSize: 12, maxHeight: 180, overflow: 'auto', whiteSpace: 'pre', border: '1px solid var(--mantine-color-default-border)', borderRadius: 4, padding: 6 }}
      >
        {lines.map((l) => (
          <div key={l.offset}>
            <span style={{ color: 'var(--mantine-color-dimmed)' }}>{String(l.offset).padStart(7, ' ')}  </span>
            {l.bytes.map((b, i) => {
              const header = l.offset - bytes.offset + i < headerLength
              return (
                <span key={i} style={header ? { fontWeight: 700, color: tone('blue') } : undefined}>
                  {b}
                  {i < l.bytes.length - 1 ? ' ' : ''}
                </span>
              )
            })}
          </div>
        ))}
      </div>
    </Stack>
  )
}

/** One instance per document: a new source (another certificate, CRL or request) starts afresh. */
export function StructureView({ source, label }: { source: Asn1Source; label: string }): ReactNode {
  return <StructureTree key={sourceKey(source)} source={source} label={label} />
}

function StructureTree({ source: given, label }: { source: Asn1Source; label: string }): ReactNode {
  // The document this instance shows, fixed at mount (the parent passes a new object each render).
  const [source] = useState(given)
  const [model, setModel] = useState<Asn1Model>(EMPTY_MODEL)
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set())
  const [focusKey, setFocusKey] = useState<string | null>(null)
  const [selected, setSelected] = useState<number | null>(null)
  const [bytes, setBytes] = useState<Asn1Bytes | null>(null)
  const [loading, setLoading] = useState<ReadonlySet<number>>(new Set())
  const [error, setError] = useState<AppError | null>(null)
  const refs = useRef(new Map<string, HTMLLIElement>())

  useEffect(() => {
    let live = true
    void pki.structure.tree({ source }).then((r) => {
      if (!live) return
      if (!r.ok) return setError(r.error)
      setModel(mergePage(EMPTY_MODEL, r.value))
      // The outermost element opens, as asn1parse shows the top.
      const root = r.value.nodes[0]
      setOpen(new Set(root ? [root.offset] : []))
      setFocusKey(root ? String(root.offset) : null)
      setSelected(root?.offset ?? null)
    })
    return () => {
      live = false
    }
  }, [source])

  useEffect(() => {
    if (selected === null) return
    let live = true
    void pki.structure.bytes({ source, offset: selected }).then((r) => {
      if (!live) return
      if (r.ok) setBytes(r.value)
      else setError(r.error)
    })
    return () => {
      live = false
    }
  }, [selected, source])

  const loadMore = useCallback(
    (parent: number): void => {
      const pending = model.more.get(parent)
      if (!pending || loading.has(parent)) return
      setLoading((l) => new Set(l).add(parent))
      void pki.structure.tree({ source, parent, from: pending.from }).then((r) => {
        setLoading((l) => {
          const next = new Set(l)
          next.delete(parent)
          return next
        })
        if (!r.ok) return setError(r.error)
        setModel((m) => mergePage(m, r.value, parent))
      })
    },
    [model.more, loading, source]
  )

  const rows = useMemo(() => visibleRows(model, open), [model, open])
  const tabKey = rows.some((r) => r.key === focusKey) ? focusKey : (rows[0]?.key ?? null)

  const moveTo = (r: Asn1Row | undefined): void => {
    if (!r) return
    setFocusKey(r.key)
    if (r.kind === 'node') setSelected(r.node.offset)
    refs.current.get(r.key)?.focus()
  }
  const toggle = (offset: number, to: boolean): void => {
    setOpen((o) => {
      const next = new Set(o)
      if (to) next.add(offset)
      else next.delete(offset)
      return next
    })
    // An element whose children did not fit the answer: fetch them as it opens.
    if (to && !model.children.get(offset)?.length) loadMore(offset)
  }
  const activate = (r: Asn1Row): void => {
    if (r.kind === 'more') loadMore(r.parent)
    else if (r.expandable) toggle(r.node.offset, !r.open)
  }

  const onKeyDown = (e: KeyboardEvent<HTMLUListElement>): void => {
    const i = rows.findIndex((r) => r.key === tabKey)
    const cur = rows[i]
    if (!cur) return
    switch (e.key) {
      case 'ArrowDown':
        moveTo(rows[i + 1])
        break
      case 'ArrowUp':
        moveTo(rows[i - 1])
        break
      case 'Home':
        moveTo(rows[0])
        break
      case 'End':
        moveTo(rows[rows.length - 1])
        break
      case 'ArrowRight':
        if (cur.kind !== 'node' || !cur.expandable) return
        if (cur.open) moveTo(rows[i + 1])
        else toggle(cur.node.offset, true)
        break
      case 'ArrowLeft':
        if (cur.kind === 'node' && cur.open) toggle(cur.node.offset, false)
        else moveTo(rows.find((r) => r.kind === 'node' && r.node.offset === cur.parent))
        break
      case 'Enter':
      case ' ':
        activate(cur)
        break
      default:
        return
    }
    e.preventDefault()
  }

  const selectedNode = selected === null ? undefined : model.nodes.get(selected)
  if (error && model.nodes.size === 0) return <ErrorNote error={error} title="The structure cannot be shown" />
  if (model.nodes.size === 0) return <Loader size="sm" aria-label="Reading the structure" />

  return (
    <Stack gap="xs" data-testid="structure-view">
      <Text size="xs" c="dimmed">
        {model.size.toLocaleString('en-US')} bytes of DER. Offsets and lengths in bytes, as openssl asn1parse prints them; hl is the header (tag and length) length. OCTET and BIT STRINGs that hold DER (extension values, public keys) open as trees.
      </Text>
      {error ? <ErrorNote error={error} /> : null}
      <div
        aria-hidden
        style={{ display: 'grid', gridTemplateColumns: COLUMNS, gap: 8, fontFamily: MONO, fontSize: 12, padding: '0 8px', color: 'var(--mantine-color-dimmed)' }}
      >
        <span>offset</span>
        <span>hl</span>
        <span>length</span>
        <span>tag</span>
        <span>element</span>
      </div>
      <ul
        role="tree"
        aria-label={label}
        onKeyDown={onKeyDown}
        style={{ listStyle: 'none', margin: 0, padding: 0, maxHeight: 420, overflow: 'auto', border: '1px solid var(--mantine-color-default-border)', borderRadius: 4 }}
      >
        {rows.map((r) => {
          const isSelected = r.kind === 'node' && r.node.offset === selected
          const common = {
            role: 'treeitem',
            'aria-level': r.depth + 1,
            'aria-posinset': r.pos,
            'aria-setsize': r.setSize,
            tabIndex: r.key === tabKey ? 0 : -1,
            ref: (el: HTMLLIElement | null) => {
              if (el) refs.current.set(r.key, el)
              else refs.current.delete(r.key)
            },
            onFocus: () => setFocusKey(r.key),
            style: {
              display: 'grid',
              gridTemplateColumns: COLUMNS,
              gap: 8,
              fontFamily: MONO,
              fontSize: 12,
              padding: '2px 8px',
              cursor: 'pointer',
              outlineOffset: -2,
              background: isSelected ? 'var(--mantine-primary-color-light)' : undefined
            }
          } as const
          if (r.kind === 'more')
            return (
              <li
                key={r.key}
                {...common}
                onClick={() => {
                  setFocusKey(r.key)
                  loadMore(r.parent)
                }}
                data-testid="structure-more"
              >
                <span style={{ gridColumn: 5, gridRow: 1, paddingLeft: r.depth * 14 + 12, color: tone('blue') }}>
                  {loading.has(r.parent) ? 'loading the next page…' : `${r.more.remaining.toLocaleString('en-US')} more elements: press Enter or click to load the next page`}
                </span>
              </li>
            )
          const n = r.node
          // The element first in the DOM (its name starts the treeitem's name), the columns placed by the grid.
          return (
            <li
              key={r.key}
              {...common}
              aria-selected={isSelected}
              {...(r.expandable ? { 'aria-expanded': r.open } : {})}
              onClick={() => {
                setFocusKey(r.key)
                setSelected(n.offset)
                if (r.expandable) toggle(n.offset, !r.open)
              }}
              data-testid="structure-node"
              data-offset={n.offset}
            >
              <span style={{ gridColumn: 5, gridRow: 1, paddingLeft: r.depth * 14, whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }} title={n.value}>
                <span aria-hidden style={{ display: 'inline-block', width: 12 }}>
                  {r.expandable ? (r.open ? '▾' : '▸') : ''}
                </span>
                <span style={{ fontWeight: 600 }}>{n.name}</span>
                {n.value && !n.encapsulated ? <span> {n.value}</span> : null}
                {/* On the selected row's tinted background the tones fall short of AA: the text color there. */}
                {n.note ? <span style={{ color: isSelected ? undefined : tone('teal') }}> ({n.note})</span> : null}
                {n.encapsulated ? <span style={{ color: isSelected ? undefined : tone('orange') }}> encapsulates</span> : null}
                {n.constructed || n.encapsulated ? <span style={{ color: 'var(--mantine-color-dimmed)' }}> {n.childCount ?? 0} inside</span> : null}
              </span>
              <span style={{ gridColumn: 1, gridRow: 1 }}>
                <VisuallyHidden>offset </VisuallyHidden>
                {n.offset}
              </span>
              <span style={{ gridColumn: 2, gridRow: 1 }}>
                <VisuallyHidden>header </VisuallyHidden>
                {n.headerLength}
              </span>
              <span style={{ gridColumn: 3, gridRow: 1 }}>
                <VisuallyHidden>length </VisuallyHidden>
                {n.length}
              </span>
              <span style={{ gridColumn: 4, gridRow: 1, color: 'var(--mantine-color-dimmed)' }}>
                <VisuallyHidden>tag </VisuallyHidden>
                {tagText(n)}
              </span>
            </li>
          )
        })}
      </ul>
      {bytes && selectedNode && bytes.offset === selectedNode.offset ? (
        <BytesPane bytes={bytes} headerLength={selectedNode.headerLength} name={selectedNode.name} />
      ) : (
        <Group gap={6}>
          <Loader size="xs" />
          <Text size="xs" c="dimmed">
            Reading the bytes…
          </Text>
        </Group>
      )}
    </Stack>
  )
}
