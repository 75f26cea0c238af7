// The Chinese of the OGC API Features refusals (registered by featuresRoutes).
import type { Wording } from '../../http/messages/registry.ts'

export const featuresMessagesZh: Record<string, Wording> = {
  'features.bad_datetime': (p) => `时间参数 datetime「${String(p.value)}」格式错误：应为 RFC 3339 时间（如 2026-01-01T08:00:00Z）、日期，或以“/”分隔的时间区间（开放端写“..”）`,
  'features.bad_format': (p) => `不支持的输出格式 f=${String(p.value)}：可用 json 或 html`,
  'features.bad_filter_lang': (p) => `不支持的过滤语言 filter-lang=${String(p.value)}：仅支持 cql2-text`,
  'features.cql2_syntax': (p) => `过滤条件语法错误：第 ${String(p.position)} 个字符处（${p.token ? `「${String(p.token)}」` : '结尾'}），应为 ${String(p.expected)}`,
  'features.unknown_queryable': (p) => `过滤条件中的属性「${String(p.name)}」不可查询，请查看该集合的可查询属性（queryables）`,
}
