// The Chinese of the residents' endpoints' and notices' refusals (registered by publicRoutes and noticeRoutes).
import type { Wording } from '../http/messages/registry.ts'

const scopes: Record<string, string> = {
  sms_phone: '该手机号获取验证码过于频繁', sms_address: '当前网络获取验证码过于频繁', resend: '验证码发送过于频繁',
  code_phone: '该手机号验证码错误次数过多', code_number: '该编号验证码错误次数过多', code_address: '当前网络验证码错误次数过多',
}

export const publicMessagesZh: Record<string, Wording> = {
  'public.throttled': (p) => `${scopes[String(p.scope)] ?? '请求过于频繁'}，请 ${String(p.retryAfter)} 秒后再试`,
  'public.sms_unavailable': '短信服务暂不可用，暂时无法发送验证码，请稍后再试或拨打12345热线',
  'public.code_invalid': '验证码错误或已过期，请重新获取',
  'public.follow_token_invalid': '查询凭证无效或已过期，请用手机验证码重新查询',
  'public.photo_too_large': '{field}：照片不能超过 10 MB',
  'public.photo_type': '{field}：只能上传 JPEG、PNG 或 WebP 格式的照片',
  'public.photo_unreadable': '{field}：照片无法识别，请重新拍摄或选择',
  'public.photo_not_found': '照片 {id} 不存在',
  'public.too_many_photos': '最多上传 {max} 张照片',
  'public.body_too_large': '提交的内容过大（照片合计不能超过 50 MB）',
  'public.form_expected': '请以表单（multipart/form-data）方式提交',
  'public.form_unreadable': '提交的表单无法解析，请重新提交',
  'public.form_field': '表单字段 {field} 有误',
  'notices.not_found': '公告 {id} 不存在',
  'notices.version_conflict': '公告 {id} 已被他人修改（当前版本 {version}），请刷新后重试',
  'notices.illegal_state': '公告 {id} 当前状态为“{status}”，不能{action}',
}
