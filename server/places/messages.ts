// The Chinese of the places, units and organisations registers' refusals (registered when their
// routes are built). registers.version_conflict, the register contract's code, is worded with the
// generic layer's messages (server/registers/messagesZh.ts).
import { registerMessages, type Wording } from '../http/messages/registry.ts'

const what: Record<string, string> = { place: '重点场所', unit: '单位', organisation: '社会组织' }
const whatZh = (w: unknown) => what[String(w)] ?? String(w)

// one object for the process: a function wording registered again must be the same function
const WORDINGS: Record<string, Wording> = {
    'places.not_found': (p) => `辖区内没有${whatZh(p.what)} ${String(p.id)}`,
    'places.outside_jurisdiction': '{field}：社区 {community} 不在您的辖区内',
    'places.community_unknown': '{field}：所属社区无法确定，请填写社区代码或在社区范围内的坐标',
    'places.duplicate': (p) => `${String(p.field)}：该${whatZh(p.what)}已登记（${p.field === 'creditCode' ? '统一社会信用代码' : '同一社区内名称'}重复）`,
    'places.duplicate_in_file': '{field}：与文件中前面的行重复',
    'places.unmask_forbidden': '当前角色无权查看该记录的完整个人信息',
    'places.inspection_not_found': '没有检查记录 {id}',
    'places.nothing_to_rectify': '检查记录 {id} 没有整改要求',
    'places.rectified_already': '检查记录 {id} 已登记整改完成',
    'places.rectified_before': '整改完成时间不能早于检查时间',
    'places.no_point': '该场所没有坐标，无法计算周边',
}

export function registerPlacesMessages(): void {
  registerMessages('zh', WORDINGS)
}
