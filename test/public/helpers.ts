// Shared by the residents' endpoint tests: a client that trusts X-Forwarded-For (each test
// comes from its own address), a local SMS gateway (test/integrations/receiver.ts) the outbox
// delivers codes to, multipart bodies, a point inside the demo city and photos with EXIF GPS.
import sharp from 'sharp'
import type { Knex } from 'knex'
import { testClient, type Client } from '../support/http.ts'
import { getTestContext } from '../support/db.ts'
import { startReceiver, type Receiver } from '../integrations/receiver.ts'
import { deliverDue } from '../../server/integrations/deliverer.ts'

export const GATEWAY_OK = { kind: 'status', status: 200, body: '{"Code":"OK","BizId":"1"}', headers: { 'content-type': 'application/json' } } as const

export async function publicClient(): Promise<Client> {
  return testClient(await getTestContext({ trustProxy: true }))
}

let gateway: Receiver | undefined
/** The local SMS gateway, configured through the environment as in production. */
export async function smsGateway(): Promise<Receiver> {
  if (!gateway) {
    gateway = await startReceiver([], GATEWAY_OK)
    process.env.GRIDGOV_SMS_ENDPOINT = gateway.url
  }
  return gateway
}
export async function closeGateway(): Promise<void> {
  await gateway?.close()
  gateway = undefined
  delete process.env.GRIDGOV_SMS_ENDPOINT
}

let serial = 0
/** A phone and an address no other test uses. */
export function fresh(): { phone: string; ip: string } {
  serial++
  const n = (process.pid * 97 + serial) % 100_000_000
  return { phone: `139${String(n).padStart(8, '0')}`, ip: `10.${(serial >> 8) & 255}.${serial & 255}.${(process.pid % 200) + 1}` }
}

/** Asks for a code, lets the outbox deliver it to the gateway, and reads it from what the gateway received. */
export async function codeFor(client: Client, phone: string, ip: string, purpose: 'report' | 'follow' = 'report', number?: string): Promise<string> {
  const g = await smsGateway()
  const res = await client.post('/api/v1/public/codes', { phone, purpose, ...(number ? { number } : {}) }, { 'x-forwarded-for': ip })
  if (res.statusCode !== 202) throw new Error(`code: ${res.statusCode} ${res.body}`)
  await deliverDue(client.context.knex)
  const got = [...g.received].reverse().find((r) => (r.json as { PhoneNumbers?: string } | null)?.PhoneNumbers === phone)
  if (!got) throw new Error(`no SMS for ${phone}`)
  return (JSON.parse((got.json as { TemplateParam: string }).TemplateParam) as { code: string }).code
}

export interface Part { name: string; value: string | Buffer; filename?: string; type?: string }

export function multipart(parts: Part[]): { body: Buffer; type: string } {
  const boundary = `----gridgov${Math.random().toString(16).slice(2)}`
  const chunks: Buffer[] = []
  for (const p of parts) {
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}\r\n` +
      (p.type ? `Content-Type: ${p.type}\r\n` : '') + '\r\n'
    chunks.push(Buffer.from(head, 'utf8'), typeof p.value === 'string' ? Buffer.from(p.value, 'utf8') : p.value, Buffer.from('\r\n'))
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return { body: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}` }
}

export async function postForm(client: Client, url: string, parts: Part[], ip: string) {
  const m = multipart(parts)
  return client.request({ method: 'POST', url, payload: m.body, headers: { 'content-type': m.type, 'x-forwarded-for': ip } })
}

/** A point (EPSG:4490 ≈ WGS 84) inside a current base grid of the demo city. */
export async function pointInCity(knex: Knex): Promise<{ lon: number; lat: number }> {
  const { rows } = await knex.raw(`SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(geom) AS p FROM grid
    WHERE kind = 'base' AND valid_to IS NULL ORDER BY code LIMIT 1) g`)
  return { lon: Number(rows[0].lon), lat: Number(rows[0].lat) }
}

const dms = (v: number) => {
  const d = Math.floor(v); const m = Math.floor((v - d) * 60); const s = Math.round(((v - d) * 60 - m) * 60 * 10000)
  return `${d}/1 ${m}/1 ${s}/10000`
}

/** A 64×48 JPEG (left half red, right half blue) carrying an EXIF GPS position and a camera make. */
export async function jpegWithGps(lon: number, lat: number): Promise<Buffer> {
  const raw = Buffer.alloc(64 * 48 * 3)
  for (let y = 0; y < 48; y++) for (let x = 0; x < 64; x++) raw.set(x < 32 ? [220, 20, 20] : [20, 20, 220], (y * 64 + x) * 3)
  return sharp(raw, { raw: { width: 64, height: 48, channels: 3 } }).jpeg({ quality: 95 })
    .withExif({ IFD0: { Make: 'GridgovTestCam' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: dms(lat), GPSLongitudeRef: 'E', GPSLongitude: dms(lon) } })
    .toBuffer()
}
