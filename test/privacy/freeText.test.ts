// Personal numbers typed into free text (server/privacy/freeText.ts): mainland mobile numbers and
// 18-digit ID numbers found by pattern (not ordinary numbers, dates, event numbers, timestamps,
// ID-like numbers with a wrong check character) and masked by the one rule, for the roles it
// masks: an event's description (item, list, GeoJSON), history comments, the replay, Open311.
// Masks are computed here by hand; the ID check character against the published GB 11643 example.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { testClient, type Client } from '../support/http.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import { signIn } from './support.ts'
import { isIdNumber, maskFreeText, shownText } from '../../server/privacy/freeText.ts'

// GB 11643-1999's own example of a citizen identity number (check character X)
const PUBLISHED_ID = '11010519491231002X'
const handMaskId = (id: string) => `${id.slice(0, 4)}**********${id.slice(-4)}`
const handMaskPhone = (p: string) => `${p.slice(0, 3)}****${p.slice(7)}`

describe('privacy: phone and ID numbers typed into free text (自由文本中的手机号、身份证号)', () => {
  it('finds mobile numbers and ID numbers, and nothing that only looks like one', () => {
    const positive: [string, string][] = [
      ['联系电话13912345678请回电', '联系电话139****5678请回电'],
      ['电话：138-1234-5678。', '电话：138****5678。'],
      ['138 1234 5678', '138****5678'],
      ['+86 15012345678', '+86 150****5678'],
      ['8619912345678', '86199****5678'],
      ['tel13712345678', 'tel137****5678'],
      [`身份证${PUBLISHED_ID}`, `身份证${handMaskId(PUBLISHED_ID)}`],
      [`${PUBLISHED_ID.toLowerCase()}号`, `${handMaskId(PUBLISHED_ID.toLowerCase())}号`],
      ['两个号码13912345678和13812345679', '两个号码139****5678和138****5679'],
    ]
    for (const [text, want] of positive) expect(maskFreeText(text), text).to.equal(want)
    const negative = [
      '12345678901', // 11 digits, not a mobile prefix
      '10086123456', // a service number, 11 digits
      '913912345678', // a mobile inside a longer run of digits
      '139123456789', // 12 digits
      '2026-03-01 13:45:00', '20260301134500', '1700000000000', // dates and a timestamp
      'E2026030113912345', // an event number
      '110105194912310021', // the published ID with a wrong check character
      '110105194913310028', // month 13
      '这是一段普通描述，面积 139 平方米，编号 1234', '', '13912345', '139-1234-56789',
    ]
    for (const text of negative) expect(maskFreeText(text), text).to.equal(text)
    expect(isIdNumber(PUBLISHED_ID)).to.equal(true)
    expect(isIdNumber('11010519491231002Y')).to.equal(false)
    // full access leaves the text alone; null stays null
    expect(shownText('full', '13912345678')).to.equal('13912345678')
    expect(shownText('unmaskable', '13912345678')).to.equal('139****5678')
    expect(shownText('masked', null)).to.equal(null)
  })

  it('hostile and oversized text: unchanged without numbers, thousands of numbers all masked', () => {
    const big = `${'1'.repeat(200_000)} ${'1 3 9 '.repeat(50_000)} ${'1-'.repeat(100_000)}`
    expect(maskFreeText(big)).to.equal(big)
    const many = Array.from({ length: 5000 }, (_, i) => `1391234${String(i).padStart(4, '0')}`).join('，')
    const masked = maskFreeText(many)
    expect(masked).to.not.match(/1391234\d{4}/)
    expect(masked.split('，').length).to.equal(5000)
    expect(maskFreeText('\u0000139\u00001234\u00005678')).to.equal('\u0000139\u00001234\u00005678')
  })

  describe('on the channels', () => {
    let client: Client
    let knex: Knex
    let auth: Record<string, Record<string, string>>
    const phone = `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`
    const comment = `已联系现场群众，回电 ${'138'}${phone.slice(3)}`
    const commentPhone = `138${phone.slice(3)}`
    let number = ''
    let description = ''

    before(async () => {
      client = await testClient()
      knex = await getTestDb()
      auth = await signIn(client, knex)
      const at = await pointIn(knex, '990102001001', 2)
      description = `${uniq('楼道堆物')} 请联系${phone}，身份证${PUBLISHED_ID}，门牌 12345678901，2026-03-01 13:45`
      const res = await client.post('/api/v1/events', {
        channel: 'superior', demandType: '投诉举报', classCode: '0102', description, location: { x: at.lon, y: at.lat },
      }, auth.command)
      expect(res.statusCode, res.body).to.equal(201)
      number = res.json().event.number
      expect(res.json().event.description, 'command: full').to.equal(description)
      const sup = await client.post(`/api/v1/events/${number}/transitions`, { action: 'supervise', comment }, auth.command)
      expect(sup.statusCode, sup.body).to.equal(200)
    })

    const maskedDescription = () => description.replace(phone, handMaskPhone(phone)).replace(PUBLISHED_ID, handMaskId(PUBLISHED_ID))

    it('the event description: full for the command centre and the holder, masked for the others', async () => {
      for (const who of ['command', 'department']) {
        expect((await client.get(`/api/v1/events/${number}`, auth[who])).json().description, who).to.equal(description)
      }
      for (const who of ['district', 'street1', 'community', 'analyst', 'otherDept', 'system']) {
        const item = await client.get(`/api/v1/events/${number}`, auth[who])
        expect(item.statusCode, who).to.equal(200)
        expect(item.json().description, who).to.equal(maskedDescription())
        expect(item.body, who).to.not.include(phone).and.not.include(PUBLISHED_ID)
        const list = await client.get(`/api/v1/events?q=${encodeURIComponent(description.slice(0, 12))}&f=geojson`, auth[who])
        expect(list.statusCode, who).to.equal(200)
        expect(list.body, `${who} list`).to.include(handMaskPhone(phone)).and.not.include(phone)
      }
    })

    it('history comments and the replay: the same rule', async () => {
      const full = (await client.get(`/api/v1/events/${number}/history`, auth.command)).json().items
      expect(full.map((h: { comment: string | null }) => h.comment)).to.include(comment)
      for (const who of ['street1', 'analyst', 'system']) {
        const res = await client.get(`/api/v1/events/${number}/history`, auth[who])
        expect(res.statusCode, who).to.equal(200)
        expect(res.json().items.map((h: { comment: string | null }) => h.comment), who).to.include(comment.replace(commentPhone, handMaskPhone(commentPhone)))
        expect(res.body, who).to.not.include(commentPhone)
      }
      const replay = await client.get(`/api/v1/events/${number}/replay`, auth.street1)
      if (replay.statusCode === 200) {
        expect(replay.body).to.include(handMaskPhone(commentPhone)).and.not.include(commentPhone)
      } else {
        expect(replay.statusCode).to.equal(403) // a role without the replay reads nothing at all
      }
      const commandReplay = await client.get(`/api/v1/events/${number}/replay`, auth.command)
      expect(commandReplay.statusCode).to.equal(200)
      expect(commandReplay.body, 'positive control: the replay carries the comment').to.include(commentPhone)
    })

    it('Open311 reads (third parties, the public): always masked', async () => {
      for (const headers of [{}, auth.system!, auth.command!]) {
        const read = await client.get(`/open311/v2/requests/${number}.json`, headers)
        expect(read.statusCode).to.equal(200)
        expect(read.json()[0].description).to.equal(maskedDescription())
        expect(read.body).to.not.include(phone).and.not.include(PUBLISHED_ID)
      }
    })
  })
})
