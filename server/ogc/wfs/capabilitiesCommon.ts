// What both WFS capabilities documents (2.0.0 here in getCapabilities.ts, 1.1.0 in
// getCapabilities11.ts) say alike: the service's title and provider, the other CRSs, bounding boxes.
import { supportedCrs } from '../../geo/crs.ts'
import { el, textEl } from '../common/xml.ts'

export const SERVICE_TITLE = 'gridgov 网格化管理 WFS'
export const SERVICE_ABSTRACT = '网格、行政区划、城市部件与标准地址要素服务 (CGCS2000). Feature data needs HTTP Basic credentials; ' +
  'every query is limited to the caller\'s jurisdiction.'

/** Other CRSs of every feature type, in the URN form (EPSG axis order). */
export function otherCrs(): string[] {
  return ['urn:ogc:def:crs:OGC:1.3:CRS84', ...supportedCrs().filter((c) => c.srid !== null && c.id.startsWith('EPSG:') && c.id !== 'EPSG:4490')
    .map((c) => `urn:ogc:def:crs:EPSG::${c.srid}`)]
}

export const bboxLonLat = (e: [number, number, number, number]) => [`${e[0]} ${e[1]}`, `${e[2]} ${e[3]}`]

export const serviceProvider = (ows: string) => el(`${ows}:ServiceProvider`, {},
  textEl(`${ows}:ProviderName`, 'gridgov'),
  el(`${ows}:ServiceContact`, {}, textEl(`${ows}:PositionName`, '城市运行管理服务中心 GIS 组')))
