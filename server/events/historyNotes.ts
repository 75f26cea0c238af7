// History explanations as codes with parameters. A history row keeps what was written (the
// free comment and the jsonb explanation); the history answer adds `note: { code, params }`,
// derived here from the row's action and structured explanation, so a client words each
// system-written line in its own language instead of showing a server string. Deriving at read
// time covers every row ever written (no migration, no backfill): rows written before the
// structured fields below existed are read from the fixed English strings our own code wrote.

/** Every code the history answer can carry, with the names of its parameters (documented in OpenAPI). */
export const HISTORY_CODES = {
  'report.channel': ['channel', 'grid'],
  'report.appeal': ['of', 'channel'],
  'import.file': ['file', 'line', 'ref'],
  'accept.auto': ['channel'],
  'dispatch.rule': ['rule', 'ruleName', 'basis', 'unit', 'unitName', 'member', 'level', 'assisting'],
  'dispatch.fallback': ['basis', 'unit', 'unitName', 'member', 'level', 'assisting'],
  'dispatch.manual': ['unit', 'unitName', 'member', 'level', 'assisting'],
  'dispatch.appeal': ['unit', 'unitName', 'member'],
  'dispatch.escalated': ['from', 'to', 'unit', 'unitName'],
  'escalate.timeout': ['from', 'to', 'unit'],
  'supervise.sign_overdue': ['dueAt'],
  'supervise.plan_overdue': ['dueAt'],
  'supervise.handle_overdue': ['dueAt'],
  'supervise.answer_overdue': ['dueAt', 'supervision'],
  'forward.unit': ['from', 'unit', 'unitName', 'member'],
  'report_back.unit': ['unit', 'outcome'],
  'return.unit': ['unit'],
  'void.duplicate': ['of'],
  'duplicate.linked': ['duplicate'],
  'close.auto': ['verifiedBy'],
  'petition.dissatisfied': ['office'],
  'evaluate.result': ['satisfaction'],
  'extension.requested': ['value', 'unit'],
  'extension.granted': ['value', 'unit', 'handleDueAt'],
  'arrive.geofence': ['distanceM', 'radiusM', 'inGrid'],
  'feedback.platform': ['platform', 'status', 'satisfaction'],
  'attachment.added': ['mediaType', 'sizeBytes', 'stage'],
  'knowledge.cited': ['article', 'title', 'visibility'],
  // smart intake classification (server/classify/)
  'report.classified': ['channel', 'grid', 'classCode', 'className', 'confidence', 'applied'],
  'accept.reclassified': ['from', 'to'],
} as const satisfies Record<string, readonly string[]>

export type HistoryCode = keyof typeof HISTORY_CODES
export type NoteParam = string | number | boolean | null
export interface HistoryNote { code: HistoryCode; params: Record<string, NoteParam> }

export interface HistoryRowLike { action: string; actor_role: string; comment: string | null; explanation: unknown }

type Obj = Record<string, unknown>
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? v as Obj : {})
const scalar = (v: unknown): NoteParam =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : null

/** Builds a note keeping only the code's own parameters, each a scalar or null. */
function note(code: HistoryCode, values: Obj): HistoryNote {
  const params: Record<string, NoteParam> = {}
  for (const k of HISTORY_CODES[code]) params[k] = scalar(values[k])
  return { code, params }
}

/** The note of one history row, or null when the row is a person's plain step (its comment says it all). */
export function noteOf(row: HistoryRowLike): HistoryNote | null {
  const x = obj(row.explanation)
  switch (row.action) {
    case 'report':
      if (x.appealOf) return note('report.appeal', { of: x.appealOf, channel: x.channel })
      if (x.classification) return classifiedNote(x)
      return x.channel ? note('report.channel', x) : null
    case 'import': return note('import.file', x)
    case 'accept': {
      if (x.classCode) return note('accept.reclassified', obj(x.classCode))
      if (row.actor_role !== 'system') return null
      // before intake wrote { channel }, the channel was only in "channel X is filed automatically"
      const channel = x.channel ?? /^channel (\S+) is filed automatically$/.exec(row.comment ?? '')?.[1]
      return note('accept.auto', { channel })
    }
    case 'dispatch': case 'reassign': case 'redispatch': case 'escalate':
      return row.actor_role === 'system' && x.timer !== undefined ? note('escalate.timeout', x) : dispatchNote(x)
    case 'supervise': {
      const code = `supervise.${String(x.kind)}`
      return row.actor_role === 'system' && code in HISTORY_CODES ? note(code as HistoryCode, x) : null
    }
    case 'forward': {
      const to = obj(x.to)
      return to.code ? note('forward.unit', { from: x.from, unit: to.code, unitName: to.name, member: to.member }) : null
    }
    case 'report_back': return x.outcome ? note('report_back.unit', { unit: x.to, outcome: x.outcome }) : null
    case 'return':
      if (x.outcome) return note('report_back.unit', { unit: x.to, outcome: x.outcome })
      return x.returnedBy ? note('return.unit', { unit: x.returnedBy }) : null
    case 'void': return x.duplicateOf ? note('void.duplicate', { of: x.duplicateOf }) : null
    case 'link_duplicate': return note('duplicate.linked', x)
    case 'close': return x.auto ? note('close.auto', x) : null
    case 'petition': return note('petition.dissatisfied', x)
    case 'evaluate': return x.satisfaction ? note('evaluate.result', x) : null
    case 'request_extension': return x.requested ? note('extension.requested', obj(x.requested)) : null
    case 'approve_extension': return x.granted ? note('extension.granted', { ...obj(x.granted), handleDueAt: x.handleDueAt }) : null
    case 'arrive': return note('arrive.geofence', x)
    case 'platform_feedback': return note('feedback.platform', x)
    case 'attachment_added': return note('attachment.added', x)
    case 'cite_knowledge': return note('knowledge.cited', { article: x.articleId, title: x.title, visibility: x.visibility })
    default: return null
  }
}

/** A dispatch explanation (rule, territory fallback, dispatcher's choice, appeal, escalation). */
function dispatchNote(x: Obj): HistoryNote | null {
  const chosen = obj(x.chosen)
  if (!chosen.department) return null
  const why = typeof chosen.why === 'string' ? chosen.why : ''
  const dep = obj(chosen.department)
  const assisting = Array.isArray(x.assisting) ? x.assisting.map((u) => String(obj(u).name ?? obj(u).code)).join('、') : null
  const unit = { unit: dep.code, unitName: dep.name, member: obj(chosen.member).name ?? null, level: chosen.level, assisting }
  if (x.mode === 'manual') return note('dispatch.manual', unit)
  const escalation = obj(x.escalation)
  const escalated = escalation.to ? [null, escalation.from, escalation.to] : /^escalated \(提级\) from (\w+) to (\w+)/.exec(why)
  if (escalated) return note('dispatch.escalated', { ...unit, from: escalated[1], to: escalated[2] })
  if (x.appeal === true || why.startsWith('appeal:')) return note('dispatch.appeal', unit)
  // the rule's target (owner_department, grid_inspector …): written since codes, else from the trace or the why
  const target = chosen.target ?? /→ (\w+) \S+$/.exec(why)?.[1] ?? null
  if (chosen.ruleId !== null && chosen.ruleId !== undefined) {
    const ruleName = chosen.ruleName ?? /^rule \d+ "(.*)" →/.exec(why)?.[1] ?? null
    return note('dispatch.rule', { ...unit, rule: chosen.ruleId, ruleName, basis: target })
  }
  return note('dispatch.fallback', { ...unit, basis: target })
}

/** The OpenAPI description of the codes: one line per code with its parameters. */
export function describeHistoryCodes(): string {
  return 'Each item carries `note: { code, params } | null`: a system-written explanation as a stable code with ' +
    'parameters, for clients to word in their own language (the page words them in Chinese). `comment` keeps what ' +
    'was written (a person\'s own words, or for older system lines an English server string) for compatibility; ' +
    '`explanation` is the raw record. Codes and their parameters:\n' +
    Object.entries(HISTORY_CODES).map(([code, params]) => `- \`${code}\`: ${params.join(', ')}`).join('\n')
}

/** A report the classifier classified (server/classify/intakeClass.ts): its best suggestion and whether it was applied. */
function classifiedNote(x: Obj): HistoryNote {
  const c = obj(x.classification)
  const best = obj(Array.isArray(c.suggestions) ? c.suggestions[0] : undefined)
  return note('report.classified', { channel: x.channel, grid: x.grid, classCode: best.classCode, className: best.className, confidence: best.confidence, applied: c.applied })
}
