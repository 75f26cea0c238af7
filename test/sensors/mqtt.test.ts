// The SensorThings MQTT extension against Debian's mosquitto (started here on a free port; when
// the binary is missing, the embedded aedes broker stands in): a device publishes an Observation
// to v1.1/Datastreams(id)/Observations and it is stored (rules run: a crossing opens an incident);
// a subscriber of that topic receives created Observations, those made over HTTP too.
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { spawn, type ChildProcess } from 'node:child_process'
import { expect } from 'chai'
import mqtt, { type MqttClient } from 'mqtt'
import { STA, sensorWorld, type SensorWorld } from './support.ts'
import { startEmbeddedBroker, startMqtt, type MqttLink } from '../../server/sensors/mqtt.ts'
import { until } from '../support/wait.ts'

const MOSQUITTO = '/usr/sbin/mosquitto'

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)) })
  })
}

describe('SensorThings MQTT extension (mosquitto)', function () {
  let w: SensorWorld
  let broker: ChildProcess | undefined
  let embedded: { stop(): Promise<void> } | undefined
  let link: MqttLink
  let device: MqttClient
  let dev: { datastream: number }
  let dir: string
  const received: { '@iot.id': number; result: number }[] = []

  before(async () => {
    w = await sensorWorld()
    const port = await freePort()
    let url = `mqtt://127.0.0.1:${port}`
    if (fs.existsSync(MOSQUITTO)) {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-mqtt-'))
      fs.writeFileSync(path.join(dir, 'mosquitto.conf'), `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n`)
      broker = spawn(MOSQUITTO, ['-c', path.join(dir, 'mosquitto.conf')], { stdio: 'ignore' })
      const probe = async () => new Promise<boolean>((resolve) => { const s = net.connect(port, '127.0.0.1', () => { s.end(); resolve(true) }).on('error', () => resolve(false)) })
      let up = false
      for (let i = 0; i < 100 && !up; i++) up = await probe() || (await new Promise((r) => setTimeout(r, 50)), false)
      expect(up, 'mosquitto listening').to.equal(true)
    } else {
      const b = await startEmbeddedBroker(port, '127.0.0.1')
      embedded = b
      url = b.url
    }
    link = await startMqtt(w.client.context, url, { shared: !!broker })
    dev = await w.device('air', w.p1)
    const rule = await w.client.post('/api/v1/sensor-rules', { name: 'PM2.5 超标', kind: 'air', rule: 'threshold', high: 150, classCode: '0302' }, w.auth.command)
    expect(rule.statusCode, rule.body).to.equal(201)
    device = await mqtt.connectAsync(url, { protocolVersion: 5 })
    await device.subscribeAsync(`v1.1/Datastreams(${dev.datastream})/Observations`)
    device.on('message', (_t, payload) => {
      const m = JSON.parse(payload.toString()) as { '@iot.id'?: number; result: number }
      if (m['@iot.id']) received.push(m as { '@iot.id': number; result: number })
    })
  })
  after(async () => {
    await device?.endAsync()
    await link?.stop()
    await embedded?.stop()
    broker?.kill()
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  it('creates observations published by a device, rules included, and tells subscribers', async () => {
    const t = Date.now() - 60_000
    for (const [i, v] of [35, 180, 42].entries()) {
      await device.publishAsync(`v1.1/Datastreams(${dev.datastream})/Observations`, JSON.stringify({ phenomenonTime: new Date(t + i * 1000).toISOString(), result: v }), { qos: 1 })
    }
    expect(await until(() => received.length >= 3, 5000), `received ${JSON.stringify(received)}`).to.equal(true)
    expect(received.map((r) => r.result)).to.deep.equal([35, 180, 42])
    const rows = await w.knex('sta_observation').where('datastream_id', dev.datastream).orderBy('phenomenon_time').pluck('result_number')
    expect(rows).to.deep.equal([35, 180, 42])
    const inc = await w.knex('sensor_incident').where('datastream_id', dev.datastream).select('crossings', 'event_number')
    expect(inc).to.have.length(1)
    expect(inc[0].crossings).to.equal(1)
    expect(inc[0].event_number).to.be.a('string')
  })

  it('publishes observations created over HTTP; a bad message is dropped, not stored', async () => {
    await device.publishAsync(`v1.1/Datastreams(${dev.datastream})/Observations`, JSON.stringify({ result: 1, phenomenonTime: '2999-01-01T00:00:00Z' }), { qos: 1 })
    const res = await w.client.post(`${STA}/Datastreams(${dev.datastream})/Observations`, { result: 77 }, w.auth.system)
    expect(res.statusCode, res.body).to.equal(201)
    expect(await until(() => received.some((r) => r['@iot.id'] === res.json()['@iot.id']), 5000)).to.equal(true)
    const n = await w.knex('sta_observation').where('datastream_id', dev.datastream).count<{ n: string }[]>('* as n')
    expect(Number(n[0]!.n)).to.equal(4)
  })
})
