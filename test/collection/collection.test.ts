// Collection tasks with ODK XForms (issue 19 item 4): the checked-in forms (as pyxform, ODK
// Build and Kobo write them) upload and are read with their types, choices and labels; broken
// forms are refused naming the question; a task reaches the grid's inspector; returns are
// checked against the form, never doubled by a replay, reviewed, and accepted ones appear on
// the form's layer (OGC API Features) with the form's answers as attributes.
import crypto from 'node:crypto'
import fs from 'node:fs'
import { expect } from 'chai'
import type { Knex } from 'knex'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { expectRefusal } from '../support/problem.ts'

const fixture = (name: string) => fs.readFileSync(new URL(`../../fixtures/forms/${name}.xml`, import.meta.url), 'utf8')
const xmlHeaders = (auth: Record<string, string>) => ({ ...auth, 'content-type': 'application/xml' })

interface Field { name: string; type: string; label: string; required: boolean; choices: { value: string; label: string }[] | null }

describe('collection tasks and ODK XForms (/api/v1/forms, /api/v1/collection-tasks)', function () {
  this.timeout(120_000)
  let client: Client
  let knex: Knex
  const auth: Record<string, Record<string, string>> = {}
  const forms: Record<string, { id: number; layer: string; fields: Field[] }> = {}
  let grid: { code: string; lat: number; lon: number }
  let taskId: number
  let inspectorId: number

  const upload = (xml: string, who = 'analyst') => client.request({ method: 'POST', url: '/api/v1/forms', headers: xmlHeaders(auth[who]!), payload: xml })
  const lampXml = (instanceId: string, answers: Record<string, string>) =>
    `<data xmlns:jr="http://openrosa.org/javarosa" xmlns:orx="http://openrosa.org/xforms" id="street_lamp_census" version="2026120401">` +
    Object.entries(answers).map(([k, v]) => `<${k}>${v}</${k}>`).join('') +
    `<meta><instanceID>${instanceId}</instanceID></meta></data>`
  const submit = (payload: unknown, who = 'inspector') => typeof payload === 'string'
    ? client.request({ method: 'POST', url: `/api/v1/collection-tasks/${taskId}/returns`, headers: xmlHeaders(auth[who]!), payload })
    : client.post(`/api/v1/collection-tasks/${taskId}/returns`, payload, auth[who])

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    for (const u of ['analyst', 'district', 'street2', 'inspector']) auth[u] = await loginAs(client, u)
    inspectorId = Number((await knex('app_user').where({ username: 'inspector' }).first('id')).id)
    const { rows: [g] } = await knex.raw(`
      SELECT g.code, ST_Y(ST_PointOnSurface(g.geom)) AS lat, ST_X(ST_PointOnSurface(g.geom)) AS lon
      FROM grid_assignment a JOIN grid_member m ON m.id = a.member_id JOIN grid g ON g.code = a.grid_code AND g.valid_to IS NULL
      WHERE m.user_id = ? AND a.valid_to IS NULL LIMIT 1`, [inspectorId])
    grid = g
  })
  // the shared database: what this file made goes (the layers stay in this process's catalogue, empty)
  after(async () => {
    const ids = Object.values(forms).map((f) => f.id)
    await knex('collection_return').whereIn('form_id', ids).delete()
    await knex('collection_task').whereIn('form_id', ids).delete()
    await knex('collection_form').whereIn('id', ids).delete()
  })

  it('reads the checked-in XForms: types, required, choices (items, itemsets, itext) and the geometry question', async () => {
    for (const name of ['street_lamp', 'road_damage', 'green_space']) {
      const res = await upload(fixture(name))
      expect(res.statusCode, res.body).to.equal(201)
      forms[name] = res.json()
    }
    const lamp = forms.street_lamp!
    expect(lamp).to.deep.include({ layer: `form_${lamp.id}` })
    const field = (f: { fields: Field[] }, n: string) => f.fields.find((x) => x.name === n)!
    expect(field(lamp, 'state')).to.deep.include({ type: 'select_one', required: true, choices: [{ value: 'ok', label: '完好' }, { value: 'broken', label: '损坏' }, { value: 'missing', label: '缺失' }] })
    expect(field(lamp, 'faults')).to.deep.include({ type: 'select_multiple', required: false })
    expect(field(lamp, 'photo').type).to.equal('image')
    expect(field(lamp, 'height').type).to.equal('decimal')
    expect(res(forms.road_damage!, 'kind')).to.deep.include({ type: 'select_multiple', label: '破损类型' })
    expect(res(forms.road_damage!, 'potholes').type).to.equal('int')
    expect((await client.get(`/api/v1/forms/${forms.road_damage!.id}`, auth.inspector)).json().geometry).to.deep.equal({ name: 'route', type: 'geotrace' })
    // labels through itext come from the default translation (Chinese), not English
    expect(res(forms.green_space!, 'kind').choices!.map((c) => c.label)).to.deep.equal(['公园绿地', '防护绿地', '附属绿地'])
    expect(res(forms.green_space!, 'name').label).to.equal('绿地名称')
    // the engine in the app gets the very XML uploaded
    const xml = await client.get(`/api/v1/forms/${lamp.id}/xml`, auth.inspector)
    expect(xml.body).to.equal(fixture('street_lamp'))
    expect((await upload(fixture('street_lamp'))).statusCode).to.equal(409)
    function res(f: { fields: Field[] }, n: string) { return field(f, n) }
  })

  it('refuses a broken form naming the question', async () => {
    const lamp = fixture('street_lamp').replace('version="2026120401"', 'version="x"')
    expectRefusal(await upload(lamp.replace('nodeset="/data/lamp_no" required="true()" type="string"', 'nodeset="/data/lamp_no" required="true()" type="barcode"')), '/data/lamp_no', 'unknown type')
    expectRefusal(await upload(lamp.replace(/<bind constraint="\. &gt;= 2[^>]*\/>/, '')), '/data/height', 'missing bind')
    const noGeo = lamp.replace('<location/>', '').replace(/<bind nodeset="\/data\/location"[^>]*\/>/, '').replace(/<input ref="\/data\/location">[\s\S]*?<\/input>/, '')
    const refused = await upload(noGeo)
    expectRefusal(refused, 'geometry', 'no geometry')
    expect(refused.json().code).to.equal('forms.no_geometry')
    expectRefusal(await upload('<h:html><oops'), 'xform', 'not XML')
    expect((await upload(fixture('green_space'), 'inspector')).statusCode).to.equal(403)
  })

  it('sends a task to the grid\'s inspector, who sees it; outside the area it is not there', async () => {
    const deadline = new Date(Date.now() + 7 * 86400_000).toISOString()
    const bad = await client.post('/api/v1/collection-tasks', { formId: forms.street_lamp!.id, title: '路灯普查', gridCodes: [grid.code], deadline: '2020-01-01T00:00:00Z' }, auth.district)
    expectRefusal(bad, 'deadline')
    // street2's area does not hold the inspector's grid (street 990102001)
    expectRefusal(await client.post('/api/v1/collection-tasks', { formId: forms.street_lamp!.id, title: '路灯普查', gridCodes: [grid.code], deadline }, auth.street2), 'gridCodes')
    const res = await client.post('/api/v1/collection-tasks', { formId: forms.street_lamp!.id, title: '12月路灯普查', gridCodes: [grid.code], deadline }, auth.district)
    expect(res.statusCode, res.body).to.equal(201)
    taskId = res.json().id
    const notices = await knex('inbox_item').where({ user_id: inspectorId, link: `#/collection-tasks/${taskId}` })
    expect(notices).to.have.length(1)
    const mine = await client.get('/api/v1/collection-tasks?open=true', auth.inspector)
    expect(mine.json().items.map((t: { id: number }) => t.id)).to.include(taskId)
    expect((await client.get(`/api/v1/collection-tasks/${taskId}`, auth.street2)).statusCode).to.equal(404)
  })

  it('checks returns against the form, naming the question', async () => {
    const at = `${grid.lat} ${grid.lon} 30 5`
    const good = { lamp_no: 'L-0001', state: 'broken', location: at }
    expectRefusal(await submit({ instanceId: 'uuid:bad-1', values: { ...good, height: 50 } }), 'height', 'constraint')
    expectRefusal(await submit({ instanceId: 'uuid:bad-2', values: { ...good, state: 'blue' } }), 'state', 'choice')
    expectRefusal(await submit({ instanceId: 'uuid:bad-3', values: { state: 'ok', location: at } }), 'lamp_no', 'required')
    expectRefusal(await submit({ instanceId: 'uuid:bad-4', values: { ...good, lamp_no: 'X9' } }), 'lamp_no', 'regex')
    expectRefusal(await submit({ instanceId: 'uuid:bad-5', values: { ...good, colour: 'red' } }), 'colour', 'unknown')
    expectRefusal(await submit({ instanceId: 'uuid:bad-6', values: { ...good, installed: '2999-01-01' } }), 'installed', 'after today')
    expectRefusal(await submit({ instanceId: 'uuid:bad-7', values: { ...good, location: '36.2 200 0 0' } }), 'location', 'not a point')
    expectRefusal(await submit({ instanceId: 'uuid:bad-8', values: { ...good, location: '10 10 0 0' } }), 'location', 'outside the grids')
    expectRefusal(await submit(lampXml('uuid:bad-9', { lamp_no: 'L-0002', state: 'ok', height: 'tall', location: at })), 'height', 'XML')
    expect(Number((await knex('collection_return').where({ task_id: taskId }).count({ n: '*' }).first())!.n)).to.equal(0)
  })

  it('keeps a replayed return once, reviews it, and publishes accepted ones on the form\'s layer', async () => {
    const at = `${grid.lat} ${grid.lon} 30 5`
    const xml = lampXml('uuid:0f1e2d3c', { lamp_no: 'L-0042', state: 'broken', faults: 'dark cable', height: '8.5', installed: '2019-05-01', photo: '1733.jpg', location: at })
    const first = await submit(xml)
    expect(first.statusCode, first.body).to.equal(201)
    expect(first.json().values).to.deep.equal({ lamp_no: 'L-0042', state: 'broken', faults: ['dark', 'cable'], height: 8.5, installed: '2019-05-01', photo: '1733.jpg', location: at })
    expect(first.json().gridCode).to.equal(grid.code)
    const again = await submit(xml)
    expect(again.statusCode).to.equal(200)
    expect(again.json().id).to.equal(first.json().id)
    expect((await submit(xml.replace('8.5', '9'))).statusCode).to.equal(409)
    expect(Number((await knex('collection_return').where({ task_id: taskId }).count({ n: '*' }).first())!.n)).to.equal(1)
    const review = (body: unknown) => client.post(`/api/v1/collection-tasks/${taskId}/returns/${first.json().id}/review`, body, auth.district)
    expectRefusal(await review({ decision: 'return' }), 'reason')
    const back = await review({ decision: 'return', reason: '照片不清晰' })
    expect(back.json()).to.deep.include({ status: 'returned', reason: '照片不清晰' })
    expect(await knex('inbox_item').where({ user_id: inspectorId }).whereRaw("data ->> 'returnId' = ?", [String(first.json().id)])).to.have.length(1)
    // corrected and sent again under the same instanceID: back to review, still one row
    const fixed = await submit(xml.replace('1733.jpg', '1734.jpg'))
    expect(fixed.json()).to.deep.include({ id: first.json().id, status: 'submitted', reason: null })
    const layer = forms.street_lamp!.layer
    const items = async () => (await client.get(`/ogc/features/collections/${layer}/items?limit=10`, auth.district)).json() as { features: { properties: Record<string, unknown>; geometry: { coordinates: number[] } }[] }
    expect((await items()).features).to.have.length(0)
    expect((await review({ decision: 'accept' })).json().status).to.equal('accepted')
    expect((await review({ decision: 'accept' })).statusCode).to.equal(409)
    const [feature] = (await items()).features
    expect(feature!.properties).to.deep.include({ lamp_no: 'L-0042', state: 'broken', faults: 'dark cable', height: 8.5, photo: '1734.jpg', grid_code: grid.code, task_id: taskId })
    expect(feature!.geometry.coordinates[0]).to.be.closeTo(grid.lon, 1e-6)
    expect(feature!.geometry.coordinates[1]).to.be.closeTo(grid.lat, 1e-6)
    const counts = (await client.get(`/api/v1/collection-tasks/${taskId}`, auth.district)).json().counts
    expect(counts).to.deep.equal({ submitted: 0, accepted: 1, returned: 0 })
  })

  it('takes the photo of an image answer once, reads it back, and refuses what is not that photo', async () => {
    // a 1×1 PNG, and another image (other bytes) under the same name
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64')
    const other = Buffer.concat([png, Buffer.from('trailing')])
    const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex')
    const url = (name: string, instance = 'uuid:0f1e2d3c', task: number | string = taskId) =>
      `/api/v1/collection-tasks/${task}/returns/${encodeURIComponent(instance)}/media/${encodeURIComponent(name)}`
    const put = (u: string, payload: Buffer, type = 'image/png', who = 'inspector') =>
      client.request({ method: 'PUT', url: u, headers: { ...auth[who]!, 'content-type': type }, payload })
    const photos = async () => (await client.get(`/api/v1/collection-tasks/${taskId}/returns`, auth.district)).json().items[0].photos as { fileName: string; present: boolean; sha256: string | null }[]
    expect(await photos()).to.deep.equal([{ field: 'photo', fileName: '1734.jpg', present: false, sha256: null, sizeBytes: null, href: url('1734.jpg') }])

    const refused = async (res: Awaited<ReturnType<typeof put>>, status: number, field: string) => {
      expect(res.statusCode, res.body).to.equal(status)
      expect(res.json().field, res.body).to.equal(field)
    }
    await refused(await put(url('1734.jpg'), Buffer.from('<html>not an image</html>')), 415, 'body')
    await refused(await put(url('1734.jpg'), Buffer.from('%PDF-1.4 x'), 'application/pdf'), 415, 'body')
    await refused(await put(url('1734.jpg'), Buffer.concat([png, Buffer.alloc(10 * 1024 * 1024)])), 413, 'body')
    await refused(await put(url('a/1734.jpg'), png), 400, 'fileName')
    await refused(await put(url('1733.jpg'), png), 400, 'fileName') // the answer before the correction
    await refused(await put(url('1734.jpg', 'uuid:none'), png), 404, 'instanceId')
    expect((await put(url('1734.jpg', 'uuid:0f1e2d3c', 999_999_999), png)).statusCode).to.equal(404)
    expect((await put(url('1734.jpg'), png, 'image/png', 'analyst')).statusCode).to.equal(403)
    expect(await photos()).to.have.nested.property('[0].present', false)

    const first = await put(url('1734.jpg'), png)
    expect(first.statusCode, first.body).to.equal(201)
    expect(first.json()).to.deep.include({ sha256: sha(png), sizeBytes: png.length, mediaType: 'image/png' })
    expect((await put(url('1734.jpg'), png)).statusCode).to.equal(200)
    await refused(await put(url('1734.jpg'), other), 409, 'fileName')
    expect(await knex('collection_media').where({ file_name: '1734.jpg' })).to.have.length(1)

    const read = await client.get(url('1734.jpg'), auth.district)
    expect(read.statusCode).to.equal(200)
    expect(read.headers['content-type']).to.equal('image/png')
    expect(sha(read.rawPayload)).to.equal(sha(png))
    expect((await client.get(url('1734.jpg'), auth.inspector)).statusCode).to.equal(200)
    expect((await client.get(url('1734.jpg'), auth.street2)).statusCode).to.equal(404)
    await refused(await client.get(url('1735.jpg'), auth.district), 404, 'fileName')
    expect((await photos())[0]).to.deep.include({ present: true, sha256: sha(png) })
  })
})
