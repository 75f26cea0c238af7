// The Chinese of the import formats' refusals (registered by importRoutes).
import type { Wording } from '../http/messages/registry.ts'

export const importMessagesZh: Record<string, Wording> = {
  'vector_import.needs_gdal': '{format} 文件需要通过 GDAL（gdal-bin）读取，本服务器未安装；请改用 GeoJSON、KML 或 Shapefile 压缩包',
  'vector_import.unreadable': '无法读取该 {format} 文件，文件可能已损坏或格式不符',
  'vector_import.many_layers': '上传内容包含 {count} 个图层，每次只能导入一个图层',
  'vector_import.missing_crs': '{format} 文件未声明坐标系，请用 crs 参数指明（例如 crs=EPSG:4490）',
  'vector_import.incomplete_set': '上传的文件不完整，缺少：{missing}',
  'vector_import.no_layer': '上传内容中没有可导入的图层（支持 .shp、.tab、.mif、.kml、.gpkg、.dxf、.geojson）',
  'vector_import.format_mismatch': '上传内容与指定的格式 {format} 不符',
  'vector_import.not_geopackage': '该文件不是 GeoPackage（不是 SQLite 数据库）',
  'vector_import.bad_kml': (p) => (p.where ? `KML 文件有误：${String(p.where)} 的坐标无效` : 'KML 文件有误或不是 KML 文档'),
  'vector_import.bad_multipart': '上传的表单无法解析或文件过多',
  'vector_import.too_slow': '文件读取超时（{seconds} 秒）',
  'vector_import.too_large': '文件展开后的要素数据过大',
}
