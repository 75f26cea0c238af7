// A typed coordinate ("116.98,36.65", lon,lat in EPSG:4490; WGS84 is the same to a metre; a
// lat,lon pair within China is read the other way round): one hit that centres the map there,
// named by the base grid it lies in when the caller's jurisdiction covers it.
import { sqlFile } from '../../db/sql.ts'
import type { SearchContext, SearchHit, SearchSource } from '../types.ts'

interface PlaceRow { code: string; name: string; community_name: string }

export const coordinateSource: SearchSource = {
  name: 'coordinates',
  group: 'coordinate',
  applies: (q) => q.coordinate !== null,
  async search(ctx: SearchContext): Promise<SearchHit[]> {
    const { lon, lat, swapped } = ctx.query.coordinate!
    const { rows } = await ctx.knex.raw(sqlFile('search/locate_point'), { lon, lat, patterns: ctx.jurisdiction.patterns }) as { rows: PlaceRow[] }
    const place = rows[0]
    const where = place ? `${place.community_name} · ${place.name}` : '不在辖区网格内'
    return [{
      kind: 'coordinate', id: `${lon},${lat}`, title: `经度 ${lon.toFixed(6)} 纬度 ${lat.toFixed(6)}`,
      subtitle: swapped ? `${where}（已按经度、纬度顺序读取）` : where,
      match: 'exact', score: 1, point: [lon, lat], bbox: null, extra: { gridCode: place?.code ?? null },
    }]
  },
}
