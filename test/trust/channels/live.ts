// The camera live proxy (/api/v1/cameras/{id}/live/{ticket}/{file}), per role. It takes no
// bearer: the ticket in the path stands for a user, so each principal is given a valid ticket of
// its own user for each site's camera (as POST play would issue, had the guard let it ask). With
// it, OUT's camera must answer 404 to every restricted principal (the user does not see it) and
// nothing of OUT's stream; a role that does not read cameras must be refused whatever camera; the
// command centre plays OUT (the positive control) and the first camera reader holding IN plays IN
// (the inside control). The cameras (plantRegisters.ts) are pointed at a local media server whose
// playlists name their site's tag.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Knex } from 'knex'
import type { Client } from '../../support/http.ts'
import type { Principal } from '../principals.ts'
import type { Site, Sites } from '../plant.ts'
import type { Tally } from '../matrix.ts'
import { LiveTickets } from '../../../server/cameras/live.ts'
import { CAMERA_READERS } from '../../../server/cameras/routes.ts'
import { resolveSecret } from '../../../server/auth/tokens.ts'
import { markersIn } from './types.ts'

const INSIDE_ORDER = ['community_staff', 'street_staff', 'district_staff', 'department', 'gis_analyst', 'grid_inspector', 'command_center'] as const

/** A media server: /live/{device}/index.m3u8 is a playlist whose segment is named after the camera's site. */
async function mediaServer(tags: Map<string, string>): Promise<{ base: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const device = /^\/live\/([0-9]{20})\/index\.m3u8$/.exec(req.url ?? '')?.[1]
    const tag = device ? tags.get(device) : undefined
    if (!tag) return void res.writeHead(404).end()
    res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl' })
    res.end(`#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\n${tag}-seg0.ts\n`)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()) }) }
}

export async function liveMatrix(client: Client, sites: Sites, principals: Principal[], tally: Tally): Promise<void> {
  const knex: Knex = client.context.knex
  const { authSecret, dataDir } = client.context.config
  const tickets = new LiveTickets(resolveSecret(authSecret, dataDir))
  const label = 'cameras · live proxy'
  tally.channels.add(label)
  const cameraOf = async (s: Site) => {
    const id = Number(s.reg.layerKeys.cameras)
    const row = await knex('camera').where({ id }).first('gb_device_id')
    return { id, device: row.gb_device_id as string }
  }
  const cams = { in: await cameraOf(sites.in), out: await cameraOf(sites.out) }
  const media = await mediaServer(new Map([[cams.in.device, sites.in.tag], [cams.out.device, sites.out.tag]]))
  try {
    await knex('camera').whereIn('id', [cams.in.id, cams.out.id]).update({ stream_url_template: `${media.base}/live/{deviceId}/index.m3u8` })
    const userId = async (username: string) => Number((await knex('app_user').where({ username }).first('id')).id)
    const play = (camera: number, user: number) => client.get(`/api/v1/cameras/${camera}/live/${tickets.issue(camera, user)}/index.m3u8`)
    const control = await play(cams.out.id, await userId('command'))
    if (control.statusCode !== 200 || markersIn(control.body, sites.out).length === 0) {
      tally.failures.push(`${label}: command does not play OUT (${control.statusCode} ${control.body.slice(0, 200)})`)
    }
    const insideRole = INSIDE_ORDER.find((r) => CAMERA_READERS.includes(r))
    for (const p of principals) {
      tally.cells++
      const where = `${label} as ${p.role}`
      const user = await userId(p.username)
      const out = await play(cams.out.id, user)
      const found = markersIn(out.body, sites.out)
      if (out.statusCode === 200 || found.length > 0) tally.leaks.push(`${where}: ${out.statusCode}, OUT's ${found.join(', ') || 'stream'} in the answer`)
      const reader = CAMERA_READERS.includes(p.role)
      if (reader && out.statusCode !== 404) tally.failures.push(`${where}: OUT's camera answers ${out.statusCode}, not 404`)
      if (!reader && out.statusCode !== 403 && out.statusCode !== 404) tally.failures.push(`${where}: the role may not read cameras, yet ${out.statusCode}`)
      if (!reader) {
        // IN lies inside the principal's jurisdiction: only the role keeps its stream out
        const inside = await play(cams.in.id, user)
        if (inside.statusCode === 200 || markersIn(inside.body, sites.in).length > 0) tally.leaks.push(`${where}: ${inside.statusCode}, IN's stream though the role may not read cameras`)
        else tally.refused++
      }
      if (p.role === insideRole) {
        const inside = await play(cams.in.id, user)
        if (inside.statusCode !== 200 || markersIn(inside.body, sites.in).length === 0) {
          tally.failures.push(`${where}: the inside control does not play IN (${inside.statusCode} ${inside.body.slice(0, 200)})`)
        }
      }
    }
  } finally {
    await media.close()
  }
}
