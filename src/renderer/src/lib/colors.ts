// Text colors with AA contrast in both themes: the light-variant text color of each palette
// color, which App.tsx sets to a dark shade in light mode and a light shade in dark mode.
export type Tone = 'teal' | 'red' | 'orange' | 'yellow' | 'blue' | 'gray'

export function tone(color: Tone): string {
  return `var(--mantine-color-${color}-light-color)`
}
