// The video platform adapter against a local stand-in written from wvp-GB28181-pro's HTTP
// contract: sign-in with the MD5 of the password, play with the access-token header, a second
// sign-in when the token has expired, and the platform's failures as 502 / 504 problems.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { createHash } from 'node:crypto'
import { expect } from 'chai'
import { VideoPlatform } from '../../server/cameras/videoPlatform.ts'
import { AppError } from '../../server/http/errors.ts'
import { loginAs, testClient } from '../support/http.ts'

const DEVICE = '34020000001320000001'
const CHANNEL = '34020000001310000001'

describe('video platform adapter (wvp-GB28181-pro stand-in)', () => {
  let server: http.Server
  let base: string
  let logins = 0
  let valid = new Set<string>()
  const hung: http.ServerResponse[] = []

  before(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url!, 'http://x')
      const json = (status: number, body: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)) }
      if (url.pathname === '/api/user/login') {
        const ok = url.searchParams.get('username') === 'admin' && url.searchParams.get('password') === createHash('md5').update('secret').digest('hex')
        if (!ok) return json(200, { code: 401, msg: '用户名或密码错误' })
        const token = `t${++logins}`
        valid.add(token)
        return json(200, { code: 0, msg: '成功', data: { accessToken: token, username: 'admin' } })
      }
      const m = /^\/api\/play\/start\/(\d+)\/(\d+)$/.exec(url.pathname)
      if (!m) return json(404, { code: 404, msg: 'not found' })
      if (!valid.has(String(req.headers['access-token']))) return json(401, { code: 401, msg: '请登录后重新请求' })
      if (m[1] === '00000000000000000099') { hung.push(res); return } // never answers
      if (m[1] === '00000000000000000098') return json(200, { code: 100, msg: '点播超时' })
      if (m[1] === '00000000000000000097') { res.writeHead(500); return res.end('boom') }
      const stream = `${m[1]}_${m[2]}`
      return json(200, { code: 0, msg: '成功', data: {
        app: 'rtp', stream, flv: `http://media.local/rtp/${stream}.live.flv`, hls: { url: `http://media.local/rtp/${stream}/hls.m3u8` }, rtc: `http://media.local/index/api/webrtc?app=rtp&stream=${stream}`,
      } })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })

  after(async () => {
    for (const res of hung) res.destroy()
    server.closeAllConnections()
    await new Promise((r) => server.close(r))
  })

  const platform = (password = 'secret', timeoutMs = 300) => new VideoPlatform({ url: base, user: 'admin', password, timeoutMs })

  async function refusal(p: Promise<unknown>): Promise<AppError> {
    try { await p } catch (err) { if (err instanceof AppError) return err; throw err }
    throw new Error('expected a refusal')
  }

  it('signs in once, starts play and answers the flv, hls and webrtc URLs (string or {url} forms)', async () => {
    const p = platform()
    const before = logins
    const live = await p.startPlay(DEVICE, CHANNEL)
    expect(live).to.deep.include({ hls: `http://media.local/rtp/${DEVICE}_${CHANNEL}/hls.m3u8`, flv: `http://media.local/rtp/${DEVICE}_${CHANNEL}.live.flv`, app: 'rtp' })
    expect(live.webrtc).to.match(/webrtc\?app=rtp/)
    await p.startPlay(DEVICE, CHANNEL)
    expect(logins - before, 'the token is reused').to.equal(1)
  })

  it('signs in again once when the platform has dropped the token', async () => {
    const p = platform()
    await p.startPlay(DEVICE, CHANNEL)
    const before = logins
    valid = new Set()
    expect((await p.startPlay(DEVICE, CHANNEL)).hls).to.be.a('string')
    expect(logins - before).to.equal(1)
  })

  it('answers a refused sign-in, a failed play and a broken answer as 502 with the reason', async () => {
    const login = await refusal(platform('wrong').startPlay(DEVICE, CHANNEL))
    expect([login.status, login.code]).to.deep.equal([502, 'cameras.platform_login_failed'])
    expect(login.params.reason).to.equal('用户名或密码错误')
    const play = await refusal(platform().startPlay('00000000000000000098', CHANNEL))
    expect([play.status, play.code, play.params.reason]).to.deep.equal([502, 'cameras.platform_error', '点播超时'])
    const broken = await refusal(platform().startPlay('00000000000000000097', CHANNEL))
    expect([broken.status, broken.code]).to.deep.equal([502, 'cameras.platform_error'])
    const gone = await refusal(new VideoPlatform({ url: 'http://127.0.0.1:9', user: 'admin', password: 'secret', timeoutMs: 2000 }).startPlay(DEVICE, CHANNEL))
    expect([gone.status, gone.code]).to.deep.equal([502, 'cameras.platform_unreachable'])
  })

  it('answers a platform that does not answer in time as 504 naming the limit', async () => {
    const err = await refusal(platform('secret', 200).startPlay('00000000000000000099', CHANNEL))
    expect([err.status, err.code, err.params.ms]).to.deep.equal([504, 'cameras.platform_timeout', 200])
  })

  it('plays a registered camera through the platform over HTTP: 200 with the URLs, 504 problem when the platform hangs', async () => {
    const saved = { url: process.env.GRIDGOV_VIDEO_PLATFORM_URL, pw: process.env.GRIDGOV_VIDEO_PLATFORM_PASSWORD, ms: process.env.GRIDGOV_VIDEO_PLATFORM_TIMEOUT_MS }
    Object.assign(process.env, { GRIDGOV_VIDEO_PLATFORM_URL: base, GRIDGOV_VIDEO_PLATFORM_PASSWORD: 'secret', GRIDGOV_VIDEO_PLATFORM_TIMEOUT_MS: '300' })
    const client = await testClient()
    for (const [k, v] of [['GRIDGOV_VIDEO_PLATFORM_URL', saved.url], ['GRIDGOV_VIDEO_PLATFORM_PASSWORD', saved.pw], ['GRIDGOV_VIDEO_PLATFORM_TIMEOUT_MS', saved.ms]] as const) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
    const auth = await loginAs(client, 'street1')
    const { rows } = await client.context.knex.raw(`SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(geom) AS p FROM admin_division WHERE code = '990102001001') s`)
    const { lon, lat } = rows[0] as { lon: number; lat: number }
    const ids: number[] = []
    for (const device of [DEVICE, '00000000000000000099']) {
      const res = await client.post('/api/v1/cameras', { name: '平台监控', owner: '城管局', deviceId: device, channelId: CHANNEL, lon, lat,
        fieldOfView: { type: 'Polygon', coordinates: [[[lon, lat], [lon + 0.001, lat + 0.001], [lon - 0.001, lat + 0.001], [lon, lat]]] } }, auth)
      expect(res.statusCode, res.body).to.equal(201)
      ids.push(res.json().id)
    }
    try {
      const ok = await client.post(`/api/v1/cameras/${ids[0]}/play?protocol=flv`, {}, auth)
      expect(ok.statusCode, ok.body).to.equal(200)
      expect(ok.json()).to.include({ source: 'platform', protocol: 'flv', url: `http://media.local/rtp/${DEVICE}_${CHANNEL}.live.flv` })
      const slow = await client.post(`/api/v1/cameras/${ids[1]}/play`, {}, { ...auth, 'accept-language': 'zh-CN' })
      expect(slow.statusCode, slow.body).to.equal(504)
      expect(slow.headers['content-type']).to.match(/problem\+json/)
      expect(slow.body).to.include('视频平台在 300 毫秒内未响应')
    } finally {
      await client.context.knex('camera').whereIn('id', ids).delete()
    }
  })
})
