// notifyUsers cuts its notifications below pg_notify's limit of 8,000 bytes counting UTF-8 bytes:
// a large batch of notices with Chinese titles all arrive, in order, none dropped.
import { expect } from 'chai'
import { getTestDatabase } from '../support/db.ts'
import { USER_CHANNEL, notifyUsers } from '../../server/stream/userNotify.ts'
import { until } from '../support/wait.ts'

describe('stream: per-user notifications', () => {
  it('delivers a large batch of Chinese items in notifications under the byte limit', async () => {
    const { db } = await getTestDatabase()
    const payloads: string[] = []
    const unlisten = await db.listen(USER_CHANNEL, (p) => payloads.push(p))
    try {
      const items = Array.from({ length: 300 }, (_, i) => ({ userId: 1, seq: i + 1, id: i, title: `待办：第${i}号事件「暴露垃圾」请及时签收并处置，处置时限将至` }))
      await db.knex.transaction((trx) => notifyUsers(trx, 'inbox_batch_test', items))
      const mine = () => payloads.filter((p) => p.includes('"inbox_batch_test"'))
      const seqs = () => mine().flatMap((p) => (JSON.parse(p) as { items: { seq: number }[] }).items.map((x) => x.seq))
      expect(await until(() => seqs().length === items.length)).to.equal(true)
      expect(mine().length).to.be.greaterThan(1)
      for (const p of mine()) expect(Buffer.byteLength(p)).to.be.below(8000)
      expect(seqs()).to.deep.equal(items.map((x) => x.seq))
    } finally {
      await unlisten()
    }
  })
})
