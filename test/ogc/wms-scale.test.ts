// Scale ranges in WMS: a layer too dense to draw city-wide (events_all, two years of events)
// declares MaxScaleDenominator in the 1.3.0 capabilities and draws nothing at smaller scales,
// as MapServer's MAXSCALEDENOM does; at street scale it draws.
import { expect } from 'chai'
import { XMLParser } from 'fast-xml-parser'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import { countPainted, decode } from './wms-support.ts'
import { scaleDenominator } from '../../server/ogc/wms/getMap.ts'
import { parseCrs } from '../../server/geo/crs.ts'

describe('WMS: scale ranges', function () {
  let client: Client
  let command: Record<string, string>
  let p: { lon: number; lat: number }

  const getMap = (bbox: number[], width = 256) => client.get(`/ogc/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=events_all&STYLES=` +
    `&SRS=EPSG:4326&BBOX=${bbox.join(',')}&WIDTH=${width}&HEIGHT=${width}&FORMAT=image/png&TRANSPARENT=TRUE`, command)

  before(async () => {
    client = await testClient()
    command = await loginAs(client, 'command')
    p = await pointIn(client.context.knex, '990102003001', 2)
    const res = await client.post('/api/v1/events', { channel: 'superior', demandType: '投诉举报', classCode: '0102',
      description: uniq('比例尺测试'), location: { x: p.lon, y: p.lat } }, command)
    expect(res.statusCode, res.body).to.equal(201)
  })

  it('computes the SLD scale denominator for geographic and projected requests', () => {
    const crs4326 = parseCrs('EPSG:4326')
    // 0.01° over 256 px: 0.01 · 111,319.49 m / (256 · 0.28 mm)
    expect(scaleDenominator({ bbox: [116, 36.4, 116.01, 36.41], width: 256, crs: crs4326 })).to.be.closeTo(15_530.06, 0.01)
    expect(scaleDenominator({ bbox: [0, 0, 7168, 7168], width: 256, crs: parseCrs('EPSG:3857') })).to.be.closeTo(100_000, 0.001)
  })

  it('declares MaxScaleDenominator for events_all in WMS 1.3.0', async () => {
    const res = await client.get('/ogc/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities')
    const doc = new XMLParser({ ignoreAttributes: false }).parse(res.body)
    const layers = doc.WMS_Capabilities.Capability.Layer.Layer as { Name: string; MaxScaleDenominator?: number }[]
    expect(layers.find((l) => l.Name === 'events_all')!.MaxScaleDenominator).to.equal(25000)
    expect(layers.find((l) => l.Name === 'events')!.MaxScaleDenominator).to.equal(undefined)
  })

  it('draws the events at street scale and nothing city-wide', async () => {
    const d = 0.004 // ~1:6,200 at 256 px
    const near = await getMap([p.lon - d, p.lat - d, p.lon + d, p.lat + d])
    expect(near.statusCode).to.equal(200)
    expect(countPainted(await decode(near.rawPayload), [0, 0, 0, 0])).to.be.greaterThan(0)
    const far = await getMap([p.lon - 0.3, p.lat - 0.3, p.lon + 0.3, p.lat + 0.3]) // ~1:930,000
    expect(far.statusCode).to.equal(200)
    expect(countPainted(await decode(far.rawPayload), [0, 0, 0, 0])).to.equal(0)
  })
})
