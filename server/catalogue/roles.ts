// Who may do what with the catalogue: kept apart from routes.ts so the command screen's
// capabilities (server/auth/capabilities.ts) read the guards' own lists without importing the router.
import type { Role } from '../auth/roles.ts'
import { KEY_ADMINS } from '../auth/apiKeys.ts'

export const CATALOGUE_READERS: Role[] = ['command_center', 'district_staff', 'street_staff', 'community_staff', 'department',
  'grid_inspector', 'gis_analyst', 'external_system']
export const APPLICANTS: Role[] = ['external_system']
/** Edit entries, review, approve, reject and revoke applications: those who issue keys. */
export const CATALOGUE_ADMINS: Role[] = [...KEY_ADMINS]
