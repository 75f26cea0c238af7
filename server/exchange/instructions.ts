// Instructions from the provincial platform (上级交办): an exchange message of kind instruction,
// posted with the province's API key (an external_system account of the city), becomes one event
// of the superior channel through intake, in one transaction with its receipt. The message id is
// the idempotency: the same message again answers the event it made (200); the same id with
// another body is a 409 (intake's Idempotency-Key rule). A message that fails its schema is a 400
// naming the JSON path, before anything is written. Writing the receipt queues the steps intake
// took (受理) for the province; later steps follow from the history (migration 0072).
import crypto from 'node:crypto'
import type { Knex } from 'knex'
import { AppError, forbidden } from '../http/errors.ts'
import type { Principal } from '../auth/users.ts'
import { intake } from '../events/intake.ts'
import { assertMessage, type ExchangeMessage } from './schemas.ts'

export interface InstructionBody {
  title: string; content: string; demandType: string; classCode?: string
  location?: { type: 'Point'; coordinates: [number, number] }; address?: string; priority?: number; dueAt?: string
  issuer: { name: string; reference?: string }
}

export interface InstructionReceipt { status: 200 | 201; messageId: string; eventNumber: string; replayed: boolean }

export async function receiveInstruction(knex: Knex, p: Principal, raw: unknown): Promise<InstructionReceipt> {
  if (!p.cityCode) throw forbidden('instructions are received by an account of a city')
  assertMessage(raw)
  const m = raw as unknown as ExchangeMessage<InstructionBody>
  if (m.kind !== 'instruction') {
    throw new AppError(400, 'exchange_schema', `the message fails the exchange schema at $.kind: this endpoint takes kind instruction, not ${m.kind}`, { path: '$.kind' })
      .coded('exchange.schema', { path: '$.kind', message: 'must be instruction' })
  }
  const b = m.body
  // the sender and its message id together: two senders' ids never collide
  const key = 'exchange:' + crypto.createHash('sha256').update(`${m.sender.areaCode}\n${m.messageId}`).digest('hex').slice(0, 40)
  return knex.transaction(async (trx) => {
    const r = await intake(trx, p, {
      channel: 'superior', demandType: b.demandType, classCode: b.classCode,
      description: `【${b.issuer.name}交办】${b.title}\n${b.content}`.slice(0, 4000),
      location: b.location ? { x: b.location.coordinates[0], y: b.location.coordinates[1], crs: 'EPSG:4490' } : undefined,
      address: b.address, priority: b.priority ?? 3,
      externalRef: (b.issuer.reference ?? m.messageId).slice(0, 100),
    }, key)
    await trx('exchange_instruction').insert({
      city_code: p.cityCode, message_id: m.messageId, sender_area: m.sender.areaCode, sender_system: m.sender.system, title: b.title,
      due_at: b.dueAt ?? null, event_number: r.number, event_id: r.row?.id ?? null, received_by: p.username,
    }).onConflict(['city_code', 'message_id']).ignore()
    return { status: r.status, messageId: m.messageId, eventNumber: r.number, replayed: r.status === 200 }
  })
}
