// The QGIS Server 3.22 project (.qgs XML) of the peers bench, generated from the layer catalogue:
// one PostGIS layer per catalogue layer (its SELECT from layers.ts as a query layer), published
// in WMS and WFS, categorised by the layer's first style with gridgov's pixel sizes.
import type { LayerDef } from '../../../tiles/catalogue.ts'
import { POINT_RADIUS_PX, STROKE_PX, geometryWord, layerSelect, styleClasses, type Rgba } from './layers.ts'

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const rgba = (c: Rgba) => `${c.r},${c.g},${c.b},${Math.round(c.a * 255)}`

/** Layer ids must differ from layer names (QGIS Server then finds no layer by id). */
const layerId = (layer: LayerDef) => `${layer.id}_layer`

const CRS = `<spatialrefsys><authid>EPSG:4490</authid></spatialrefsys>`

/**
 * A QGIS data source URI; the SELECT as a query layer `table="(…)"`, ordered by the key: QGIS
 * Server 3.22 applies a WFS SORTBY in memory over the whole layer (5.8 s for 1,000 of 100,000
 * components), so the bench asks it without SORTBY and the layer itself gives gridgov's order.
 */
function dataSource(layer: LayerDef, databaseUrl: string): string {
  const u = new URL(databaseUrl)
  const q = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
  const type = layer.geometryType === 'Point' ? 'Point' : layer.geometryType
  return `dbname=${q(u.pathname.slice(1))} host=${u.hostname} port=${u.port || 5432} user=${q(decodeURIComponent(u.username))} ` +
    `password=${q(decodeURIComponent(u.password))} sslmode=disable key='${layer.key}' estimatedmetadata=true srid=4490 type=${type} ` +
    `checkPrimaryKeyUnicity='0' table="(${layerSelect(layer, true).replace(/"/g, '\\"')})" (geom)`
}

function symbolLayer(layer: LayerDef, fill: Rgba, stroke: Rgba): string {
  const prop = (k: string, v: string | number) => `<prop k="${k}" v="${esc(String(v))}"/>`
  if (layer.geometryType === 'Point') {
    return `<symbol type="marker" name="@" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleMarker" pass="0" locked="0" enabled="1">` +
      prop('name', 'circle') + prop('color', rgba(fill)) + prop('outline_color', rgba(stroke)) + prop('outline_style', 'solid') +
      prop('outline_width', STROKE_PX) + prop('outline_width_unit', 'Pixel') + prop('size', POINT_RADIUS_PX * 2) +
      prop('size_unit', 'Pixel') + prop('scale_method', 'diameter') + prop('joinstyle', 'round') + '</layer></symbol>'
  }
  if (layer.geometryType === 'MultiLineString') {
    return `<symbol type="line" name="@" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleLine" pass="0" locked="0" enabled="1">` +
      prop('line_color', rgba(stroke)) + prop('line_width', STROKE_PX) + prop('line_width_unit', 'Pixel') + prop('joinstyle', 'round') +
      prop('line_style', 'solid') + '</layer></symbol>'
  }
  return `<symbol type="fill" name="@" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" pass="0" locked="0" enabled="1">` +
    prop('color', rgba(fill)) + prop('style', fill.a > 0 ? 'solid' : 'no') + prop('outline_color', rgba(stroke)) + prop('outline_style', 'solid') +
    prop('outline_width', STROKE_PX) + prop('outline_width_unit', 'Pixel') + prop('joinstyle', 'round') + '</layer></symbol>'
}

function renderer(layer: LayerDef): string {
  const { by, classes } = styleClasses(layer)
  const symbols = classes.map((c, i) => symbolLayer(layer, c.fill, c.stroke).replace('name="@"', `name="${i}"`)).join('')
  if (!by) return `<renderer-v2 type="singleSymbol" symbollevels="0" forceraster="0" enableorderby="0"><symbols>${symbols}</symbols></renderer-v2>`
  // a category with an empty value is QGIS's "all other values"
  const categories = classes.map((c, i) => `<category render="true" symbol="${i}" value="${esc(c.value ?? '')}" label="${esc(c.value ?? '*')}"/>`).join('')
  return `<renderer-v2 type="categorizedSymbol" attr="${esc(by)}" symbollevels="0" forceraster="0" enableorderby="0">` +
    `<categories>${categories}</categories><symbols>${symbols}</symbols></renderer-v2>`
}

function mapLayer(layer: LayerDef, databaseUrl: string): string {
  const scale = layer.maxScaleDenominator
  return `<maplayer type="vector" geometry="${geometryWord(layer)}" hasScaleBasedVisibilityFlag="${scale ? 1 : 0}" ` +
    `minScale="${scale ?? 0}" maxScale="0" simplifyDrawingHints="0" readOnly="1">` +
    `<id>${layerId(layer)}</id><datasource>${esc(dataSource(layer, databaseUrl))}</datasource><layername>${layer.id}</layername>` +
    `<srs>${CRS}</srs><provider encoding="UTF-8">postgres</provider>${renderer(layer)}</maplayer>`
}

/** The whole project; it holds the database password (written 0600 by the caller). */
export function qgisProject(layers: LayerDef[], databaseUrl: string): string {
  const ids = layers.map(layerId)
  const list = (tag: string) => `<${tag} type="QStringList">${ids.map((id) => `<value>${id}</value>`).join('')}</${tag}>`
  const precision = `<WFSLayersPrecision>${ids.map((id) => `<${id} type="int">8</${id}>`).join('')}</WFSLayersPrecision>`
  return `<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis projectname="gridgov peers bench" version="3.22.16-Białowieża">
<title>gridgov peers bench</title>
<projectCrs>${CRS}</projectCrs>
<layer-tree-group expanded="1" checked="Qt::Checked" name="">
${layers.map((l) => `<layer-tree-layer expanded="1" checked="Qt::Checked" id="${layerId(l)}" name="${l.id}" providerKey="postgres"/>`).join('\n')}
</layer-tree-group>
<projectlayers>
${layers.map((l) => mapLayer(l, databaseUrl)).join('\n')}
</projectlayers>
<properties>
<WMSServiceCapabilities type="bool">true</WMSServiceCapabilities>
<WMSServiceTitle type="QString">gridgov peers bench</WMSServiceTitle>
<WMSUseLayerIDs type="bool">false</WMSUseLayerIDs>
<WMSExtent type="QStringList"><value>73</value><value>3</value><value>136</value><value>54</value></WMSExtent>
<WMSCrsList type="QStringList"><value>EPSG:4490</value><value>EPSG:4326</value><value>EPSG:3857</value></WMSCrsList>
<WMSMaxWidth type="QString">4096</WMSMaxWidth>
<WMSMaxHeight type="QString">4096</WMSMaxHeight>
<WMSFeatureInfoUseAttributeFormSettings type="bool">false</WMSFeatureInfoUseAttributeFormSettings>
${list('WFSLayers')}
${precision}
<WFSMaxFeatures type="int">-1</WFSMaxFeatures>
<SpatialRefSys><ProjectCrs type="QString">EPSG:4490</ProjectCrs><ProjectionsEnabled type="int">1</ProjectionsEnabled></SpatialRefSys>
<Paths><Absolute type="bool">true</Absolute></Paths>
</properties>
</qgis>
`
}
