// The Chinese of the offline package's refusals (registered by offlineRoutes).
import type { Wording } from '../http/messages/registry.ts'

export const offlineMessagesZh: Record<string, Wording> = {
  'offline.area_code': '区划代码 {area} 无效：应为12位行政区划代码',
  'offline.area_not_found': '您的管辖范围内没有区划 {area}',
  'offline.area_city': '{area} 是市级区划，范围过大：请选择其下的区、街道或社区下载离线包',
  'offline.bad_file': '文件名应为“12位区划代码.gpkg”或“12位区划代码.mbtiles”',
  'offline.too_many_tiles': '{area} 的瓦片超过 {limit} 张：请改为下载街道或社区的离线包',
  'offline.media_type': '请以请求体直接上传 GeoPackage 文件（Content-Type: application/geopackage+sqlite3），收到的是 {type}',
  'offline.too_large': '上传的 GeoPackage 超过 {limit} 字节的上限',
  'offline.interrupted': '上传中断，GeoPackage 未完整收到，请重新上传',
  'offline.empty': '请求体为空：请上传 GeoPackage 文件',
  'offline.not_sqlite': '上传的文件不是 SQLite 数据库（GeoPackage），请上传导出的 .gpkg 文件',
  'offline.unreadable': '上传的 GeoPackage 无法读取，文件可能已损坏',
  'offline.missing_table': 'GeoPackage 缺少数据表 {table}：请上传本系统导出的离线包',
  'offline.no_package_id': 'GeoPackage 缺少离线包编号：请上传本系统导出的离线包',
  'offline.not_features': '数据表 {table} 不是 GeoPackage 要素表',
  'offline.wrong_crs': '数据表 {table} 的坐标系为 {crs}，应为 CGCS2000（EPSG:4490）：请勿转换离线包的坐标系',
  'offline.wrong_geometry': '数据表 {table} 的几何类型为 {type}，应为点（POINT）',
  'offline.bad_geometry': '数据表 {table} 的要素 {fid} 几何无效：应为 CGCS2000 经纬度点',
  'offline.unknown_package': '该 GeoPackage 不是本系统导出的离线包，请重新下载离线包后再编辑同步',
  'offline.area_mismatch': '离线包属于区划 {packageArea}，与同步地址中的 {area} 不一致',
  'offline.conflict': '该要素在导出后已在服务器上被修改，外业修改未应用',
  'offline.outside_community': '部件位置超出其所属社区 {community} 的范围',
  'offline.delete_not_synced': '离线包中删除部件不会同步',
}
