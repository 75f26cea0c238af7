// The SensorThings MQTT extension. The server is a client of the broker (MQTT_URL; `npm start`
// without it embeds aedes on MQTT_PORT, see startEmbeddedBroker):
// * create: a device publishes an Observation to `v1.1/Datastreams(id)/Observations` (or one with
//   its Datastream to `v1.1/Observations`); messages are gathered for a few milliseconds and
//   written as one batch through ingest() (rules included), a batch that fails is retried one by one;
// * receive: every created Observation (by HTTP or MQTT) is published to its datastream's topic with
//   @iot.id and @iot.selfLink, which is also how a create published by a device is told apart from
//   the server's own echo. With an external broker the subscription is shared ($share/gridgov/…),
//   so each published reading is taken by one instance.
// MQTT carries no user of ours: with MQTT_USERNAME/MQTT_PASSWORD set, the embedded broker refuses
// any client that does not present them (an external broker is configured the same way: its
// password file or ACL), and the server's own client presents them; readings are accepted for any
// datastream of the cities this server holds.
import crypto from 'node:crypto'
import net from 'node:net'
import mqtt, { type MqttClient } from 'mqtt'
import { Aedes } from 'aedes'
import type { AppContext } from '../context.ts'
import { Jurisdiction } from '../db/jurisdiction.ts'
import type { Principal } from '../auth/users.ts'
import { fromBody, ingest, onObservationsCreated, type NewObservation } from './ingest.ts'
import { STA_BASE } from './staRoutes.ts'

const CREATE = /^v1\.1\/Datastreams\((\d{1,15})\)\/Observations$/
const BATCH_MS = 20
const BATCH_MAX = 2_000

export interface MqttLink { client: MqttClient; stop(): Promise<void> }

async function brokerPrincipal(app: AppContext): Promise<Principal> {
  const cities = await app.knex('admin_division').where('level', 'city').pluck('code') as string[]
  return { kind: 'api_key', userId: null, username: 'mqtt', displayName: 'MQTT 设备接入', role: 'external_system', departmentId: null, cityCode: null,
    jurisdiction: Jurisdiction.of(cities) }
}

export interface MqttCredentials { username: string; password: string }

/** The configured credentials, when both are set. */
export function mqttCredentials(app: AppContext): MqttCredentials | undefined {
  const { mqttUsername: username, mqttPassword: password } = app.config
  return username && password ? { username, password } : undefined
}

export async function startMqtt(app: AppContext, url: string, opts: { shared?: boolean } = {}): Promise<MqttLink> {
  const log = app.logger.child({ part: 'mqtt' })
  const principal = await brokerPrincipal(app)
  // A broker that is down or refuses us must not stop the service (maps, events and the REST API do
  // not need it): the client keeps reconnecting every few seconds and subscribes on each connect.
  // MQTT 5 for the shared subscription of an external broker; the embedded aedes speaks 3.1.1 only
  // (it refuses a version 5 CONNECT), so the server's link to it is 3.1.1
  const client = mqtt.connect(url, { protocolVersion: opts.shared === false ? 4 : 5, clientId: `gridgov-${process.pid}-${Math.random().toString(36).slice(2, 8)}`, reconnectPeriod: 3000,
    ...mqttCredentials(app) })
  const prefix = opts.shared === false ? '' : '$share/gridgov/'
  let warned = false
  client.on('error', (err) => {
    if (!warned) log.warn({ url: url.replace(/\/\/[^@/]*@/, '//***@'), err: err.message }, 'MQTT broker unavailable: retrying (SensorThings MQTT waits, HTTP serves)')
    warned = true
  })
  const subscribed = new Promise<void>((resolve) => {
    client.on('connect', () => {
      if (warned) log.info('MQTT broker connected')
      warned = false
      client.subscribe(`${prefix}v1.1/#`, { qos: 1 }, (err) => {
        if (err) log.warn({ err: err.message }, 'MQTT subscription refused')
        resolve()
      })
    })
  })
  // the first connection is waited for briefly, so a broker that is up is ready when start returns
  await Promise.race([subscribed, new Promise((resolve) => setTimeout(resolve, 3000).unref())])
  let pending: NewObservation[] = []
  let timer: NodeJS.Timeout | undefined
  let chain: Promise<void> = Promise.resolve()
  const flush = () => {
    timer = undefined
    const batch = pending
    pending = []
    if (!batch.length) return
    chain = chain.then(async () => {
      try {
        await ingest(app.knex, principal, batch)
      } catch {
        // one bad message must not lose the others of its batch
        for (const o of batch) await ingest(app.knex, principal, [o]).catch((err: unknown) => log.warn({ err: (err as Error).message, datastream: o.datastreamId }, 'mqtt observation refused'))
      }
    })
  }
  client.on('message', (topic, payload) => {
    const m = CREATE.exec(topic)
    if (!m && topic !== 'v1.1/Observations') return
    let body: unknown
    try { body = JSON.parse(payload.toString('utf8')) } catch { log.warn({ topic }, 'mqtt message is not JSON'); return }
    // our own publication of a created observation
    if (body && typeof body === 'object' && '@iot.id' in body) return
    try {
      pending.push(fromBody(body, m ? Number(m[1]) : undefined))
    } catch (err) {
      log.warn({ topic, err: (err as Error).message }, 'mqtt observation refused')
      return
    }
    if (pending.length >= BATCH_MAX) flush()
    else timer ??= setTimeout(flush, BATCH_MS)
  })
  const unlisten = onObservationsCreated((rows) => {
    for (const r of rows) {
      const entity = { '@iot.id': r.id, '@iot.selfLink': `${STA_BASE}/Observations(${r.id})`, phenomenonTime: r.phenomenonTime, resultTime: r.resultTime, result: r.result }
      client.publish(`v1.1/Datastreams(${r.datastreamId})/Observations`, JSON.stringify(entity), { qos: 0 })
    }
  })
  return {
    client,
    async stop() {
      unlisten()
      if (timer) clearTimeout(timer)
      flush()
      await chain
      await client.endAsync(true)
    },
  }
}

/** Equal without telling by timing how much of it matched. */
function same(given: Buffer | string | undefined, expected: string): boolean {
  if (given === undefined) return false
  const a = crypto.createHash('sha256').update(given).digest()
  return crypto.timingSafeEqual(a, crypto.createHash('sha256').update(expected).digest())
}

/**
 * `npm start` without MQTT_URL: an aedes broker on the loopback-or-host port, like the embedded
 * database. With credentials, a client connects (to publish or subscribe) only with them.
 */
export async function startEmbeddedBroker(port: number, host: string, credentials?: MqttCredentials): Promise<{ url: string; stop(): Promise<void> }> {
  const broker = await Aedes.createBroker(credentials ? {
    authenticate: (_client, username, password, done) => {
      // both compared, always: the answer must not tell which one was wrong
      const ok = [same(username, credentials.username), same(password, credentials.password)].every(Boolean)
      done(null, ok)
    },
  } : {})
  const server = net.createServer((socket) => broker.handle(socket))
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(port, host, () => resolve()) })
  const addr = server.address() as net.AddressInfo
  return {
    url: `mqtt://127.0.0.1:${addr.port}`,
    stop: () => new Promise<void>((resolve) => { broker.close(() => server.close(() => resolve())) }),
  }
}

/** What `npm start` runs: the configured broker, or an embedded one (MQTT_PORT, 0: MQTT off). */
export async function startSensorMqtt(app: AppContext): Promise<{ stop(): Promise<void> }> {
  if (app.config.mqttUrl) {
    const link = await startMqtt(app, app.config.mqttUrl)
    return { stop: () => link.stop() }
  }
  const port = app.config.mqttPort ?? 1883
  if (port === 0) return { stop: async () => undefined }
  let broker: Awaited<ReturnType<typeof startEmbeddedBroker>>
  try {
    broker = await startEmbeddedBroker(port, app.config.host, mqttCredentials(app))
  } catch (err) {
    // another worker process (or program) holds the port: this process serves HTTP only
    app.logger.warn({ port, err: (err as Error).message }, 'embedded MQTT broker not started: set MQTT_URL or a free MQTT_PORT')
    return { stop: async () => undefined }
  }
  const link = await startMqtt(app, broker.url, { shared: false })
  app.logger.info({ port }, 'embedded MQTT broker (aedes) for the SensorThings MQTT extension')
  return { async stop() { await link.stop(); await broker.stop() } }
}
