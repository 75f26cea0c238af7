// The matrix runner: every probe × every role, judged by content. For a probe aimed at the OUT
// site each role's restricted principal must get nothing of OUT (a refused role: 401/403 as
// well); the command centre must get OUT (the positive control), and the probe's inside role
// must get IN (the request works for a restricted caller). A probe of a layer or register that
// only some roles read (readRoles) is also asked for IN by every role: the others must get none of it.
// Cells, refusals and leaks are counted.
import type { Response } from 'light-my-request'
import type { Client } from '../support/http.ts'
import type { Role } from '../../server/auth/roles.ts'
import type { Principal } from './principals.ts'
import type { Sites } from './plant.ts'
import { defaultText, hasMarker, markersIn, type Probe } from './channels/types.ts'

export interface Tally { cells: number; refused: number; byDesign: number; leaks: string[]; failures: string[]; channels: Set<string>; insideSkipped: string[] }

export const newTally = (): Tally => ({ cells: 0, refused: 0, byDesign: 0, leaks: [], failures: [], channels: new Set(), insideSkipped: [] })

const INSIDE_ORDER: readonly Role[] = ['community_staff', 'street_staff', 'district_staff', 'department', 'gis_analyst', 'grid_inspector', 'external_system', 'command_center']

export function insideRoleOf(probe: Probe): Role | null {
  if (probe.insideRole !== undefined) return probe.insideRole
  return INSIDE_ORDER.find((r) => probe.allowed.includes(r)) ?? null
}

async function ask(client: Client, probe: Probe, site: Sites['in'], sites: Sites, headers: Record<string, string>): Promise<{ res: Response; text: string; shows: (s: Sites['in']) => boolean; unasked: (s: Sites['in']) => Sites['in'] }> {
  const req = probe.request(site, sites)
  const opts = typeof req === 'string' ? { method: 'GET' as const, url: req } : req
  const res = await client.request({ ...opts, headers: { ...(opts.headers ?? {}), ...headers } })
  const text = res.statusCode === 200 && probe.text ? await probe.text(res) : defaultText(res)
  // a marker the request itself names (an id in the path, a tag in the query) is echoed by
  // answers that leak nothing (a 404 naming the id): only the others count
  const asked = `${decodeURIComponent(String(opts.url))}\n${String(opts.payload ?? '')}`
  const unasked = (s: Sites['in']) => ({ ...s, markers: s.markers.filter((m) => !hasMarker(asked, m)) })
  const shows = (s: Sites['in']) => (probe.shows ? probe.shows(text, unasked(s), res) : markersIn(text, unasked(s)).length > 0)
  return { res, text, shows, unasked }
}

const label = (probe: Probe) => `${probe.family} · ${probe.name}`

export async function runProbe(client: Client, probe: Probe, sites: Sites, principals: Principal[], controls: Record<string, Record<string, string>>, tally: Tally): Promise<void> {
  tally.channels.add(label(probe))
  // positive control: the command centre (or the probe's control user) sees OUT through this very request
  const controlUser = probe.controlUser ?? 'command'
  const control = await ask(client, probe, sites.out, sites, controls[controlUser]!)
  if (control.res.statusCode !== 200 || !control.shows(sites.out)) {
    tally.failures.push(`${label(probe)}: ${controlUser} does not see OUT (${control.res.statusCode} ${control.text.slice(0, 200)})`)
  }
  const insideRole = insideRoleOf(probe)
  // the roles are asked at once (the answers are independent reads)
  await Promise.all(principals.map(async (principal) => {
    tally.cells++
    const { res, text, shows, unasked } = await ask(client, probe, sites.out, sites, principal.headers)
    const where = `${label(probe)} as ${principal.role}`
    if (probe.openTo?.includes(principal.role)) {
      // by design this role reads the record: its personal fields must still not show
      const personal = (probe.personal?.(sites.out) ?? []).filter((m) => hasMarker(`${text}\n${defaultText(res)}`, m))
      if (personal.length > 0) tally.leaks.push(`${where}: ${res.statusCode}, OUT's personal ${personal.join(', ')} in the answer`)
      tally.byDesign++
      return
    }
    const found = markersIn(`${text}\n${defaultText(res)}`, unasked(sites.out))
    if (shows(sites.out) || found.length > 0) {
      tally.leaks.push(`${where}: ${res.statusCode}, OUT's ${found.join(', ') || 'content'} in the answer`)
    }
    if (!probe.allowed.includes(principal.role)) {
      if (res.statusCode === 401 || res.statusCode === 403) tally.refused++
      else tally.failures.push(`${where}: the role may not use it, yet ${res.statusCode}`)
    } else if (res.statusCode >= 500) {
      tally.failures.push(`${where}: ${res.statusCode} ${text.slice(0, 200)}`)
    } else if (res.statusCode === 401 || res.statusCode === 403) {
      tally.refused++ // the guard lets the role in, the capability refuses this caller (an inspector without a member)
    }
    if (probe.forbiddenIn) {
      const inside = await ask(client, probe, sites.in, sites, principal.headers)
      const seen = probe.forbiddenIn(inside.text, principal.role, inside.res, sites.in)
      if (seen.length > 0) tally.leaks.push(`${where}: ${inside.res.statusCode}, IN's ${seen.join(', ')} though the role may not read it`)
    }
    if (principal.role === insideRole) {
      const inside = await ask(client, probe, sites.in, sites, principal.headers)
      if (inside.res.statusCode !== 200 || !inside.shows(sites.in)) {
        tally.failures.push(`${where}: the inside control does not see IN (${inside.res.statusCode} ${inside.text.slice(0, 200)})`)
      }
    }
  }))
  if (insideRole === null) tally.insideSkipped.push(`${label(probe)}: ${probe.why ?? 'no inside control'}`)
}
