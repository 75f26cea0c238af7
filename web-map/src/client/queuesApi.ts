// 工作队列 and 重大突发: GET /api/v1/queues, GET /api/v1/emergencies[/{number}]. The server decides
// whose queue it is (the signed-in member or unit) and which emergencies the user follows.
import type { Session } from './api.ts'
import { readProblem, refusalText } from './problem.ts'

export type QueueName = 'to_sign' | 'to_handle' | 'due_soon' | 'returned' | 'to_verify'
export const QUEUE_ORDER: QueueName[] = ['to_sign', 'to_handle', 'due_soon', 'returned', 'to_verify']

export interface QueueItem {
  number: string; status: string; statusTitle: string; class: { code: string; name: string }; description: string
  priority: number; emergency: boolean; dueAt: string | null; overdue: boolean
  assignee: { department: { code: string; name: string }; member: { id: number; name: string } | null } | null
}

export interface Queues {
  holder: { scope: string; member: { id: number; name: string } | null; units: { code: string; name: string }[] }
  dueWithinHours: number; titles: Record<QueueName, string>; counts: Record<QueueName, number>; queues: Record<QueueName, QueueItem[]>
}

export interface Emergency {
  number: string; sourceTitle: string; reason: string; declaredAt: string; statusTitle: string; class: { code: string; name: string }
  alerted: { kind: string; title: string; reached: number }[]; assignee: { code: string; name: string } | null; steps: number
}
export interface TimelineStep { seq: number; action: string; title: string; actor: { role: string; name: string }; at: string; comment: string | null }

async function read<T>(session: Session, url: string): Promise<T> {
  const res = await session.fetch(url, { headers: { accept: 'application/json' } })
  if (!res.ok) throw new Error(res.status === 403 ? '当前角色无权查看' : refusalText(await readProblem(res), '加载失败'))
  return await res.json() as T
}

export const fetchQueues = (session: Session, scope: 'me' | 'unit') => read<Queues>(session, `/api/v1/queues?${new URLSearchParams({ scope, limit: '50' })}`)
export const fetchEmergencies = (session: Session) => read<{ items: Emergency[] }>(session, '/api/v1/emergencies?limit=20')
export const fetchTimeline = (session: Session, number: string) =>
  read<Emergency & { timeline: TimelineStep[] }>(session, `/api/v1/emergencies/${encodeURIComponent(number)}`)
