// Sensor ingest with rules (issue 19 Speed): the app in a child process over the small-scale demo
// city (BENCH_DATABASE may name another copy), 50 water-level devices registered through
// /ogc/sta/v1.1, a threshold rule of their kind active. Reported:
// * ingest: observations per second through HTTP CreateObservations (the standard's dataArray),
//   5,000 readings a request, 4 concurrent clients, rules evaluated on every batch (no reading
//   crosses: this is the steady state). Target ≥ 5,000/s (FROST-Server runs ~2,000/s in a city).
// * latency: from sending a reading that crosses the threshold to its event existing (the request
//   answers after intake has stored it; checked in the database), p50 of 10. Target ≤ 1 s.
import type { BenchResult } from './harness.ts'
import { benchDatabase, median, pooled, startAppChild } from './support.ts'
import { DEMO_API_KEY, DEMO_PASSWORD } from '../../fixtures/users.ts'

const DEVICES = 50
const REQUESTS = 40
const PER_REQUEST = 5_000
const CROSSINGS = 10

export async function benchSensors(results: BenchResult[]): Promise<void> {
  const { knex, url } = await benchDatabase('sensors', { scale: 'small' })
  const app = await startAppChild(url)
  try {
    const sta = `${app.origin}/ogc/sta/v1.1`
    const headers = { 'content-type': 'application/json', 'x-api-key': DEMO_API_KEY }
    const { rows: [p] } = await knex.raw(`SELECT ST_X(ST_PointOnSurface(geom)) AS x, ST_Y(ST_PointOnSurface(geom)) AS y FROM admin_division
      WHERE level = 'community' ORDER BY code LIMIT 1`) as { rows: { x: number; y: number }[] }
    const login = await fetch(`${app.origin}/api/v1/auth/login`, { method: 'POST', headers, body: JSON.stringify({ username: 'command', password: DEMO_PASSWORD }) })
    const command = { 'content-type': 'application/json', authorization: `Bearer ${(await login.json() as { token: string }).token}` }
    const rule = await fetch(`${app.origin}/api/v1/sensor-rules`, { method: 'POST', headers: command,
      body: JSON.stringify({ name: 'bench 积水', kind: 'water_level', rule: 'threshold', high: 5, normalMinutes: 0, classCode: '0404' }) })
    if (rule.status !== 201) throw new Error(`sensor rule: ${rule.status} ${await rule.text()}`)
    const streams: number[] = []
    for (let i = 0; i < DEVICES; i++) {
      const res = await fetch(`${sta}/Things`, { method: 'POST', headers: command, body: JSON.stringify({
        name: `bench 水位 ${i}`, properties: { kind: 'water_level' },
        Locations: [{ name: 'bench', encodingType: 'application/geo+json', location: { type: 'Point', coordinates: [p!.x, p!.y] } }],
        Datastreams: [{ name: `bench 水位 ${i}`, observationType: 'OM_Measurement', unitOfMeasurement: { name: 'metre', symbol: 'm', definition: null },
          Sensor: { name: 'bench', encodingType: 'text/plain', metadata: 'bench' }, ObservedProperty: { name: 'water level', definition: 'bench' } }],
      }) })
      if (res.status !== 201) throw new Error(`thing: ${res.status} ${await res.text()}`)
      const ds = await (await fetch(`${res.headers.get('location')}/Datastreams`, { headers: command })).json() as { value: { '@iot.id': number }[] }
      streams.push(ds.value[0]!['@iot.id'])
    }
    const start = Date.now() - 3600_000
    const bodies = Array.from({ length: REQUESTS }, (_, r) => JSON.stringify(streams.map((id, s) => ({
      Datastream: { '@iot.id': id }, components: ['phenomenonTime', 'result'],
      dataArray: Array.from({ length: PER_REQUEST / DEVICES }, (_, k) => [new Date(start + ((r * PER_REQUEST) / DEVICES + k) * 10).toISOString(), 1 + ((s + k) % 30) / 10]),
    }))))
    const t0 = performance.now()
    await pooled(bodies, 4, async (body) => {
      const res = await fetch(`${sta}/CreateObservations`, { method: 'POST', headers, body })
      if (res.status !== 201) throw new Error(`CreateObservations: ${res.status} ${(await res.text()).slice(0, 300)}`)
      await res.arrayBuffer()
    })
    const perSecond = (REQUESTS * PER_REQUEST) / ((performance.now() - t0) / 1000)
    results.push({ name: 'sensors: ingest with rules (HTTP CreateObservations, 5,000/request, 4 clients)', baseline: 'target 5,000 obs/s', subject: 'gridgov /ogc/sta/v1.1',
      metric: 'ops/s', baselineValue: 5000, subjectValue: perSecond, ratio: perSecond / 5000, target: '≥ 5,000/s', met: perSecond >= 5000 })
    const latencies: number[] = []
    for (let i = 0; i < CROSSINGS; i++) {
      const ds = streams[i]!
      const t = performance.now()
      const res = await fetch(`${sta}/Datastreams(${ds})/Observations`, { method: 'POST', headers, body: JSON.stringify({ result: 9.5 }) })
      if (res.status !== 201) throw new Error(`crossing: ${res.status} ${await res.text()}`)
      const inc = await knex('sensor_incident').where('datastream_id', ds).whereNull('closed_at').whereNotNull('event_number').first('event_number')
      if (!inc || !await knex('event').where('number', inc.event_number).first('id')) throw new Error(`crossing on ${ds}: no event`)
      latencies.push(performance.now() - t)
    }
    const p50 = median(latencies)
    results.push({ name: 'sensors: threshold-crossing reading → its event (HTTP, through intake)', baseline: 'target 1 s', subject: 'gridgov rules',
      metric: 'p50', baselineValue: 1000, subjectValue: p50, ratio: 1000 / p50, target: '≤ 1 s', met: p50 <= 1000 })
  } finally {
    await app.stop()
    await knex.destroy()
  }
}
