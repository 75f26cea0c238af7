// The fence engine's contract types (re-exported by engine.ts; here so that the engine's helper
// modules can name them without importing the engine).

export interface FenceRules { enter: boolean; exit: boolean; dwellMinutes: number | null; absentMinutes: number | null }

/** null: always; {calendar:'duty'}: the working calendar's work hours; or ISO weekdays 1-7 and HH:MM (Asia/Shanghai). */
export type FenceSchedule = null | { calendar: 'duty' } | { days: number[]; from: string; to: string }

export interface FenceDef {
  id: number
  cityCode: string
  adminPrefix: string
  memberIds: number[]
  /** EPSG:4490 lon/lat */
  geom: GeoJSON.MultiPolygon
  rules: FenceRules
  schedule: FenceSchedule
}

export interface Fix { /** epoch ms */ t: number; lon: number; lat: number; /** metres */ accuracy: number | null }

export interface FenceState {
  fenceId: number
  inside: boolean
  /** epoch ms of the last flip (the boundary crossing), or of the first fix seen */
  since: number
  /** epoch ms of the last fix evaluated; fixes at or before it are ignored */
  lastFixAt: number
  dwellAlerted: boolean
  absentAlerted: boolean
}

export interface DeviceRef { deviceId: number; memberId: number | null; /** 12 digits */ community: string }

export interface FenceAlertOut {
  fenceId: number
  kind: 'enter' | 'exit' | 'dwell' | 'absent'
  /** epoch ms */
  at: number
  lon: number
  lat: number
  detail: Record<string, unknown>
}

/** Whether a fence's schedule is on at instant t (see schedule.ts for the usual one). */
export type IsActive = (fence: FenceDef, t: number) => boolean
