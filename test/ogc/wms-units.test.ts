// Units of the WMS: the TWKB decoder against PostGIS's encoder, and the image cache.
import { expect } from 'chai'
import { getTestDb } from '../support/db.ts'
import { decodeTwkb } from '../../server/ogc/wms/twkb.ts'
import { ImageCache } from '../../server/ogc/wms/cache.ts'
import { negotiateVersion } from '../../server/ogc/wms/routes.ts'

describe('WMS units', () => {
  describe('TWKB decoder (PostGIS ST_AsTWKB round trip)', () => {
    const twkb = async (wkt: string, precision: number): Promise<Buffer> => {
      const knex = await getTestDb()
      const { rows } = await knex.raw('SELECT ST_AsTWKB(ST_GeomFromText(?), ?) AS g', [wkt, precision])
      return rows[0].g as Buffer
    }
    const flat = (a: Float64Array) => [...a].map((v) => Math.round(v * 1000) / 1000)

    it('a multipolygon with a hole: every ring, in order, deltas carried across parts', async () => {
      const shape = decodeTwkb(await twkb('MULTIPOLYGON(((0 0,10 0,10 10,0 10,0 0),(2 2,2 3,3 3,2 2)),((20.5 20,30 20,30 30.25,20.5 20)))', 2))
      expect(shape.rings.map(flat)).to.deep.equal([
        [0, 0, 10, 0, 10, 10, 0, 10, 0, 0], [2, 2, 2, 3, 3, 3, 2, 2], [20.5, 20, 30, 20, 30, 30.25, 20.5, 20]])
      expect(shape.points).to.deep.equal([])
    })
    it('negative coordinates and large values survive the zig-zag varints', async () => {
      const shape = decodeTwkb(await twkb('LINESTRING(-123456.7 -0.1, 9876543.2 5)', 1))
      expect(flat(shape.lines[0]!)).to.deep.equal([-123456.7, -0.1, 9876543.2, 5])
    })
    it('points, multipoints, collections and empties', async () => {
      expect(decodeTwkb(await twkb('POINT(1.5 -2.5)', 1)).points).to.deep.equal([1.5, -2.5])
      expect(decodeTwkb(await twkb('MULTIPOINT(1 1, 2 3)', 0)).points).to.deep.equal([1, 1, 2, 3])
      const c = decodeTwkb(await twkb('GEOMETRYCOLLECTION(POINT(1 2), LINESTRING(0 0, 1 1), POLYGON((0 0,1 0,1 1,0 0)))', 0))
      expect(c.points).to.deep.equal([1, 2])
      expect(c.lines).to.have.length(1)
      expect(c.rings).to.have.length(1)
      const empty = decodeTwkb(await twkb('POLYGON EMPTY', 0))
      expect(empty.rings).to.deep.equal([])
    })
    it('truncated input fails loudly', () => {
      expect(() => decodeTwkb(new Uint8Array([0x03]))).to.throw(/truncated/)
    })
  })

  describe('image cache', () => {
    const image = (n: number) => async () => ({ body: Buffer.alloc(n, 1), contentType: 'image/png' })

    it('evicts the least recently used entries beyond the byte budget', async () => {
      const cache = new ImageCache({ maxBytes: 250 })
      await cache.getOrRender('a', image(100))
      await cache.getOrRender('b', image(100))
      await cache.getOrRender('a', image(100)) // a is now the most recent
      await cache.getOrRender('c', image(100)) // over budget: b goes
      expect(cache.size).to.equal(2)
      let rendered = false
      await cache.getOrRender('b', async () => { rendered = true; return { body: Buffer.alloc(1), contentType: 'image/png' } })
      expect(rendered).to.equal(true)
    })
    it('shares one render among concurrent identical requests, and keeps a stable ETag', async () => {
      const cache = new ImageCache()
      let renders = 0
      const slow = async () => { renders++; await new Promise((r) => setTimeout(r, 20)); return { body: Buffer.from('x'), contentType: 'image/png' } }
      const all = await Promise.all([1, 2, 3].map(() => cache.getOrRender('k', slow)))
      expect(renders).to.equal(1)
      expect(new Set(all.map((i) => i.etag)).size).to.equal(1)
    })
    it('expires entries after the TTL, and does not remember failures', async () => {
      const cache = new ImageCache({ ttlMs: 1 })
      await cache.getOrRender('k', image(1))
      await new Promise((r) => setTimeout(r, 5))
      let rendered = false
      await cache.getOrRender('k', async () => { rendered = true; return { body: Buffer.alloc(1), contentType: 'image/png' } })
      expect(rendered).to.equal(true)
      const failing = new ImageCache()
      await failing.getOrRender('f', async () => { throw new Error('db down') }).catch(() => undefined)
      expect((await failing.getOrRender('f', image(3))).body.length).to.equal(3)
    })
  })

  describe('version negotiation', () => {
    it('follows WMS rules', () => {
      expect(negotiateVersion(undefined)).to.equal('1.3.0')
      expect(negotiateVersion('1.3.0')).to.equal('1.3.0')
      expect(negotiateVersion('100.0.0')).to.equal('1.3.0')
      expect(negotiateVersion('1.1.1')).to.equal('1.1.1')
      expect(negotiateVersion('1.2.9')).to.equal('1.1.1')
      expect(negotiateVersion('1.0.0')).to.equal('1.1.1')
      expect(negotiateVersion('garbage')).to.equal('1.3.0')
    })
  })
})
