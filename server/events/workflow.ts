// The closed loop of an event as an explicit state machine (pure: no database, no clock).
//
//   reported ─accept→ accepted ─dispatch→ dispatched ─sign→ signed ─handle→ handling ─feedback→ handled
//      │ reject           ↑  ↑                │ return/reassign/escalate        │ park ⇄ unpark (parked)
//      ↓                  │  └── return ──────┘                                 │
//   rejected              │                                handled ─verify→ verified ─close→ closed ─evaluate→ evaluated
//                         │                                handled/verified ─rework→ handling
//   void (废止 duplicate): reported/accepted/dispatched/signed → voided;  evaluated(dissatisfied) ─redispatch→ dispatched
//
// Extension (延期) is a flag on signed/handling events, not a status: request sets it,
// approve/deny clear it (approve moves the deadline; the caller does that).
//
// Beyond the main line (none of these change the status unless said):
//   forward (转派, multi-level dispatch): the assignee passes the event down to a sub-unit
//     (→ dispatched); the sub-unit reports back (report_back → handling at the forwarding unit)
//     or refuses it (return → signed at the forwarding unit). A forwarded event cannot be fed
//     back to the centre until every level has reported back.
//   主办/协办: a dispatch may name assisting units; each signs (assist_sign) and gives its
//     opinion (assist_feedback); the primary unit feeds back only when all have.
//   supervise (督办) issues a supervision order; the assignee answers it (answer_supervision).
//   appeal (申诉): once, after closing, the reporter's appeal creates a new linked event.
// Who may fire a transition is decided here from the actor's role and relation to the event
// (assignee, reporter); whether the actor may see the event at all (jurisdiction) is checked
// before, by the caller, and answers 404.
import type { Role } from '../auth/roles.ts'

export const statuses = ['reported', 'accepted', 'rejected', 'dispatched', 'signed', 'handling', 'handled',
  'verified', 'closed', 'evaluated', 'parked', 'voided'] as const
export type Status = (typeof statuses)[number]

export const statusTitles: Record<Status, string> = {
  reported: '待受理', accepted: '已立案', rejected: '不予立案', dispatched: '已派遣', signed: '已签收',
  handling: '处置中', handled: '已反馈', verified: '已核查', closed: '已结案', evaluated: '已评价',
  parked: '挂账', voided: '已废止',
}

export const actions = ['accept', 'reject', 'void', 'dispatch', 'sign', 'return', 'handle', 'feedback',
  'request_extension', 'approve_extension', 'deny_extension', 'park', 'unpark', 'reassign', 'escalate',
  'verify', 'rework', 'close', 'evaluate', 'redispatch', 'forward', 'report_back', 'assist_sign', 'assist_feedback',
  'supervise', 'answer_supervision', 'appeal',
  // field steps and emergencies (issue 18 part 4): see the block after the rule table
  'verify_on_site', 'transfer', 'request_supervision', 'review_supervision_request', 'direct_reply',
  'coordinate_dispatch', 'declare_emergency'] as const
export type Action = (typeof actions)[number]

export const actionTitles: Record<Action, string> = {
  accept: '立案', reject: '不予立案', void: '废止', dispatch: '派遣', sign: '签收', return: '退回',
  handle: '处置', feedback: '处置反馈', request_extension: '申请延期', approve_extension: '批准延期',
  deny_extension: '驳回延期', park: '挂账', unpark: '解除挂账', reassign: '改派', escalate: '提级',
  verify: '核查', rework: '返工', close: '结案', evaluate: '评价', redispatch: '重派',
  forward: '转派', report_back: '回报', assist_sign: '协办签收', assist_feedback: '协办反馈',
  supervise: '督办', answer_supervision: '督办回复', appeal: '申诉',
  verify_on_site: '事件核实', transfer: '移交', request_supervision: '督办申请', review_supervision_request: '审核督办申请',
  direct_reply: '直接答复', coordinate_dispatch: '值班长协调派遣', declare_emergency: '重大突发',
}

/** 'system' is the service itself: auto-filing on intake, the scheduler's escalations, auto-close. */
export type ActorRole = Role | 'system'

export const escalationLevels = ['grid', 'community', 'street', 'district', 'city'] as const
export type EscalationLevel = (typeof escalationLevels)[number]

export function nextLevel(level: EscalationLevel): EscalationLevel | undefined {
  return escalationLevels[escalationLevels.indexOf(level) + 1]
}

/** What the machine needs to know about an event. */
export interface Snapshot {
  status: Status
  extensionPending: boolean
  escalationLevel: EscalationLevel
  satisfaction: 'satisfied' | 'basically_satisfied' | 'dissatisfied' | null
  /** open hand-downs below the centre's assignee (0: not forwarded) */
  forwardDepth: number
  /** assisting units of the current assignment that have not given their opinion */
  assistsPending: number
  /** supervision orders awaiting an answer */
  openSupervisions: number
  /** whether the one appeal has been made */
  appealed: boolean
  /** 事件核实: not required, required and not done, or done with its outcome (fieldSteps) */
  verification?: Verification
  /** 督办申请 awaiting the grid leader */
  openSupervisionRequests?: number
  /** declared a major emergency */
  emergency?: boolean
  /** 并联办 parts not done yet (server/parallel/) */
  openParts?: number
}

/** A snapshot of a plain event: nothing forwarded, assisted, supervised or appealed. */
export const plainSnapshot = (s: Pick<Snapshot, 'status' | 'extensionPending' | 'escalationLevel' | 'satisfaction'>): Snapshot =>
  ({ forwardDepth: 0, assistsPending: 0, openSupervisions: 0, appealed: false, ...s })

/** The actor's role and relation to the event (computed by the caller from the database). */
export interface Actor {
  role: ActorRole
  /** Acts for the unit (or is the grid member) the event is assigned to. */
  isAssignee: boolean
  /** Reported the event (public users may evaluate their own reports). */
  isReporter: boolean
  /** Acts for one of the assisting units (协办) of the current assignment. */
  isAssisting?: boolean
  /** On a duty chief's shift (值班长) now. */
  isDutyChief?: boolean
}

/** A fixed status, 'same' (no change) or a choice by the state (return of a forwarded event). */
type Target = Status | 'same' | ((s: Snapshot) => Status)

interface Rule {
  from: readonly Status[]
  to: Target
  roles: readonly ActorRole[]
  /** Handlers may only act on events assigned to them. */
  assigneeOnly?: readonly ActorRole[]
  /** Public callers may only act on their own reports. */
  reporterOnly?: readonly ActorRole[]
  /** Only an assisting unit of the current assignment may do this. */
  assistingOnly?: boolean
  /** A state condition beyond the status; returns why it fails, or undefined. */
  guard?: (s: Snapshot) => Reason | undefined
  /** Only the duty chief on shift (值班长) may do this. */
  dutyChiefOnly?: boolean
}

/** Why a rule refuses: a message code (worded in Chinese by messagesZh.ts) and the English text. */
export interface Reason { code: string; text: string; params?: Record<string, unknown> }
const because = (code: string, text: string, params?: Record<string, unknown>): Reason => ({ code, text, params })

// Roles by duty. Dispatchers run the command centre's desk at their level; supervisors approve
// exceptions (extension, parking); handlers are the units work is sent to.
const DISPATCHERS = ['command_center', 'district_staff', 'street_staff', 'community_staff'] as const
const SUPERVISORS = ['command_center', 'district_staff', 'street_staff'] as const
const HANDLERS = ['department', 'grid_inspector', 'community_staff', 'street_staff', 'district_staff'] as const
const VERIFIERS = ['grid_inspector', 'community_staff', 'street_staff', 'district_staff', 'command_center'] as const
const ACTIVE: readonly Status[] = ['dispatched', 'signed', 'handling']
/** Units that can hand work down or assist: departments and the territory offices. */
const UNITS = ['department', 'community_staff', 'street_staff', 'district_staff'] as const
const MAX_FORWARD_DEPTH = 3

const rules: Record<Action, Rule> = {
  accept: { from: ['reported'], to: 'accepted', roles: [...DISPATCHERS, 'system'], guard: (s) => verificationRefusal(s) },
  reject: { from: ['reported'], to: 'rejected', roles: DISPATCHERS },
  void: { from: ['reported', 'accepted', 'dispatched', 'signed'], to: 'voided', roles: DISPATCHERS },
  dispatch: { from: ['accepted'], to: 'dispatched', roles: [...DISPATCHERS, 'system'] },
  sign: { from: ['dispatched'], to: 'signed', roles: HANDLERS, assigneeOnly: HANDLERS },
  // a forwarded event goes back to the unit that forwarded it, signed; otherwise to the desk
  return: { from: ['dispatched', 'signed'], to: (s) => (s.forwardDepth > 0 ? 'signed' : 'accepted'), roles: HANDLERS, assigneeOnly: HANDLERS },
  handle: { from: ['signed'], to: 'handling', roles: HANDLERS, assigneeOnly: HANDLERS },
  feedback: {
    from: ['signed', 'handling'], to: 'handled', roles: HANDLERS, assigneeOnly: HANDLERS,
    guard: (s) => (s.extensionPending ? because('transition.extension_pending', 'an extension request is pending')
      : s.forwardDepth > 0 ? because('transition.forwarded_report_back', 'the event was forwarded: report_back to the unit that forwarded it')
        : s.assistsPending > 0 ? because('transition.assists_pending', `${s.assistsPending} assisting unit(s) have not given their opinion`, { count: s.assistsPending })
          : undefined),
  },
  request_extension: {
    from: ['signed', 'handling'], to: 'same', roles: HANDLERS, assigneeOnly: HANDLERS,
    guard: (s) => (s.extensionPending ? because('transition.extension_already_pending', 'an extension request is already pending') : undefined),
  },
  approve_extension: {
    from: ['signed', 'handling'], to: 'same', roles: SUPERVISORS,
    guard: (s) => (s.extensionPending ? undefined : because('transition.no_extension_pending', 'no extension request is pending')),
  },
  deny_extension: {
    from: ['signed', 'handling'], to: 'same', roles: SUPERVISORS,
    guard: (s) => (s.extensionPending ? undefined : because('transition.no_extension_pending', 'no extension request is pending')),
  },
  park: { from: ['signed', 'handling'], to: 'parked', roles: SUPERVISORS },
  unpark: { from: ['parked'], to: 'handling', roles: SUPERVISORS },
  reassign: { from: ACTIVE, to: 'dispatched', roles: DISPATCHERS },
  escalate: {
    from: ACTIVE, to: 'dispatched', roles: [...HANDLERS, ...SUPERVISORS, 'system'],
    assigneeOnly: ['department', 'grid_inspector', 'community_staff'],
    guard: (s) => (nextLevel(s.escalationLevel) ? undefined : because('transition.highest_level', 'already at the highest level')),
  },
  verify: { from: ['handled'], to: 'verified', roles: VERIFIERS },
  rework: { from: ['handled', 'verified'], to: 'handling', roles: [...VERIFIERS, 'community_staff'] },
  close: { from: ['verified'], to: 'closed', roles: [...SUPERVISORS, 'community_staff', 'system'] },
  evaluate: {
    from: ['closed'], to: 'evaluated', roles: ['public', 'external_system', 'command_center', 'district_staff', 'street_staff'],
    reporterOnly: ['public'],
  },
  redispatch: {
    from: ['evaluated'], to: 'dispatched', roles: DISPATCHERS,
    guard: (s) => (s.satisfaction === 'dissatisfied' ? undefined : because('transition.not_dissatisfied', 'only a dissatisfied evaluation is redispatched')),
  },
  forward: {
    from: ACTIVE, to: 'dispatched', roles: UNITS, assigneeOnly: UNITS,
    guard: (s) => (s.extensionPending ? because('transition.extension_pending', 'an extension request is pending')
      : s.forwardDepth >= MAX_FORWARD_DEPTH ? because('transition.forward_depth', `forwarded ${s.forwardDepth} levels down already`, { depth: s.forwardDepth })
        : undefined),
  },
  report_back: {
    from: ['signed', 'handling'], to: 'handling', roles: HANDLERS, assigneeOnly: HANDLERS,
    guard: (s) => (s.forwardDepth > 0 ? undefined : because('transition.not_forwarded_use_feedback', 'the event was not forwarded: use feedback')),
  },
  assist_sign: { from: ACTIVE, to: 'same', roles: UNITS, assistingOnly: true },
  assist_feedback: { from: [...ACTIVE, 'parked'], to: 'same', roles: UNITS, assistingOnly: true },
  supervise: { from: [...ACTIVE, 'parked', 'handled'], to: 'same', roles: SUPERVISORS },
  answer_supervision: {
    from: [...ACTIVE, 'parked', 'handled'], to: 'same', roles: HANDLERS, assigneeOnly: HANDLERS,
    guard: (s) => (s.openSupervisions > 0 ? undefined : because('transition.no_open_supervision', 'no supervision order awaits an answer')),
  },
  appeal: {
    from: ['closed', 'evaluated'], to: 'same', roles: ['public', 'external_system', 'command_center'], reporterOnly: ['public'],
    guard: (s) => (s.appealed ? because('transition.already_appealed', 'the event was appealed already: one appeal per event') : undefined),
  },
  ...fieldRules(),
}

// ── Field steps and emergencies (issue 18 part 4; effects in fieldSteps/) ─────────────────────
//   verify_on_site (事件核实): a resident's or hotline demand of a class that asks for it stays
//     reported until a grid inspector verifies it on site (photo and position); accept waits for
//     a confirmed verification, an unconfirmed one leaves reject (or another verification).
//   transfer (移交): the assigned inspector hands the event to another inspector or a 落格 unit
//     (→ dispatched; the receiver signs in the sign time and plans in the plan time).
//   request_supervision (督办申请): an inspector asks the grid leader to supervise; the leader
//     (community staff) or a supervisor grants (a supervision order) or declines it.
//   direct_reply (直接答复): the desk answers the demand and closes it without dispatch.
//   coordinate_dispatch (值班长协调派遣): the duty chief on shift sends the event to a unit (with
//     assisting units) whatever its state of assignment.
//   declare_emergency (重大突发): a supervisor declares an open event a major emergency.

/** 事件核实 of one event: none asked, asked and not done, or its last outcome. */
export type Verification = 'none' | 'pending' | 'confirmed' | 'unconfirmed'

function verificationRefusal(s: Snapshot): Reason | undefined {
  if (s.verification === 'pending') return because('transition.verification_pending', 'the class asks for an on-site verification (verify_on_site) before acceptance')
  if (s.verification === 'unconfirmed') return because('transition.verification_unconfirmed', 'the on-site verification did not confirm the report: reject it or verify again')
  return undefined
}

function fieldRules(): Record<'verify_on_site' | 'transfer' | 'request_supervision' | 'review_supervision_request' | 'direct_reply' | 'coordinate_dispatch' | 'declare_emergency', Rule> {
  const supervisable: Status[] = ['accepted', ...ACTIVE, 'parked', 'handled']
  const noOpenRequest = (s: Snapshot) => ((s.openSupervisionRequests ?? 0) > 0 ? because('transition.supervision_request_pending', 'a supervision request already awaits the grid leader') : undefined)
  return {
    verify_on_site: {
      from: ['reported'], to: 'same', roles: ['grid_inspector', 'community_staff'],
      guard: (s) => (s.verification === 'confirmed' ? because('transition.already_verified', 'the report was verified on site already')
        : s.verification === 'none' || s.verification === undefined ? because('transition.verification_not_required', 'the class asks for no on-site verification') : undefined),
    },
    transfer: {
      from: ACTIVE, to: 'dispatched', roles: ['grid_inspector'], assigneeOnly: ['grid_inspector'],
      guard: (s) => (s.extensionPending ? because('transition.extension_pending', 'an extension request is pending')
        : s.forwardDepth > 0 ? because('transition.forwarded_report_back', 'the event was forwarded: report_back to the unit that forwarded it') : undefined),
    },
    request_supervision: { from: supervisable, to: 'same', roles: ['grid_inspector'], guard: noOpenRequest },
    review_supervision_request: {
      from: supervisable, to: 'same', roles: ['community_staff', ...SUPERVISORS],
      guard: (s) => ((s.openSupervisionRequests ?? 0) === 0 ? because('transition.no_supervision_request', 'no supervision request awaits a decision') : undefined),
    },
    direct_reply: {
      from: ['reported', 'accepted'], to: 'closed', roles: DISPATCHERS,
      guard: (s) => (s.emergency ? because('transition.emergency_no_direct_reply', 'a major emergency is handled on site, not answered directly') : undefined),
    },
    coordinate_dispatch: { from: ['accepted', ...ACTIVE], to: 'dispatched', roles: ['command_center', 'district_staff', 'street_staff'], dutyChiefOnly: true },
    declare_emergency: {
      from: ['reported', 'accepted', ...ACTIVE, 'parked'], to: 'same', roles: SUPERVISORS,
      guard: (s) => (s.emergency ? because('transition.already_emergency', 'the event is a major emergency already') : undefined),
    },
  }
}
// ── end of field steps and emergencies ──

// ── Parallel handling (并联办, issue 18 part 3; the parts live in server/parallel/) ────────────
//   Parts run beside the primary assignment (unlike 协办, each part is work with its own
//   deadline, done by its unit). The event closes only when every part is done, so the primary
//   unit's feedback, a direct reply and a void wait for the open parts (withdraw them first).
function partsRefusal(s: Snapshot): Reason | undefined {
  const open = s.openParts ?? 0
  return open > 0 ? because('transition.parts_open', `${open} parallel part(s) (并联办) are not done`, { count: open }) : undefined
}
for (const a of ['feedback', 'direct_reply', 'void'] as const) {
  const own = rules[a].guard
  rules[a] = { ...rules[a], guard: (s) => own?.(s) ?? partsRefusal(s) }
}
// ── end of parallel handling ──

/** reason: the English sentence; code and params: the same for a message catalogue (params.action always). */
export type Refusal =
  | { kind: 'illegal'; reason: string; code: string; params: Record<string, unknown>; allowed: Action[] }
  | { kind: 'forbidden'; reason: string; code: string; params: Record<string, unknown>; allowed: Action[] }

export type Decision = { ok: true; to: Status; changes: Partial<Snapshot> } | ({ ok: false } & Refusal)

function roleRefusal(rule: Rule, actor: Actor): Reason | undefined {
  if (!rule.roles.includes(actor.role)) return because('transition.role_not_permitted', `role ${actor.role} may not do this`, { role: actor.role })
  if (rule.assigneeOnly?.includes(actor.role) && !actor.isAssignee) return because('transition.not_assignee', 'the event is not assigned to you')
  if (rule.reporterOnly?.includes(actor.role) && !actor.isReporter) return because('transition.reporter_only', 'only the reporter may do this')
  if (rule.assistingOnly && !actor.isAssisting) return because('transition.not_assisting', 'you are not an assisting unit (协办) of this event')
  if (rule.dutyChiefOnly && !actor.isDutyChief) return because('transition.not_duty_chief', 'only the duty chief on shift (值班长) may do this')
  return undefined
}

function stateRefusal(rule: Rule, s: Snapshot): Reason | undefined {
  if (!rule.from.includes(s.status)) return because('transition.wrong_status', `not possible in status ${s.status}`, { status: s.status })
  return rule.guard?.(s)
}

/** Actions the actor may fire now. */
export function allowedActions(s: Snapshot, actor: Actor): Action[] {
  return actions.filter((a) => !stateRefusal(rules[a], s) && !roleRefusal(rules[a], actor))
}

/** Actions anybody could fire in this state (what a 409 lists besides the actor's own). */
export function possibleActions(s: Snapshot): Action[] {
  return actions.filter((a) => !stateRefusal(rules[a], s))
}

/**
 * Decides a transition. A state refusal (wrong status, failed guard) is 'illegal' (409);
 * a refusal of a legal transition because of who asks is 'forbidden' (403).
 */
export function decide(s: Snapshot, action: Action, actor: Actor): Decision {
  const rule = rules[action]
  const illegal = stateRefusal(rule, s)
  if (illegal) return { ok: false, kind: 'illegal', ...refusalOf(action, illegal), allowed: allowedActions(s, actor) }
  const forbidden = roleRefusal(rule, actor)
  if (forbidden) return { ok: false, kind: 'forbidden', ...refusalOf(action, forbidden), allowed: allowedActions(s, actor) }
  const to = rule.to === 'same' ? s.status : typeof rule.to === 'function' ? rule.to(s) : rule.to
  return { ok: true, to, changes: changesOf(s, action) }
}

const refusalOf = (action: Action, r: Reason) => ({ reason: `${action}: ${r.text}`, code: r.code, params: { action, ...r.params } })

function changesOf(s: Snapshot, action: Action): Partial<Snapshot> {
  switch (action) {
    case 'request_extension': return { extensionPending: true }
    case 'approve_extension': case 'deny_extension': return { extensionPending: false }
    case 'escalate': return { escalationLevel: nextLevel(s.escalationLevel)! }
    // a new assignment starts clean: no pending extension carries over
    case 'reassign': case 'return': case 'redispatch': case 'forward': case 'report_back': return { extensionPending: false }
    case 'transfer': case 'coordinate_dispatch': return { extensionPending: false }
    default: return {}
  }
}

/** The rule table, for documentation endpoints and tests. */
export function describeRules(): { action: Action; title: string; from: readonly Status[]; to: Status | 'same' | 'depends'; roles: readonly ActorRole[] }[] {
  return actions.map((a) => { const to = rules[a].to; return { action: a, title: actionTitles[a], from: rules[a].from, to: typeof to === 'function' ? 'depends' : to, roles: rules[a].roles } })
}

/** Statuses in which the event is still open (counts toward workload and deadlines). */
export const openStatuses: readonly Status[] = ['reported', 'accepted', 'dispatched', 'signed', 'handling', 'handled', 'verified', 'parked']
