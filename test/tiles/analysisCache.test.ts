// The minute-long cell cache behind the analysis tile layers (server/analytics/tileLayers.ts) and
// the clipping of hexagons into tiles (tiles/analysisTiles.ts), without a database.
import { expect } from 'chai'
import { cellToBoundary, latLngToCell } from 'h3-js'
import { ExpiringLru, cellSetKey, heatLevel, type CellSet } from '../../server/analytics/tileLayers.ts'
import { Jurisdiction } from '../../server/db/jurisdiction.ts'
import { cellRing } from '../../tiles/analysisTiles.ts'
import { latToTileY, lonToTileX } from '../../tiles/tilemath.ts'

const set = (cells: number): CellSet => ({ resolution: 9, cells: Array.from({ length: cells }, (_, i) => String(i)), count: new Float64Array(cells), total: 0, max: 0 })

describe('analysis tile cache and hexagon clipping', () => {
  it('shares one computation among concurrent callers and keeps it for the TTL only', async () => {
    const lru = new ExpiringLru(60_000, 4, 1000)
    let runs = 0
    const compute = async () => { runs++; await new Promise((r) => setTimeout(r, 10)); return set(3) }
    const [a, b] = await Promise.all([lru.get('k', compute, 1000), lru.get('k', compute, 1001)])
    expect(runs).to.equal(1)
    expect(a).to.equal(b)
    await lru.get('k', compute, 60_999)
    expect(runs).to.equal(1)
    await lru.get('k', compute, 61_000)
    expect(runs).to.equal(2)
  })

  it('evicts the least recently used entry beyond its entry and cell bounds, and forgets failures', async () => {
    const lru = new ExpiringLru(60_000, 2, 10)
    await lru.get('a', async () => set(3), 0)
    await lru.get('b', async () => set(3), 1)
    await lru.get('a', async () => set(3), 2) // a used last
    await lru.get('c', async () => set(3), 3)
    expect(lru.size).to.equal(2)
    let runs = 0
    await lru.get('a', async () => { runs++; return set(3) }, 4)
    await lru.get('b', async () => { runs++; return set(3) }, 5)
    expect(runs, 'a kept, b evicted').to.equal(1)
    await lru.get('big', async () => set(9), 6) // 9 + 3 cells > 10: only the newest stays
    expect(lru.size).to.equal(1)
    await lru.get('bad', async () => { throw new Error('boom') }, 7).catch(() => undefined)
    let again = 0
    await lru.get('bad', async () => { again++; return set(1) }, 8)
    expect(again, 'a failure is not cached').to.equal(1)
  })

  it('keys entries by jurisdiction and every filter value', () => {
    const f = { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-02-01T00:00:00Z') }
    const street = Jurisdiction.of(['990102001000'])
    const city = Jurisdiction.of(['990100000000'])
    const keys = new Set([
      cellSetKey('heatmap', street, f, 9), cellSetKey('heatmap', city, f, 9), cellSetKey('hotspots', street, f, 9),
      cellSetKey('heatmap', street, f, 10), cellSetKey('heatmap', street, { ...f, classCode: '01' }, 9),
      cellSetKey('heatmap', street, { ...f, statuses: ['closed'] }, 9), cellSetKey('heatmap', street, { ...f, area: '990102001001' }, 9),
      cellSetKey('heatmap', street, { ...f, to: new Date('2026-02-02T00:00:00Z') }, 9),
    ])
    expect(keys.size).to.equal(8)
  })

  it('puts a cell inside a tile whole, and cuts one on the tile edge to the tile and its 64-unit buffer', () => {
    const z = 15
    const cell = latLngToCell(36.45, 116.0, 11)
    const [lon, lat] = cellToBoundary(cell, true)[0]!
    const t = { z, x: Math.floor(lonToTileX(lon!, z)), y: Math.floor(latToTileY(lat!, z)) }
    const ring = cellRing(cell, t)!
    expect(ring.at(0)).to.deep.equal(ring.at(-1))
    for (const [x, y] of ring) {
      expect(Number.isInteger(x) && Number.isInteger(y)).to.equal(true)
      expect(x).to.be.within(-64, 4160)
      expect(y).to.be.within(-64, 4160)
    }
    // a tile far away holds nothing of the cell
    expect(cellRing(cell, { z, x: t.x + 3, y: t.y })).to.equal(undefined)
    // a tile edge through the middle of a coarse cell: the part on each side, within the buffer
    const big = latLngToCell(36.45, 116.0, 7)
    const b = cellToBoundary(big, true)
    const xs = b.map(([x]) => lonToTileX(x!, 14))
    const edgeX = Math.ceil(Math.min(...xs))
    expect(edgeX).to.be.below(Math.max(...xs))
    const left = cellRing(big, { z: 14, x: edgeX - 1, y: Math.floor(latToTileY(b[0]![1]!, 14)) })
    const right = cellRing(big, { z: 14, x: edgeX, y: Math.floor(latToTileY(b[0]![1]!, 14)) })
    expect(left && Math.max(...left.map(([x]) => x))).to.equal(4096 + 64)
    expect(right && Math.min(...right.map(([x]) => x))).to.equal(-64)
  })

  it('ranks counts on a log scale against the densest cell', () => {
    expect([0, 1, 2, 10, 100, 1000].map((n) => heatLevel(n, 1000))).to.deep.equal([0, 1, 1, 3, 5, 6])
    expect(heatLevel(5, 5)).to.equal(6)
  })
})
