// The size cap of emerging hot spots: a space-time cube over MAX_BINS bins or MAX_NEIGHBOURS
// neighbour entries is a 400 naming resolution and from, checked before anything is counted; the
// suggested number of steps is accepted. The neighbour count is checked against a count by hand
// and against the neighbour list actually built.
import { expect } from 'chai'
import { gridDisk, latLngToCell } from 'h3-js'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { MAX_BINS, MAX_NEIGHBOURS, checkCube, cubeNeighbours, spaceTimeNeighbours } from '../../server/analytics/emerging.ts'
import { MAX_CELLS } from '../../server/analytics/hotspots.ts'
import { h3DiskNeighbours } from '../../server/analytics/neighbours.ts'
import { AppError } from '../../server/http/errors.ts'

const params = (k = 1, timeWindow = 1) => ({ resolution: 9, k, step: 'week' as const, timeWindow })
const fieldsOf = (fn: () => void): string[] => {
  try {
    fn()
  } catch (err) {
    expect(err).to.be.instanceOf(AppError)
    const e = err as AppError
    expect(e.status).to.equal(400)
    expect(e.detail).to.include('resolution').and.to.include('from')
    return (e.extra.errors as { field: string }[]).map((x) => x.field)
  }
  return []
}

describe('analytics emerging hot spots: cube size cap', () => {
  it('counts space-time neighbour entries: by hand, and as an upper bound of the list built', () => {
    // 1 cell, k = 1 (7 cells in the disk), 3 steps, timeWindow 1: 7 × (1 + 2 + 2)
    expect(cubeNeighbours(1, 3, 1, 1)).to.equal(35)
    // k = 2 (19), 4 steps, timeWindow 0: 19 × 4
    expect(cubeNeighbours(1, 4, 2, 0)).to.equal(76)
    const cells = gridDisk(latLngToCell(36.65, 117.0, 9), 6).sort()
    for (const [k, tw, steps] of [[1, 1, 5], [2, 3, 6], [3, 0, 4]] as const) {
      const built = spaceTimeNeighbours(h3DiskNeighbours(cells, k), steps, tw).indices.length
      expect(cubeNeighbours(cells.length, steps, k, tw)).to.be.at.least(built)
      // interior cells have the full disk: the bound is tight for them, so it is not far off
      expect(built / cubeNeighbours(cells.length, steps, k, tw)).to.be.above(0.6)
    }
  })

  it('accepts a cube of exactly MAX_BINS bins and refuses one more cell, naming resolution and from', () => {
    expect(() => checkCube(MAX_BINS / 100, 100, params(1, 0))).to.not.throw()
    expect(fieldsOf(() => checkCube(MAX_BINS / 100 + 1, 100, params(1, 0)))).to.deep.equal(['resolution', 'from'])
  })

  it('refuses too many neighbour entries (large k and timeWindow) and too many cells', () => {
    const cells = 3000
    expect(cubeNeighbours(cells, 50, 5, 10)).to.be.above(MAX_NEIGHBOURS)
    expect(cells * 50).to.be.below(MAX_BINS)
    expect(fieldsOf(() => checkCube(cells, 50, params(5, 10)))).to.deep.equal(['resolution', 'from'])
    expect(() => checkCube(cells, 50, params(1, 1))).to.not.throw()
    expect(fieldsOf(() => checkCube(MAX_CELLS + 1, 3, params()))).to.deep.equal(['resolution', 'from'])
  })

  describe('API', () => {
    let client: Client
    let analyst: Record<string, string>
    before(async () => {
      client = await testClient()
      analyst = await loginAs(client, 'analyst')
    })
    const to = '2019-06-03T00:00:00+08:00'
    const weeksBefore = (n: number) => new Date(Date.parse(to) - n * 7 * 86_400_000).toISOString()
    const get = (q: string) => client.get(`/api/v1/analytics/emerging-hotspots?${q}`, analyst)

    it('refuses 100 weeks of res-10 cells with k=5 and timeWindow=10 naming resolution and from, and accepts the steps it suggests', async () => {
      const q = `resolution=10&k=5&timeWindow=10&step=week&to=${encodeURIComponent(to)}`
      const r = await get(`${q}&from=${encodeURIComponent(weeksBefore(100))}`)
      expect(r.statusCode, r.body).to.equal(400)
      expect(r.headers['content-type']).to.match(/problem\+json/)
      expect(r.json().errors.map((e: { field: string }) => e.field)).to.deep.equal(['resolution', 'from'])
      const detail = r.json().detail as string
      expect(detail).to.include('neighbour entries').and.to.include('coarser resolution')
      const most = Number(/at most (\d+) weeks/.exec(detail)?.[1])
      expect(most).to.be.within(11, 99)
      const ok = await get(`${q}&from=${encodeURIComponent(weeksBefore(most))}`)
      expect(ok.statusCode, ok.body).to.equal(200)
      expect(ok.json().steps).to.have.length(most)
      expect((await get(`${q}&from=${encodeURIComponent(weeksBefore(most + 1))}`)).statusCode).to.equal(400)
    })
  })
})
