// The Chinese of the generic refusals this layer itself raises: one code per status, a route
// that does not exist, the 400 of validate() (one sentence naming each field) and a bad cursor.
import { registerMessages, type MessageParams } from './registry.ts'

const byStatus: Record<number, [code: string, zh: string]> = {
  400: ['http.bad_request', '请求有误'],
  401: ['http.unauthorized', '未登录或登录已过期，请重新登录'],
  403: ['http.forbidden', '当前账号无权执行此操作'],
  404: ['http.not_found', '未找到所请求的内容，或不在您的辖区内'],
  405: ['http.method_not_allowed', '不支持此请求方法'],
  406: ['http.not_acceptable', '无法提供所要求的格式'],
  409: ['http.conflict', '与当前状态冲突，请刷新后重试'],
  413: ['http.payload_too_large', '提交的内容过大'],
  415: ['http.unsupported_media_type', '不支持的内容类型'],
  422: ['http.unprocessable', '无法处理此请求'],
  429: ['http.too_many_requests', '操作过于频繁，请稍后再试'],
  503: ['http.unavailable', '服务暂不可用，请稍后再试'],
}

/** The code of a refusal nobody coded: by its status. */
export const genericCode = (status: number): string => byStatus[status]?.[0] ?? (status >= 500 ? 'http.internal' : 'http.error')

/** What validate() was checking, in Chinese (its third argument). */
const subjects: Record<string, string> = {
  'request body': '请求内容', query: '查询参数', transition: '操作', event: '事件', fence: '围栏', device: '设备',
  'GeoJSON Feature': '图形', 'GeoJSON FeatureCollection': '图形集合', 'patrol template': '巡查模板', 'template change': '巡查模板修改',
  'split request': '拆分请求', 'merge request': '合并请求', path: '路径参数', feedback: '反馈', sla: '时限设置', members: '成员',
  'service request': '服务请求', platform: '平台', attendance: '考勤', binding: '绑定',
}

const typeWords: Record<string, string> = {
  string: '文本', number: '数字', int: '整数', boolean: '是或否', object: '对象', array: '列表', date: '日期', bigint: '整数',
}

/** One field's problem as validate() keeps it in the params (a zod issue, reduced). */
export interface FieldIssue {
  field: string
  kind: string
  missing?: boolean
  expected?: string
  origin?: string
  limit?: number
  inclusive?: boolean
  values?: string[]
  keys?: string[]
}

/** A zod issue in Chinese (the common ones; others say the value is not valid). */
export function issueZh(i: FieldIssue): string {
  const sized = i.origin === 'string' ? '个字符' : i.origin === 'array' || i.origin === 'set' ? '项' : ''
  if (i.missing) return '必须填写'
  switch (i.kind) {
    case 'invalid_type': return `应为${typeWords[i.expected ?? ''] ?? '正确的类型'}`
    case 'too_big':
      if (sized) return `不能超过 ${i.limit} ${sized}`
      return i.inclusive === false ? `须小于 ${i.limit}` : `不能大于 ${i.limit}`
    case 'too_small':
      if (i.origin === 'string' && i.limit === 1) return '不能为空'
      if (sized) return `至少 ${i.limit} ${sized}`
      return i.inclusive === false ? `须大于 ${i.limit}` : `不能小于 ${i.limit}`
    // a long list (the 27 actions) helps nobody: name it only when short
    case 'invalid_value': return i.values?.length && i.values.length <= 8 ? `须为以下之一：${i.values.join('、')}` : '取值不在允许范围内'
    case 'invalid_format': return '格式不正确'
    case 'unrecognized_keys': return `含有不认识的字段 ${(i.keys ?? []).join('、')}`
    case 'not_multiple_of': return `须为 ${i.limit} 的倍数`
    default: return '取值无效'
  }
}

function validationZh(p: MessageParams): string {
  const issues = Array.isArray(p.issues) ? (p.issues as FieldIssue[]) : []
  const what = subjects[String(p.what)] ?? '请求'
  const parts = issues.map((i) => (i.field === '(root)' ? issueZh(i) : `字段 ${i.field} ${issueZh(i)}`))
  return `${what}有误：${parts.join('；') || '取值无效'}`
}

/** The refusals of sign-in and of the Authorization header (server/http/auth.ts, auth/routes.ts, auth/tokens.ts). */
const authZh: Record<string, string> = {
  'auth.invalid_credentials': '用户名或密码错误',
  'auth.invalid_api_key': 'API 密钥无效、已吊销或已过期',
  'auth.bad_authorization': '认证信息格式不正确，请重新登录',
  'auth.user_disabled': '该账号已不存在或已停用',
  'auth.token_revoked': '登录已失效（已退出或已修改密码），请重新登录',
  'auth.token_expired': '登录已过期，请重新登录',
  'auth.invalid_token': '登录凭据无效，请重新登录',
  'auth.role_forbidden': '您的角色无权执行此操作',
}

/** A NUL character refused by ../input.ts: the part of the request and the name inside it. */
const nulParts: Record<string, string> = { path: '请求路径', query: '查询参数', header: '请求头', body: '请求内容字段' }
function nulZh(p: MessageParams): string {
  return `${nulParts[String(p.part)] ?? '请求'}${p.name ? ` ${String(p.name)} ` : ''}含有空字符（NUL），请删除后重试`
}

/** Called by errors.ts when it loads: the generic wordings belong to this layer. */
export function registerHttpMessages(): void {
  registerMessages('zh', {
    ...Object.fromEntries(Object.values(byStatus)),
    ...authZh,
    'http.error': '请求失败',
    'http.internal': '服务器内部错误，请稍后重试（请求编号 {requestId}）',
    'http.no_route': '没有这个接口：{method} {path}',
    'http.validation_failed': validationZh,
    'http.invalid_query': '查询参数 {field} 无效',
    'http.repeated_query': '查询参数 {field} 重复出现',
    'http.bad_cursor': '翻页标记无效，请从第一页重新加载',
    'http.nul_character': nulZh,
    'http.bad_content_encoding': '请求内容与其声明的压缩格式（Content-Encoding）不符',
    'http.bad_datetime': '日期或时间超出有效范围（如 0000 年或 2 月 31 日），请检查填写的日期',
    'http.write_collision': '与同时进行的另一修改冲突，本次修改已整体撤销，未作任何更改，请重新提交',
  })
}
