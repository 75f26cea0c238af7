// An audit row as the auditor reads it (JSON and CSV alike).

export interface AuditRowRead {
  id: string; at: Date; request_id: string; user_id: string | null; username: string; role: string; principal_kind: string
  client_address: string | null; method: string; path: string; action: string; resource_type: string | null
  resource_id: string | null; community_code: string | null; personal: boolean; fields: string[]; status: number | null
  city_code: string | null; reason: string | null; cursor_t: string
}

export const view = (r: AuditRowRead) => ({
  id: Number(r.id), at: r.at.toISOString(), requestId: r.request_id, user: { id: r.user_id === null ? null : Number(r.user_id), username: r.username, role: r.role, kind: r.principal_kind },
  clientAddress: r.client_address, method: r.method, path: r.path, action: r.action,
  resource: { type: r.resource_type, id: r.resource_id, communityCode: r.community_code },
  personal: r.personal, fields: r.fields, status: r.status, cityCode: r.city_code, reason: r.reason,
})
export type AuditView = ReturnType<typeof view>
