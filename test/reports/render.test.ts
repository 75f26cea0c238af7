// The pieces of a report that need no database: titles, file names, the map's resolution and
// shapes, and that names from the database cannot inject markup into a chart or the map.
import { expect } from 'chai'
import { cellToBoundary, latLngToCell, gridDisk, getHexagonEdgeLengthAvg, UNITS } from 'h3-js'
import { parsePeriod } from '../../server/analytics/calendarPeriods.ts'
import { periodName, titleOf } from '../../server/reports/content.ts'
import { contentDisposition, fileNames } from '../../server/reports/render.ts'
import { CELLS_ACROSS, resolutionFor, type MapData } from '../../server/reports/mapData.ts'
import { heatColour, mapSvg } from '../../server/reports/mapSvg.ts'
import { barChart } from '../../server/reports/charts.ts'

describe('report rendering', () => {
  it('names periods and titles in Chinese, partial periods with 截至', () => {
    expect(periodName(parsePeriod('daily', '2026-11-30'))).to.equal('2026年11月30日')
    expect(periodName(parsePeriod('weekly', '2026-W48'))).to.equal('2026年第48周（11月23日—11月29日）')
    expect(periodName(parsePeriod('weekly', '2026-W01'))).to.equal('2026年第1周（12月29日—1月4日）')
    expect(periodName(parsePeriod('monthly', '2026-11'))).to.equal('2026年11月')
    expect(titleOf('示范市', parsePeriod('annual', '2026'), null)).to.equal('示范市 2026年 年报')
    expect(titleOf('示范市', parsePeriod('monthly', '2026-12'), new Date('2026-12-03T01:05:00Z'))).to.equal('示范市 2026年12月 月报（截至 2026-12-03 09:05）')
  })

  it('writes Content-Disposition with an ASCII name and the UTF-8 filename*', () => {
    const p = parsePeriod('monthly', '2026-11')
    const cd = contentDisposition('xlsx', fileNames('示范市', '990100000000', p, 'xlsx', false))
    expect(cd).to.equal(`attachment; filename="report-990100000000-monthly-2026-11.xlsx"; filename*=UTF-8''${encodeURIComponent('示范市-2026年11月-月报.xlsx')}`)
    // characters not allowed in a file name are dropped from the Chinese name
    expect(fileNames('a/b:c"d', '990100000000', p, 'pdf', true).utf8).to.equal('abcd-2026年11月-月报-截至生成时.pdf')
  })

  it('picks the resolution whose hexagons are nearest 1/CELLS_ACROSS of the map', () => {
    for (const km of [3, 10, 40, 150]) {
      const r = resolutionFor(km)
      const width = (res: number) => Math.sqrt(3) * getHexagonEdgeLengthAvg(res, UNITS.km)
      const off = (res: number) => Math.abs(Math.log(width(res) * CELLS_ACROSS / km))
      for (const other of [5, 6, 7, 8, 9, 10, 11]) expect(off(r), `${km} km: ${r} vs ${other}`).to.be.at.most(off(other))
    }
    expect(resolutionFor(0.01)).to.equal(11)
    expect(resolutionFor(100_000)).to.equal(5)
  })

  it('draws one heat-cell path per cell, hot spots outlined, every shape inside the picture', () => {
    const cells = gridDisk(latLngToCell(36.45, 116.0, 9), 2)
    const ring = (h: string) => cellToBoundary(h, true)
    const m: MapData = {
      resolution: 9, total: 0, maxCount: 0,
      divisions: [{ code: '990100000000', level: 'city', rings: [[[115.98, 36.43], [116.02, 36.43], [116.02, 36.47], [115.98, 36.47], [115.98, 36.43]]] }],
      grids: [], cells: cells.map((h, i) => ({ h3: h, count: i + 1, ring: ring(h) })),
      hotspots: [{ h3: cells[0]!, cls: 'hot99', z: 3.1, count: 1, ring: ring(cells[0]!) }],
    }
    m.total = m.cells.reduce((a, c) => a + c.count, 0)
    m.maxCount = cells.length
    const svg = mapSvg(m, '<测试>')
    expect(svg.match(/<path class="heat-cell"/g)).to.have.length(cells.length)
    expect(svg.match(/<path class="hotspot"/g)).to.have.length(1)
    for (const d of svg.matchAll(/ d="([^"]+)"/g)) {
      for (const [x, y] of [...d[1]!.matchAll(/(-?[\d.]+) (-?[\d.]+)/g)].map((v) => [Number(v[1]), Number(v[2])])) {
        expect(x).to.be.within(0, 760)
        expect(y).to.be.within(0, 700)
      }
    }
    expect(heatColour(1, 19)).to.equal('#fff3b0')
    expect(heatColour(19, 19)).to.equal('#bd0026')
    // nothing to draw: a note instead of a map, the title escaped
    expect(mapSvg({ ...m, divisions: [], cells: [], hotspots: [] }, '<测试>')).to.include('&lt;测试&gt;：无可绘制的区域')
  })

  it('escapes names in charts', () => {
    const svg = barChart('按大类', [{ key: '01', name: '<script>alert(1)</script>', total: 3 }])
    expect(svg).not.to.include('<script>')
    expect(svg).to.include('&lt;script&gt;')
  })
})
