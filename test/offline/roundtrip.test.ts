// The offline package end to end: GDAL reads the GeoPackage (layers, counts against the database,
// EPSG:4490, GDAL's own GeoPackage validator) and the MBTiles; a street's copy holds nothing of
// the other street; a copy edited with GDAL (a component changed, one added, an event reported)
// syncs back and shows in the database and over REST; a feature changed on the server since the
// export is a conflict left as the server has it; a second sync of the same file applies nothing.
import { expect } from 'chai'
import fs from 'node:fs'
import path from 'node:path'
import type { Knex } from 'knex'
import Database from 'better-sqlite3'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { openOwnContext } from '../support/ownDatabase.ts'
import { download, geojsonFile, gpkgSql, gpkgValue, hasTool, scratchDir, STREET1, STREET2, sync, tool } from './support.ts'

const PY = '/usr/bin/python3'
const VALIDATOR = '/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py'

describe('offline package: export, GDAL, round trip', function () {
  this.timeout(600_000)
  let client: Client
  let knex: Knex
  let street1: Record<string, string>
  let dir: string
  let gpkg: string

  let closeOwn: (() => Promise<void>) | undefined

  before(async function () {
    if (!hasTool('ogrinfo') || !hasTool('ogr2ogr')) this.skip() // Debian gdal-bin
    // its own database: the round trip changes components (names, states, versions) that other
    // files (the WFS golden GeoJSON) read from the shared one
    const own = await openOwnContext('offline')
    closeOwn = own.close
    client = await testClient(own.context)
    knex = client.context.knex
    street1 = await loginAs(client, 'street1')
    dir = scratchDir()
    gpkg = path.join(dir, `${STREET1}.gpkg`)
    const r = await download(client, street1, `${STREET1}.gpkg`, gpkg)
    expect(r.status, r.body).to.equal(200)
    expect(r.packageId).to.match(/^[0-9a-f-]{36}$/)
  })
  after(async () => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
    await closeOwn?.()
  })

  // counted independently of the export's SQL: knex's builder over the tables themselves
  const count = async (table: string, where: (q: Knex.QueryBuilder) => void) => {
    const q = knex(table).where('community_code', 'like', `${STREET1.slice(0, 9)}%`)
    where(q)
    return Number((await q.count<{ n: string }[]>('* as n'))[0]!.n)
  }

  it('is a GeoPackage GDAL reads: the layers, the counts of the database, EPSG:4490, valid by GDAL\'s validator', async () => {
    const info = await tool('ogrinfo', ['-ro', '-so', gpkg])
    for (const l of ['base_grids (Multi Polygon)', 'components (Point)', 'addresses (Point)', 'roads (Multi Line String)', 'events (Point)', 'reports (Point)']) expect(info).to.include(l)
    const expected: Record<string, number> = {
      base_grids: await count('grid', (q) => q.where({ kind: 'base' }).whereNull('valid_to')),
      components: await count('component', () => undefined),
      addresses: await count('std_address', (q) => q.where({ level: 50 })),
      roads: await count('road', () => undefined),
      events: await count('event', (q) => q.whereNotIn('status', ['closed', 'evaluated', 'rejected', 'voided'])),
      reports: 0,
    }
    expect(expected.components).to.be.greaterThan(10)
    for (const [layer, n] of Object.entries(expected)) {
      const out = await tool('ogrinfo', ['-ro', '-so', gpkg, layer])
      expect(out, layer).to.include(`Feature Count: ${n}`)
      expect(out, layer).to.match(/ID\["EPSG",4490\]/)
    }
    expect(await gpkgValue(gpkg, "SELECT organization || ':' || organization_coordsys_id AS crs, definition LIKE 'GEOGCS[\"China Geodetic Coordinate System 2000\"%' AS wkt FROM gpkg_spatial_ref_sys WHERE srs_id = 4490"))
      .to.equal('EPSG:4490') // the first value; the definition checked below
    expect(await gpkgValue(gpkg, 'SELECT count(*) AS n FROM gpkg_spatial_ref_sys WHERE srs_id = 4490 AND definition LIKE \'%SPHEROID["CGCS2000",6378137,298.257222101%\'')).to.equal('1')
    // the extent recorded is the layer's own
    const e = (await knex.raw(`SELECT ST_XMin(x) AS x0, ST_YMax(x) AS y1 FROM (SELECT ST_Extent(geom)::geometry AS x FROM component WHERE community_code LIKE ?) s`, [`${STREET1.slice(0, 9)}%`])).rows[0]
    expect(Number(await gpkgValue(gpkg, "SELECT min_x FROM gpkg_contents WHERE table_name = 'components'"))).to.be.closeTo(Number(e.x0), 1e-9)
    expect(Number(await gpkgValue(gpkg, "SELECT max_y FROM gpkg_contents WHERE table_name = 'components'"))).to.be.closeTo(Number(e.y1), 1e-9)
    expect(await gpkgValue(gpkg, "SELECT count(*) FROM gpkg_extensions WHERE extension_name = 'gpkg_rtree_index'")).to.equal('6')
    // every exported feature of a synchronised layer has its baseline row
    expect(await gpkgValue(gpkg, "SELECT count(*) FROM gridgov_baseline WHERE layer = 'components' AND version IS NOT NULL")).to.equal(String(expected.components))
    if (fs.existsSync(PY) && fs.existsSync(VALIDATOR)) {
      const out = await tool(PY, [VALIDATOR, gpkg]) // Debian python3-gdal; exits non-zero on an error
      expect(out.trim()).to.equal('')
    }
    // ogr2ogr converts it (to GeoJSON, features intact)
    const gj = path.join(dir, 'components.geojson')
    await tool('ogr2ogr', ['-f', 'GeoJSON', gj, gpkg, 'components'])
    expect(JSON.parse(fs.readFileSync(gj, 'utf8')).features).to.have.length(expected.components!)
  })

  it('holds nothing of another street and refuses areas outside the jurisdiction (404)', async () => {
    expect(await gpkgValue(gpkg, `SELECT count(*) FROM components WHERE community_code NOT LIKE '${STREET1.slice(0, 9)}%'`)).to.equal('0')
    expect(await gpkgValue(gpkg, `SELECT count(*) FROM base_grids WHERE community_code NOT LIKE '${STREET1.slice(0, 9)}%'`)).to.equal('0')
    const other = await download(client, street1, `${STREET2}.gpkg`, path.join(dir, 'x.gpkg'))
    expect(other.status).to.equal(404)
    expect(JSON.parse(other.body).code).to.equal('offline.area_not_found')
    expect((await download(client, street1, '990100000000.mbtiles', path.join(dir, 'y'))).status).to.equal(404)
    const district = await loginAs(client, 'district')
    expect((await download(client, district, '990100000000.gpkg', path.join(dir, 'z'))).status).to.equal(404)
    expect((await client.get(`/api/v1/offline/${STREET1}.gpkg`)).statusCode).to.equal(401)
    expect((await client.get(`/api/v1/offline/${STREET1}.gpkg`, await loginAs(client, 'auditor'))).statusCode).to.equal(403)
  })

  it('writes the vector tiles as MBTiles GDAL reads, with vector_layers metadata', async () => {
    const mb = path.join(dir, `${STREET1}.mbtiles`)
    expect((await download(client, street1, `${STREET1}.mbtiles`, mb)).status).to.equal(200)
    const info = await tool('ogrinfo', ['-ro', '-so', mb])
    expect(info).to.include('using driver `MBTiles\' successful')
    for (const l of ['base_grids', 'roads', 'addresses', 'components']) expect(info).to.match(new RegExp(`\\d+: ${l}`))
    const db = new Database(mb, { readonly: true })
    const meta = new Map((db.prepare('SELECT name, value FROM metadata').all() as { name: string; value: string }[]).map((r) => [r.name, r.value]))
    const tiles = Number((db.prepare('SELECT count(*) AS n FROM tiles').get() as { n: number }).n)
    db.close()
    expect(meta.get('format')).to.equal('pbf')
    expect(tiles).to.be.greaterThan(0)
    const json = JSON.parse(meta.get('json') ?? '{}')
    expect(json.vector_layers.map((v: { id: string }) => v.id)).to.include.members(['base_grids', 'components'])
  })

  it('syncs a copy edited with GDAL: changed, added, reported applied; a server-side change is a conflict; twice applies nothing twice', async () => {
    const comps = (await knex.raw(`SELECT id, class_code, name, community_code, ST_X(geom) AS x, ST_Y(geom) AS y FROM component WHERE community_code LIKE ? ORDER BY id LIMIT 2`, [`${STREET1.slice(0, 9)}%`])).rows
    const [a, b] = comps
    const cls = (await knex.raw("SELECT code FROM event_class WHERE length(code) = 4 ORDER BY code LIMIT 1")).rows[0].code
    const newId = `${a.id.slice(0, 10)}9${String(Date.now() % 100000).padStart(5, '0')}`
    // the field: A's state and name, B's name, a new component beside A, a report beside A
    await gpkgSql(gpkg, `UPDATE components SET state = '破损', name = '外业改名' WHERE id = '${a.id}'`)
    await gpkgSql(gpkg, `UPDATE components SET name = '外业也改了' WHERE id = '${b.id}'`)
    await tool('ogr2ogr', ['-update', '-append', gpkg, geojsonFile(dir, 'new', { id: newId, class_code: a.class_code, name: '新增部件', state: '完好', community_code: a.community_code }, a.x + 0.00001, a.y), '-nln', 'components'])
    await tool('ogr2ogr', ['-update', '-append', gpkg, geojsonFile(dir, 'report', { class_code: cls, description: '外业发现井盖破损', priority: 2 }, a.x, a.y + 0.00001), '-nln', 'reports'])
    // the server: B renamed after the export
    await knex('component').where({ id: b.id }).update({ name: '服务器改名' })
    const events0 = Number((await knex('event').count('* as n'))[0]!.n)

    const first = await sync(client, street1, STREET1, fs.readFileSync(gpkg))
    expect(first.status, first.body).to.equal(200)
    const byId = (r: { features: { id: string; layer: string; outcome: string }[] }, id: string) => r.features.find((f) => f.id === id)
    expect(byId(first.json, a.id)?.outcome).to.equal('applied')
    expect(byId(first.json, newId)?.outcome, first.body).to.equal('applied')
    expect(byId(first.json, b.id)?.outcome).to.equal('conflict')
    const rep = first.json.features.find((f: { layer: string }) => f.layer === 'reports')
    expect(rep.outcome, first.body).to.equal('applied')
    expect(first.json.summary).to.deep.equal({ applied: 3, unchanged: 0, conflict: 1, refused: 0 })

    const rowA = await knex('component').where({ id: a.id }).first()
    expect(rowA).to.include({ state: '破损', name: '外业改名' })
    const rowN = await knex('component').where({ id: newId }).first()
    expect(rowN).to.include({ name: '新增部件', community_code: a.community_code })
    expect(rowN.grid_code).to.match(/^\d+/)
    expect((await knex('component').where({ id: b.id }).first()).name).to.equal('服务器改名')
    const ev = await client.get(`/api/v1/events/${rep.id}`, street1)
    expect(ev.statusCode).to.equal(200)
    expect(ev.json()).to.deep.include({ description: '外业发现井盖破损', channel: 'superior', priority: 2 })
    expect(ev.json().class.code).to.equal(cls)

    const second = await sync(client, street1, STREET1, fs.readFileSync(gpkg))
    expect(second.status).to.equal(200)
    expect(second.json.summary.applied).to.equal(0)
    expect(byId(second.json, a.id)?.outcome).to.equal('unchanged')
    expect(byId(second.json, newId)?.outcome).to.equal('unchanged')
    expect(second.json.features.find((f: { layer: string }) => f.layer === 'reports')).to.include({ outcome: 'unchanged', id: rep.id })
    expect(Number((await knex('event').count('* as n'))[0]!.n)).to.equal(events0 + 1)
    expect(Number((await knex('offline_sync').where({ package_id: first.json.packageId }).count('* as n'))[0]!.n)).to.equal(2)
  })

  it('refuses a new component the import rules refuse, naming the rule, and applies nothing of it', async () => {
    const file = path.join(dir, 'outside.gpkg')
    expect((await download(client, street1, `${STREET1}.gpkg`, file)).status).to.equal(200)
    const a = (await knex.raw('SELECT id, class_code, community_code, ST_X(geom) AS x, ST_Y(geom) AS y FROM component WHERE community_code LIKE ? ORDER BY id LIMIT 1', [`${STREET1.slice(0, 9)}%`])).rows[0]
    const id = `${a.id.slice(0, 10)}8${String(Date.now() % 100000).padStart(5, '0')}`
    await tool('ogr2ogr', ['-update', '-append', file, geojsonFile(dir, 'far', { id, class_code: a.class_code, name: '远处', state: '完好', community_code: a.community_code }, a.x + 0.2, a.y), '-nln', 'components'])
    const r = await sync(client, street1, STREET1, fs.readFileSync(file))
    expect(r.status, r.body).to.equal(200)
    expect(r.json.features).to.have.length(1)
    expect(r.json.features[0]).to.include({ id, outcome: 'refused', code: 'topology_violation' })
    expect(r.json.features[0].reason).to.match(/outside its community/)
    expect(await knex('component').where({ id }).first()).to.equal(undefined)
  })

  it('masks the personal numbers of event descriptions by the one masking rule: street staff masked, the command centre in full', async () => {
    const command = await loginAs(client, 'command')
    const at = (await knex.raw('SELECT ST_X(geom) AS x, ST_Y(geom) AS y FROM component WHERE community_code LIKE ? ORDER BY id LIMIT 1', [`${STREET1.slice(0, 9)}%`])).rows[0]
    const cls = (await knex.raw('SELECT code FROM event_class WHERE length(code) = 4 ORDER BY code LIMIT 1')).rows[0].code
    const made = await client.post('/api/v1/events', { channel: 'superior', demandType: '投诉举报', classCode: cls, description: '联系人电话13812345678，井盖缺失',
      location: { x: at.x, y: at.y, crs: 'EPSG:4490' } }, command)
    expect(made.statusCode, made.body).to.equal(201)
    const number = made.json().event.number
    const asStreet = path.join(dir, 'street-events.gpkg'), asCommand = path.join(dir, 'command-events.gpkg')
    expect((await download(client, street1, `${STREET1}.gpkg`, asStreet)).status).to.equal(200)
    expect((await download(client, command, `${STREET1}.gpkg`, asCommand)).status).to.equal(200)
    expect(await gpkgValue(asStreet, `SELECT description FROM events WHERE number = '${number}'`)).to.equal('联系人电话138****5678，井盖缺失')
    expect(await gpkgValue(asCommand, `SELECT description FROM events WHERE number = '${number}'`)).to.equal('联系人电话13812345678，井盖缺失')
    // no reporter columns at all
    expect(await tool('ogrinfo', ['-ro', '-so', asCommand, 'events'])).to.not.match(/reporter/)
  })

  it('refuses, feature by feature, a component edit by a role that may not edit components', async () => {
    const inspector = await loginAs(client, 'inspector')
    const file = path.join(dir, 'inspector.gpkg')
    expect((await download(client, inspector, '990102001001.gpkg', file)).status).to.equal(200)
    const c = (await knex('component').where('community_code', '990102001001').orderBy('id').offset(3).first('id'))
    await gpkgSql(file, `UPDATE components SET name = '网格员改名' WHERE id = '${c.id}'`)
    const r = await sync(client, inspector, '990102001001', fs.readFileSync(file))
    expect(r.status, r.body).to.equal(200)
    expect(r.json.features).to.deep.include({ layer: 'components', fid: r.json.features[0].fid, id: c.id, outcome: 'refused', reason: 'role grid_inspector may not change components', code: 'auth.role_forbidden' })
    expect((await knex('component').where({ id: c.id }).first()).name).to.not.equal('网格员改名')
  })
})
