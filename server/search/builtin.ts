// The sources this service ships with, registered once when the search routes are built.
// Sources of other capabilities register themselves (registry.ts); this file lists only ours.
import { registerSearchSource } from './registry.ts'
import { coordinateSource } from './sources/coordinates.ts'
import { eventSource } from './sources/events.ts'
import { gridSource } from './sources/grids.ts'
import { divisionSource } from './sources/divisions.ts'
import { addressSource } from './sources/addresses.ts'
import { memberSource } from './sources/members.ts'

export function registerBuiltinSources(): void {
  for (const s of [coordinateSource, eventSource, gridSource, divisionSource, addressSource, memberSource]) registerSearchSource(s)
}
