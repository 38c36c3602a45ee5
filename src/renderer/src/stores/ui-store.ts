// UI-only state: the current section. The only store that is not a mirror of main.
import { create } from 'zustand'

export const sections = ['dashboard', 'sign', 'authorities', 'certificates', 'profiles', 'connections', 'audit', 'settings'] as const
export type Section = (typeof sections)[number]

interface UiState {
  readonly section: Section
  goTo(section: Section): void
}

export const useUiStore = create<UiState>()((set) => ({
  section: 'dashboard',
  goTo: (section) => set({ section })
}))
