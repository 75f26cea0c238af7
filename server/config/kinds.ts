// The kinds of versioned configuration (/api/v1/config/{kind}): what identifies an item (its
// key) and what one version of it holds. Bodies are stored as JSON (config_version.body) in the
// shapes below; server/events/reference.ts reads them back for intake and dispatch.
import { z } from 'zod'
import { roles } from '../auth/roles.ts'
import { placeKinds } from '../places/spec.ts'

export const configKinds = ['classes', 'demand_types', 'channels', 'dispatch_rules', 'time_limits', 'supervision_rules',
  'class_field_rules', 'hard_case_rules', 'service_kinds'] as const
export type ConfigKind = (typeof configKinds)[number]

/** URL segment → kind (the paths use hyphens: /config/demand-types). */
export const kindOfSegment: Record<string, ConfigKind> = {
  'classes': 'classes', 'demand-types': 'demand_types', 'channels': 'channels', 'dispatch-rules': 'dispatch_rules',
  'time-limits': 'time_limits', 'supervision-rules': 'supervision_rules', 'class-field-rules': 'class_field_rules',
  'hard-case-rules': 'hard_case_rules', 'service-kinds': 'service_kinds',
}
export const segmentOfKind = Object.fromEntries(Object.entries(kindOfSegment).map(([s, k]) => [k, s])) as Record<ConfigKind, string>

export const kindTitles: Record<ConfigKind, string> = {
  classes: '事件分类（事件清单/权责清单）', demand_types: '诉求类型', channels: '上报渠道',
  dispatch_rules: '派遣规则', time_limits: '时限规则', supervision_rules: '督办规则',
  class_field_rules: '类别现场规则（现场核实、重大突发）', hard_case_rules: '疑难认定规则',
  service_kinds: '公共服务体检规则（步行可达范围、服务对象、容量标准）',
}

const text = (max: number) => z.string().trim().min(1).max(max)
const timeUnits = ['work_hours', 'work_days', 'natural_hours'] as const
const hours = (max: number) => z.number().positive().max(max)
const targets = ['grid_inspector', 'community', 'street', 'district', 'owner_department', 'department'] as const

/** One row of the responsibility list (权责清单): who answers for the class in an area. */
const responsibility = z.object({
  areaPrefix: z.string().regex(/^[0-9]{4,12}$/, 'must be the leading 4-12 digits of an admin code'),
  departmentCode: text(60),
  role: z.enum(['主办', '协办']).default('主办'),
}).strict()

export const classBody = z.object({
  name: text(60),
  domain: z.enum(['city_management', 'social_governance']).default('city_management'),
  /** the industry grid type (industry_type.code: chengguan, zongzhi, xiaofang …) whose matter this is */
  industryType: z.string().regex(/^[a-z][a-z0-9_]{1,39}$/).nullable().default(null),
  filingCondition: text(500).optional(),
  closureCondition: text(500).optional(),
  /** the handling time limit; big (2-digit) classes have none */
  limit: z.object({ value: z.number().positive().max(10_000), unit: z.enum(timeUnits) }).strict().nullable().default(null),
  /** the owner department kind (属主), e.g. CGJ: dispatch finds '<kind>-<district>' */
  ownerKind: z.string().regex(/^[A-Z]{2,10}$/).nullable().default(null),
  responsibility: z.array(responsibility).max(200).default([]),
}).strict()

export const demandTypeBody = z.object({ name: text(30), position: z.number().int().min(0).max(1000).default(0) }).strict()

export const channelBody = z.object({
  name: text(60),
  autoAccept: z.boolean(),
  autoDispatch: z.boolean(),
  /** the roles that may report through the channel (a refusal names this rule) */
  roles: z.array(z.enum(roles)).min(1).max(roles.length),
}).strict().refine((b) => b.autoAccept || !b.autoDispatch, { path: ['autoDispatch'], message: 'a channel that dispatches automatically must also accept automatically' })

export const dispatchRuleBody = z.object({
  name: text(100),
  priority: z.number().int().min(0).max(100_000),
  channels: z.array(z.string().regex(/^[a-z][a-z0-9_]{1,39}$/)).min(1).max(50).nullable().default(null),
  classPrefix: z.string().regex(/^[0-9]{2}([0-9]{2})?$/).nullable().default(null),
  demandTypes: z.array(text(30)).min(1).max(50).nullable().default(null),
  areaPrefix: z.string().regex(/^[0-9]{4,12}$/).nullable().default(null),
  target: z.enum(targets),
  departmentCode: text(60).nullable().default(null),
  /** null: every city */
  cityCode: z.string().regex(/^[0-9]{6}$/).nullable().default(null),
}).strict().refine((b) => (b.target === 'department') === (b.departmentCode !== null),
  { path: ['departmentCode'], message: 'departmentCode is required for target department, and only for it' })

export const timeLimitsBody = z.object({
  signWorkHours: hours(240),
  signRestDayHours: hours(720),
  planHours: hours(720),
  districtPlanHours: hours(720),
  escalateAfterHours: z.object({ community: hours(2160).nullable(), street: hours(2160).nullable() }).strict(),
  answerHours: hours(720),
  autoCloseGrid: z.boolean(),
  appealDays: z.number().int().min(1).max(365),
  arrivalRadiusM: z.number().int().min(5).max(5000).default(50),
  arrivalInGrid: z.boolean().default(false),
  arrivalRequired: z.boolean().default(false),
  /**
   * 预警: the share of a deadline's time after which the event is warned of (yellow light, a
   * notice to the assignee). Left out: 0.8, and no notice (what versions before it did).
   */
  warnShare: z.number().min(0.5).max(0.95).optional(),
}).strict()

export const supervisionRuleBody = z.object({
  name: text(100),
  trigger: z.enum(['sign_overdue', 'handle_overdue', 'bounced', 'appealed']),
  /** hours after the trigger's moment (0: at once) */
  afterHours: z.number().min(0).max(2160),
  level: z.enum(['yellow', 'red', 'leader']),
  notifyRoles: z.array(z.enum(roles)).min(1).max(roles.length),
}).strict()

/** What a small class asks in the field: an on-site verification before filing, or handling as a major emergency. */
export const classFieldRuleBody = z.object({
  verifyOnSite: z.boolean(),
  emergency: z.boolean(),
}).strict()

/** The 疑难 thresholds of a city (key: city code, 000000 the national defaults). */
export const hardCaseRuleBody = z.object({
  bounces: z.number().int().min(1).max(100),
  overdueHours: z.number().int().min(1).max(8760),
  units: z.number().int().min(2).max(50),
}).strict()

/**
 * A service of the yearly service-gap check (一年一体检, server/service-gaps/; key: the places
 * register kind of its facilities): whom it serves, how far they walk, which demand classes speak
 * of its lack, the share within reach under which it is lacking, and the unit of its facilities'
 * capacity with the accessibility (capacity within reach per 1,000 served, 2SFCA) under which it is short.
 */
export const serviceKindBody = z.object({
  name: text(30),
  serves: z.enum(['all', 'elderly']),
  reachM: z.number().int().min(100, 'must be 100-5000 metres').max(5000, 'must be 100-5000 metres'),
  demandClasses: z.array(z.string().regex(/^[0-9]{4}$/, 'must be a 4-digit small class code')).max(50).default([]),
  minShare: z.number().min(0).max(1),
  capacityUnit: text(20),
  /** null: capacity is reported but no community is flagged for it */
  minAccessPer1000: z.number().min(0).max(1_000_000).nullable().default(null),
}).strict()

export const bodySchemas: Record<ConfigKind, z.ZodType> = {
  classes: classBody, demand_types: demandTypeBody, channels: channelBody, dispatch_rules: dispatchRuleBody,
  time_limits: timeLimitsBody, supervision_rules: supervisionRuleBody, class_field_rules: classFieldRuleBody,
  hard_case_rules: hardCaseRuleBody, service_kinds: serviceKindBody,
}

/** What a key looks like per kind (a class code, a city code …). */
export const keySchemas: Record<ConfigKind, z.ZodString> = {
  classes: z.string().regex(/^[0-9]{2}([0-9]{2})?$/, 'must be a 2-digit big class or a 4-digit small class code'),
  demand_types: z.string().trim().min(1).max(30),
  channels: z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, 'must be lower-case letters, digits and _'),
  dispatch_rules: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,59}$/, 'must be lower-case letters, digits, - and _'),
  time_limits: z.string().regex(/^[0-9]{6}$/, 'must be a 6-digit city code (000000: the national defaults)'),
  supervision_rules: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,59}$/, 'must be lower-case letters, digits, - and _'),
  class_field_rules: z.string().regex(/^[0-9]{4}$/, 'must be a 4-digit small class code'),
  hard_case_rules: z.string().regex(/^[0-9]{6}$/, 'must be a 6-digit city code (000000: the national defaults)'),
  service_kinds: z.string().regex(new RegExp(`^(${Object.keys(placeKinds).join('|')})$`), `must be a place kind of the places register: ${Object.keys(placeKinds).join(', ')}`),
}

/** Only rules end by themselves; a matter is replaced by its next version. */
export const kindsWithEnd: ReadonlySet<ConfigKind> = new Set(['dispatch_rules', 'supervision_rules'])

export type ClassBody = z.output<typeof classBody>
export type ChannelBody = z.output<typeof channelBody>
export type DispatchRuleBody = z.output<typeof dispatchRuleBody>
export type TimeLimitsBody = z.output<typeof timeLimitsBody>
export type DemandTypeBody = z.output<typeof demandTypeBody>
export type SupervisionRuleBody = z.output<typeof supervisionRuleBody>
export type ClassFieldRuleBody = z.output<typeof classFieldRuleBody>
export type HardCaseRuleBody = z.output<typeof hardCaseRuleBody>
export type ServiceKindBody = z.output<typeof serviceKindBody>
