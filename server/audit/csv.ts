// The audit as CSV (Excel opens it: UTF-8 with a byte order mark). A cell a spreadsheet would run
// as a formula (= + - @ first) is prefixed with ' : an audited path or reason is attacker-chosen.
import type { AuditView } from './view.ts'

const HEADER = ['id', 'at', 'request_id', 'username', 'role', 'principal_kind', 'client_address', 'method', 'path',
  'action', 'resource_type', 'resource_id', 'community_code', 'personal', 'fields', 'status', 'city_code', 'reason']

function cell(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v)
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n']/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

export function toCsv(items: AuditView[]): string {
  const lines = items.map((r) => [r.id, r.at, r.requestId, r.user.username, r.user.role, r.user.kind, r.clientAddress, r.method, r.path,
    r.action, r.resource.type, r.resource.id, r.resource.communityCode, r.personal, r.fields.join(' '), r.status, r.cityCode, r.reason].map(cell).join(','))
  return `\uFEFF${[HEADER.join(','), ...lines].join('\r\n')}\r\n`
}
