// .prj (ESRI WKT1 or OGC WKT) → CRS. An AUTHORITY["EPSG","n"] on the outermost CRS wins;
// otherwise the CRS name is matched against the names ArcGIS, QGIS and GDAL write for the
// systems we accept (WGS 84, CGCS2000, Web Mercator, CGCS2000 3-degree Gauss-Krüger zones).
// An unrecognised .prj is a 400: guessing a CRS would silently misplace every feature.
import { AppError } from '../http/errors.ts'
import { parseCrs, type Crs } from '../geo/crs.ts'

const GEOGRAPHIC: [RegExp, number][] = [
  [/china.?geodetic.?coordinate.?system.?2000|cgcs.?2000/i, 4490],
  [/wgs.?(19)?84/i, 4326],
]

/** The EPSG code a WKT names, or undefined. */
export function epsgOfWkt(wkt: string): number | undefined {
  const text = wkt.trim()
  const head = /^(PROJCS|PROJCRS|GEOGCS|GEOGCRS|GEODCRS)\s*\[\s*"([^"]*)"/i.exec(text)
  if (!head) return undefined
  // The outermost authority is the last AUTHORITY/ID before the final bracket.
  const outer = /(?:AUTHORITY|ID)\s*\[\s*"EPSG"\s*,\s*"?(\d+)"?\s*\]\s*\]\s*$/i.exec(text)
  if (outer) return Number(outer[1])
  const name = head[2]!
  const projected = /^PROJ/i.test(head[1]!)
  if (!projected) return GEOGRAPHIC.find(([re]) => re.test(name))?.[1]
  if (/web.?mercator|pseudo.?mercator|popular.?visualisation/i.test(name)) return 3857
  if (!/cgcs.?2000|china.?geodetic/i.test(name)) return undefined
  // Only 3-degree zones are accepted: 6-degree names ("CGCS2000_GK_Zone_20") look alike.
  const zone = /3.?degree.?(?:gk|gauss.?kruger).?zone.?(\d{2})/i.exec(name)
  if (zone && Number(zone[1]) >= 25 && Number(zone[1]) <= 45) return 4513 + Number(zone[1]) - 25
  const cm = /3.?degree.?(?:gk|gauss.?kruger).?cm.?(\d{2,3})e/i.exec(name)
  if (cm && Number(cm[1]) % 3 === 0 && Number(cm[1]) >= 75 && Number(cm[1]) <= 135) return 4534 + Number(cm[1]) / 3 - 25
  return undefined
}

/** The CRS of a Shapefile: its .prj, or the caller's explicit crs, or a 400. */
export function shapefileCrs(prj: string | null, explicit: string | undefined): Crs {
  if (explicit) return { ...parseCrs(explicit), latFirst: false }
  if (prj === null) {
    throw new AppError(400, 'missing_prj', 'the Shapefile has no .prj: its coordinate system is unknown; add the .prj or pass crs explicitly (e.g. crs=EPSG:4490)')
  }
  const epsg = epsgOfWkt(prj)
  if (epsg === undefined) {
    const shown = prj.trim().slice(0, 120)
    throw new AppError(400, 'unsupported_crs', `the .prj names a coordinate system that is not recognised (${shown}); pass crs explicitly`)
  }
  // Shapefile coordinates are always x (easting/longitude) first.
  return { ...parseCrs(`EPSG:${epsg}`), latFirst: false }
}
