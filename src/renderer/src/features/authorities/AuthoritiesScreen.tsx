// Certificate authorities: the hierarchy as a tree of issuers (AuthorityTree), create/import/adopt a token key,
// and the chosen CA's details and actions (AuthorityDetail: renew, re-key, URLs, lock…).
import { Box, Button, Grid, Stack } from '@mantine/core'
import { useEffect, useState, type ReactNode } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { PageHeader } from '../../components/PageHeader'
import { Empty } from '../../components/Empty'
import { ErrorNote } from '../../components/ErrorNote'
import { authorityTree, useAuthoritiesStore } from '../../stores/authorities-store'
import { AuthorityDetail } from './AuthorityDetail'
import { AuthorityTree } from './AuthorityTree'
import { CreateAuthorityModal } from './CreateAuthorityModal'
import { ImportAuthorityModal } from './ImportAuthorityModal'
import { AdoptTokenKeyModal } from './AdoptTokenKeyModal'

type Dialog = 'root' | 'intermediate' | 'import' | 'adopt' | null

export function AuthoritiesScreen(): ReactNode {
  const { items, loaded, error, load } = useAuthoritiesStore(useShallow((s) => ({ items: s.items, loaded: s.loaded, error: s.error, load: s.load })))
  const [dialog, setDialog] = useState<Dialog>(null)
  const [selectedId, setSelectedId] = useState<string | null>(null)
  useEffect(() => {
    void load()
  }, [load])
  const tree = authorityTree(items)
  const selected = items.find((a) => a.id === selectedId) ?? tree[0]?.authority ?? null

  return (
    <Stack gap="md">
      <PageHeader
        title="Authorities"
        description="Your certificate authorities by issuer: roots first, each with the CAs it signed. Unlock a CA to sign with it; it locks itself after the auto-lock time."
        actions={
          <>
            <Button onClick={() => setDialog('root')}>New root CA</Button>
            <Button variant="default" onClick={() => setDialog('intermediate')}>
              New intermediate
            </Button>
            <Button variant="default" onClick={() => setDialog('import')}>
              Import…
            </Button>
            <Button variant="default" onClick={() => setDialog('adopt')}>
              Adopt a token key…
            </Button>
          </>
        }
      />
      <ErrorNote error={error} />
      {loaded && items.length === 0 && !error ? (
        <Empty title="No certificate authority yet" next="Create a root CA to start, or import one you already have (PFX, or certificate + key).">
          <Button onClick={() => setDialog('root')}>New root CA</Button>
          <Button variant="default" onClick={() => setDialog('import')}>
            Import…
          </Button>
        </Empty>
      ) : null}
      {items.length ? (
        <Grid>
          <Grid.Col span={{ base: 12, md: 5, lg: 4 }}>
            <Box component="nav" aria-label="Authorities by issuer">
              <AuthorityTree items={items} selectedId={selected?.id ?? null} onSelect={setSelectedId} />
            </Box>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 7, lg: 8 }}>{selected ? <AuthorityDetail key={selected.id} authority={selected} onShow={setSelectedId} /> : null}</Grid.Col>
        </Grid>
      ) : null}
      {dialog === 'root' || dialog === 'intermediate' ? (
        <CreateAuthorityModal
          kind={dialog}
          parents={items}
          onClose={(created) => {
            setDialog(null)
            if (created) setSelectedId(created.id)
            void load()
          }}
        />
      ) : null}
      {dialog === 'adopt' ? (
        <AdoptTokenKeyModal
          onClose={(adopted) => {
            setDialog(null)
            if (adopted) setSelectedId(adopted.id)
            void load()
          }}
        />
      ) : null}
      {dialog === 'import' ? (
        <ImportAuthorityModal
          onClose={() => {
            setDialog(null)
            void load()
          }}
        />
      ) : null}
    </Stack>
  )
}
