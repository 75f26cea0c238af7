// Role menus: which dock tabs and actions this user is offered. The server decides: the user it
// sends at sign-in (and from GET /api/v1/auth/me) carries `capabilities`, derived from the same
// role lists its guards use (server/auth/capabilities.ts), so the page offers nothing the server
// would refuse and keeps no role list of its own here. No DOM here: client/eventsApi.ts (read by
// the server-side tests too) asks ownEventsOnly.
import type { User } from '../client/api.ts'

/** What the menus need of the dock (ui/dock.ts). */
interface TabHost { restrict(allowed: ((id: string) => boolean) | null): void }

/**
 * Dock tab id → the server capability it needs. A panel added later adds its line here (the tab
 * id it passes to dock.add, the capability the server names for it in server/auth/capabilities.ts).
 * A tab not listed here is shown to everyone and handles refusals itself.
 */
export const TAB_NEEDS: Record<string, string> = {
  events: 'events',
  warnings: 'warnings',
  situation: 'situation',
  field: 'field',
  replay: 'replay',
  tasks: 'tasks',
  /** 网格 drawing (panels/grids/) */
  grids: 'gridEdit',
  /** 调派 (panels/orders/): /api/v1/resource-orders is guarded by the dispatchers' list (DISPATCH_ROLES) */
  orders: 'orders',
  /** 公示 (panels/exemplary/) */
  exemplary: 'exemplary',
  /** 登记 (panels/registers/): GET /api/v1/registers */
  registers: 'registers',
  /** 队列 (panels/queues/): GET /api/v1/queues */
  queues: 'queues',
  /** 配置 (panels/config/): GET /api/v1/config/{kind} */
  config: 'config',
  /** 疑难 (panels/hardcases/): GET /api/v1/hard-cases */
  hardcases: 'hardCases',
  /** 会商 (panels/meetings/): GET /api/v1/meetings */
  meetings: 'meetings',
  /** 并联办 (panels/parallel/): GET /api/v1/parallel */
  parallel: 'parallel',
  /** 感知 (panels/sensing/sensorsPanel.ts): GET /api/v1/sensor-rules/incidents */
  sensors: 'sensors',
  /** 舆情 (panels/sensing/opinionPanel.ts): GET /api/v1/opinion/posts */
  opinion: 'opinion',
  /** 用量 (panels/sensing/usagePanel.ts): GET /api/v1/utility-usage/flags */
  usage: 'usageFlags',
  /** 数据目录 (panels/catalogue/cataloguePanel.ts): GET /api/v1/catalogue */
  catalogue: 'catalogue',
  /** 资源申请 (panels/catalogue/applicationsPanel.ts): GET /api/v1/catalogue/applications */
  applications: 'applications',
}

/** Actions outside the dock tabs → the capability they need. */
export const ACTION_NEEDS = {
  dispatch: 'dispatch',
  acknowledge: 'acknowledgeWarnings',
  analysisLayers: 'analysisLayers',
  bigScreen: 'bigScreen',
  gridEdit: 'gridEdit',
  fenceEdit: 'fenceEdit',
  reports: 'reports',
  /** 新增版本 in the 配置 panel: POST /api/v1/config/{kind}/{key}/versions */
  configEdit: 'configEdit',
  /** 记录批示 in the 疑难 panel: POST /api/v1/hard-cases/events/{number}/instructions */
  instruct: 'instruct',
  /** 发起会商, minutes and decisions in the 会商 panel: POST /api/v1/meetings, PATCH /api/v1/meetings/{id} */
  convene: 'convene',
  /** 编辑目录信息 in 数据目录: PATCH /api/v1/catalogue/entries/{id} */
  catalogueEdit: 'catalogueEdit',
  /** 授权, 驳回, 撤销 in 资源申请: POST /api/v1/catalogue/applications/{id}/approve|reject|revoke */
  reviewApplications: 'reviewApplications',
  /** 加入资源申请 and 新建资源申请: POST /api/v1/catalogue/applications */
  applyAccess: 'applyAccess',
} as const

/** Whether the server lets this user do `capability` (no user, or a server without the list: no). */
export function can(user: User | null | undefined, capability: string): boolean {
  return user?.capabilities?.includes(capability) ?? false
}

/** May this user see the dock tab `id`? */
export function tabAllowed(user: User | null | undefined, id: string): boolean {
  const need = TAB_NEEDS[id]
  return need === undefined || can(user, need)
}

/** An inspector's events panel lists the events assigned to him (assignee=me), not his whole community. */
export function ownEventsOnly(user: User | null | undefined): boolean {
  return user?.role === 'grid_inspector'
}

/** Shows the tabs the user may use and hides the others (after sign-in; `null` after sign-out shows all). */
export function applyRoleMenus(dock: TabHost, user: User | null): void {
  dock.restrict(user ? (id) => tabAllowed(user, id) : null)
}
