// What the command screen may offer a role: one named capability per dock panel or action, each
// with the role list of the guard that serves it, imported from the guard's own module (never a
// copy), so a menu never offers what the server would refuse. GET /api/v1/auth/me and the login
// answer carry the caller's list; test/auth/capabilities.test.ts walks every demo role against
// the endpoint behind each capability. A panel added later adds one line here.
import { roles, type Role } from './roles.ts'
import { ANALYTICS_READERS } from '../analytics/routes.ts'
import { ACKNOWLEDGERS } from '../warnings/routes.ts'
import { DISPATCH_ROLES } from '../events/dispatchOptions.ts'
import { REPLAY_ROLES } from '../events/replay.ts'
import { GRID_WRITERS } from '../grids/routes.ts'
import { READERS as DEVICE_READERS } from '../devices/routes.ts'
import { READERS as PATROL_READERS } from '../patrol/routes.ts'
import { FENCE_WRITERS } from '../fences/routes.ts'
import { PINNERS, READERS as CASE_READERS } from '../exemplary/schemas.ts'
import { ORDER_ROLES } from '../orders/routes.ts'
import { AUDIT_READERS } from '../audit/routes.ts'
import { PLACE_READ_ROLES } from '../registers/access.ts'
import { QUEUE_ROLES } from '../queues/store.ts'
import { CONFIG_ADMIN_ROLES, CONFIG_READ_ROLES } from '../config/routes.ts'
import { HARD_CASE_ROLES } from '../hard-cases/store.ts'
import { INSTRUCTING_ROLES } from '../hard-cases/instructions.ts'
import { CONVENERS, MEETING_ROLES } from '../meetings/store.ts'
import { PART_ROLES } from '../parallel/store.ts'
import { RULE_READERS as SENSOR_READERS } from '../sensors/roles.ts'
import { OPINION_ROLES } from '../opinion/routes.ts'
import { PEOPLE_ROLES } from '../registers/access.ts'
import { APPLICANTS, CATALOGUE_ADMINS, CATALOGUE_READERS } from '../catalogue/roles.ts'

/** Every signed-in role (routers guarded by a bare requireRole()). */
const SIGNED_IN: readonly Role[] = roles

/** The views the big screen (大屏) rotates through: it is offered only to roles that may read all of them. */
const BIG_SCREEN_VIEWS = [ANALYTICS_READERS, ANALYTICS_READERS, DEVICE_READERS] as const

const allOf = (...lists: readonly (readonly Role[])[]): Role[] => roles.filter((r) => lists.every((l) => l.includes(r)))

/** capability → [Chinese title, roles]; the key is what the page asks for. */
export const CAPABILITIES = {
  /** 事件 panel: GET /api/v1/events (the list is narrowed to the caller's jurisdiction). */
  events: ['事件', SIGNED_IN],
  /** 图层 (the layer switcher): GET /tiles/all.json. */
  layers: ['图层', SIGNED_IN],
  /** 热力图 / 热点分析 layers: GET /tiles/heatmap.json, /tiles/hotspots.json. */
  analysisLayers: ['热力与热点', ANALYTICS_READERS],
  /** 预警 panel: GET /api/v1/warnings, fence alerts. */
  warnings: ['预警', ANALYTICS_READERS],
  /** 确认 a warning or fence alert: POST /api/v1/warnings/:id/acknowledge. */
  acknowledgeWarnings: ['预警确认', ACKNOWLEDGERS],
  /** 态势 panel: GET /api/v1/analytics/*. */
  situation: ['态势', ANALYTICS_READERS],
  /** 力量 panel: GET /api/v1/devices/live. */
  field: ['力量', DEVICE_READERS],
  /** 复盘 panel: GET /api/v1/events/:number/replay. */
  replay: ['复盘', REPLAY_ROLES],
  /** 调度 in the event detail: GET /api/v1/events/:number/dispatch-options (the roles that may dispatch). */
  dispatch: ['调度', DISPATCH_ROLES],
  /** 巡查任务: GET /api/v1/patrol-tasks (an inspector reads his own). */
  tasks: ['巡查任务', PATROL_READERS],
  /** 网格 drawing and editing: POST/PATCH /api/v1/grids…. */
  gridEdit: ['网格编辑', GRID_WRITERS],
  /** 电子围栏 drawing: POST /api/v1/fences. */
  fenceEdit: ['围栏编辑', FENCE_WRITERS],
  /** 日报 / 周报 / 月报: GET /api/v1/reports/:kind/:period. */
  reports: ['统计报表', ANALYTICS_READERS],
  /** 公示 panel and the similar cases in an event's detail: GET /api/v1/exemplary-cases. */
  exemplary: ['公示', CASE_READERS],
  /** 设为公示 / 撤下: POST /api/v1/exemplary-cases, DELETE /api/v1/exemplary-cases/:id. */
  pinExemplary: ['设为公示', PINNERS],
  /** 调派 panel and 派遣力量到此: POST /api/v1/resource-orders (the dispatchers). */
  orders: ['调派', ORDER_ROLES],
  /** 大屏 mode: every view it rotates through (态势, 预警, 力量, 热力). */
  bigScreen: ['大屏', allOf(...BIG_SCREEN_VIEWS)],
  /** 访问日志 panel: GET /api/v1/audit (the auditor only; the command centre does not audit itself). */
  audit: ['访问日志', AUDIT_READERS],
  /** 登记 panel: GET /api/v1/registers (the registers each role reads; writing is per register, its canWrite). */
  registers: ['登记', PLACE_READ_ROLES],
  /** 队列 panel: GET /api/v1/queues (a member's or unit's work queues, and the emergencies followed). */
  queues: ['工作队列', QUEUE_ROLES],
  /** 配置 panel: GET /api/v1/config/{kind} (matters and rules in force, and their versions). */
  config: ['配置', CONFIG_READ_ROLES],
  /** 新增版本 of a matter or rule: POST /api/v1/config/{kind}/{key}/versions. */
  configEdit: ['配置修改', CONFIG_ADMIN_ROLES],
  /** 疑难 panel: GET /api/v1/hard-cases (the register, one event's file: reasons, 批示, 并联办, quality). */
  hardCases: ['疑难事件', HARD_CASE_ROLES],
  /** 记录批示 in the 疑难 panel: POST /api/v1/hard-cases/events/:number/instructions. */
  instruct: ['领导批示', INSTRUCTING_ROLES],
  /** 会商 panel: GET /api/v1/meetings and the decisions tracked like events. */
  meetings: ['会商', MEETING_ROLES],
  /** 发起会商, minutes and decisions: POST /api/v1/meetings, PATCH /api/v1/meetings/:id. */
  convene: ['发起会商', CONVENERS],
  /** 并联办 panel: GET /api/v1/parallel (the parts the caller's units hold) and an event's parts. */
  parallel: ['并联办', PART_ROLES],
  /** 感知 panel: GET /api/v1/sensor-rules/incidents (sensor alarms with their readings). */
  sensors: ['物联感知', SENSOR_READERS],
  /** 舆情 panel: GET /api/v1/opinion/posts, accept and reject, topics. */
  opinion: ['网络舆情', OPINION_ROLES],
  /** 用量 panel: GET /api/v1/utility-usage/flags (the people-register roles only). */
  usageFlags: ['用量异常', PEOPLE_ROLES],
  /** 数据目录 panel: GET /api/v1/catalogue and an entry's detail. */
  catalogue: ['数据目录', CATALOGUE_READERS],
  /** 编辑 an entry's owner, frequency, classification, sharing: PATCH /api/v1/catalogue/entries/:id. */
  catalogueEdit: ['目录编辑', CATALOGUE_ADMINS],
  /** 资源申请 panel: GET /api/v1/catalogue/applications (the city's, or an applicant's own) and their use. */
  applications: ['资源申请', [...CATALOGUE_ADMINS, ...APPLICANTS]],
  /** 授权, 驳回, 撤销 an application: POST /api/v1/catalogue/applications/:id/approve|reject|revoke. */
  reviewApplications: ['申请审核', CATALOGUE_ADMINS],
  /** 提交申请 from the catalogue: POST /api/v1/catalogue/applications. */
  applyAccess: ['提交申请', APPLICANTS],
} as const satisfies Record<string, readonly [string, readonly Role[]]>

export type Capability = keyof typeof CAPABILITIES

/** The capabilities of a role, in the table's order. */
export function capabilitiesOf(role: Role): Capability[] {
  return (Object.keys(CAPABILITIES) as Capability[]).filter((c) => (CAPABILITIES[c][1] as readonly Role[]).includes(role))
}
