// The 视频 panel end to end (Debian chromium): an H.264 HLS stream made here with Debian's ffmpeg
// is served by a stand-in of the video platform (wvp's sign-in and play start, and the media
// files); the community user opens its video patrol round, the first camera plays through our
// origin with hls.js (loaded only then) and its frames advance; 正常 moves to the second camera,
// and 发现问题并上报 sends the frame on screen: the server holds a video_patrol event whose JPEG
// attachment has the stream's own size.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import http from 'node:http'
import { spawnSync } from 'node:child_process'
import type { AddressInfo } from 'node:net'
import { createHash, randomInt } from 'node:crypto'
import { expect } from 'chai'
import type { Browser, Page } from 'playwright-core'
import sharp from 'sharp'
import type { AppContext } from '../../server/context.ts'
import { blobPath } from '../../server/events/attachments.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { pointIn } from '../events/helpers.ts'
import { type RunningApp, type WatchedPage } from './browser.ts'
import { browserSuite, signedIn } from '../support/browserSuite.ts'

const ENV = ['GRIDGOV_VIDEO_PLATFORM_URL', 'GRIDGOV_VIDEO_PLATFORM_PASSWORD'] as const
const gb = () => `3402${String(randomInt(1e9)).padStart(9, '0')}${String(randomInt(1e7)).padStart(7, '0')}`

/** Polls an asynchronous condition (the page's CSP forbids waitForFunction's eval). */
async function until(check: () => Promise<boolean>, ms = 30_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (await check()) return true
  return check()
}
const currentTime = (page: Page) => page.locator('.camera-video').evaluate((v) => (v as unknown as { currentTime: number }).currentTime)

describe('视频 panel in a browser', function () {
  this.timeout(180_000)
  let ctx: AppContext
  let app: RunningApp
  let browser: Browser
  let watched: WatchedPage | undefined
  let client: Client
  let standIn: http.Server
  const saved: Record<string, string | undefined> = {}
  const media = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-hls-'))
  const cameras: number[] = []
  let patrol = 0

  browserSuite({
    prepare: async () => {
      // 6 s of the test pattern, 1 s segments, a finished (VOD) playlist
      const ff = spawnSync('ffmpeg', ['-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-t', '6', '-c:v', 'libx264', '-preset', 'ultrafast',
        '-pix_fmt', 'yuv420p', '-g', '25', '-f', 'hls', '-hls_time', '1', '-hls_list_size', '0', '-hls_playlist_type', 'vod',
        '-hls_segment_filename', path.join(media, 'seg%d.ts'), path.join(media, 'hls.m3u8')], { encoding: 'utf8' })
      expect(ff.status, ff.stderr).to.equal(0)
      standIn = http.createServer((req, res) => {
        const url = new URL(req.url!, 'http://x')
        const json = (body: unknown) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)) }
        if (url.pathname === '/api/user/login') {
          const ok = url.searchParams.get('password') === createHash('md5').update('secret').digest('hex')
          return json(ok ? { code: 0, msg: '成功', data: { accessToken: 'tok' } } : { code: 401, msg: '用户名或密码错误' })
        }
        if (url.pathname.startsWith('/api/play/start/')) {
          if (req.headers['access-token'] !== 'tok') return json({ code: 401, msg: '请登录' })
          const { port } = standIn.address() as AddressInfo
          return json({ code: 0, msg: '成功', data: { app: 'rtp', stream: 's', hls: `http://127.0.0.1:${port}/rtp/s/hls.m3u8`, flv: `http://127.0.0.1:${port}/rtp/s.live.flv` } })
        }
        const file = /^\/rtp\/s\/((?:hls\.m3u8)|(?:seg\d+\.ts))$/.exec(url.pathname)?.[1]
        if (!file) { res.writeHead(404); return res.end() }
        res.writeHead(200, { 'content-type': file.endsWith('.ts') ? 'video/mp2t' : 'application/vnd.apple.mpegurl' })
        res.end(fs.readFileSync(path.join(media, file)))
      })
      await new Promise<void>((r) => standIn.listen(0, '127.0.0.1', r))
      for (const k of ENV) saved[k] = process.env[k]
      process.env.GRIDGOV_VIDEO_PLATFORM_URL = `http://127.0.0.1:${(standIn.address() as AddressInfo).port}`
      process.env.GRIDGOV_VIDEO_PLATFORM_PASSWORD = 'secret'
    },
    ready: async (s) => {
      ({ ctx, app, browser } = s)
      for (const k of ENV) { if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k] }
      client = await testClient(ctx)
      const district = await loginAs(client, 'district')
      const p = await pointIn(ctx.knex, '990102001001')
      for (const name of ['东门监控', '西门监控']) {
        const res = await client.post('/api/v1/cameras', { name, owner: '区城管局', deviceId: gb(), channelId: gb(), lon: p.lon, lat: p.lat,
          fieldOfView: { type: 'Polygon', coordinates: [[[p.lon, p.lat], [p.lon + 0.001, p.lat + 0.001], [p.lon - 0.001, p.lat + 0.001], [p.lon, p.lat]]] } }, district)
        expect(res.statusCode, res.body).to.equal(201)
        cameras.push(res.json().id)
      }
      const member = await ctx.knex('app_user').where({ username: 'community' }).first('id')
      const round = await client.post('/api/v1/cameras/patrols', { name: '浏览器视频巡查', shiftDate: '2026-12-04', assigneeId: Number(member.id), cameraIds: cameras }, district)
      expect(round.statusCode, round.body).to.equal(201)
      patrol = round.json().id
    },
    closing: async () => { await watched?.close() },
    closed: async () => {
      standIn?.closeAllConnections()
      await new Promise((r) => standIn?.close(r))
      fs.rmSync(media, { recursive: true, force: true })
      await ctx?.knex('camera_patrol').where('id', patrol).delete()
      await ctx?.knex('camera').whereIn('id', cameras).delete()
    },
  })

  it('plays the round\'s cameras with hls.js through our origin, frames advancing, and reports a finding with the frame seen', async () => {
    watched = await signedIn(browser, app.base, 'community')
    const page = watched.page
    const scripts: string[] = []
    page.on('request', (r) => { if (r.resourceType() === 'script') scripts.push(r.url()) })
    await page.click('.dock-tab[data-tab="cameras"]')
    await page.waitForSelector('.cameras-panel[data-state="ready"]', { timeout: 30_000 })
    expect(scripts.filter((u) => /hls/i.test(u)), 'hls.js is not loaded before a stream plays').to.deep.equal([])

    await page.click(`.patrol[data-patrol="${patrol}"]`)
    await page.waitForSelector('.stop.current[data-seq="1"]')
    // frames advance: the clock of the playing video grows past two readings
    expect(await until(async () => await currentTime(page) > 0.5), 'the first camera starts playing').to.equal(true)
    const first = await currentTime(page)
    expect(await until(async () => await currentTime(page) > first + 0.5), 'frames advance').to.equal(true)
    expect(scripts.some((u) => /hls/i.test(u)), 'hls.js loaded on play').to.equal(true)
    expect(await page.locator('.camera-player').getAttribute('data-camera')).to.equal(String(cameras[0]))

    await page.click('.check-normal')
    await page.waitForSelector('.stop.current[data-seq="2"]')
    await page.waitForSelector(`.camera-player[data-camera="${cameras[1]}"]`)
    expect(await until(async () => await currentTime(page) > 0.5), 'the second camera plays').to.equal(true)
    await page.fill('.check-form input[name="classCode"]', '0102')
    await page.fill('.check-form textarea[name="description"]', '视频巡查：西门占道经营')
    await page.click('.check-finding')
    await page.waitForSelector('.round-done')
    const message = await page.locator('.cameras-message').innerText()

    const stops = await ctx.knex('camera_patrol_stop').where({ patrol_id: patrol }).orderBy('seq').select('state', 'event_number')
    expect(stops.map((s) => s.state)).to.deep.equal(['normal', 'finding'])
    const number = stops[1]!.event_number as string
    expect(message).to.equal(`已上报事件 ${number}（附截图）`)
    const ev = await ctx.knex('event').where({ number }).first('id', 'channel')
    expect(ev.channel).to.equal('video_patrol')
    const [file] = await ctx.knex('event_attachment').where({ event_id: ev.id }).select('sha256', 'media_type')
    expect(file.media_type).to.equal('image/jpeg')
    // the snapshot is a frame of the stream: its size is the one ffmpeg encoded
    const meta = await sharp(blobPath(ctx.config.dataDir, file.sha256)).metadata()
    expect([meta.format, meta.width, meta.height]).to.deep.equal(['jpeg', 320, 240])
  })
})
