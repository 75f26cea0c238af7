// Shared setup of the sensor tests: signed-in users, a point of community 990102001001 (street 1)
// and one of street 2, and a helper that registers a device as a SensorThings client would.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { pointIn } from '../events/helpers.ts'

export const STA = '/ogc/sta/v1.1'

export interface SensorWorld {
  client: Client; knex: Knex; auth: Record<string, Record<string, string>>
  p1: { lon: number; lat: number }; p2: { lon: number; lat: number }
  send(method: 'PATCH' | 'DELETE', url: string, body: unknown, who: string): ReturnType<Client['post']>
  /** a Thing of a kind at a point with one datastream; returns their ids */
  device(kind: string, at: { lon: number; lat: number }, who?: string, name?: string): Promise<{ thing: number; datastream: number; location: number }>
}

export async function sensorWorld(): Promise<SensorWorld> {
  const client = await testClient()
  const knex = await getTestDb()
  const auth: SensorWorld['auth'] = {}
  for (const u of ['command', 'district', 'street1', 'street2', 'system', 'inspector']) auth[u] = await loginAs(client, u)
  const w: SensorWorld = {
    client, knex, auth, p1: await pointIn(knex, '990102001001'), p2: await pointIn(knex, '990102002001'),
    send: (method, url, body, who) => client.request({ method, url, headers: { 'content-type': 'application/json', ...auth[who] }, payload: JSON.stringify(body) }),
    async device(kind, at, who = 'street1', name = `${kind}-${Math.random().toString(36).slice(2, 8)}`) {
      const res = await client.post(`${STA}/Things`, {
        name, description: '测试设备', properties: { kind },
        Locations: [{ name: `${name} 位置`, encodingType: 'application/geo+json', location: { type: 'Point', coordinates: [at.lon, at.lat] } }],
        Datastreams: [{
          name: `${name} 读数`, observationType: 'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement',
          unitOfMeasurement: { name: 'metre', symbol: 'm', definition: 'http://unitsofmeasure.org/ucum.html#m' },
          Sensor: { name: `${kind} 传感器`, encodingType: 'application/pdf', metadata: 'https://example.invalid/spec.pdf' },
          ObservedProperty: { name: kind, definition: `https://gridgov.invalid/kinds/${kind}` },
        }],
      }, auth[who])
      expect(res.statusCode, res.body).to.equal(201)
      const thing = res.json()['@iot.id'] as number
      const ds = await client.get(`${STA}/Things(${thing})/Datastreams`, auth[who])
      const loc = await client.get(`${STA}/Things(${thing})/Locations`, auth[who])
      return { thing, datastream: ds.json().value[0]['@iot.id'], location: loc.json().value[0]['@iot.id'] }
    },
  }
  return w
}
