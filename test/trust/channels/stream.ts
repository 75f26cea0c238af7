// The stream (SSE), per role: changes in the OUT site (a new event, a transition, a device's fix)
// must never arrive at a restricted principal. Proven with sentinels, not a pause: after the OUT
// changes come the same changes in the IN site; the stream is ordered, so once a principal has
// heard the IN sentinels a leak would already have arrived. The command centre hears both sites
// (the positive control). The public role's jurisdiction is empty, so no sentinel can reach it:
// it is judged once every other stream, fed by the same hub in the same order, has heard them.
import { expect } from 'chai'
import type { Client } from '../../support/http.ts'
import { openStream, type Sse } from '../../support/sse.ts'
import { until } from '../../support/wait.ts'
import type { Principal } from '../principals.ts'
import type { Site, Sites } from '../plant.ts'
import type { Tally } from '../matrix.ts'
import { hasMarker } from './types.ts'

async function changes(client: Client, command: Record<string, string>, s: Site): Promise<string[]> {
  const [lon, lat] = s.center
  const ev = await client.post('/api/v1/events', {
    channel: 'superior', demandType: '投诉举报', classCode: '0102', description: `矩阵测试 流 ${s.tag}-SSE`, location: { x: lon + 0.001, y: lat + 0.001 },
  }, command)
  expect(ev.statusCode, ev.body).to.equal(201)
  const number = ev.json().event.number as string
  const sup = await client.post(`/api/v1/events/${s.eventNumber}/transitions`, { action: 'supervise', comment: `督办 ${s.tag}` }, command)
  expect(sup.statusCode, sup.body).to.equal(200)
  const fix = await client.post('/api/v1/positions', { positions: [{ lon: lon + 0.0002, lat, time: new Date().toISOString(), accuracy: 5 }] }, { 'x-device-token': s.deviceToken })
  expect(fix.json().accepted, fix.body).to.equal(1)
  return [number]
}

export async function streamMatrix(client: Client, port: number, sites: Sites, principals: Principal[], command: Record<string, string>, tally: Tally): Promise<void> {
  tally.channels.add('stream · SSE')
  const city = await openStream(port, command)
  const streams: [Principal, Sse][] = []
  try {
    for (const p of principals) streams.push([p, await openStream(port, p.headers)])
    const outNumbers = await changes(client, command, sites.out)
    const inNumbers = await changes(client, command, sites.in)
    const heard = (s: Sse, site: Site, numbers: string[]) => [...numbers, site.device].every((m) => hasMarker(s.raw, m))
    // the positive control: the command centre hears both sites, OUT first
    expect(await until(() => heard(city, sites.out, outNumbers) && heard(city, sites.in, inNumbers), 20_000), 'the command centre hears OUT and IN').to.equal(true)
    const listening = streams.filter(([p, s]) => s.status === 200 && p.role !== 'public')
    expect(await until(() => listening.every(([, s]) => heard(s, sites.in, inNumbers)), 20_000),
      `every stream hears the IN sentinels: ${listening.filter(([, s]) => !heard(s, sites.in, inNumbers)).map(([p]) => p.role).join(', ')}`).to.equal(true)
    const outMarkers = [...sites.out.markers, ...outNumbers]
    for (const [p, s] of streams) {
      tally.cells++
      if (s.status === 401 || s.status === 403) tally.refused++
      else if (s.status !== 200) tally.failures.push(`stream as ${p.role}: ${s.status}`)
      const found = outMarkers.filter((m) => hasMarker(s.raw, m))
      if (found.length > 0) tally.leaks.push(`stream · SSE as ${p.role}: OUT's ${found.join(', ')} arrived`)
    }
  } finally {
    city.close()
    for (const [, s] of streams) s.close()
  }
}
