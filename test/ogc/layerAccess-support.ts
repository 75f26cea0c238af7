// A test-only pair of catalogue layers over the components table: SECRET, readable by two roles
// only and audited, and OPEN, the same layer for everyone and not audited (the positive control).
// ABSENT names no layer; it has SECRET's length so that answers can be compared byte for byte.
import type { Knex } from 'knex'
import type { LayerDef } from '../../tiles/catalogue.ts'
import { getTestContext } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { basic } from './wfs-support.ts'

export const SECRET = 'test_secret_parts'
export const OPEN = 'test_opened_parts'
export const ABSENT = 'test_absent_parts'
export const AUDIT_TYPE = 'test-secret-parts'

const open: LayerDef = {
  id: OPEN, title: '测试部件（公开）', abstract: '测试图层', table: 'component', geometryType: 'Point', key: 'id',
  adminColumn: 'community_code', where: 'true',
  attributes: [
    { name: 'id', sql: 't.id', type: 'string', title: '部件标识码' },
    { name: 'name', sql: 't.name', type: 'string', title: '名称' },
    { name: 'community_code', sql: 't.community_code', type: 'string', title: '所属社区' },
  ],
  minZoom: 14, maxZoom: 22, queryable: true,
  styles: [{ name: 'default', title: '测试部件', colours: { '*': ['#d62828', '#ffffff'] } }],
}

export const secretLayer: LayerDef = {
  ...open, id: SECRET, title: '测试部件（受限）',
  readRoles: ['command_center', 'community_staff'], audited: { type: AUDIT_TYPE, fields: ['name'] },
}

export interface Fixture {
  client: Client
  knex: Knex
  /** Bearer headers of demo users: command and community may read SECRET, street1 and analyst not. */
  bearer: Record<string, Record<string, string>>
  basic: Record<string, Record<string, string>>
  /** A component of community 990102001001 and its place. */
  part: { id: string; lon: number; lat: number }
}

export async function layerFixture(): Promise<Fixture> {
  const context = await getTestContext()
  context.catalogue.register(secretLayer)
  context.catalogue.register({ ...open })
  const client = await testClient(context)
  const users = ['command', 'community', 'street1', 'analyst']
  const bearer: Record<string, Record<string, string>> = {}
  for (const u of users) bearer[u] = await loginAs(client, u)
  const { rows } = await context.knex.raw(
    "SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM component WHERE community_code = '990102001001' ORDER BY id LIMIT 1")
  return { client, knex: context.knex, bearer, basic: Object.fromEntries(users.map((u) => [u, basic(u)])), part: rows[0] }
}

let seq = 0
/** A fresh request id, to find the audit rows a request wrote. */
export const rid = (what: string) => `layer-${what}-${process.pid}-${++seq}`

/** The audit rows a request wrote for the layers of this fixture (personal reads). */
export async function layerRows(knex: Knex, requestId: string): Promise<{ resource_type: string; resource_id: string; fields: string[]; username: string; personal: boolean; action: string }[]> {
  return knex('access_audit').where({ request_id: requestId, personal: true }).orderBy('id')
    .select('resource_type', 'resource_id', 'fields', 'username', 'personal', 'action')
}
