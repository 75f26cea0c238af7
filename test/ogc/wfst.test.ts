// WFS-T by raw POST (in-process): 2.0.0 Insert / Update / Delete of components and grids, the
// transaction response, the optimistic version check, and refusals that apply nothing
// (topology, jurisdiction, role, hostile XML), each checked in the database.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { testClient, type Client } from '../support/http.ts'
import { createField, deleteField } from '../../server/fields/store.ts'
import { allFields } from '../../server/fields/definitions.ts'
import { applyFields } from '../../server/fields/catalogue.ts'
import { all, basic, expectException, kid, parse } from './wfs-support.ts'
import { componentXml, newComponentId, NS11, point, pointIn, polygonXml, ringOf, tx20 } from './wfst-support.ts'
import { openOwnContext } from '../support/ownDatabase.ts'
import type { AppContext } from '../../server/context.ts'

const C1 = '990102001001' // street1's first community (street1, community and inspector users)
const C_OTHER = '990102002001' // street2's

describe('WFS-T Transaction (raw POST)', function () {
  this.timeout(120_000)
  // its own database: it changes grids or components that other files read from the shared one
  let own: { close(): Promise<void> } & { context: AppContext } | undefined
  let client: Client
  let knex: Knex
  const post = (body: string, user = 'street1') => client.post('/ogc/wfs', body, { 'content-type': 'text/xml', ...basic(user) })
  const componentRow = (id: string) => knex('component').where({ id }).first('id', 'name', 'state', 'version', 'grid_code', 'community_code',
    knex.raw('ST_X(geom) AS lon'), knex.raw('ST_Y(geom) AS lat'))
  const countIds = async (ids: string[]) => Number((await knex('component').whereIn('id', ids).count({ n: '*' }).first())!.n)

  before(async () => {
    own = await openOwnContext('wfst')
    client = await testClient(own.context)
    knex = client.context.knex
  })
  after(async () => { await own?.close() })

  it('advertises Transaction to editing roles only (2.0.0 and 1.1.0 with per-type Operations)', async () => {
    const cap = (user: string, v = '2.0.0') => client.get(`/ogc/wfs?SERVICE=WFS&REQUEST=GetCapabilities&ACCEPTVERSIONS=${v}`, basic(user))
    const ops = (xml: string) => all(parse(xml), 'ows:Operation').map((o) => o.attrs.name)
    const constraint = (xml: string) => all(parse(xml), 'ows:Constraint').find((c) => c.attrs.name === 'ImplementsTransactionalWFS')
    const editor = (await cap('street1')).body
    expect(ops(editor)).to.include('Transaction')
    expect(kid(constraint(editor)!, 'ows:DefaultValue').text).to.equal('TRUE')
    // departments read places and grids but write neither
    const reader = (await cap('department')).body
    expect(ops(reader)).to.not.include('Transaction')
    expect(kid(constraint(reader)!, 'ows:DefaultValue').text).to.equal('FALSE')
    const v11 = parse((await cap('street1', '1.1.0')).body)
    expect(all(v11, 'ows:Operation').map((o) => o.attrs.name)).to.include('Transaction')
    const types = all(v11, 'wfs:FeatureType')
    const opsOf = (name: string) => all(types.find((t) => kid(t, 'wfs:Name').text === name)!, 'wfs:Operation').map((o) => o.text)
    expect(opsOf('gridgov:components')).to.deep.equal(['Query', 'Insert', 'Update', 'Delete'])
    expect(opsOf('gridgov:base_grids')).to.deep.equal(['Query', 'Insert', 'Update', 'Delete'])
    expect(opsOf('gridgov:admin_divisions')).to.deep.equal([])
    // registers are corrected, never deleted (as over REST)
    expect(opsOf('gridgov:places')).to.deep.equal(['Query', 'Insert', 'Update'])
  })

  it('writes a register with places through its REST create and patch (versioned), and refuses deleting it', async () => {
    const p = await pointIn(knex, C1, 0.00004)
    const ins = await post(tx20(`<wfs:Insert><gridgov:places gml:id="new-school"><gridgov:name>WFS 小学</gridgov:name><gridgov:kind>school</gridgov:kind>
      <gridgov:risk_level>medium</gridgov:risk_level><gridgov:community_code>${C1}</gridgov:community_code><gridgov:geom>${point(p.lon, p.lat)}</gridgov:geom></gridgov:places></wfs:Insert>`))
    expect(ins.statusCode, ins.body).to.equal(200)
    const id = all(parse(ins.body), 'fes:ResourceId')[0]!.attrs.rid!.replace('places.', '')
    const auth = basic('street1')
    const rest = await client.get(`/api/v1/places/${id}`, auth)
    expect(rest.statusCode, rest.body).to.equal(200)
    expect(rest.json()).to.include({ name: 'WFS 小学', kind: 'school', riskLevel: 'medium', communityCode: C1, version: 1 })
    const bump = (version: number) => post(tx20(`<wfs:Update typeName="gridgov:places"><wfs:Property><wfs:ValueReference>risk_level</wfs:ValueReference>
      <wfs:Value>high</wfs:Value></wfs:Property><fes:Filter><fes:ResourceId rid="places.${id}" version="${version}"/></fes:Filter></wfs:Update>`))
    expect((await bump(1)).statusCode).to.equal(200)
    expect((await client.get(`/api/v1/places/${id}`, auth)).json()).to.include({ riskLevel: 'high', version: 2 })
    expectException(await bump(1), 409, 'OperationProcessingFailed', `places.${id}`)
    // the REST schema's own refusal (an unknown kind), named by the feature
    expectException(await post(tx20(`<wfs:Insert><gridgov:places gml:id="odd"><gridgov:name>x</gridgov:name><gridgov:kind>castle</gridgov:kind>
      <gridgov:community_code>${C1}</gridgov:community_code><gridgov:geom>${point(p.lon, p.lat)}</gridgov:geom></gridgov:places></wfs:Insert>`)), 400, 'InvalidValue', 'odd')
    expectException(await post(tx20(`<wfs:Delete typeName="gridgov:places"><fes:Filter><fes:ResourceId rid="places.${id}"/></fes:Filter></wfs:Delete>`)), 400, 'OperationProcessingFailed')
    expect((await client.get(`/api/v1/places/${id}`, auth)).statusCode).to.equal(200)
  })

  it('inserts, updates (optimistic version) and deletes components, answering a TransactionResponse', async () => {
    const p = await pointIn(knex, C1)
    const a = { id: await newComponentId(knex, C1), name: '井盖甲', community: C1, ...p }
    const b = { id: await newComponentId(knex, C1), name: '井盖乙', community: C1, lon: p.lon + 0.00001, lat: p.lat }
    const ins = await post(tx20(`<wfs:Insert handle="crew">${componentXml(a)}${componentXml(b)}</wfs:Insert>`))
    expect(ins.statusCode, ins.body).to.equal(200)
    const res = parse(ins.body)
    expect(res.name).to.equal('wfs:TransactionResponse')
    expect(kid(kid(res, 'wfs:TransactionSummary'), 'wfs:totalInserted').text).to.equal('2')
    expect(all(res, 'fes:ResourceId').map((r) => r.attrs.rid)).to.deep.equal([`components.${a.id}`, `components.${b.id}`])
    const stored = await componentRow(a.id)
    expect(stored).to.include({ name: '井盖甲', state: '完好', version: 1, community_code: C1 })
    expect(Number(stored.lon)).to.be.closeTo(p.lon, 1e-9)
    // geocoded to the base grid containing it, as an import does
    const grid = await knex.raw("SELECT code FROM grid WHERE kind = 'base' AND valid_to IS NULL AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint(?, ?), 4490)) ORDER BY code LIMIT 1", [p.lon, p.lat])
    expect(stored.grid_code).to.equal(grid.rows[0]?.code ?? null)

    const rename = (version: number, name: string) => tx20(`<wfs:Update typeName="gridgov:components" handle="rename">
      <wfs:Property><wfs:ValueReference>state</wfs:ValueReference><wfs:Value>破损</wfs:Value></wfs:Property>
      <wfs:Property><wfs:ValueReference>name</wfs:ValueReference><wfs:Value>${name}</wfs:Value></wfs:Property>
      <fes:Filter><fes:ResourceId rid="components.${a.id}" version="${version}"/></fes:Filter></wfs:Update>`)
    const upd = await post(rename(1, '井盖甲（破）'))
    expect(upd.statusCode, upd.body).to.equal(200)
    expect(kid(kid(parse(upd.body), 'wfs:TransactionSummary'), 'wfs:totalUpdated').text).to.equal('1')
    expect(await componentRow(a.id)).to.include({ name: '井盖甲（破）', state: '破损', version: 2 })
    // a second client still holding version 1 is refused, naming the feature; nothing changes
    const stale = await post(rename(1, '覆盖'))
    const text = expectException(stale, 409, 'OperationProcessingFailed', `components.${a.id}`)
    expect(text).to.match(/version 1.*version 2/)
    expect(await componentRow(a.id)).to.include({ name: '井盖甲（破）', version: 2 })

    // move b by a geometry update in another CRS (urn: lat,lon order)
    const moved = await post(tx20(`<wfs:Update typeName="gridgov:components"><wfs:Property><wfs:ValueReference>geom</wfs:ValueReference>
      <wfs:Value><gml:Point srsName="urn:ogc:def:crs:EPSG::4490"><gml:pos>${p.lat + 0.00002} ${p.lon}</gml:pos></gml:Point></wfs:Value></wfs:Property>
      <fes:Filter><fes:ResourceId rid="components.${b.id}"/></fes:Filter></wfs:Update>`))
    expect(moved.statusCode, moved.body).to.equal(200)
    expect(Number((await componentRow(b.id)).lat)).to.be.closeTo(p.lat + 0.00002, 1e-9)

    const del = await post(tx20(`<wfs:Delete typeName="gridgov:components"><fes:Filter>
      <fes:ResourceId rid="components.${a.id}"/><fes:ResourceId rid="components.${b.id}"/></fes:Filter></wfs:Delete>`))
    expect(del.statusCode, del.body).to.equal(200)
    expect(kid(kid(parse(del.body), 'wfs:TransactionSummary'), 'wfs:totalDeleted').text).to.equal('2')
    expect(await countIds([a.id, b.id])).to.equal(0)
  })

  it('takes the 1.0.0 transactions QGIS writes (GML 2 coordinates, ogc:FeatureId) and answers WFS_TransactionResponse', async () => {
    const p = await pointIn(knex, C1, -0.00002)
    const id = await newComponentId(knex, C1)
    const qgis = (body: string) => `<?xml version="1.0"?><Transaction xmlns="http://www.opengis.net/wfs" version="1.0.0" service="WFS" ` +
      `xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">${body}</Transaction>`
    const ins = await post(qgis(`<Insert xmlns="http://www.opengis.net/wfs"><gridgov:components xmlns:gridgov="https://gridgov.invalid/ns">
      <gridgov:id>${id}</gridgov:id><gridgov:name>QGIS 新增</gridgov:name><gridgov:community_code>${C1}</gridgov:community_code>
      <gridgov:geom><gml:Point xmlns:gml="http://www.opengis.net/gml" srsName="EPSG:4490"><gml:coordinates cs="," ts=" ">${p.lon},${p.lat}</gml:coordinates></gml:Point></gridgov:geom>
      </gridgov:components></Insert>`))
    expect(ins.statusCode, ins.body).to.equal(200)
    const res = parse(ins.body)
    expect(res.name).to.equal('wfs:WFS_TransactionResponse')
    expect(all(res, 'ogc:FeatureId').map((f) => f.attrs.fid)).to.deep.equal([`components.${id}`])
    expect(all(res, 'wfs:SUCCESS')).to.have.length(1)
    const upd = await post(qgis(`<Update xmlns="http://www.opengis.net/wfs" typeName="gridgov:components"><Property><Name>name</Name><Value>QGIS 改名</Value></Property>
      <Filter xmlns="http://www.opengis.net/ogc"><FeatureId fid="components.${id}"/></Filter></Update>`))
    expect(upd.statusCode, upd.body).to.equal(200)
    expect(await componentRow(id)).to.include({ name: 'QGIS 改名', version: 2 })
    expect((await post(qgis(`<Delete xmlns="http://www.opengis.net/wfs" typeName="gridgov:components"><Filter xmlns="http://www.opengis.net/ogc"><FeatureId fid="components.${id}"/></Filter></Delete>`))).statusCode).to.equal(200)
    expect(await componentRow(id)).to.equal(undefined)
  })

  it('judges user-defined fields (server/fields) on insert and update like REST', async () => {
    await knex.transaction((trx) => createField(trx, 'components', { name: 'depth_cm', label: '井深', type: 'integer' }))
    applyFields(client.context.catalogue, await allFields(knex))
    try {
      const c = { id: await newComponentId(knex, C1), name: '带井深', community: C1, ...(await pointIn(knex, C1, -0.00004)) }
      const ins = await post(tx20(`<wfs:Insert>${componentXml(c).replace('</gridgov:name>', '</gridgov:name><gridgov:depth_cm>120</gridgov:depth_cm>')}</wfs:Insert>`))
      expect(ins.statusCode, ins.body).to.equal(200)
      expect((await knex('component').where({ id: c.id }).first('extra')).extra).to.deep.equal({ depth_cm: 120 })
      const set = (v: string) => post(tx20(`<wfs:Update typeName="gridgov:components"><wfs:Property><wfs:ValueReference>depth_cm</wfs:ValueReference>
        <wfs:Value>${v}</wfs:Value></wfs:Property><fes:Filter><fes:ResourceId rid="components.${c.id}"/></fes:Filter></wfs:Update>`))
      expect(expectException(await set('deep'), 400, 'InvalidValue', `components.${c.id}`)).to.include('depth_cm')
      expect((await set('95')).statusCode).to.equal(200)
      expect((await knex('component').where({ id: c.id }).first('extra')).extra).to.deep.equal({ depth_cm: 95 })
    } finally {
      await knex.transaction((trx) => deleteField(trx, 'components', 'depth_cm'))
      applyFields(client.context.catalogue, await allFields(knex))
    }
  })

  it('edits grids through the REST rules: retire + re-create in one transaction, rename (1.1.0), reshape (new version)', async () => {
    const [old] = await knex('grid').where({ kind: 'base', community_code: C1 }).whereNull('valid_to').orderBy('code', 'desc').limit(1).select('code', 'version')
    const ring = await ringOf(knex, old.code)
    const res = await post(tx20(`<wfs:Delete typeName="gridgov:base_grids"><fes:Filter><fes:ResourceId rid="base_grids.${old.code}"/></fes:Filter></wfs:Delete>
      <wfs:Insert><gridgov:base_grids><gridgov:name>重划网格</gridgov:name><gridgov:community_code>${C1}</gridgov:community_code>
      <gridgov:geom>${polygonXml(ring)}</gridgov:geom></gridgov:base_grids></wfs:Insert>`))
    expect(res.statusCode, res.body).to.equal(200)
    const rid = all(parse(res.body), 'fes:ResourceId')[0]!.attrs.rid!
    const code = rid.replace('base_grids.', '')
    expect(code).to.match(new RegExp(`^${C1}\\d{3}$`)).and.not.equal(old.code)
    // read back over REST
    const auth = basic('street1')
    const rest = await client.get(`/api/v1/grids/${code}`, auth)
    expect(rest.statusCode).to.equal(200)
    expect(rest.json().properties).to.include({ name: '重划网格', version: 1, communityCode: C1 })
    expect((await client.get(`/api/v1/grids/${old.code}`, auth)).statusCode).to.equal(404)

    // GDAL's 1.1.0 dialect: wfs:Name and ogc:GmlObjectId
    const rename = await post(`<wfs:Transaction service="WFS" version="1.1.0" ${NS11}><wfs:Update typeName="gridgov:base_grids">
      <wfs:Property><wfs:Name>name</wfs:Name><wfs:Value>改名网格</wfs:Value></wfs:Property>
      <wfs:Property><wfs:Name>households</wfs:Name><wfs:Value>321</wfs:Value></wfs:Property>
      <ogc:Filter><ogc:GmlObjectId gml:id="base_grids.${code}"/></ogc:Filter></wfs:Update></wfs:Transaction>`)
    expect(rename.statusCode, rename.body).to.equal(200)
    expect(rename.body).to.include('xmlns:wfs="http://www.opengis.net/wfs"').and.include('<wfs:totalUpdated>1</wfs:totalUpdated>')
    expect((await client.get(`/api/v1/grids/${code}`, auth)).json().properties).to.include({ name: '改名网格', households: 321, version: 1 })

    // a boundary change: shrink inward (gaps are allowed, overlaps are not) → version 2
    const { rows } = await knex.raw("SELECT ST_AsGeoJSON(ST_GeometryN(ST_Buffer(geom, -0.00002), 1), 9)::json AS g FROM grid WHERE code = ? AND valid_to IS NULL", [code])
    const reshape = await post(tx20(`<wfs:Update typeName="gridgov:base_grids"><wfs:Property><wfs:ValueReference>geom</wfs:ValueReference>
      <wfs:Value>${polygonXml(rows[0].g.coordinates[0])}</wfs:Value></wfs:Property>
      <fes:Filter><fes:ResourceId rid="base_grids.${code}" version="1"/></fes:Filter></wfs:Update>`))
    expect(reshape.statusCode, reshape.body).to.equal(200)
    expect((await client.get(`/api/v1/grids/${code}`, auth)).json().properties).to.include({ name: '改名网格', version: 2 })
  })

  it('fires the change notifications the tile and WMS caches drop by, on commit only', async () => {
    const seen: { table: string; bbox: number[] }[] = []
    const unlisten = await client.context.listen('gridgov_changes', (payload) => seen.push(JSON.parse(payload)))
    try {
      const p = await pointIn(knex, C1, 0.00003)
      const c = { id: await newComponentId(knex, C1), name: '通知', community: C1, ...p }
      // the component is written, then an overlapping grid refuses the transaction: rolled back, nothing announced
      const [g] = await knex('grid').where({ kind: 'base', community_code: C1 }).whereNull('valid_to').orderBy('code').limit(1).select('code')
      const overlap = `<wfs:Insert><gridgov:base_grids><gridgov:name>重叠</gridgov:name><gridgov:community_code>${C1}</gridgov:community_code>` +
        `<gridgov:geom>${polygonXml(await ringOf(knex, g.code))}</gridgov:geom></gridgov:base_grids></wfs:Insert>`
      expectException(await post(tx20(`<wfs:Insert>${componentXml(c)}</wfs:Insert>${overlap}`)), 422, 'OperationProcessingFailed')
      expect((await post(tx20(`<wfs:Insert>${componentXml(c)}</wfs:Insert>`))).statusCode).to.equal(200)
      for (let i = 0; i < 50 && !seen.some((n) => n.table === 'component'); i++) await new Promise((r) => setTimeout(r, 100))
      const hits = seen.filter((n) => n.table === 'component')
      expect(hits).to.have.length(1)
      const [x0, y0, x1, y1] = hits[0]!.bbox
      expect(p.lon).to.be.within(x0! - 1e-9, x1! + 1e-9)
      expect(p.lat).to.be.within(y0! - 1e-9, y1! + 1e-9)
    } finally {
      await unlisten()
    }
  })

  it('refuses a transaction that breaks topology whole: nothing of it is applied', async () => {
    const p = await pointIn(knex, C1)
    const c = { id: await newComponentId(knex, C1), name: '不应写入', community: C1, ...p }
    const [victim] = await knex('grid').where({ kind: 'base', community_code: C1 }).whereNull('valid_to').orderBy('code').limit(1).select('code')
    const ring = await ringOf(knex, victim.code)
    const before = await knex('grid').count({ n: '*' }).first()
    const res = await post(tx20(`<wfs:Insert>${componentXml(c)}</wfs:Insert>
      <wfs:Insert handle="overlapping-grid"><gridgov:base_grids gml:id="new-grid-1"><gridgov:name>重叠</gridgov:name>
      <gridgov:community_code>${C1}</gridgov:community_code><gridgov:geom>${polygonXml(ring)}</gridgov:geom></gridgov:base_grids></wfs:Insert>`))
    const text = expectException(res, 422, 'OperationProcessingFailed', 'new-grid-1')
    expect(text).to.include('base_overlap')
    expect(await componentRow(c.id)).to.equal(undefined)
    expect(await knex('grid').count({ n: '*' }).first()).to.deep.equal(before)
  })

  it('refuses a feature outside the jurisdiction, naming it, and applies nothing', async () => {
    const inside = { id: await newComponentId(knex, C1), name: '辖区内', community: C1, ...(await pointIn(knex, C1)) }
    const outside = { id: await newComponentId(knex, C_OTHER), name: '辖区外', community: C_OTHER, ...(await pointIn(knex, C_OTHER)) }
    const res = await post(tx20(`<wfs:Insert>${componentXml(inside)}</wfs:Insert><wfs:Insert>${componentXml(outside).replace('<gridgov:components>', '<gridgov:components gml:id="far-away">')}</wfs:Insert>`))
    expect(expectException(res, 403, 'OperationProcessingFailed', 'far-away')).to.include(C_OTHER)
    expect(await countIds([inside.id, outside.id])).to.equal(0)
    // an update naming another street's grid: refused as missing, like REST's 404
    const [theirs] = await knex('grid').where({ kind: 'base', community_code: C_OTHER }).whereNull('valid_to').limit(1).select('code')
    const upd = await post(tx20(`<wfs:Update typeName="gridgov:base_grids"><wfs:Property><wfs:ValueReference>name</wfs:ValueReference><wfs:Value>x</wfs:Value></wfs:Property>
      <fes:Filter><fes:ResourceId rid="base_grids.${theirs.code}"/></fes:Filter></wfs:Update>`))
    expectException(upd, 404, 'OperationProcessingFailed', `base_grids.${theirs.code}`)
  })

  it('refuses roles that may not edit, anonymous callers, read-only layers and unsupported actions', async () => {
    const c = { id: await newComponentId(knex, C1), name: '网格员', community: C1, ...(await pointIn(knex, C1)) }
    expectException(await post(tx20(`<wfs:Insert>${componentXml(c)}</wfs:Insert>`), 'inspector'), 403, 'OperationProcessingFailed')
    const anon = await client.post('/ogc/wfs', tx20(`<wfs:Insert>${componentXml(c)}</wfs:Insert>`), { 'content-type': 'text/xml' })
    expect(anon.statusCode).to.equal(401)
    expect(await componentRow(c.id)).to.equal(undefined)
    expectException(await post(tx20('<wfs:Delete typeName="gridgov:admin_divisions"><fes:Filter><fes:ResourceId rid="admin_divisions.990102001001"/></fes:Filter></wfs:Delete>')),
      400, 'OperationProcessingFailed')
    expectException(await post(tx20('<wfs:Native vendorId="pg" safeToIgnore="false">DROP TABLE grid</wfs:Native>')), 400, 'OperationNotSupported', 'Native[1]')
    expectException(await post(tx20('<wfs:Delete typeName="gridgov:components"/>')), 400, 'MissingParameterValue')
    expectException(await post(tx20(`<wfs:Update typeName="gridgov:components"><wfs:Property><wfs:ValueReference>class_code</wfs:ValueReference><wfs:Value>0101</wfs:Value></wfs:Property>
      <fes:Filter><fes:ResourceId rid="components.${c.id}"/></fes:Filter></wfs:Update>`)), 404, 'OperationProcessingFailed')
    expectException(await client.get('/ogc/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=Transaction', basic('street1')), 400, 'OperationNotSupported')
  })

  it('refuses hostile XML on the transaction path before any write', async () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>${tx20('<wfs:Insert><gridgov:components><gridgov:name>&b;</gridgov:name></gridgov:components></wfs:Insert>').replace(/^<\?xml[^>]*>/, '')}`
    expectException(await post(bomb), 400, 'OperationParsingFailed')
    const huge = tx20(`<wfs:Insert>${'<gridgov:components><gridgov:name>x</gridgov:name></gridgov:components>'.repeat(130_000)}</wfs:Insert>`)
    const res = await post(huge)
    expect(res.statusCode).to.be.oneOf([413])
    expect(res.body).to.include('<ows:ExceptionReport')
  })
})
