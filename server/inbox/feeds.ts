// What the producers' feed rows tell whom (registered with feed.ts at load):
// - event: a new assignee (dispatch, reassign, redispatch, coordinated dispatch, escalation,
//   forward, also at intake) gets a to-do: the member's account, else the department's accounts;
// - supervision: 督办 orders and yellow/red cards to the department's accounts;
// - warning: to the staff roles whose jurisdiction covers the warning's area;
// - report: a stored periodic report to the city's command centre;
// - assessment: a snapshot to the city's command centre, and each ranked unit its own rank.
// Subscribers of a kind and area get each of these too (deliver.ts).
import { sqlFile } from '../db/sql.ts'
import { deliver } from './deliver.ts'
import { onFeed } from './feed.ts'

const actionTitles: Record<string, string> = {
  dispatch: '派遣', reassign: '改派', redispatch: '重新派遣', coordinate_dispatch: '协调派遣', escalate: '提级', forward: '转派',
}
const cardTitles: Record<string, string> = { yellow: '黄牌', red: '红牌' }
const levelTitles: Record<number, string> = { 1: '红色', 2: '橙色', 3: '黄色' }
const periodTitles: Record<string, string> = { daily: '日报', weekly: '周报', monthly: '月报', annual: '年报' }
const WARNING_ROLES = ['command_center', 'district_staff', 'street_staff', 'community_staff'] as const
/** The staff of a ranked division: only the unit's own level (a district's staff do not hear each street's place). */
const UNIT_ROLES = { district: 'district_staff', street: 'street_staff', community: 'community_staff' } as const

const cut = (s: string, n: number) => ([...s].length > n ? `${[...s].slice(0, n).join('')}…` : s)
/** Beijing wall-clock minute (what the recipient reads). */
export const beijing = (d: Date | null) => (d ? new Date(new Date(d).getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ') : null)
const cityArea = (city: string) => `${city.slice(0, 6)}000000`

onFeed('event', async (trx, ref, now) => {
  const { rows } = await trx.raw(sqlFile('inbox/feed_event'), { eventId: ref.eventId, seq: ref.seq }) as {
    rows: { number: string; community_code: string; description: string; handle_due_at: Date | null; sign_due_at: Date | null; action: string
      actor_name: string; member_user_id: string | null; department_user_ids: string[] | null }[]
  }
  const e = rows[0]
  if (!e) return
  const userIds = e.member_user_id !== null ? [e.member_user_id] : (e.department_user_ids ?? [])
  const due = [e.sign_due_at ? `签收时限 ${beijing(e.sign_due_at)}` : null, e.handle_due_at ? `处置时限 ${beijing(e.handle_due_at)}` : null].filter(Boolean).join('，')
  await deliver(trx, {
    kind: 'todo', title: `待办：${e.number} ${cut(e.description, 40)}`, eventId: e.number, areaCode: e.community_code, link: `#event=${e.number}`,
    body: `${actionTitles[e.action] ?? e.action}（${e.actor_name}）${due ? `，${due}` : ''}`, data: { action: e.action, dueAt: e.handle_due_at },
  }, { userIds }, now)
})

onFeed('supervision', async (trx, ref, now) => {
  const { rows } = await trx.raw(sqlFile('inbox/feed_supervision'), { id: ref.id }) as {
    rows: { kind: string; card: string | null; reason: string; answer_due_at: Date | null; number: string; community_code: string; user_ids: string[] }[]
  }
  const s = rows[0]
  if (!s) return
  await deliver(trx, {
    kind: 'supervision', title: `督办：${s.number}${s.card ? `（${cardTitles[s.card] ?? s.card}）` : ''}`, eventId: s.number, areaCode: s.community_code,
    link: `#event=${s.number}`, body: `${s.reason}${s.answer_due_at ? `；请于 ${beijing(s.answer_due_at)} 前回复` : ''}`, data: { supervisionKind: s.kind, card: s.card },
  }, { userIds: s.user_ids }, now)
})

onFeed('warning', async (trx, ref, now) => {
  const w = await trx('warning').where({ id: ref.id }).first<{ id: string; kind: string; level: number; title: string; area_code: string } | undefined>('id', 'kind', 'level', 'title', 'area_code')
  if (!w) return
  await deliver(trx, {
    kind: 'warning', title: `${levelTitles[w.level] ?? ''}预警：${w.title}`, areaCode: w.area_code, link: '#warnings', data: { warningId: Number(w.id), warningKind: w.kind, level: w.level },
  }, { roles: [...WARNING_ROLES], areaCode: w.area_code }, now)
})

onFeed('report', async (trx, ref, now) => {
  const city = String(ref.cityCode)
  const kind = String(ref.kind)
  const label = String(ref.label)
  await deliver(trx, {
    kind: 'report_ready', title: `${periodTitles[kind] ?? kind}已生成：${label}`, areaCode: cityArea(city),
    link: `/api/v1/reports/${kind}/${label}`, data: { cityCode: city, kind, label },
  }, { roles: ['command_center'], areaCode: cityArea(city) }, now)
})

interface SnapshotRow { id: string; city_code: string; rule_code: string; period_label: string; unit: string; supersedes: string | null; rows: { rank: number; key: string; name: string | null; area: string | null; score: number | null }[]; name: string | null }

onFeed('assessment', async (trx, ref, now) => {
  const { rows: found } = await trx.raw(sqlFile('inbox/feed_assessment'), { id: ref.id }) as { rows: SnapshotRow[] }
  const s = found[0]
  if (!s) return
  const ruleName = s.name ?? s.rule_code
  const data = { snapshotId: Number(s.id), ruleCode: s.rule_code, period: s.period_label, recalculated: s.supersedes !== null }
  await deliver(trx, {
    kind: 'assessment', title: `考核结果：${ruleName} ${s.period_label}${s.supersedes ? '（重新计算）' : ''}`, areaCode: cityArea(s.city_code),
    link: '#assessment', body: `共 ${s.rows.length} 个单位参与排名`, data,
  }, { roles: ['command_center'], areaCode: cityArea(s.city_code) }, now)
  // each ranked unit hears its own place: divisions by area, departments by their accounts
  for (const row of s.rows.slice(0, 500)) {
    const body = `${row.name ?? row.key}：第 ${row.rank} 名，${row.score === null ? '无得分' : `${row.score} 分`}`
    const notice = { kind: 'assessment' as const, title: `考核结果：${ruleName} ${s.period_label}`, link: '#assessment', body, data: { ...data, rank: row.rank, score: row.score } }
    if (s.unit === 'department') {
      const users = await trx('app_user').where({ department_id: row.key }).where('disabled', false).pluck('id') as string[]
      if (users.length) await deliver(trx, notice, { userIds: users }, now)
    } else if (row.area && /^[0-9]{12}$/.test(row.area) && s.unit in UNIT_ROLES) {
      await deliver(trx, notice, { roles: [UNIT_ROLES[s.unit as keyof typeof UNIT_ROLES]], areaCode: row.area }, now)
    }
  }
})
