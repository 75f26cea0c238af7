// Exports and reports, read by content: the grids' GeoJSON export, a member's track as GPX, the
// warnings as GeoJSON, and the daily report of the site's community as HTML, xlsx (every cell of
// every sheet) and PDF (its text, by poppler's pdftotext). Open311 (GeoReport v2) list and item,
// in JSON and XML.
import { execFileSync } from 'node:child_process'
import ExcelJS from 'exceljs'
import type { Response } from 'light-my-request'
import { roles, type Role } from '../../../server/auth/roles.ts'
import { ANALYTICS_READERS } from '../../../server/analytics/routes.ts'
import type { Probe } from './types.ts'
import type { Site } from '../plant.ts'

const SIGNED_IN: readonly Role[] = roles
/** /api/v1/members/… (trajectoryRoutes.ts, STAFF: not exported there) */
const STAFF: readonly Role[] = ['command_center', 'district_staff', 'street_staff', 'community_staff', 'department', 'grid_inspector', 'gis_analyst', 'external_system']
const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)

async function xlsxText(res: Response): Promise<string> {
  const book = new ExcelJS.Workbook()
  await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer)
  const cells: string[] = []
  book.eachSheet((sheet) => {
    cells.push(sheet.name)
    sheet.eachRow((row) => row.eachCell((cell) => cells.push(String(cell.text))))
  })
  return cells.join('\n')
}

/** The PDF's text (pdftotext from poppler-utils, which .ci/run installs). */
function pdfText(res: Response): string {
  return execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: res.rawPayload, maxBuffer: 64 << 20 }).toString('utf8')
}

const report = (format: string) => (s: Site) => `/api/v1/reports/daily/${today()}?format=${format}&area=${s.community}`

export const exportProbes: Probe[] = [
  { family: 'exports', name: 'grids GeoJSON export', allowed: SIGNED_IN, request: (s) => `/api/v1/grids/export?community=${s.community}` },
  { family: 'exports', name: 'warnings GeoJSON', allowed: ANALYTICS_READERS, request: (s) => `/api/v1/warnings?area=${s.community}&f=geojson` },
  {
    family: 'exports', name: 'trajectory GPX', allowed: STAFF, request: (s) => `/api/v1/members/${s.memberId}/trajectory?from=${today()}&format=gpx`,
    shows: (text, _s, res) => res?.statusCode === 200 && text.includes('<trkpt'),
  },
  { family: 'reports', name: 'daily HTML', allowed: ANALYTICS_READERS, request: report('html') },
  { family: 'reports', name: 'daily xlsx', allowed: ANALYTICS_READERS, request: report('xlsx'), text: xlsxText },
  { family: 'reports', name: 'daily PDF', allowed: ANALYTICS_READERS, request: report('pdf'), text: pdfText },
]

const OPEN311 = '/open311/v2'
/**
 * Anonymous callers and the public role read Open311's public view of the city by design
 * (server/open311/scope.ts): every request but the social-governance classes, never a reporter.
 * For them the OUT request itself may show; what must never show is personal data.
 */
const publicView = { openTo: ['public'] as Role[], personal: (s: Site) => [s.reporterPhone, s.memberPhone] }

export const open311Probes: Probe[] = [
  { family: 'Open311', name: 'requests.json', allowed: SIGNED_IN, request: () => `${OPEN311}/requests.json`, ...publicView },
  { family: 'Open311', name: 'requests.json ?service_request_id', allowed: SIGNED_IN, request: (s) => `${OPEN311}/requests.json?service_request_id=${s.eventNumber}`, ...publicView },
  { family: 'Open311', name: 'requests.xml', allowed: SIGNED_IN, request: () => `${OPEN311}/requests.xml`, ...publicView },
  { family: 'Open311', name: 'request item .json', allowed: SIGNED_IN, request: (s) => `${OPEN311}/requests/${s.eventNumber}.json`, ...publicView },
  { family: 'Open311', name: 'request item .xml', allowed: SIGNED_IN, request: (s) => `${OPEN311}/requests/${s.eventNumber}.xml`, ...publicView },
]
