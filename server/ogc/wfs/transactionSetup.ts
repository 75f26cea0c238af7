// The layers WFS-T writes itself (grids and components; the registers with places register theirs) and the Chinese wording of its refusals,
// registered when the WFS routes are built.
import { registerMessages } from '../../http/messages/registry.ts'
import { componentWriter, isComponentLayer } from './transactionComponents.ts'
import { gridWriter, isGridLayer } from './transactionGrids.ts'
import { registerWriter } from './transactionWriters.ts'

export function registerTransactionWriters(): void {
  registerWriter(isGridLayer, gridWriter, 'grids')
  registerWriter(isComponentLayer, componentWriter, 'components')
  registerMessages('zh', {
    'wfst.post_only': '事务（Transaction）须以 XML 形式 POST 提交',
    'wfst.filter_required': '{action} 须带过滤条件（Filter）指明要修改的要素',
    'wfst.action_unsupported': '事务不支持 {action}，请使用 Insert、Update、Delete',
    'wfst.empty': '事务中没有要新增、修改或删除的要素',
    'wfst.too_many': '一次事务最多处理 {max} 个要素',
    'wfst.unknown_type': '没有要素类型 {typeName}（或您无权查看）',
    'wfst.unknown_property': '图层 {layer} 没有属性 {property}',
    'wfst.read_only_layer': '图层 {layer} 不能通过 WFS 编辑',
    'wfst.role_forbidden': '角色 {role} 不能编辑图层 {layer}',
    'wfst.read_only': '属性 {property} 由系统维护，不能修改',
    'wfst.geometry_required': '要素必须有几何（geom）',
    'wfst.bad_geometry': '要素的几何（geom）坐标无法换算到 CGCS2000',
    'wfst.feature_missing': '要素 {feature} 不存在或不在您的辖区内',
    'wfst.stale_version': '要素 {feature} 已被他人修改（您读取的是版本 {version}，当前为版本 {current}），请刷新后再改',
    'wfst.delete_unsupported': '图层 {layer} 的要素不能删除（台账只能修改）',
    'wfst.bad_version': '要素 {feature} 的版本须为版本号、时间或 LATEST',
  })
}
