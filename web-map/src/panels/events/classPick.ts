// 立案 of a report the classifier classified (server/classify/intakeClass.ts keeps its suggestions
// in the report's history entry): the operator sees the best class and the next two with their
// confidence and picks one. A pick other than the event's class is sent as accept's classCode,
// which the server keeps as a correction the next training learns from (classify/correction.ts).
import './classPick.css'
import { el } from '../../ui/dom.ts'
import type { HistoryItem, TransitionBody } from '../../client/eventsApi.ts'

export interface Suggestion { classCode: string; className: string; confidence: number }

/** The classifier's suggestions kept with the report (best first), or [] when it named its class itself. */
export function suggestionsOf(history: HistoryItem[]): Suggestion[] {
  const c = (history[0]?.explanation as { classification?: { suggestions?: unknown } } | null | undefined)?.classification
  if (!c || !Array.isArray(c.suggestions)) return []
  return c.suggestions.filter((s): s is Suggestion => typeof s === 'object' && s !== null && typeof (s as Suggestion).classCode === 'string'
    && typeof (s as Suggestion).confidence === 'number').slice(0, 3)
}

/** "87.5%": a confidence as the operator reads it. */
export const percent = (x: number) => `${(x * 100).toFixed(1)}%`

/** The pick for the accept form, or null when there is nothing to pick from. */
export function classPick(suggestions: Suggestion[], current: string): { field: HTMLElement; apply(body: TransitionBody): void } | null {
  if (!suggestions.length) return null
  const inputs = suggestions.map((s, i) => {
    const input = el('input', { type: 'radio', name: 'classCode', value: s.classCode, checked: s.classCode === current || (i === 0 && !suggestions.some((x) => x.classCode === current)) })
    const label = el('label', { className: `class-suggestion${i === 0 ? ' best' : ''}` }, input,
      el('span', { className: 'class-rank' }, i === 0 ? '最佳' : `备选${i}`),
      el('span', { className: 'class-name' }, `${s.className || s.classCode}（${s.classCode}）`),
      el('span', { className: 'class-confidence' }, `置信度 ${percent(s.confidence)}`))
    label.dataset.classCode = s.classCode
    return { input, label }
  })
  return {
    field: el('fieldset', { className: 'class-pick' }, el('legend', {}, '智能分类建议（请选择事件类型）'), ...inputs.map((x) => x.label)),
    apply: (body) => {
      const chosen = inputs.find((x) => x.input.checked)?.input.value
      if (chosen && chosen !== current) body.classCode = chosen
    },
  }
}
