// Golden files: test/addresses/in/<name>.json (a request and the demo user sending it) →
// test/addresses/out/<name>.json (status and body: matched addresses, levels, scores, points).
// The answers depend only on the deterministic small demo city. Regenerate with
// UPDATE_GOLDEN=1 and review the diff.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { loginAs, testClient, type Client } from '../support/http.ts'

const here = path.dirname(fileURLToPath(import.meta.url))
const inDir = path.join(here, 'in')
const outDir = path.join(here, 'out')
const update = process.env.UPDATE_GOLDEN === '1'

interface GoldenRequest { description: string; user: string; method: 'GET' | 'POST'; path: string; body?: unknown }

/** Drops what varies between runs: the request id, and database ids (serial, load-order dependent). */
function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise)
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) if (k !== 'requestId' && k !== 'id') out[k] = normalise(v)
  return out
}

describe('address geocoding golden files', () => {
  let client: Client
  const auth = new Map<string, Record<string, string>>()

  before(async () => {
    client = await testClient()
  })

  const names = fs.readdirSync(inDir).filter((f) => f.endsWith('.json')).sort()
  it('has golden inputs', () => expect(names.length).to.be.at.least(10))

  for (const name of names) {
    const req = JSON.parse(fs.readFileSync(path.join(inDir, name), 'utf8')) as GoldenRequest
    it(`${name}: ${req.description}`, async () => {
      if (!auth.has(req.user)) auth.set(req.user, await loginAs(client, req.user))
      const headers = auth.get(req.user)!
      const res = req.method === 'GET' ? await client.get(req.path, headers) : await client.post(req.path, req.body, headers)
      const actual = { status: res.statusCode, body: normalise(res.json()) }
      const file = path.join(outDir, name)
      if (update) {
        fs.mkdirSync(outDir, { recursive: true })
        fs.writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`)
        return
      }
      if (!fs.existsSync(file)) throw new Error(`missing golden file ${file}: run with UPDATE_GOLDEN=1`)
      expect(actual).to.deep.equal(JSON.parse(fs.readFileSync(file, 'utf8')))
    })
  }
})
