// Roles decide what a principal may do; jurisdiction (server/db/jurisdiction.ts) what it may see.
export const roles = ['command_center', 'district_staff', 'street_staff', 'community_staff', 'department',
  'grid_inspector', 'gis_analyst', 'external_system', 'public', 'auditor'] as const
export type Role = (typeof roles)[number]

export const roleTitles: Record<Role, string> = {
  command_center: '市指挥中心',
  district_staff: '区级人员',
  street_staff: '街道人员',
  community_staff: '社区人员',
  department: '职能部门',
  grid_inspector: '网格员',
  gis_analyst: 'GIS分析员',
  external_system: '外部系统',
  public: '公众',
  // reads the access audit (server/audit/) and nothing of the city: no jurisdiction
  auditor: '审计员',
}
