// The Chinese of the raster import's refusals (registered by rasterRoutes).
import type { Wording } from '../http/messages/registry.ts'

export const rasterMessagesZh: Record<string, Wording> = {
  'rasters.gdal_missing': '导入栅格需要服务器安装 GDAL（Debian 软件包 gdal-bin）；已导入的栅格仍可正常浏览',
  'rasters.unreadable': '文件不是 GDAL 能读取的栅格数据：{reason}',
  'rasters.unsupported_format': '不支持导入 {format} 格式的栅格；请上传 GeoTIFF、ERDAS IMG 或 DEM（.asc、USGS DEM、DTED、SRTM HGT）',
  'rasters.no_crs': '{format} 文件没有坐标参考系（.asc 格网请将同名 .prj 一并打包为 zip 上传）',
  'rasters.no_georeference': '{format} 文件没有地理配准信息，无法确定其位置',
  'rasters.outside_mercator': '栅格超出 Web 墨卡托的纬度范围（±85.05°），无法切片',
  'rasters.bands': '{kind} 类栅格的波段数不符（该文件有 {bands} 个波段）',
  'rasters.zip_contents': 'zip 中应恰好包含一个栅格文件及其附属文件（现有 {count} 个）',
  'rasters.bad_name': '{field}：须以小写字母开头，只含小写字母、数字、_ 或 -，最多 51 个字符',
  'rasters.bad_kind': '{field}：类型须为 ortho（正射影像）、topo（地形图）或 dem（高程模型）',
  'rasters.name_taken': '名称 {name} 已被其他图层或栅格使用，请先删除或换一个名称',
  'rasters.not_found': '没有名为 {name} 的栅格',
  'rasters.too_large': '栅格文件不能超过 {max} 字节',
  'rasters.body_type': '请直接上传栅格文件本身（image/tiff、application/octet-stream 或 application/zip），不要用表单或 JSON',
  'rasters.empty': '请求体为空：请上传 GeoTIFF、ERDAS IMG、DEM 文件或其 zip 包',
}
