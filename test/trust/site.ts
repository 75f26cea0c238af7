// The shapes of the matrix's planted sites (plant.ts) and of their register rows (plantRegisters.ts),
// apart from both so neither imports the other.

export interface RegisterSite {
  houseId: number; residentId: number; residentIdNumber: string; residentPhone: string; ownerPhone: string
  specialGroupId: number; guardianPhone: string
  /** layer id → the key of the site's row */
  layerKeys: Record<string, string>
  /** text only the people registers' rows carry (a special group's note, a house's address): for readers only */
  peopleMarkers: string[]
}

export type SiteName = 'in' | 'out'

export interface Site {
  name: SiteName
  community: string
  street: string
  grid: string
  /** lon/lat box of the community, and its centre */
  box: [number, number, number, number]
  center: [number, number]
  tag: string
  eventNumber: string
  closedNumber: string
  reporterPhone: string
  memberId: number
  memberPhone: string
  device: string
  deviceToken: string
  fenceId: number
  templateId: number
  taskId: number
  orderId: number
  warningId: number
  attachmentId: number
  caseId: number
  /** industry type code → the site's grid of that type */
  industryGrids: Record<string, string>
  component: string
  addressId: number
  roadId: number
  /** a proactive task of the site's resident, an instruction from the province, an access application for the site (plantServices.ts) */
  proactiveTaskId: number
  instructionId: string
  applicationId: number
  /** the registers' rows (issue 14) */
  reg: RegisterSite
  /** strings that only this site's records carry */
  markers: string[]
}
