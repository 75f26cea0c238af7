// The 网格 panel's read-only parts: a grid's attributes, its versions (each with the date and who
// wrote it, chosen to draw that boundary over the current one) and the list of verdicts of the
// server's topology check, numbered as their markers on the map.
import { el } from '../../ui/dom.ts'
import { beijingTime } from '../../ui/time.ts'
import { AREA_TEXT, isWarning, verdictText, type GridFeature, type Verdict } from '../../client/gridsApi.ts'

const KIND_TITLES: Record<string, string> = { base: '基础网格', industry: '行业网格' }

const count = (n: number | null) => (n === null ? '—' : n.toLocaleString('zh-CN'))

/** Who wrote a version: the display name (user name), or 未记录 for versions older than the record. */
export function authorText(g: GridFeature): string {
  const by = g.properties.changedBy
  if (!by) return '未记录'
  return by.name ? `${by.name}（${by.username}）` : by.username
}

export function renderAttributes(target: HTMLElement, g: GridFeature): void {
  const p = g.properties
  const rows: [string, string][] = [
    ['编码', p.code], ['名称', p.name], ['类型', KIND_TITLES[p.kind] ?? p.kind], ['所属社区', p.communityCode],
    ['面积', AREA_TEXT(p.areaM2)], ['户数', count(p.households)], ['人口', count(p.population)],
    ['版本', `第 ${p.version} 版`], ['生效时间', beijingTime(p.validFrom, false)], ['修改人', authorText(g)],
  ]
  const dl = el('dl', { className: 'grids-attrs' })
  for (const [k, v] of rows) dl.append(el('dt', { textContent: k }), el('dd', { textContent: v }))
  target.replaceChildren(dl)
}

/** Versions, newest first; choosing one calls `choose` (again: null, back to the current only). */
export function renderVersions(list: HTMLElement, versions: GridFeature[], choose: (v: GridFeature | null) => void): void {
  list.replaceChildren()
  let chosen: HTMLElement | null = null
  for (const v of [...versions].reverse()) {
    const p = v.properties
    const span = p.validTo ? `${beijingTime(p.validFrom, false)} 至 ${beijingTime(p.validTo, false)}` : `${beijingTime(p.validFrom, false)} 起（当前）`
    const item = el('li', { className: 'grids-version', tabIndex: 0 },
      el('strong', { textContent: `第 ${p.version} 版` }), el('span', { textContent: span }),
      el('span', { className: 'grids-author', textContent: `修改人 ${authorText(v)} · ${AREA_TEXT(p.areaM2)}` }))
    item.dataset.version = String(p.version)
    const pick = () => {
      chosen?.classList.remove('chosen')
      if (chosen === item) {
        chosen = null
        choose(null)
        return
      }
      chosen = item
      item.classList.add('chosen')
      choose(v)
    }
    item.addEventListener('click', pick)
    item.addEventListener('keydown', (e) => { if (e.key === 'Enter') pick() })
    list.append(item)
  }
}

/** The verdicts in Chinese, numbered as on the map; clicking one calls `focus(n)`. */
export function renderVerdicts(list: HTMLElement, verdicts: Verdict[], focus: (n: number) => void): void {
  list.replaceChildren()
  verdicts.forEach((v, i) => {
    const item = el('li', { className: `grids-verdict ${isWarning(v) ? 'warning' : 'violation'}`, tabIndex: 0 },
      el('b', { textContent: String(i + 1) }), el('span', { textContent: verdictText(v) }))
    item.dataset.rule = v.rule
    // the server's own sentence, for the record (the list words it in Chinese from the rule)
    item.title = v.message
    if (v.location) {
      item.addEventListener('click', () => focus(i + 1))
      item.addEventListener('keydown', (e) => { if (e.key === 'Enter') focus(i + 1) })
    }
    list.append(item)
  })
}
