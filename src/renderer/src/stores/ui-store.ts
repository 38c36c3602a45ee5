// UI-only state: the current section, the open certificate and the certificates table's
// column choices. The only store persisted (localStorage; the section and the columns);
// everything else mirrors main and is refreshed from it.
import { create } from 'zustand'
import { persist, createJSONStorage } from 'zustand/middleware'

export const sections = ['dashboard', 'sign', 'csr', 'authorities', 'certificates', 'profiles', 'connections', 'audit', 'settings'] as const
export type Section = (typeof sections)[number]

interface UiState {
  readonly section: Section
  /** The certificate shown in the certificate view, when one is open. */
  readonly openCertificateId: number | null
  /** Certificates table columns the operator showed (true) or hid (false); others keep their default. */
  readonly inventoryColumns: Readonly<Record<string, boolean>>
  goTo(section: Section): void
  openCertificate(id: number | null): void
  showInventoryColumn(key: string, shown: boolean): void
  resetInventoryColumns(): void
}

export const useUiStore = create<UiState>()(
  persist(
    (set, get) => ({
      section: 'dashboard',
      openCertificateId: null,
      inventoryColumns: {},
      showInventoryColumn: (key, shown) => set({ inventoryColumns: { ...get().inventoryColumns, [key]: shown } }),
      resetInventoryColumns: () => set({ inventoryColumns: {} }),
      goTo: (section) => set({ section, openCertificateId: null }),
      openCertificate: (id) => set(id === null ? { openCertificateId: null } : { section: 'certificates', openCertificateId: id })
    }),
    {
      name: 'pkidesk.ui',
      version: 1,
      storage: createJSONStorage(() => localStorage),
      partialize: (s) => ({ section: s.section, inventoryColumns: s.inventoryColumns })
    }
  )
)
