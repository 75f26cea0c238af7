// Input of /api/v1/inbox: every field named in a 400 (server/http/validate.ts).
import { z } from 'zod'
import { noticeKinds } from './deliver.ts'

const kind = z.enum(noticeKinds, { message: `must be one of ${noticeKinds.join(', ')}` })
const adminCode = z.string().regex(/^[0-9]{12}$/, 'must be a 12-digit admin code')
const clock = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'must be a time HH:MM (24 h)')

export const listQuery = z.object({
  unread: z.enum(['true', 'false'], { message: 'must be true or false' }).optional().describe('true: only unread notices'),
  kind: kind.optional(),
  before: z.string().regex(/^[0-9]{1,15}$/, 'must be an inbox id').optional().describe('keyset page: notices with a smaller id (the previous answer\'s next)'),
  limit: z.string().regex(/^[0-9]{1,3}$/, 'must be 1 to 200').transform(Number).pipe(z.number().int().min(1, 'must be 1 to 200').max(200, 'must be 1 to 200')).default(50),
}).strict()

export const readBody = z.object({
  ids: z.array(z.number().int().positive().max(Number.MAX_SAFE_INTEGER), { message: 'must be an array of inbox ids' }).min(1).max(500).optional(),
  all: z.literal(true, { message: 'must be true' }).optional().describe('every notice of the caller (of `kind` when given)'),
  kind: kind.optional(),
}).strict().refine((b) => (b.ids === undefined) !== (b.all === undefined), { message: 'give either ids or all: true', path: ['ids'] })

export const subscriptionBody = z.object({
  kind,
  areaCode: adminCode.nullable().optional().describe('an area inside the caller\'s jurisdiction; absent or null: the whole jurisdiction'),
  external: z.boolean({ message: 'must be true or false' }).default(false).describe('also through the messaging gateway (SMS/IM) when configured'),
}).strict()

export const settingsBody = z.object({
  quietStart: clock.nullable().describe('start of quiet hours (免打扰), local time; null: none'),
  quietEnd: clock.nullable().describe('end of quiet hours; before quietStart spans midnight'),
  timeZone: z.string().min(1).max(64).refine(validZone, 'must be an IANA time zone such as Asia/Shanghai').default('Asia/Shanghai'),
  externalAddress: z.string().trim().min(1).max(100).nullable().default(null).describe('phone or IM user id for the gateway; null: the account\'s phone'),
}).strict()
  .refine((b) => (b.quietStart === null) === (b.quietEnd === null), { message: 'quietStart and quietEnd are given together', path: ['quietEnd'] })
  .refine((b) => b.quietStart === null || b.quietStart !== b.quietEnd, { message: 'must differ from quietStart', path: ['quietEnd'] })

export const idParam = z.string().regex(/^[0-9]{1,15}$/, 'must be a positive integer').transform(Number)

function validZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return true
  } catch {
    return false
  }
}
