// MQTT with credentials (MQTT_USERNAME/MQTT_PASSWORD): the embedded aedes broker refuses a client
// without them or with a wrong one, and the server's own client presents them, so a device that
// has them gets its readings stored; the same against Debian's mosquitto with a password file
// (allow_anonymous false), when the binary is installed.
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { expect } from 'chai'
import mqtt from 'mqtt'
import { sensorWorld, type SensorWorld } from './support.ts'
import { getTestContext } from '../support/db.ts'
import { startEmbeddedBroker, startMqtt } from '../../server/sensors/mqtt.ts'
import { until } from '../support/wait.ts'

const MOSQUITTO = '/usr/sbin/mosquitto'
const PASSWD = '/usr/bin/mosquitto_passwd'
const CREDENTIALS = { username: 'gateway', password: 'gw-secret-2026' }

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)) })
  })
}

/** Whether a client with these options is let in (a refusal is a CONNACK error, not a hang). */
async function admitted(url: string, opts: mqtt.IClientOptions): Promise<boolean> {
  const c = mqtt.connect(url, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5000, ...opts })
  try {
    return await new Promise<boolean>((resolve, reject) => {
      c.once('connect', () => resolve(true))
      c.once('error', (err) => {
        if (/not authori[sz]ed|bad user ?name or password/i.test(err.message)) resolve(false)
        else reject(err)
      })
    })
  } finally {
    await c.endAsync(true)
  }
}

describe('SensorThings MQTT with credentials', function () {
  let w: SensorWorld
  const stops: (() => Promise<void> | void)[] = []

  before(async () => { w = await sensorWorld() })
  after(async () => { for (const s of stops.reverse()) await s() })

  /** The server linked to the broker with the configured credentials; a device with them publishes a reading that is stored. */
  async function readingsFlow(url: string): Promise<void> {
    const ctx = await getTestContext({ mqttUsername: CREDENTIALS.username, mqttPassword: CREDENTIALS.password })
    const link = await startMqtt(ctx, url, { shared: false })
    stops.push(() => link.stop())
    expect(link.client.connected, 'the server is let in with the configured credentials').to.equal(true)
    const dev = await w.device('noise', w.p1)
    const device = await mqtt.connectAsync(url, { protocolVersion: 4, ...CREDENTIALS })
    stops.push(() => device.endAsync())
    await device.publishAsync(`v1.1/Datastreams(${dev.datastream})/Observations`, JSON.stringify({ result: 61.5 }), { qos: 1 })
    let stored: number[] = []
    // the reads are chained and the last awaited: none is left running when the database closes
    let reads: Promise<void> = Promise.resolve()
    const seen = await until(() => {
      reads = reads.then(async () => { stored = await w.knex('sta_observation').where('datastream_id', dev.datastream).pluck('result_number') })
      return stored.length > 0
    }, 5000)
    await reads
    expect(seen, 'the reading is stored').to.equal(true)
    expect(stored).to.deep.equal([61.5])
  }

  it('embedded broker: no credentials or wrong ones are refused; the configured ones publish', async () => {
    const b = await startEmbeddedBroker(await freePort(), '127.0.0.1', CREDENTIALS)
    stops.push(() => b.stop())
    expect(await admitted(b.url, {})).to.equal(false)
    expect(await admitted(b.url, { username: CREDENTIALS.username, password: 'wrong-password' })).to.equal(false)
    expect(await admitted(b.url, { username: 'intruder', password: CREDENTIALS.password })).to.equal(false)
    expect(await admitted(b.url, CREDENTIALS)).to.equal(true)
    await readingsFlow(b.url)
  })

  it('mosquitto with a password file: anonymous refused, the configured credentials publish', async function () {
    if (!fs.existsSync(MOSQUITTO) || !fs.existsSync(PASSWD)) this.skip()
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-mqtt-auth-'))
    stops.push(() => fs.rmSync(dir, { recursive: true, force: true }))
    const port = await freePort()
    execFileSync(PASSWD, ['-c', '-b', path.join(dir, 'passwd'), CREDENTIALS.username, CREDENTIALS.password])
    // started as root, mosquitto reads the password file after dropping to its own user
    fs.chmodSync(dir, 0o755)
    fs.chmodSync(path.join(dir, 'passwd'), 0o644)
    fs.writeFileSync(path.join(dir, 'mosquitto.conf'),
      `listener ${port} 127.0.0.1\nallow_anonymous false\npassword_file ${path.join(dir, 'passwd')}\npersistence false\n`)
    const broker: ChildProcess = spawn(MOSQUITTO, ['-c', path.join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    broker.stderr?.on('data', (d: Buffer) => { stderr += d.toString() })
    stops.push(() => { broker.kill() })
    let up = false
    const probe = () => { const s = net.connect(port, '127.0.0.1', () => { s.end(); up = true }).on('error', () => undefined); return up }
    expect(await until(probe, 5000), `mosquitto listening: ${stderr}`).to.equal(true)
    const url = `mqtt://127.0.0.1:${port}`
    expect(await admitted(url, {})).to.equal(false)
    expect(await admitted(url, { username: CREDENTIALS.username, password: 'wrong-password' })).to.equal(false)
    await readingsFlow(url)
  })
})
