// Automatic dispatch (pure): the rule table chooses a unit for an event, and the answer keeps
// an explanation of every rule considered and why the chosen one won.
//
// Targets: 属地 (territory) — the grid's primary inspector, the community committee, the street
// office, the district office; 属主 (category owner) — the functional department that owns the
// event class in the event's district ('<owner kind>-<6-digit district code>', e.g. CGJ-990102);
// or one named department. The first enabled rule (lowest priority number) that matches and
// whose target resolves to an existing unit wins; when none does, 属地兜底 applies: inspector,
// then community committee, then street office.
import type { EscalationLevel } from './workflow.ts'
import type { GridDetails } from '../geocode/repository.ts'

export type RuleTarget = 'grid_inspector' | 'community' | 'street' | 'district' | 'owner_department' | 'department'

export interface DispatchRule {
  id: number
  name: string
  priority: number
  channels: string[] | null
  classPrefix: string | null
  demandTypes: string[] | null
  areaPrefix: string | null
  target: RuleTarget
  departmentCode: string | null
  /** null: a rule for every city */
  cityCode: string | null
}

export interface DispatchFacts {
  channel: string
  classCode: string
  demandType: string
  communityCode: string
  /** The class's owner department kind (event_class.owner_department_code), e.g. 'CGJ'. */
  ownerKind: string | null
}

export interface Unit { id: number; code: string; name: string }
export interface Member { id: number; name: string }

/** The units around the event's grid, as found in the database. */
export interface UnitDirectory {
  inspector: Member | null
  /** departments by code (community committee SQ-…, street office JD-…, district office QZF-…, functional …) */
  departments: Map<string, Unit>
}

export interface Assignment {
  department: Unit
  member: Member | null
  level: EscalationLevel
  basis: '属地' | '属主' | '指定' | '属地兜底'
  ruleId: number | null
}

export interface RuleTrace { ruleId: number; name: string; priority: number; result: 'chosen' | 'no_match' | 'unresolved' | 'not_reached'; reason: string }

/**
 * `why` is an English line for logs; `target` (the rule's or fallback's target) and `ruleName` are
 * structured so the history can be worded by clients (server/events/historyNotes.ts).
 */
export interface DispatchExplanation {
  mode: 'auto' | 'manual'; rules: RuleTrace[]; chosen: Assignment & { why: string; target?: RuleTarget; ruleName?: string }
  /** set by escalation (提级): the levels it moved between */
  escalation?: { from: EscalationLevel; to: EscalationLevel }
  /** set when an appeal (申诉) is pushed to the responsible unit */
  appeal?: boolean
}

/** Department codes of the territory chain (the demo generator and real data use these forms). */
export const unitCodes = {
  community: (community: string) => `SQ-${community}`,
  street: (community: string) => `JD-${community.slice(0, 9)}000`,
  district: (community: string) => `QZF-${community.slice(0, 6)}`,
  owner: (kind: string, community: string) => `${kind}-${community.slice(0, 6)}`,
  city: 'CMD',
}

function matchReason(rule: DispatchRule, f: DispatchFacts): string | undefined {
  if (rule.channels && !rule.channels.includes(f.channel)) return `channel ${f.channel} not in ${rule.channels.join(',')}`
  if (rule.classPrefix && !f.classCode.startsWith(rule.classPrefix)) return `class ${f.classCode} not under ${rule.classPrefix}`
  if (rule.demandTypes && !rule.demandTypes.includes(f.demandType)) return `demand type ${f.demandType} not in ${rule.demandTypes.join(',')}`
  if (rule.areaPrefix && !f.communityCode.startsWith(rule.areaPrefix)) return `area ${f.communityCode} not under ${rule.areaPrefix}`
  return undefined
}

/** Resolves a target to a unit, or says why it cannot. */
export function resolveTarget(target: RuleTarget, f: DispatchFacts, dir: UnitDirectory, departmentCode: string | null = null):
  { ok: true; assignment: Omit<Assignment, 'ruleId'> } | { ok: false; reason: string } {
  const dep = (code: string) => dir.departments.get(code)
  const territory = (code: string, level: EscalationLevel): ReturnType<typeof resolveTarget> => {
    const d = dep(code)
    return d ? { ok: true, assignment: { department: d, member: null, level, basis: '属地' } } : { ok: false, reason: `no unit ${code}` }
  }
  switch (target) {
    case 'grid_inspector': {
      const committee = dep(unitCodes.community(f.communityCode))
      if (!dir.inspector) return { ok: false, reason: 'the grid has no primary inspector on duty' }
      if (!committee) return { ok: false, reason: `no community committee ${unitCodes.community(f.communityCode)}` }
      return { ok: true, assignment: { department: committee, member: dir.inspector, level: 'grid', basis: '属地' } }
    }
    case 'community': return territory(unitCodes.community(f.communityCode), 'community')
    case 'street': return territory(unitCodes.street(f.communityCode), 'street')
    case 'district': return territory(unitCodes.district(f.communityCode), 'district')
    case 'owner_department': {
      if (!f.ownerKind) return { ok: false, reason: `class ${f.classCode} has no owner department` }
      const code = unitCodes.owner(f.ownerKind, f.communityCode)
      const d = dep(code)
      return d ? { ok: true, assignment: { department: d, member: null, level: 'district', basis: '属主' } } : { ok: false, reason: `no owner department ${code}` }
    }
    case 'department': {
      const d = departmentCode ? dep(departmentCode) : undefined
      return d ? { ok: true, assignment: { department: d, member: null, level: 'district', basis: '指定' } } : { ok: false, reason: `no department ${departmentCode}` }
    }
  }
}

/** Chooses the assignee; null only when not even the street office exists. */
export function chooseAssignee(rules: readonly DispatchRule[], f: DispatchFacts, dir: UnitDirectory): DispatchExplanation | null {
  const city = f.communityCode.slice(0, 4) + '00'
  const ordered = rules.filter((r) => r.cityCode === null || r.cityCode === city).sort((a, b) => a.priority - b.priority || a.id - b.id)
  const traces: RuleTrace[] = []
  let chosen: DispatchExplanation['chosen'] | undefined
  for (const rule of ordered) {
    const base = { ruleId: rule.id, name: rule.name, priority: rule.priority }
    if (chosen) { traces.push({ ...base, result: 'not_reached', reason: 'an earlier rule chose' }); continue }
    const miss = matchReason(rule, f)
    if (miss) { traces.push({ ...base, result: 'no_match', reason: miss }); continue }
    const r = resolveTarget(rule.target, f, dir, rule.departmentCode)
    if (!r.ok) { traces.push({ ...base, result: 'unresolved', reason: r.reason }); continue }
    traces.push({ ...base, result: 'chosen', reason: `target ${rule.target}` })
    chosen = { ...r.assignment, ruleId: rule.id, target: rule.target, ruleName: rule.name, why: `rule ${rule.id} "${rule.name}" → ${rule.target} ${r.assignment.department.code}` }
  }
  if (!chosen) {
    for (const t of ['grid_inspector', 'community', 'street'] as const) {
      const r = resolveTarget(t, f, dir)
      if (r.ok) {
        chosen = { ...r.assignment, basis: '属地兜底', ruleId: null, target: t, why: `no rule chose a unit: territory fallback (属地兜底) → ${t} ${r.assignment.department.code}` }
        break
      }
    }
  }
  return chosen ? { mode: 'auto', rules: traces, chosen } : null
}

/** The unit one level up the territory chain, for escalation (提级). */
export function escalationTarget(level: EscalationLevel, communityCode: string, dir: UnitDirectory): Unit | undefined {
  const code = level === 'community' ? unitCodes.community(communityCode)
    : level === 'street' ? unitCodes.street(communityCode)
      : level === 'district' ? unitCodes.district(communityCode)
        : level === 'city' ? unitCodes.city : undefined
  return code ? dir.departments.get(code) : undefined
}

/** The units a dispatch may choose from: the grid's primary inspector and the units around it (none outside every grid). */
export function unitDirectoryOf(d: Pick<GridDetails, 'inspectors' | 'departments'> | undefined): UnitDirectory {
  const first = d?.inspectors[0]
  return {
    inspector: first ? { id: first.id, name: first.name } : null,
    departments: new Map((d?.departments ?? []).map((x) => [x.code, { id: x.id, code: x.code, name: x.name }])),
  }
}
