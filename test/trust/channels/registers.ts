// The registers (issue 14) as channels: residents, houses and special groups (lists by community,
// grid and name; items; visits; the overdue list and its counts; unmask; the resident search by ID
// number), and the generic layer's grid view and spreadsheet export of every register the matrix
// plants a row of. The people registers are the people roles' only (PEOPLE_ROLES): a role outside
// them must get none of the IN site's people either (forbiddenIn), e.g. through the grid view.
import type { Response } from 'light-my-request'
import type { Role } from '../../../server/auth/roles.ts'
import { PEOPLE_ROLES, PLACE_READ_ROLES } from '../../../server/registers/access.ts'
import { allRegisters } from '../../../server/registers/registry.ts'
import { SEARCH_ROLES } from '../../../server/search/routes.ts'
import { hasMarker, type Probe } from './types.ts'
import type { Site } from '../plant.ts'

const PEOPLE_REGISTERS = ['residents', 'houses', 'special-groups']

/** the answer names the record only by the id the request gives: a 200 is the record itself */
const BY_ID: Partial<Probe> = { shows: (_text, _s, res) => res?.statusCode === 200 }

/** counts of the site's area: the site shows when something is counted */
const COUNTED: Partial<Probe> = { shows: (_text, _s, res) => res?.statusCode === 200 && ((res.json() as { total?: number }).total ?? 0) > 0 }

const unmask = (path: (s: Site) => string) => (s: Site) => ({
  method: 'POST' as const, url: path(s), payload: JSON.stringify({ reason: '矩阵核查身份' }), headers: { 'content-type': 'application/json' },
})

const p = (family: string, name: string, allowed: readonly Role[], request: Probe['request'], extra: Partial<Probe> = {}): Probe =>
  ({ family, name, allowed, request, ...extra })

/** Whether a grid view shows a people register to a role that may not read them. */
function peopleSections(text: string, role: Role, res: Response): string[] {
  if (PEOPLE_ROLES.includes(role) || res.statusCode !== 200) return []
  const body = JSON.parse(text.split('\n')[0]!) as { registers?: { name: string }[] }
  return (body.registers ?? []).map((r) => r.name).filter((n) => PEOPLE_REGISTERS.includes(n))
}

/** The people's marks of the IN site in an answer to a role outside the people roles. */
const peopleMarks = (text: string, role: Role, _res: Response, s: Site) => (PEOPLE_ROLES.includes(role) ? [] : s.reg.peopleMarkers.filter((m) => hasMarker(text, m)))

export function registerProbes(): Probe[] {
  const people = PEOPLE_ROLES
  const sg = (s: Site) => `/api/v1/special-groups/${s.reg.specialGroupId}`
  const probes: Probe[] = [
    p('REST residents', 'list ?community', people, (s) => `/api/v1/residents?community=${s.community}`),
    p('REST residents', 'list ?grid', people, (s) => `/api/v1/residents?grid=${s.grid}`),
    p('REST residents', 'list ?q=name', people, (s) => `/api/v1/residents?q=${encodeURIComponent(`矩阵人${s.tag}`)}`),
    p('REST residents', 'list ?q=ID number', people, (s) => `/api/v1/residents?q=${s.reg.residentIdNumber}`),
    p('REST residents', 'item', people, (s) => `/api/v1/residents/${s.reg.residentId}`),
    p('REST residents', 'residences', people, (s) => `/api/v1/residents/${s.reg.residentId}/residences`, BY_ID),
    p('REST residents', 'unmask', people, unmask((s) => `/api/v1/residents/${s.reg.residentId}/unmask`), BY_ID),
    p('REST houses', 'list ?community', people, (s) => `/api/v1/houses?community=${s.community}`),
    p('REST houses', 'list ?grid', people, (s) => `/api/v1/houses?grid=${s.grid}`),
    p('REST houses', 'item', people, (s) => `/api/v1/houses/${s.reg.houseId}`),
    p('REST houses', 'unmask', people, unmask((s) => `/api/v1/houses/${s.reg.houseId}/unmask`), BY_ID),
    p('REST special groups', 'list ?community', people, (s) => `/api/v1/special-groups?community=${s.community}`),
    p('REST special groups', 'list ?grid', people, (s) => `/api/v1/special-groups?grid=${s.grid}`),
    p('REST special groups', 'list ?q=name', people, (s) => `/api/v1/special-groups?q=${encodeURIComponent(`矩阵人${s.tag}`)}`),
    p('REST special groups', 'list ?q=ID number', people, (s) => `/api/v1/special-groups?q=${s.reg.residentIdNumber}`),
    p('REST special groups', 'list (the caller\'s whole area)', people, () => '/api/v1/special-groups?limit=200'),
    p('REST special groups', 'item', people, sg),
    p('REST special groups', 'visits', people, (s) => `${sg(s)}/visits`, BY_ID),
    p('REST special groups', 'overdue ?community', people, (s) => `/api/v1/special-groups/overdue?community=${s.community}`),
    p('REST special groups', 'overdue (the caller\'s whole area)', people, () => '/api/v1/special-groups/overdue?limit=200'),
    p('REST special groups', 'summary ?community', people, (s) => `/api/v1/special-groups/summary?community=${s.community}`, COUNTED),
    p('REST special groups', 'unmask', people, unmask((s) => `${sg(s)}/unmask`), BY_ID),
    p('REST search', 'resident by ID number', SEARCH_ROLES, (s) => `/api/v1/search?q=${s.reg.residentIdNumber}`, { forbiddenIn: peopleMarks }),
    p('registers', 'grid view', PLACE_READ_ROLES, (s) => `/api/v1/registers/grids/${s.grid}`, { forbiddenIn: (text, role, res, s) => [...peopleSections(text, role, res), ...peopleMarks(text, role, res, s)] }),
  ]
  // the spreadsheet export of every register the matrix plants a row of (a register's own roles; others 403)
  for (const def of allRegisters().filter((d) => d.layer !== undefined)) {
    for (const format of ['csv', 'xlsx'] as const) {
      probes.push(p('registers', `${def.name} export ${format}`, PLACE_READ_ROLES, (s) => `/api/v1/registers/${def.name}/export?format=${format}&community=${s.community}`,
        { ...(format === 'xlsx' ? { text: xlsxText } : {}), forbiddenIn: (_text, role, res) => (def.readRoles.includes(role) || res.statusCode !== 200 ? [] : [`${def.name} rows`]) }))
    }
  }
  return probes
}

async function xlsxText(res: Response): Promise<string> {
  const { default: ExcelJS } = await import('exceljs')
  const book = new ExcelJS.Workbook()
  await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer)
  const cells: string[] = []
  book.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => cells.push(String(cell.text)))))
  return cells.join('\n')
}
