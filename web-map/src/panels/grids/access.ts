// Who sees the 网格 panel: the roles that may edit grids, the server's GRID_WRITERS
// (server/grids/routes.ts; the browser test checks the two lists agree). Role menus use this too.

export const GRID_EDITOR_ROLES: readonly string[] = ['command_center', 'district_staff', 'street_staff', 'community_staff', 'gis_analyst']

/** Whether a role is shown the 网格 panel (drawing, editing, split and merge). */
export function shownFor(role: string | null | undefined): boolean {
  return !!role && GRID_EDITOR_ROLES.includes(role)
}
