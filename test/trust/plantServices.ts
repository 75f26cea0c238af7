// The matrix's rows of the issue 20 channels, per site: a proactive task for the site's resident
// (in the site's grid), an instruction received from the province (the receipt of the site's
// event) and an access application for the site's community: IN's filed by the matrix's own
// external system, OUT's by another external system holding OUT. Written with SQL (the matrix's
// database is its own; the capabilities' tests cover how these rows come to be), named with the
// site's tag so the judge finds them.
import type { Knex } from 'knex'
import { createUser } from '../../server/auth/users.ts'
import type { Principal } from './principals.ts'
import type { Sites } from './plant.ts'

const CITY = '990100'

/** After the principals exist: IN's application is the matrix's external system's own. */
export async function plantServices(knex: Knex, sites: Sites, principals: Principal[]): Promise<void> {
  const [rule] = await knex('proactive_rule').insert({ city_code: CITY, kind: 'lone_elderly_visit', name: '矩阵独居老人走访', params: JSON.stringify({ days: 30 }), enabled: false })
    .returning('id')
  const ownSystem = principals.find((p) => p.role === 'external_system')!
  const otherSystem = `mx_applicant_out_${process.pid}`
  if (!(await knex('app_user').where({ username: otherSystem }).first('id'))) {
    await createUser(knex, { username: otherSystem, displayName: '矩阵外区系统', password: 'Matrix-Trust-2026!q', role: 'external_system', cityCode: CITY,
      adminCodes: [sites.out.community], departmentId: null })
  }
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
  for (const s of Object.values(sites)) {
    const [task] = await knex('proactive_task').insert({
      city_code: CITY, rule_id: rule.id, rule_version: 1, kind: 'lone_elderly_visit', resident_id: s.reg.residentId, period_key: `mx-${s.tag}`,
      community_code: s.community, grid_code: s.grid, due_on: today, detail: JSON.stringify({ lastVisit: null }),
    }).returning('id')
    s.proactiveTaskId = Number(task.id)
    s.instructionId = `mx-${s.tag}`
    await knex('exchange_instruction').insert({
      city_code: CITY, message_id: s.instructionId, sender_area: '370000000000', sender_system: '省一网统管平台', title: `矩阵交办 ${s.tag}`,
      event_number: s.eventNumber, received_by: 'matrix',
    })
    const applicant = await knex('app_user').where({ username: s.name === 'in' ? ownSystem.username : otherSystem }).first('id')
    const [app] = await knex('catalogue_application').insert({
      city_code: CITY, applicant_id: applicant.id, system_name: `矩阵系统${s.tag}`, purpose: `矩阵测试 ${s.tag} 的数据共享申请`,
      resources: ['api:GET /api/v1/events'], areas: [s.community], valid_days: 30,
    }).returning('id')
    s.applicationId = Number(app.id)
  }
}
