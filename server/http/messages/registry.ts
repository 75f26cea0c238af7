// The wording of coded refusals in the languages a client may ask for. English is the `detail`
// each throw site writes (what API clients have always read); other languages are catalogues that
// capabilities register when their routes are built, so this generic layer imports none of them.
//
//   registerMessages('zh', { 'events.not_found': '辖区内没有事件 {number}' })
//
// A wording is a template ({name} is replaced by the parameter) or a function of the parameters.

export type MessageParams = Record<string, unknown>
export type Wording = string | ((params: MessageParams) => string)
/** Languages besides the English of the throw sites. */
export type Language = 'zh'

const catalogues = new Map<Language, Map<string, Wording>>()

/** Code syntax: family.name, lower-case snake parts (e.g. 'transition.no_open_supervision'). */
export const CODE_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/

/**
 * Adds wordings to a language's catalogue. Registering the same wording again is a no-op (apps
 * built twice in one process); a different wording for a code already known is a programming
 * error: two capabilities would be claiming one code.
 */
export function registerMessages(lang: Language, entries: Record<string, Wording>): void {
  let catalogue = catalogues.get(lang)
  if (!catalogue) catalogues.set(lang, catalogue = new Map())
  for (const [code, wording] of Object.entries(entries)) {
    if (!CODE_PATTERN.test(code)) throw new Error(`registerMessages: "${code}" is not a message code (family.name)`)
    const known = catalogue.get(code)
    if (known !== undefined && known !== wording) throw new Error(`registerMessages: ${code} is already worded differently in ${lang}`)
    catalogue.set(code, wording)
  }
}

/** The text of a code in a language, or undefined when the catalogue lacks it. */
export function messageFor(lang: Language, code: string, params: MessageParams = {}): string | undefined {
  const wording = catalogues.get(lang)?.get(code)
  if (wording === undefined) return undefined
  if (typeof wording === 'function') return wording(params)
  return fill(wording, params)
}

/** Replaces {name} by the parameter's text; a missing parameter leaves nothing. */
export function fill(template: string, params: MessageParams): string {
  return template.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) => {
    const v = params[name]
    return v === undefined || v === null ? '' : Array.isArray(v) ? v.join('、') : String(v)
  })
}

/** An ISO instant as Beijing wall time to the minute ("2026-12-03 12:00"), for wordings. */
export function beijingMinute(iso: unknown): string {
  const t = new Date(String(iso))
  if (iso === null || iso === undefined || Number.isNaN(t.getTime())) return ''
  return new Date(t.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')
}

/** The codes a language's catalogue words (for the completeness test). */
export function registeredCodes(lang: Language): string[] {
  return [...(catalogues.get(lang)?.keys() ?? [])].sort()
}

/**
 * The language of an Accept-Language header (RFC 9110 12.5.4) among English and Chinese:
 * the range with the highest q wins, the earlier one on a tie; q=0 refuses a language; `*`
 * stands for English (the default); 'zh', 'zh-CN', 'zh-Hans-CN' … are Chinese.
 */
export function negotiateLanguage(header: string | undefined): Language | 'en' {
  if (!header) return 'en'
  let best: { lang: Language | 'en'; q: number } | undefined
  for (const part of header.split(',').slice(0, 30)) {
    const [range, ...attrs] = part.trim().split(';')
    const tag = range!.trim().toLowerCase()
    const qAttr = attrs.map((a) => a.trim().toLowerCase()).find((a) => a.startsWith('q='))
    const q = qAttr === undefined ? 1 : Number(qAttr.slice(2))
    if (!Number.isFinite(q) || q <= 0 || q > 1) continue
    const lang = tag === 'zh' || tag.startsWith('zh-') ? 'zh' : tag === 'en' || tag.startsWith('en-') || tag === '*' ? 'en' : undefined
    if (lang && (!best || q > best.q)) best = { lang, q }
  }
  return best?.lang ?? 'en'
}
