// Fence geometry: inside and signed distance against the brute-force reference's own code
// (winding numbers ring by ring), and the label point used for alerts without a place.
import { expect } from 'chai'
import { pointInside, prepareFence, signedDistance } from '../../server/fences/geometry.ts'
import { refDistance, refFence } from './reference.ts'
import { mulberry32 } from './random.ts'
import { fence, rect, toLonLat, uShape, circle } from './shapes.ts'

const shapes = [
  fence(1, [[rect(-200, -200, 200, 200), rect(-100, -100, 100, 100)], [rect(400, -50, 500, 50)]]),
  fence(2, [[uShape(0, 0, 300, 200, 100, 50)]]),
  fence(3, [[circle(0, 0, 150, 64)]]),
  // a hole right across the middle line of the box
  fence(4, [[rect(0, 0, 100, 300), rect(10, 100, 90, 200)]]),
]

describe('fences/geometry', () => {
  it('inside and signed distance agree with the reference on random points', () => {
    const rnd = mulberry32(7)
    for (const f of shapes) {
      const p = prepareFence(f.geom), r = refFence(f)
      for (let k = 0; k < 2000; k++) {
        const [lon, lat] = toLonLat([-300 + rnd() * 900, -300 + rnd() * 700])
        const x = (lon - p.lon0) * p.kx, y = (lat - p.lat0) * p.ky
        const d = refDistance(r, (lon - r.lon0) * r.kx, (lat - r.lat0) * r.ky)
        expect(signedDistance(p, x, y)).to.be.closeTo(d, 1e-6)
        if (Math.abs(d) > 1e-6) expect(pointInside(p, x, y)).to.equal(d > 0)
      }
    }
  })

  it('the label point lies well inside, also for holes and gaps across the middle', () => {
    for (const f of shapes) {
      const p = prepareFence(f.geom)
      expect(signedDistance(p, (p.labelLon - p.lon0) * p.kx, (p.labelLat - p.lat0) * p.ky), `fence ${f.id}`).to.be.above(4)
    }
  })
})
