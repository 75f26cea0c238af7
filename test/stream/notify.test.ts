// notifyField cuts its notifications below pg_notify's limit of 8,000 bytes, counting bytes: items
// with Chinese text (three bytes a character) in one large batch all arrive, none is dropped.
import { expect } from 'chai'
import { getTestDatabase } from '../support/db.ts'
import { FIELD_CHANNEL, notifyField } from '../../server/stream/notify.ts'

describe('stream: field notifications', () => {
  it('delivers a large batch of items with Chinese text in notifications under the byte limit', async () => {
    const { db } = await getTestDatabase()
    const payloads: string[] = []
    const unlisten = await db.listen(FIELD_CHANNEL, (p) => payloads.push(p))
    try {
      const items = Array.from({ length: 400 }, (_, i) => ({ community: '990102001001', id: i, title: `临期预警：第${i}号事件「暴露垃圾」处置时限将至，请尽快处理` }))
      await db.knex.transaction((trx) => notifyField(trx, 'test_batch', items))
      for (let i = 0; i < 50 && payloads.filter((p) => p.includes('"test_batch"')).length === 0; i++) await new Promise((r) => setTimeout(r, 100))
      await new Promise((r) => setTimeout(r, 300))
      const mine = payloads.filter((p) => p.includes('"test_batch"'))
      expect(mine.length).to.be.greaterThan(1)
      for (const p of mine) expect(Buffer.byteLength(p)).to.be.below(8000)
      const ids = mine.flatMap((p) => (JSON.parse(p) as { items: { id: number }[] }).items.map((x) => x.id))
      expect(ids).to.deep.equal(items.map((x) => x.id))
    } finally {
      await unlisten()
    }
  })
})
