// The search layer learns its sources by registration, not by import: a capability that has
// something to find (the resident registers of a later issue) calls registerSearchSource from
// its own module, and search/service.ts runs whatever is registered. A name registers once.
import type { SearchSource } from './types.ts'

const sources = new Map<string, SearchSource>()

export function registerSearchSource(source: SearchSource): void {
  sources.set(source.name, source)
}

export function searchSources(): SearchSource[] {
  return [...sources.values()]
}
