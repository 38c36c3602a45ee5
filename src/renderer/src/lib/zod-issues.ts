// Zod issues keyed by their dotted path, for showing each beside its field.
import type { z } from 'zod'

export type IssueMap = ReadonlyMap<string, string>

export function issueMap(error: z.ZodError | undefined): IssueMap {
  const m = new Map<string, string>()
  for (const i of error?.issues ?? []) {
    const key = i.path.map(String).join('.')
    if (!m.has(key)) m.set(key, i.message)
  }
  return m
}

/** The first issue at `path` or below it. */
export function issueAt(issues: IssueMap, path: string): string | undefined {
  if (issues.has(path)) return issues.get(path)
  for (const [k, v] of issues) if (k.startsWith(`${path}.`)) return v
  return undefined
}
