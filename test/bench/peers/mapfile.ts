// The MapServer 8 mapfile of the peers bench, generated from the layer catalogue: one PostGIS
// layer per catalogue layer (its SELECT from layers.ts), WMS + WFS + MVT enabled, classes from
// the layer's first style with gridgov's pixel sizes (1 px strokes, points of radius 4 px).
import type { LayerDef } from '../../../tiles/catalogue.ts'
import { POINT_RADIUS_PX, STROKE_PX, geometryWord, layerSelect, styleClasses, type Rgba } from './layers.ts'

/** A mapfile layer's PostGIS CONNECTION for a postgres:// URL. */
export function pgConnection(databaseUrl: string): string {
  const u = new URL(databaseUrl)
  return `host=${u.hostname} port=${u.port || 5432} dbname=${u.pathname.slice(1)} ` +
    `user=${decodeURIComponent(u.username)} password=${decodeURIComponent(u.password)}`
}

/** A mapfile string literal. */
const str = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
const rgb = (c: Rgba) => `${c.r} ${c.g} ${c.b}`
const opacity = (c: Rgba) => Math.round(c.a * 100)

function classStyles(layer: LayerDef, fill: Rgba, stroke: Rgba): string {
  if (layer.geometryType === 'Point') {
    return `STYLE SYMBOL "circle" SIZE ${POINT_RADIUS_PX * 2} COLOR ${rgb(fill)} OPACITY ${opacity(fill)} ` +
      `OUTLINECOLOR ${rgb(stroke)} WIDTH ${STROKE_PX} END`
  }
  const styles: string[] = []
  // fill and outline in two styles: each has its own opacity
  if (layer.geometryType === 'MultiPolygon' && fill.a > 0) styles.push(`STYLE COLOR ${rgb(fill)} OPACITY ${opacity(fill)} END`)
  const outline = layer.geometryType === 'MultiPolygon' ? 'OUTLINECOLOR' : 'COLOR'
  styles.push(`STYLE ${outline} ${rgb(stroke)} OPACITY ${opacity(stroke)} WIDTH ${STROKE_PX} LINEJOIN ROUND END`)
  return styles.join(' ')
}

function mapLayer(layer: LayerDef, connection: string): string {
  const { by, classes } = styleClasses(layer)
  const classText = classes.map((c) => `    CLASS${c.value === undefined ? '' : ` EXPRESSION ${str(c.value)}`} ${classStyles(layer, c.fill, c.stroke)} END`)
  const data = `geom FROM (${layerSelect(layer)}) AS t USING UNIQUE ${layer.key} USING SRID=4490`
  return `  LAYER
    NAME ${str(layer.id)}
    TYPE ${geometryWord(layer).toUpperCase()}
    STATUS ON
    CONNECTIONTYPE POSTGIS
    CONNECTION ${str(connection)}
    PROCESSING "CLOSE_CONNECTION=DEFER"
    DATA ${str(data)}
    PROJECTION "init=epsg:4490" END
    EXTENT 73 3 136 54
${layer.maxScaleDenominator ? `    MAXSCALEDENOM ${layer.maxScaleDenominator}\n` : ''}${by ? `    CLASSITEM ${str(by)}\n` : ''}${classText.join('\n')}
    METADATA
      "ows_title" ${str(layer.id)}
      "ows_srs" "EPSG:4490 EPSG:4326 EPSG:3857"
      "gml_include_items" "all"
      "gml_types" "auto"
      "gml_featureid" ${str(layer.key)}
      "gml_geometries" "geom"
      "wfs_getfeature_formatlist" "geojson"
    END
  END`
}

/** The whole mapfile; it holds the database password (written 0600 by the caller). */
export function mapfile(layers: LayerDef[], databaseUrl: string): string {
  const connection = pgConnection(databaseUrl)
  return `MAP
  NAME "gridgov_peers"
  EXTENT 73 3 136 54
  SIZE 256 256
  MAXSIZE 4096
  UNITS DD
  IMAGECOLOR 255 255 255
  PROJECTION "init=epsg:4490" END
  SYMBOL NAME "circle" TYPE ELLIPSE FILLED TRUE POINTS 1 1 END END
  OUTPUTFORMAT NAME "png" DRIVER AGG/PNG MIMETYPE "image/png" IMAGEMODE RGB EXTENSION "png" FORMATOPTION "GAMMA=1" END
  OUTPUTFORMAT NAME "geojson" DRIVER "OGR/GEOJSON" MIMETYPE "application/json" FORMATOPTION "STORAGE=stream" FORMATOPTION "FORM=SIMPLE" END
  OUTPUTFORMAT NAME "mvt" DRIVER MVT MIMETYPE "application/vnd.mapbox-vector-tile" FORMATOPTION "EXTENT=4096" FORMATOPTION "EDGE_BUFFER=64" END
  WEB
    METADATA
      "ows_enable_request" "*"
      "ows_title" "gridgov peers bench"
      "ows_onlineresource" "http://127.0.0.1/?"
      "ows_srs" "EPSG:4490 EPSG:4326 EPSG:3857"
      "wfs_getfeature_formatlist" "geojson"
      "wfs_maxfeatures" "100000"
    END
  END
${layers.map((l) => mapLayer(l, connection)).join('\n')}
END
`
}
