import { expect } from 'chai'
import { AppError } from '../../server/http/errors.ts'
import { fromStorage, looksSwapped, parseCrs, proj4Definition, supportedCrs, toStorage, type Crs } from '../../server/geo/crs.ts'

/** Great-circle distance in metres (haversine on the GRS80 mean radius): enough for sub-metre checks. */
function metres(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const r = 6371008.8
  const rad = Math.PI / 180
  const dLat = (lat2 - lat1) * rad
  const dLon = (lon2 - lon1) * rad
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2
  return 2 * r * Math.asin(Math.sqrt(h))
}

function thrownBy(fn: () => unknown): AppError {
  try {
    fn()
  } catch (e) {
    expect(e).to.be.instanceOf(AppError)
    return e as AppError
  }
  throw new Error('expected an AppError')
}

/** A deterministic spread of points across mainland China (lon 74..134, lat 18..53). */
function chinaPoints(n: number): [number, number][] {
  const pts: [number, number][] = []
  let s = 12345
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648)
  for (let i = 0; i < n; i++) pts.push([74 + rnd() * 60, 18 + rnd() * 35])
  return pts
}

describe('geo/crs: identifier parsing', () => {
  const cases: [string, string, number | null, boolean][] = [
    ['EPSG:4326', 'EPSG:4326', 4326, false],
    ['epsg:4326', 'EPSG:4326', 4326, false],
    ['EPSG:4490', 'EPSG:4490', 4490, false],
    ['urn:ogc:def:crs:EPSG::4326', 'EPSG:4326', 4326, true],
    ['urn:ogc:def:crs:EPSG:6.6:4326', 'EPSG:4326', 4326, true],
    ['urn:ogc:def:crs:EPSG::4490', 'EPSG:4490', 4490, true],
    ['urn:x-ogc:def:crs:EPSG:4490', 'EPSG:4490', 4490, true],
    ['http://www.opengis.net/def/crs/EPSG/0/4490', 'EPSG:4490', 4490, true],
    ['https://www.opengis.net/def/crs/EPSG/0/4326', 'EPSG:4326', 4326, true],
    ['CRS:84', 'CRS:84', 4326, false],
    ['urn:ogc:def:crs:OGC:1.3:CRS84', 'CRS:84', 4326, false],
    ['http://www.opengis.net/def/crs/OGC/1.3/CRS84', 'CRS:84', 4326, false],
    ['EPSG:3857', 'EPSG:3857', 3857, false],
    ['EPSG:900913', 'EPSG:3857', 3857, false],
    ['urn:ogc:def:crs:EPSG::3857', 'EPSG:3857', 3857, false],
    ['EPSG:4527', 'EPSG:4527', 4527, true],
    ['urn:ogc:def:crs:EPSG::4548', 'EPSG:4548', 4548, true],
    ['http://www.opengis.net/def/crs/EPSG/0/4513', 'EPSG:4513', 4513, true],
    ['EPSG:4554', 'EPSG:4554', 4554, true],
    ['GCJ-02', 'GCJ-02', null, false],
    ['gcj02', 'GCJ-02', null, false],
    ['BD-09', 'BD-09', null, false],
    ['BD09', 'BD-09', null, false],
    ['  EPSG:4490  ', 'EPSG:4490', 4490, false],
  ]
  for (const [input, id, srid, latFirst] of cases) {
    it(`${JSON.stringify(input)} → ${id}, srid ${srid}, ${latFirst ? 'lat/northing first' : 'lon/easting first'}`, () => {
      const crs = parseCrs(input)
      expect(crs.id).to.equal(id)
      expect(crs.srid).to.equal(srid)
      expect(crs.latFirst).to.equal(latFirst)
    })
  }

  it('marks geographic and projected systems', () => {
    expect(parseCrs('EPSG:4490').geographic).to.equal(true)
    expect(parseCrs('GCJ-02').geographic).to.equal(true)
    expect(parseCrs('EPSG:3857').geographic).to.equal(false)
    expect(parseCrs('EPSG:4527').geographic).to.equal(false)
  })

  const rejected = ['EPSG:4512', 'EPSG:4555', 'EPSG:2000', 'EPSG:', 'EPSG:abc', 'EPSG:4326x', 'EPSG::4326',
    'urn:ogc:def:crs:EPSG::9999', 'http://example.com/def/crs/EPSG/0/4326', 'WGS84', '', '   ', '4326',
    'urn:ogc:def:crs:OGC:1.3:CRS83', 'x'.repeat(5000), "EPSG:4326'; drop table grid; --"]
  for (const input of rejected) {
    it(`rejects ${JSON.stringify(input.slice(0, 40))} with 400 unsupported_crs naming the supported ones`, () => {
      const err = thrownBy(() => parseCrs(input))
      expect(err.status).to.equal(400)
      expect(err.type).to.equal('unsupported_crs')
      expect(err.detail).to.match(/^unsupported CRS ".*": supported are .*EPSG:4490/s)
      expect(err.detail.length).to.be.lessThan(400)
      expect(err.ogc).to.deep.equal({ code: 'InvalidParameterValue', locator: 'crs' })
    })
  }

  it('lists every supported CRS once for capabilities documents', () => {
    const ids = supportedCrs().map((c) => c.id)
    expect(new Set(ids).size).to.equal(ids.length)
    expect(ids).to.include.members(['CRS:84', 'EPSG:4326', 'EPSG:4490', 'EPSG:3857', 'EPSG:4513', 'EPSG:4554', 'GCJ-02', 'BD-09'])
    expect(ids.length).to.equal(4 + 42 + 2)
    for (const c of supportedCrs()) expect(parseCrs(c.id)).to.deep.equal(c)
  })
})

describe('geo/crs: Gauss-Krüger definitions', () => {
  it('carries the zone number in the false easting of 4513-4533 and not in 4534-4554', () => {
    expect(proj4Definition(4513)).to.contain('+lon_0=75 ').and.contain('+x_0=25500000 ')
    expect(proj4Definition(4527)).to.contain('+lon_0=117 ').and.contain('+x_0=39500000 ')
    expect(proj4Definition(4533)).to.contain('+lon_0=135 ').and.contain('+x_0=45500000 ')
    expect(proj4Definition(4534)).to.contain('+lon_0=75 ').and.contain('+x_0=500000 ')
    expect(proj4Definition(4548)).to.contain('+lon_0=117 ').and.contain('+x_0=500000 ')
    expect(proj4Definition(4554)).to.contain('+lon_0=135 ').and.contain('+x_0=500000 ')
  })
})

describe('geo/crs: conversions', () => {
  const demo: [number, number] = [116.0123, 36.4567]

  it('round-trips every Gauss-Krüger zone within 0.1 m (in fact < 1 mm)', () => {
    for (let srid = 4513; srid <= 4554; srid++) {
      const crs = parseCrs(`EPSG:${srid}`)
      const zoneCm = srid <= 4533 ? (srid - 4513 + 25) * 3 : (srid - 4534 + 25) * 3
      for (const dLon of [-1.4, 0, 0.9]) {
        const lon = zoneCm + dLon
        const [n, e] = fromStorage(lon, 36.45, crs)
        const back = toStorage(n, e, crs)
        expect(metres(lon, 36.45, back.lon, back.lat), `EPSG:${srid}`).to.be.lessThan(0.001)
      }
    }
  })

  it('puts northing first for the GK zones and keeps the zone prefix in the easting', () => {
    const [n, e] = fromStorage(demo[0], demo[1], parseCrs('EPSG:4527'))
    expect(n).to.be.within(4_030_000, 4_040_000)
    expect(Math.floor(e / 1e6)).to.equal(39)
    const [n2, e2] = fromStorage(demo[0], demo[1], parseCrs('EPSG:4548'))
    expect(n2).to.be.closeTo(n, 1e-6)
    expect(e2).to.be.closeTo(e - 39e6, 1e-6)
    // 116.0123°E is west of the 117°E central meridian.
    expect(e2).to.be.lessThan(500000)
  })

  it('round-trips EPSG:3857 within 1 mm and matches the spherical Mercator formula', () => {
    const crs = parseCrs('EPSG:3857')
    const [x, y] = fromStorage(demo[0], demo[1], crs)
    expect(x).to.be.closeTo(6378137 * demo[0] * Math.PI / 180, 1e-6)
    expect(y).to.be.closeTo(6378137 * Math.log(Math.tan(Math.PI / 4 + demo[1] * Math.PI / 360)), 1e-6)
    const back = toStorage(x, y, crs)
    expect(metres(demo[0], demo[1], back.lon, back.lat)).to.be.lessThan(0.001)
    expect(back.conversion).to.match(/EPSG:3857 → .*proj4.*WGS84 ≡ CGCS2000/)
  })

  // gcoord inverts GCJ-02 by fixed-point iteration to 1e-6° (≈ 0.1 m): we state < 0.5 m, measure the max.
  for (const id of ['GCJ-02', 'BD-09']) {
    it(`round-trips ${id} across China within 0.5 m (gcoord's iterative inverse)`, () => {
      const crs = parseCrs(id)
      let worst = 0
      for (const [lon, lat] of chinaPoints(500)) {
        const [a, b] = fromStorage(lon, lat, crs)
        const back = toStorage(a, b, crs)
        worst = Math.max(worst, metres(lon, lat, back.lon, back.lat))
      }
      expect(worst).to.be.lessThan(0.5)
    })
  }

  // Published reference pairs, computed by other implementations than the one we use (gcoord):
  // - wandergis/coordtransform, test/app.js ("result" block): wgs84togcj02(116.404, 39.915) =
  //   [116.41024449916938, 39.91640428150164]; gcj02tobd09(116.404, 39.915) = [116.41036949371029,
  //   39.92133699351021]; bd09togcj02(116.404, 39.915) = [116.39762729119315, 39.90865673957631]
  //   (the same WGS84→GCJ-02 value is asserted by hutool's CoordinateUtilTest, which cites it);
  // - hujiulong/gcoord, test/unit/crs/GCJ02.spec.js: GCJ-02 [123, 45] → WGS84 [122.99395597,
  //   44.99804071] to 5 decimals (its iterative inverse, outside the reference's forward formula).
  // Tolerances: 1e-9° for the closed-form forward directions; 1e-5° (≈ 1 m) where the published
  // value was itself given to 5 decimals; 2e-6° (≈ 0.2 m) through gcoord's iterative inverse.
  it('matches published WGS84 → GCJ-02 → BD-09 reference pairs (coordtransform, gcoord)', () => {
    const gcj = parseCrs('GCJ-02')
    const bd = parseCrs('BD-09')
    const [glon, glat] = fromStorage(116.404, 39.915, gcj)
    expect(glon).to.be.closeTo(116.41024449916938, 1e-9)
    expect(glat).to.be.closeTo(39.91640428150164, 1e-9)
    const w = toStorage(123, 45, gcj)
    expect(w.lon).to.be.closeTo(122.99395597, 1e-5)
    expect(w.lat).to.be.closeTo(44.99804071, 1e-5)
    // BD-09 is GCJ-02 shifted: the WGS84 point whose GCJ-02 is (116.404, 39.915) has the BD-09 above
    const under = toStorage(116.404, 39.915, gcj)
    const [blon, blat] = fromStorage(under.lon, under.lat, bd)
    expect(blon).to.be.closeTo(116.41036949371029, 2e-6)
    expect(blat).to.be.closeTo(39.92133699351021, 2e-6)
    // and BD-09 (116.404, 39.915) lands where GCJ-02 (116.39762729119315, 39.90865673957631) does
    const fromBd = toStorage(116.404, 39.915, bd)
    const fromGcj = toStorage(116.39762729119315, 39.90865673957631, gcj)
    expect(fromBd.lon).to.be.closeTo(fromGcj.lon, 2e-6)
    expect(fromBd.lat).to.be.closeTo(fromGcj.lat, 2e-6)
  })

  it('applies the GCJ-02 offset (hundreds of metres in Shandong) and names the conversion', () => {
    const crs = parseCrs('GCJ-02')
    const [glon, glat] = fromStorage(demo[0], demo[1], crs)
    const offset = metres(demo[0], demo[1], glon, glat)
    expect(offset).to.be.within(100, 1000)
    const back = toStorage(glon, glat, crs)
    expect(back.conversion).to.equal('GCJ-02 → WGS84 (gcoord, iterative inverse), WGS84 ≡ CGCS2000 (sub-metre, no datum shift applied)')
    const [blon, blat] = fromStorage(demo[0], demo[1], parseCrs('BD-09'))
    expect(metres(glon, glat, blon, blat)).to.be.within(100, 2000)
  })

  it('reads lat,lon for URN/URI forms and lon,lat for the short form', () => {
    const short = toStorage(116.1, 36.4, parseCrs('EPSG:4326'))
    const urn = toStorage(36.4, 116.1, parseCrs('urn:ogc:def:crs:EPSG::4326'))
    expect([urn.lon, urn.lat]).to.deep.equal([short.lon, short.lat])
    expect(urn.conversion).to.contain('axes lat,lon → lon,lat')
    expect(fromStorage(116.1, 36.4, parseCrs('http://www.opengis.net/def/crs/EPSG/0/4490'))).to.deep.equal([36.4, 116.1])
    expect(fromStorage(116.1, 36.4, parseCrs('CRS:84'))).to.deep.equal([116.1, 36.4])
    expect(toStorage(116.1, 36.4, parseCrs('EPSG:4490')).conversion).to.match(/^none/)
    expect(toStorage(116.1, 36.4, parseCrs('EPSG:4326')).conversion).to.contain('WGS84 ≡ CGCS2000')
  })

  const bad: [string, number, number, RegExp][] = [
    ['EPSG:4326', Number.NaN, 36, /finite/],
    ['EPSG:4326', 116, Number.POSITIVE_INFINITY, /finite/],
    ['EPSG:4326', 181, 36, /longitude must be within ±180/],
    ['EPSG:4490', 116, 91, /latitude within ±90/],
    ['urn:ogc:def:crs:EPSG::4490', 116, 36, /lat,lon/],
    ['GCJ-02', 200, 36, /out of range/],
    ['EPSG:3857', 3e7, 0, /EPSG:3857/],
    ['EPSG:4527', 4035940, 410349, /zone number 39/],
    ['EPSG:4548', 4035940, 39410349, /no zone prefix.*EPSG:4527/],
    ['EPSG:4527', -5, 39410349, /northing/],
    ['EPSG:4527', 4035940, 38410349, /zone number 39/],
  ]
  for (const [id, a, b, re] of bad) {
    it(`refuses ${a},${b} in ${id} with 400 coordinate_out_of_range`, () => {
      const err = thrownBy(() => toStorage(a, b, parseCrs(id)))
      expect(err.status).to.equal(400)
      expect(err.type).to.equal('coordinate_out_of_range')
      expect(err.detail).to.match(re)
    })
  }

  it('flags lon,lat pairs that look swapped for a Chinese location', () => {
    expect(looksSwapped(36.45, 116.0)).to.equal(true)
    expect(looksSwapped(116.0, 36.45)).to.equal(false)
    expect(looksSwapped(2.35, 48.85)).to.equal(false)
  })

  it('returns fresh objects, so a caller mutating one cannot corrupt another', () => {
    const a: Crs = parseCrs('CRS:84')
    a.latFirst = true
    expect(parseCrs('CRS:84').latFirst).to.equal(false)
  })
})
