// The SensorThings API driven as a client would: register devices (deep insert), write readings
// with CreateObservations, page with @iot.nextLink, $filter/$orderby/$select/$count checked
// against the database or the readings we sent, $expand=Datastreams/Observations($top=…),
// jurisdiction (another street sees 404), and bad input naming the field.
import { expect } from 'chai'
import { STA, sensorWorld, type SensorWorld } from './support.ts'

describe('OGC SensorThings API 1.1 (/ogc/sta/v1.1)', function () {
  let w: SensorWorld
  let dev: { thing: number; datastream: number; location: number }
  let other: { thing: number; datastream: number; location: number }
  const values: number[] = []
  const t0 = Date.now() - 3 * 3600_000
  before(async () => {
    w = await sensorWorld()
    dev = await w.device('noise', w.p1)
    other = await w.device('air', w.p1)
    for (let i = 0; i < 250; i++) values.push(Math.round((40 + 30 * Math.sin(i / 7) + (i % 5)) * 10) / 10)
    const res = await w.client.post(`${STA}/CreateObservations`, [{
      Datastream: { '@iot.id': dev.datastream }, components: ['phenomenonTime', 'result'],
      dataArray: values.map((v, i) => [new Date(t0 + i * 30_000).toISOString(), v]),
    }, { Datastream: { '@iot.id': other.datastream }, components: ['phenomenonTime', 'result'], dataArray: [[new Date(t0).toISOString(), 12]] }], w.auth.system)
    expect(res.statusCode, res.body).to.equal(201)
    expect(res.json()).to.have.length(251)
  })

  it('answers entities with @iot.id, @iot.selfLink and navigation links', async () => {
    const res = await w.client.get(`${STA}/Things(${dev.thing})`, w.auth.street1)
    expect(res.statusCode, res.body).to.equal(200)
    const t = res.json()
    expect(t['@iot.id']).to.equal(dev.thing)
    expect(t['@iot.selfLink']).to.match(new RegExp(`/ogc/sta/v1\\.1/Things\\(${dev.thing}\\)$`))
    expect(t['Datastreams@iot.navigationLink']).to.equal(`${t['@iot.selfLink']}/Datastreams`)
    expect(t.properties.kind).to.equal('noise')
    const loc = (await w.client.get(`${STA}/Locations(${dev.location})`, w.auth.street1)).json()
    expect(loc.location.coordinates[0]).to.be.closeTo(w.p1.lon, 1e-6)
    const hist = (await w.client.get(`${STA}/Things(${dev.thing})/HistoricalLocations?$expand=Locations`, w.auth.street1)).json()
    expect(hist.value[0].Locations[0]['@iot.id']).to.equal(dev.location)
    const prop = (await w.client.get(`${STA}/Datastreams(${dev.datastream})/Thing`, w.auth.street1)).json()
    expect(prop['@iot.id']).to.equal(dev.thing)
  })

  it('pages a client through @iot.nextLink without loss or overlap, and counts', async () => {
    let url: string | undefined = `${STA}/Datastreams(${dev.datastream})/Observations?$top=100&$count=true&$orderby=phenomenonTime`
    const seen: number[] = []
    let count = -1
    while (url) {
      const res = await w.client.get(url, w.auth.street1)
      expect(res.statusCode, res.body).to.equal(200)
      const body = res.json()
      if (count < 0) count = body['@iot.count']
      seen.push(...body.value.map((o: { result: number }) => o.result))
      url = body['@iot.nextLink'] ? new URL(body['@iot.nextLink']).pathname + new URL(body['@iot.nextLink']).search : undefined
    }
    expect(seen).to.deep.equal(values)
    const db = await w.knex('sta_observation').where('datastream_id', dev.datastream).count<{ count: string }[]>('* as count')
    expect(count).to.equal(Number(db[0]!.count))
  })

  it('filters with comparisons, logic, functions and geo.intersects; orders; selects', async () => {
    const q = (s: string) => w.client.get(`${STA}/Datastreams(${dev.datastream})/Observations?$top=1000&${s}`, w.auth.street1)
    const hi = await q('$filter=result gt 60 and not (result ge 65)')
    expect(hi.json().value.map((o: { result: number }) => o.result).sort()).to.deep.equal(values.filter((v) => v > 60 && !(v >= 65)).sort())
    const round = await q('$filter=round(result) eq 41 or result lt 11&$select=result')
    expect(round.json().value.length).to.equal(values.filter((v) => Math.round(v) === 41 || v < 11).length)
    expect(Object.keys(round.json().value[0] ?? { '@iot.id': 1, '@iot.selfLink': '', result: 0 })).to.have.members(['@iot.id', '@iot.selfLink', 'result'])
    const first = await q('$orderby=result desc&$top=1')
    expect(first.json().value[0].result).to.equal(Math.max(...values))
    const late = await q(`$filter=phenomenonTime ge ${new Date(t0 + 200 * 30_000).toISOString()}&$count=true`)
    expect(late.json()['@iot.count']).to.equal(50)
    const { lon, lat } = w.p1
    const box = `POLYGON((${lon - 0.001} ${lat - 0.001},${lon + 0.001} ${lat - 0.001},${lon + 0.001} ${lat + 0.001},${lon - 0.001} ${lat + 0.001},${lon - 0.001} ${lat - 0.001}))`
    const near = await w.client.get(`${STA}/Locations?$filter=geo.intersects(location, geography'${box}') and substringof('noise', name)`, w.auth.street1)
    expect(near.json().value.map((l: { '@iot.id': number }) => l['@iot.id'])).to.include(dev.location)
    const within = await w.client.get(`${STA}/Locations?$filter=st_within(location, geography'${box}')`, w.auth.street1)
    expect(within.json().value.map((l: { '@iot.id': number }) => l['@iot.id'])).to.include.members([dev.location, other.location])
    const kind = await w.client.get(`${STA}/Things?$filter=properties/kind eq 'air'&$select=name`, w.auth.street1)
    expect(kind.json().value.map((t: { '@iot.id': number }) => t['@iot.id'])).to.include(other.thing).and.not.include(dev.thing)
  })

  it('expands Datastreams/Observations($top=…) per parent, newest first', async () => {
    const res = await w.client.get(`${STA}/Things?$filter=id eq ${dev.thing} or id eq ${other.thing}&$expand=Datastreams/Observations($top=3;$orderby=phenomenonTime desc)`, w.auth.street1)
    expect(res.statusCode, res.body).to.equal(200)
    const byId = new Map(res.json().value.map((t: { '@iot.id': number }) => [t['@iot.id'], t]))
    const mine = byId.get(dev.thing) as { Datastreams: { Observations: { result: number }[] }[] }
    expect(mine.Datastreams[0]!.Observations.map((o) => o.result)).to.deep.equal(values.slice(-3).reverse())
    const theirs = byId.get(other.thing) as { Datastreams: { Observations: { result: number }[] }[] }
    expect(theirs.Datastreams[0]!.Observations.map((o) => o.result)).to.deep.equal([12])
  })

  it('keeps things to their area: another street gets 404 and an empty list', async () => {
    const res = await w.client.get(`${STA}/Things(${dev.thing})`, w.auth.street2)
    expect(res.statusCode).to.equal(404)
    expect(res.json()).to.include({ code: 404, type: 'error' })
    const list = await w.client.get(`${STA}/Datastreams(${dev.datastream})/Observations`, w.auth.street2)
    expect(list.statusCode).to.equal(404)
    const all = await w.client.get(`${STA}/Things?$top=1000`, w.auth.street2)
    expect(all.json().value.map((t: { '@iot.id': number }) => t['@iot.id'])).to.not.include(dev.thing)
  })

  it('refuses bad input naming the field', async () => {
    const bad = async (res: Awaited<ReturnType<typeof w.client.get>>, field: string, status = 400) => {
      expect(res.statusCode, res.body).to.equal(status)
      expect(res.json().errors[0].field, res.body).to.equal(field)
    }
    await bad(await w.client.get(`${STA}/Observations?$filter=result gt`, w.auth.street1), '$filter')
    await bad(await w.client.get(`${STA}/Observations?$filter=result gt 'x'`, w.auth.street1), '$filter')
    await bad(await w.client.get(`${STA}/Things?$filter=nosuch eq 1`, w.auth.street1), '$filter')
    await bad(await w.client.get(`${STA}/Locations?$filter=st_within(location, geography'POLYGON((1 2, 3 4')`, w.auth.street1), '$filter')
    await bad(await w.client.get(`${STA}/Things?$top=-1`, w.auth.street1), '$top')
    await bad(await w.client.get(`${STA}/Things?$expand=Nope`, w.auth.street1), '$expand')
    await bad(await w.client.post(`${STA}/Observations`, { result: 1, Datastream: { '@iot.id': 987654321 } }, w.auth.system), 'Datastream')
    const future = new Date(Date.now() + 3600_000).toISOString()
    await bad(await w.client.post(`${STA}/Datastreams(${dev.datastream})/Observations`, { result: 1, phenomenonTime: future }, w.auth.system), 'phenomenonTime')
    const thing = { name: 'x', properties: { kind: 'toaster' }, Locations: [{ name: 'l', encodingType: 'application/geo+json', location: { type: 'Point', coordinates: [w.p1.lon, w.p1.lat] } }] }
    await bad(await w.client.post(`${STA}/Things`, thing, w.auth.street1), 'properties.kind')
    const far = { ...thing, properties: { kind: 'smoke' }, Locations: [{ ...thing.Locations[0], location: { type: 'Point', coordinates: [w.p2.lon, w.p2.lat] } }] }
    await bad(await w.client.post(`${STA}/Things`, far, w.auth.street1), 'Locations[0].location')
  })

  it('updates and deletes', async () => {
    const d = await w.device('smoke', w.p1)
    const res = await w.send('PATCH', `${STA}/Things(${d.thing})`, { name: '烟感 3 号' }, 'street1')
    expect(res.statusCode, res.body).to.equal(200)
    expect(res.json().name).to.equal('烟感 3 号')
    const del = await w.send('DELETE', `${STA}/Things(${d.thing})`, {}, 'street1')
    expect(del.statusCode, del.body).to.equal(200)
    expect((await w.client.get(`${STA}/Things(${d.thing})`, w.auth.street1)).statusCode).to.equal(404)
    expect(await w.knex('sta_datastream').where('id', d.datastream).first()).to.equal(undefined)
  })
})
