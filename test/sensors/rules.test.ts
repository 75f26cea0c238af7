// Sensor rules (/api/v1/sensor-rules): a storm of threshold crossings is one incident and one event
// (through intake, channel sensor_ai, the readings as evidence); readings normal for the rule's
// time close it, and the next crossing is a new incident; a rate rule fires on a jump the readings
// show; silence is noticed by the clock (loop pass); bad rules name their field.
import { expect } from 'chai'
import { STA, sensorWorld, type SensorWorld } from './support.ts'
import { sensorPass } from '../../server/sensors/loop.ts'

interface Incident { id: number; crossings: number; closedAt: string | null; eventNumber: string | null; readings: { result: number }[]; rule: { id: number }; datastream: { id: number } }

describe('sensor rules → one event per incident (/api/v1/sensor-rules)', function () {
  let w: SensorWorld
  let level: { thing: number; datastream: number }
  let threshold: number
  const t0 = Date.now() - 2 * 3600_000
  const at = (min: number) => new Date(t0 + min * 60_000).toISOString()
  const post = (ds: number, rows: [string, number][]) => w.client.post(`${STA}/CreateObservations`,
    [{ Datastream: { '@iot.id': ds }, components: ['phenomenonTime', 'result'], dataArray: rows }], w.auth.system)
  const incidents = async (ds: number) => ((await w.client.get('/api/v1/sensor-rules/incidents?state=all&limit=500', w.auth.street1)).json().items as Incident[])
    .filter((i) => i.datastream.id === ds).sort((a, b) => a.id - b.id)

  before(async () => {
    w = await sensorWorld()
    level = await w.device('water_level', w.p1)
    const res = await w.client.post('/api/v1/sensor-rules', { name: '积水超警戒', kind: 'water_level', rule: 'threshold', high: 0.3, normalMinutes: 10, classCode: '0404', priority: 1 }, w.auth.command)
    expect(res.statusCode, res.body).to.equal(201)
    threshold = res.json().id
  })

  it('a storm of crossings is one incident with one event; readings as evidence', async () => {
    const rows: [string, number][] = [[at(0), 0.1], [at(1), 0.35], [at(2), 0.5], [at(3), 0.2], [at(4), 0.6], [at(5), 0.45]]
    const res = await post(level.datastream, rows)
    expect(res.statusCode, res.body).to.equal(201)
    // a second batch while it is open: absorbed
    expect((await post(level.datastream, [[at(6), 0.7]])).statusCode).to.equal(201)
    const list = await incidents(level.datastream)
    expect(list).to.have.length(1)
    const inc = list[0]!
    expect(inc.closedAt).to.equal(null)
    // what crossed, counted from what we sent
    const crossed = [...rows, [at(6), 0.7] as [string, number]].filter(([, v]) => v > 0.3).map(([, v]) => v)
    expect(inc.crossings).to.equal(crossed.length)
    expect(inc.readings.map((r) => r.result)).to.deep.equal(crossed)
    const events = await w.knex('event').where('external_ref', `sensor-incident:${inc.id}`).select('number', 'channel', 'class_code', 'description')
    expect(events).to.have.length(1)
    expect(events[0]).to.include({ number: inc.eventNumber, channel: 'sensor_ai', class_code: '0404' })
    expect(events[0].description).to.include('0.35')
  })

  it('closes after readings stay normal for the rule\'s time; the next crossing is a new event', async () => {
    expect((await post(level.datastream, [[at(7), 0.1], [at(12), 0.2]])).statusCode).to.equal(201)
    expect((await incidents(level.datastream))[0]!.closedAt, 'normal for 5 of 10 minutes').to.equal(null)
    expect((await post(level.datastream, [[at(17), 0.1]])).statusCode).to.equal(201)
    expect((await incidents(level.datastream))[0]!.closedAt).to.equal(at(17))
    expect((await post(level.datastream, [[at(20), 0.9]])).statusCode).to.equal(201)
    const list = await incidents(level.datastream)
    expect(list).to.have.length(2)
    expect(list[1]!.eventNumber).to.be.a('string').and.not.equal(list[0]!.eventNumber)
    const refs = await w.knex('event').whereIn('external_ref', list.map((i) => `sensor-incident:${i.id}`)).count<{ n: string }[]>('* as n')
    expect(Number(refs[0]!.n)).to.equal(2)
  })

  it('a rate rule fires on a jump faster than perMinute; silence is found by the clock', async () => {
    const noise = await w.device('noise', w.p1)
    const rate = await w.client.post('/api/v1/sensor-rules', { name: '噪声突增', kind: 'noise', rule: 'rate', perMinute: 10, classCode: '0302' }, w.auth.command)
    expect(rate.statusCode, rate.body).to.equal(201)
    // 50 → 55 in 1 min (5/min), then 55 → 80 in 1 min (25/min): only the second jump crosses
    expect((await post(noise.datastream, [[at(0), 50], [at(1), 55], [at(2), 80]])).statusCode).to.equal(201)
    const inc = (await incidents(noise.datastream)).filter((i) => i.rule.id === rate.json().id)
    expect(inc.map((i) => i.readings.map((r) => r.result))).to.deep.equal([[80]])
    const smoke = await w.device('smoke', w.p1)
    const silent = await w.client.post('/api/v1/sensor-rules', { name: '烟感离线', kind: 'smoke', rule: 'silence', silenceMinutes: 30, classCode: '0302' }, w.auth.command)
    expect((await post(smoke.datastream, [[at(0), 0.01]])).statusCode).to.equal(201)
    await sensorPass(w.client.context)
    await sensorPass(w.client.context)
    const quiet = (await incidents(smoke.datastream)).filter((i) => i.rule.id === silent.json().id)
    expect(quiet).to.have.length(1)
    expect(quiet[0]!.eventNumber).to.be.a('string')
  })

  it('refuses a bad rule naming the field, and keeps rules to signed-in staff', async () => {
    const bad = await w.client.post('/api/v1/sensor-rules', { name: 'x', kind: 'noise', rule: 'rate', classCode: '0302' }, w.auth.command)
    expect(bad.statusCode).to.equal(400)
    expect(bad.json().errors[0].field).to.equal('perMinute')
    const kind = await w.client.post('/api/v1/sensor-rules', { name: 'x', kind: 'toaster', rule: 'threshold', high: 1, classCode: '0302' }, w.auth.command)
    expect(kind.json().errors[0].field).to.equal('kind')
    expect((await w.client.post('/api/v1/sensor-rules', { name: 'x', kind: 'noise', rule: 'threshold', high: 1, classCode: '0302' }, w.auth.inspector)).statusCode).to.equal(403)
    const list = await w.client.get('/api/v1/sensor-rules', w.auth.street1)
    expect(list.json().items.map((r: { id: number }) => r.id)).to.include(threshold)
  })
})
