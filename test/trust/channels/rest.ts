// REST lists and items of every capability that returns admin-located records or counts per
// area. Each list is narrowed to the planted site (its community, box or tag) so the answer is
// small and the site's records are on its first page.
import { roles, type Role } from '../../../server/auth/roles.ts'
import { ANALYTICS_READERS } from '../../../server/analytics/routes.ts'
import { READERS as DEVICE_READERS } from '../../../server/devices/routes.ts'
import { FENCE_READERS } from '../../../server/fences/routes.ts'
import { READERS as PATROL_READERS, PATROL_EDITORS } from '../../../server/patrol/routes.ts'
import { ORDER_ROLES } from '../../../server/orders/routes.ts'
import { READERS as CASE_READERS } from '../../../server/exemplary/schemas.ts'
import { SEARCH_ROLES } from '../../../server/search/routes.ts'
import { REPLAY_ROLES } from '../../../server/events/replay.ts'
import { DISPATCH_ROLES } from '../../../server/events/dispatchOptions.ts'
import { AUDIT_READERS } from '../../../server/audit/routes.ts'
import { PEOPLE_ROLES, REGISTER_WRITE_ROLES } from '../../../server/registers/access.ts'
import { APPLICANTS, CATALOGUE_ADMINS, CATALOGUE_READERS } from '../../../server/catalogue/roles.ts'
import { boxOf, hasMarker, type Probe } from './types.ts'
import type { Site, Sites } from '../plant.ts'

const SIGNED_IN: readonly Role[] = roles
/** /api/v1/members/… (trajectoryRoutes.ts, STAFF: not exported there) */
const STAFF: readonly Role[] = ['command_center', 'district_staff', 'street_staff', 'community_staff', 'department', 'grid_inspector', 'gis_analyst', 'external_system']
const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
const bbox = (s: Site) => boxOf(s, 0.001).join(',')

/** the answer names the record only by the id the request gives: a 200 is the record itself */
const BY_ID: Partial<Probe> = { shows: (_text, _s, res) => res?.statusCode === 200 }

/** counts for an area the request names: the site shows when its events are counted */
const COUNTS: Partial<Probe> = {
  shows: (text, _s, res) => {
    if (res?.statusCode !== 200) return false
    const body = res.json() as { total?: number; events?: number }
    return (body.total ?? body.events ?? 0) > 0
  },
}

/** the audit: read by the demo auditor; the matrix's auditor reads the city's too, without personal fields */
const AUDIT: Partial<Probe> = {
  controlUser: 'auditor', openTo: ['auditor'], personal: (s) => [s.reporterPhone, s.memberPhone],
  shows: (text, s, res) => res?.statusCode === 200 && hasMarker(text, s.eventNumber) && /"items":\[\{|\n.+,/.test(text),
}

/** a lon/lat box over both sites */
const both = (all: Sites) => [all.in.box[0], all.in.box[1], all.out.box[2], all.out.box[3]].join(',')

/** an H3 answer shows a site when a counted cell's vertex lies inside the site's box */
function cellsIn(text: string, s: Site): boolean {
  if (!text.startsWith('{')) return false
  const body = JSON.parse(text.split('\n')[0]!) as { features?: { geometry: { coordinates: number[][][] }; properties: { count?: number } }[] }
  const [x0, y0, x1, y1] = s.box
  return (body.features ?? []).some((f) => (f.properties.count ?? 0) > 0 && f.geometry.coordinates[0]!.some(([x, y]) => x! > x0 && x! < x1 && y! > y0 && y! < y1))
}

const p = (family: string, name: string, allowed: readonly Role[], url: (s: Site, all: Sites) => string, extra: Partial<Probe> = {}): Probe =>
  ({ family, name, allowed, request: (s, all) => url(s, all), ...extra })

export const restProbes: Probe[] = [
  // events
  p('REST events', 'list ?q=tag', SIGNED_IN, (s) => `/api/v1/events?q=${s.tag}`),
  p('REST events', 'list ?communityCode', SIGNED_IN, (s) => `/api/v1/events?communityCode=${s.community}`),
  p('REST events', 'list ?bbox GeoJSON', SIGNED_IN, (s) => `/api/v1/events?bbox=${bbox(s)}&f=geojson`),
  p('REST events', 'item', SIGNED_IN, (s) => `/api/v1/events/${s.eventNumber}`),
  p('REST events', 'history', SIGNED_IN, (s) => `/api/v1/events/${s.eventNumber}/history`),
  p('REST events', 'replay', REPLAY_ROLES, (s) => `/api/v1/events/${s.eventNumber}/replay`, BY_ID),
  p('REST events', 'dispatch options', DISPATCH_ROLES, (s) => `/api/v1/events/${s.eventNumber}/dispatch-options`, BY_ID),
  p('REST events', 'similar cases', CASE_READERS, (s) => `/api/v1/events/${s.eventNumber}/similar-cases`),
  // attachments (the list, and the photo's bytes by URL)
  p('attachments', 'list', SIGNED_IN, (s) => `/api/v1/events/${s.eventNumber}/attachments`, BY_ID),
  p('attachments', 'photo by URL', SIGNED_IN, (s) => `/api/v1/events/${s.eventNumber}/attachments/${s.attachmentId}`),
  // members, devices, positions
  p('REST members', 'grid members', SIGNED_IN, (s) => `/api/v1/grids/${s.grid}/members`),
  p('REST members', 'trajectory', STAFF, (s) => `/api/v1/members/${s.memberId}/trajectory?from=${today()}`, BY_ID),
  p('REST members', 'replay', STAFF, (s) => `/api/v1/members/${s.memberId}/replay?date=${today()}`, BY_ID),
  p('REST devices', 'list', DEVICE_READERS, (s) => `/api/v1/devices?memberId=${s.memberId}`),
  p('REST devices', 'item', DEVICE_READERS, (s) => `/api/v1/devices/${s.device}`),
  p('REST devices', 'bindings', DEVICE_READERS, (s) => `/api/v1/devices/${s.device}/bindings`),
  p('REST devices', 'assigned events', DEVICE_READERS, (s) => `/api/v1/devices/${s.device}/assigned-events`),
  p('REST positions', 'live', DEVICE_READERS, () => '/api/v1/devices/live'),
  // fences, patrol, orders, warnings, exemplary cases
  p('REST fences', 'list', FENCE_READERS, () => '/api/v1/fences'),
  p('REST fences', 'item', FENCE_READERS, (s) => `/api/v1/fences/${s.fenceId}`),
  p('REST fences', 'alerts', FENCE_READERS, () => '/api/v1/fence-alerts'),
  p('REST patrol', 'tasks', PATROL_READERS, () => `/api/v1/patrol-tasks?date=${today()}`),
  p('REST patrol', 'task', PATROL_READERS, (s) => `/api/v1/patrol-tasks/${s.taskId}`),
  p('REST patrol', 'templates', PATROL_READERS, () => '/api/v1/patrol-tasks/templates'),
  p('REST patrol', 'template', PATROL_READERS, (s) => `/api/v1/patrol-tasks/templates/${s.templateId}`),
  p('REST patrol', 'summary', PATROL_READERS, (s) => `/api/v1/patrol-tasks/summary?date=${today()}&memberId=${s.memberId}`),
  p('REST patrol', 'coverage', [...PATROL_EDITORS, 'gis_analyst'], (s) => `/api/v1/patrol-tasks/coverage?date=${today()}&grid=${s.grid}`),
  p('REST orders', 'list', ORDER_ROLES, () => '/api/v1/resource-orders?status=all'),
  p('REST orders', 'item', ORDER_ROLES, (s) => `/api/v1/resource-orders/${s.orderId}`),
  p('REST warnings', 'list', ANALYTICS_READERS, (s) => `/api/v1/warnings?area=${s.community}`),
  p('REST warnings', 'item', ANALYTICS_READERS, (s) => `/api/v1/warnings/${s.warningId}`),
  p('REST exemplary', 'list', CASE_READERS, (s) => `/api/v1/exemplary-cases?q=${s.tag}`),
  p('REST exemplary', 'item', CASE_READERS, (s) => `/api/v1/exemplary-cases/${s.caseId}`),
  // search, grids, divisions
  p('REST search', 'by tag', SEARCH_ROLES, (s) => `/api/v1/search?q=${s.tag}`),
  p('REST search', 'by event number', SEARCH_ROLES, (s) => `/api/v1/search?q=${s.eventNumber}`),
  p('REST grids', 'list', SIGNED_IN, (s) => `/api/v1/grids?community=${s.community}`),
  p('REST grids', 'item', SIGNED_IN, (s) => `/api/v1/grids/${s.grid}`),
  p('REST grids', 'versions', SIGNED_IN, (s) => `/api/v1/grids/${s.grid}/versions`),
  p('REST grids', 'coverage', SIGNED_IN, (s) => `/api/v1/communities/${s.community}/coverage`),
  p('REST divisions', 'item', SIGNED_IN, (s) => `/api/v1/admin-divisions/${s.community}`),
  p('REST divisions', 'list', SIGNED_IN, (s) => `/api/v1/admin-divisions?parent=${s.street}`),
  p('REST divisions', 'tree', SIGNED_IN, () => '/api/v1/admin-divisions/tree'),
  // analytics: records or counts per area
  p('REST analytics', 'heatmap', ANALYTICS_READERS, (s) => `/api/v1/analytics/heatmap?area=${s.community}&resolution=9`, COUNTS),
  p('REST analytics', 'hotspots', ANALYTICS_READERS, (s) => `/api/v1/analytics/hotspots?area=${s.community}`, COUNTS),
  p('REST analytics', 'series', ANALYTICS_READERS, (s) => `/api/v1/analytics/series?area=${s.community}&by=community`),
  p('REST analytics', 'indicators by community', ANALYTICS_READERS, (s) => `/api/v1/analytics/indicators?unit=community&area=${s.community}`),
  p('REST analytics', 'hot words', ANALYTICS_READERS, (s) => `/api/v1/analytics/hot-words?area=${s.community}`, COUNTS),
  // proactive tasks (issue 20 item 4): the list, and closing one, which for a task outside the caller's area is a 404;
  // the one write of the matrix: each site's task is dismissed once by its control
  p('REST proactive', 'tasks ?community', PEOPLE_ROLES, (s) => `/api/v1/proactive-rules/tasks?community=${s.community}&status=all`),
  { family: 'REST proactive', name: 'dismiss a task', allowed: REGISTER_WRITE_ROLES,
    request: (s) => ({ method: 'POST', url: `/api/v1/proactive-rules/tasks/${s.proactiveTaskId}/dismiss`, payload: { reason: `矩阵核实 ${s.tag}` } }) },
  // the catalogue (issue 20 item 6): entries describe the city's resources, no area's records: every reader
  // reads them all by design, the others are refused; applications are a city's key issuing: its
  // admins review every one of the city (areas outside theirs included, by design), an applicant reads only its own
  p('REST catalogue', 'entries', CATALOGUE_READERS, () => '/api/v1/catalogue?limit=5', {
    openTo: CATALOGUE_READERS, shows: (_t, _s, res) => res?.statusCode === 200 && (res.json() as { total: number }).total > 0 }),
  p('REST catalogue', 'applications', [...CATALOGUE_ADMINS, ...APPLICANTS], () => '/api/v1/catalogue/applications?limit=200', { openTo: CATALOGUE_ADMINS }),
  p('REST catalogue', 'application', [...CATALOGUE_ADMINS, ...APPLICANTS], (s) => `/api/v1/catalogue/applications/${s.applicationId}`, { openTo: CATALOGUE_ADMINS }),
  // instructions from the province (issue 20 item 8): read by city-level operators only
  p('REST exchange', 'instructions', ['command_center'], () => '/api/v1/exchange/instructions?limit=200', {
    insideRole: null, why: 'instructions are read by accounts whose jurisdiction is the whole city (visibleCities): one holding a community sees none, IN\'s included' }),
  // the access audit: the auditor reads the whole city's by design (no jurisdiction: server/audit/routes.ts);
  // the rows name records, never their personal fields
  p('REST audit', 'rows of a record', AUDIT_READERS, (s) => `/api/v1/audit?resourceId=${s.eventNumber}`, AUDIT),
  p('REST audit', 'CSV export', AUDIT_READERS, (s) => `/api/v1/audit?resourceId=${s.eventNumber}&format=csv`, AUDIT),
  // requests about an IN record or a box over both sites, whose answer could pull in OUT's
  // neighbours (the sites are 1 km apart): similar cases, nearest members, a word both share
  p('REST near', 'similar cases of the IN event', CASE_READERS, (_s, all) => `/api/v1/events/${all.in.eventNumber}/similar-cases?limit=20`),
  p('REST near', 'dispatch options of the IN event', DISPATCH_ROLES, (_s, all) => `/api/v1/events/${all.in.eventNumber}/dispatch-options`),
  p('REST near', 'events ?q= a shared word', SIGNED_IN, () => `/api/v1/events?q=${encodeURIComponent('矩阵测试')}&limit=200`),
  p('REST near', 'events ?bbox over both', SIGNED_IN, (_s, all) => `/api/v1/events?bbox=${both(all)}&f=geojson`),
  p('REST near', 'grids ?bbox over both', SIGNED_IN, (_s, all) => `/api/v1/grids?bbox=${both(all)}`),
  p('REST near', 'search a shared word', SEARCH_ROLES, () => `/api/v1/search?q=${encodeURIComponent('矩阵')}&limit=20`),
  p('REST near', 'heatmap of the caller\'s area', ANALYTICS_READERS, () => '/api/v1/analytics/heatmap?resolution=9', { shows: cellsIn }),
  p('REST near', 'hot spots of the caller\'s area', ANALYTICS_READERS, () => '/api/v1/analytics/hotspots', { shows: cellsIn }),
  p('REST near', 'indicators by community of the caller\'s area', ANALYTICS_READERS, () => '/api/v1/analytics/indicators?unit=community'),
]
