// The tile cache: byte bound, LRU order, exact geometric invalidation at every zoom, and
// refusing to store a tile rendered before an invalidation that touches it.
import { expect } from 'chai'
import { TileCache, type TileKey } from '../../tiles/cache.ts'
import { latToTileY, lonToTileX, tileBBox, type BBox } from '../../tiles/tilemath.ts'

const key = (layer: string, z: number, x: number, y: number, scope = '9901'): TileKey => ({ layer, scope, z, x, y })
const bytes = (n: number) => Buffer.alloc(n, 1)

/** Brute force: does the bbox touch the tile or its 64/4096 buffer? */
function touches(bbox: BBox, k: TileKey): boolean {
  const pad = 64 / 4096
  const x0 = lonToTileX(bbox[0], k.z), x1 = lonToTileX(bbox[2], k.z)
  const y0 = latToTileY(bbox[3], k.z), y1 = latToTileY(bbox[1], k.z)
  return x1 >= k.x - pad && x0 < k.x + 1 + pad && y1 >= k.y - pad && y0 < k.y + 1 + pad
}

describe('tile cache', () => {
  it('evicts the least recently used tiles to stay within its byte bound', () => {
    const cache = new TileCache(10_000)
    for (let i = 0; i < 5; i++) cache.set(key('a', 10, i, 0), bytes(1500), cache.generation)
    expect(cache.get(key('a', 10, 0, 0))).to.not.equal(undefined) // 0 becomes most recent
    cache.set(key('a', 10, 9, 0), bytes(3000), cache.generation)
    expect(cache.stats().bytes).to.be.at.most(10_000)
    expect(cache.has(key('a', 10, 0, 0))).to.equal(true)
    expect(cache.has(key('a', 10, 1, 0))).to.equal(false)
    expect(cache.has(key('a', 10, 9, 0))).to.equal(true)
    expect(cache.set(key('a', 10, 10, 0), bytes(20_000), cache.generation)).to.equal(false)
  })

  it('drops exactly the tiles a feature bbox touches, at every zoom and for every jurisdiction', () => {
    const cache = new TileCache(1 << 30)
    const feature: BBox = [116.0012, 36.4501, 116.0019, 36.4506]
    const keys: TileKey[] = []
    for (let z = 0; z <= 22; z++) {
      const cx = Math.floor(lonToTileX(116.0015, z)), cy = Math.floor(latToTileY(36.4503, z))
      for (let dx = -2; dx <= 2; dx++) {
        for (let dy = -2; dy <= 2; dy++) {
          for (const scope of ['9901', '990102001']) {
            for (const layer of ['base_grids', 'components']) keys.push(key(layer, z, cx + dx, cy + dy, scope))
          }
        }
      }
    }
    for (const k of keys) cache.set(k, bytes(10), cache.generation)
    const dropped = cache.invalidate('components', feature)
    const expected = keys.filter((k) => k.layer === 'components' && touches(feature, k))
    expect(dropped).to.equal(expected.length)
    expect(expected.length).to.be.greaterThan(46) // at least one tile per zoom per scope
    for (const k of keys) expect(cache.has(k), `${k.layer} ${k.z}/${k.x}/${k.y}`).to.equal(!(k.layer === 'components' && touches(feature, k)))
  })

  it('also drops the neighbour whose buffer the feature reaches', () => {
    const cache = new TileCache(1 << 20)
    const t = { z: 16, x: 53885, y: 25633 }
    const [w, s, e, n] = tileBBox(t)
    const width = e - w
    const left = key('components', t.z, t.x - 1, t.y), right = key('components', t.z, t.x + 1, t.y)
    cache.set(left, bytes(1), 0)
    cache.set(right, bytes(1), 0)
    // a point inside the tile, 10/4096 of a tile from its west edge: in the west neighbour's buffer
    const p = w + width * (10 / 4096)
    cache.invalidate('components', [p, (s + n) / 2, p, (s + n) / 2])
    expect(cache.has(left)).to.equal(false)
    expect(cache.has(right)).to.equal(true)
  })

  it('refuses to store a tile rendered before an invalidation that touched it', () => {
    const cache = new TileCache(1 << 20)
    const t = { z: 14, x: Math.floor(lonToTileX(116, 14)), y: Math.floor(latToTileY(36.45, 14)) }
    const before = cache.generation
    cache.invalidate('components', [116, 36.45, 116, 36.45])
    expect(cache.set(key('components', t.z, t.x, t.y), bytes(5), before)).to.equal(false)
    expect(cache.set(key('base_grids', t.z, t.x, t.y), bytes(5), before)).to.equal(true) // another layer
    expect(cache.set(key('components', t.z, t.x + 5, t.y), bytes(5), before)).to.equal(true) // untouched tile
    expect(cache.set(key('components', t.z, t.x, t.y), bytes(5), cache.generation)).to.equal(true)
  })
})
