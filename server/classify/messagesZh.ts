// The Chinese of the classifier's refusals, registered by classifyRoutes (and by the intake's use).
import type { Wording } from '../http/messages/registry.ts'

export const classifyMessagesZh: Record<string, Wording> = {
  'classify.class_required': '渠道 {channel} 上报须填写事件类别 classCode；只有 {channels} 渠道可由系统自动分类',
  'classify.class_not_on_accept': '类别 classCode 只能在受理（accept）时修改',
  'classify.unknown_class': '未知的事件类别 {code}：请使用 event_class 中的四位小类代码',
}
