// UI-only state: the current section and the open certificate. The only store persisted
// (localStorage); everything else mirrors main and is refreshed from it.
import { create } from 'zustand'
import { persist, createJSONStorage } from 'zustand/middleware'

export const sections = ['dashboard', 'sign', 'csr', 'authorities', 'certificates', 'profiles', 'connections', 'audit', 'settings'] as const
export type Section = (typeof sections)[number]

interface UiState {
  readonly section: Section
  /** The certificate shown in the certificate view, when one is open. */
  readonly openCertificateId: number | null
  goTo(section: Section): void
  openCertificate(id: number | null): void
}

export const useUiStore = create<UiState>()(
  persist(
    (set) => ({
      section: 'dashboard',
      openCertificateId: null,
      goTo: (section) => set({ section, openCertificateId: null }),
      openCertificate: (id) => set(id === null ? { openCertificateId: null } : { section: 'certificates', openCertificateId: id })
    }),
    {
      name: 'pkidesk.ui',
      version: 1,
      storage: createJSONStorage(() => localStorage),
      partialize: (s) => ({ section: s.section })
    }
  )
)
