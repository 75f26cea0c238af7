// Golden files: test/geocode/in/<name>.json (a request and the demo user sending it) →
// test/geocode/out/<name>.json (the literal request sent, status and body). Points in the
// inputs may be anchors (see anchors.ts) resolved against the demo city. The answers depend
// only on the deterministic demo city. Regenerate with UPDATE_GOLDEN=1 and review the diff.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { resolveBody } from './anchors.ts'

const here = path.dirname(fileURLToPath(import.meta.url))
const inDir = path.join(here, 'in')
const outDir = path.join(here, 'out')
const update = process.env.UPDATE_GOLDEN === '1'

interface GoldenRequest { description: string; user: string; path: string; body: unknown }

/** Drops what varies between runs (the request id). */
function normalise(body: Record<string, unknown>): Record<string, unknown> {
  const { requestId: _requestId, ...rest } = body
  return rest
}

describe('geocode golden files', () => {
  let client: Client
  const auth = new Map<string, Record<string, string>>()

  before(async () => {
    client = await testClient()
  })

  const names = fs.readdirSync(inDir).filter((f) => f.endsWith('.json')).sort()
  it('has golden inputs', () => expect(names.length).to.be.greaterThan(10))

  for (const name of names) {
    const req = JSON.parse(fs.readFileSync(path.join(inDir, name), 'utf8')) as GoldenRequest
    it(`${name}: ${req.description}`, async () => {
      if (!auth.has(req.user)) auth.set(req.user, await loginAs(client, req.user))
      const request = await resolveBody(client.context.knex, req.body)
      const res = await client.post(req.path, request, auth.get(req.user))
      const actual = { request, status: res.statusCode, body: normalise(res.json()) }
      const file = path.join(outDir, name)
      if (update || !fs.existsSync(file)) {
        if (!update) throw new Error(`missing golden file ${file}: run with UPDATE_GOLDEN=1`)
        fs.mkdirSync(outDir, { recursive: true })
        fs.writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`)
        return
      }
      expect(actual).to.deep.equal(JSON.parse(fs.readFileSync(file, 'utf8')))
    })
  }
})
