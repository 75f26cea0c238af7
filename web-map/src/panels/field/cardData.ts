// What a field-force card reads from the server for one device's member: today's kilometres
// (GET /api/v1/members/{id}/trajectory, today by default), the member's patrol tasks of the day
// (GET /api/v1/patrol-tasks?memberId=&date=) and the open events assigned to them
// (GET /api/v1/devices/{identifier}/assigned-events). A device nobody carries has none of these.
import type { Session } from '../../client/api.ts'
import type { Device } from '../../map/fieldForce.ts'
import { beijingDate } from '../../ui/time.ts'

export interface CardTask { id: number; templateName: string; status: string; required: number; visitsCounted: number }
export interface CardEvent { number: string; status: string; classCode: string; className: string | null; handleDueAt: string | null }
export interface CardData { kilometres: number | null; tasks: CardTask[]; events: CardEvent[] }


async function json<T>(session: Session, url: string, what: string): Promise<T> {
  const res = await session.fetch(url)
  if (!res.ok) {
    let detail = ''
    try {
      detail = ((await res.json()) as { detail?: string }).detail ?? ''
    } catch { /* not problem JSON */ }
    throw new Error(`${what}加载失败（${res.status}${detail ? `：${detail}` : ''}）`)
  }
  return await res.json() as T
}

export async function loadCardData(session: Session, d: Device): Promise<CardData> {
  if (d.memberId === null) return { kilometres: null, tasks: [], events: [] }
  const [trajectory, tasks, events] = await Promise.all([
    json<{ kilometres: number }>(session, `/api/v1/members/${d.memberId}/trajectory`, '今日里程'),
    json<{ items: CardTask[] }>(session, `/api/v1/patrol-tasks?memberId=${d.memberId}&date=${beijingDate()}`, '巡查任务'),
    json<{ items: CardEvent[] }>(session, `/api/v1/devices/${encodeURIComponent(d.identifier)}/assigned-events`, '待办事件'),
  ])
  return { kilometres: trajectory.kilometres, tasks: tasks.items, events: events.items }
}
