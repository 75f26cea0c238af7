// 视频: the cameras of the user's area, their live stream (POST /api/v1/cameras/{id}/play: `live`
// is the HLS playlist through our own origin) and the user's video patrol rounds
// (GET /api/v1/cameras/patrols?assignee=me, POST …/patrols/{id}/stops/{seq}).
import type { Session } from './api.ts'
import { send } from './casesApi.ts'

export interface Camera { id: number; name: string; kind: string; owner: string; lon: number; lat: number; communityCode: string }
export interface Play { camera: number; live: string | null; hls: string | null; source: string }
export interface PatrolStop {
  seq: number; camera: { id: number; name: string; kind: string; lon: number; lat: number; communityCode: string }
  state: 'pending' | 'normal' | 'finding'; note: string | null; eventNumber: string | null; checkedAt: string | null; checkedBy: string | null
}
export interface Patrol {
  id: number; name: string; shiftDate: string; shift: 'day' | 'night'; assignee: { userId: number; name: string }
  stops: number; checked: number; findings: number; status: 'open' | 'done'
}
export interface PatrolDetail extends Patrol { items: PatrolStop[] }
export interface Finding { classCode: string; description: string }
export interface Check { result: 'normal' | 'finding'; note?: string; finding?: Finding; snapshot?: string }

export const SHIFT_TITLES: Record<Patrol['shift'], string> = { day: '白班', night: '夜班' }
export const STOP_STATES: Record<PatrolStop['state'], string> = { pending: '待巡查', normal: '正常', finding: '发现问题' }

export const fetchCameras = (session: Session) => send<{ items: Camera[] }>(session, '/api/v1/cameras?limit=200')
export const startPlay = (session: Session, id: number) => send<Play>(session, `/api/v1/cameras/${id}/play?protocol=hls`, { method: 'POST', body: '{}' })
export const fetchMyPatrols = (session: Session) => send<{ items: Patrol[] }>(session, '/api/v1/cameras/patrols?assignee=me&limit=20')
export const fetchPatrol = (session: Session, id: number) => send<PatrolDetail>(session, `/api/v1/cameras/patrols/${id}`)
export const checkStop = (session: Session, id: number, seq: number, c: Check) =>
  send<Patrol & { eventNumber: string | null }>(session, `/api/v1/cameras/patrols/${id}/stops/${seq}`, { method: 'POST', body: JSON.stringify(c) })
