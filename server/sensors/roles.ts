// Who may change the sensor register and its rules. Reading needs any signed-in staff role;
// external_system is how devices and gateways write readings over HTTP (an API key).
import type { Role } from '../auth/roles.ts'

export const STA_WRITERS: Role[] = ['command_center', 'district_staff', 'street_staff', 'external_system']
export const RULE_READERS: Role[] = ['command_center', 'district_staff', 'street_staff', 'community_staff', 'gis_analyst']
export const RULE_WRITERS: Role[] = ['command_center', 'district_staff']
