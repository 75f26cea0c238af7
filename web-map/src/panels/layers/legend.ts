// Legends of the point layers in the layer switcher: the event lights (discs) and the component
// states (squares), so a reader tells an event's red light from a damaged component at a glance.
import { el } from '../../ui/dom.ts'
import { COMPONENT_STATES, LIGHT_COLOURS } from '../../map/styles.ts'

function swatch(colour: string, shape: 'disc' | 'square'): HTMLSpanElement {
  const s = el('span', { className: `chip ${shape}` })
  s.style.background = colour
  return s
}

const row = (colour: string, shape: 'disc' | 'square', label: string) => el('div', {}, swatch(colour, shape), label)

/** The legend of a point layer, or undefined for a layer without one. */
export function pointLegendOf(id: string): HTMLElement | undefined {
  if (id === 'events') {
    const legend = el('div', { className: 'legend legend-rows', title: '在办事件按红黄绿灯着色（圆点）' },
      row(LIGHT_COLOURS.red!, 'disc', '红灯：已超时限'), row(LIGHT_COLOURS.yellow!, 'disc', '黄灯：临近时限'),
      row(LIGHT_COLOURS.green!, 'disc', '绿灯：时限内办理'), row('#8d99ae', 'disc', '无灯：待派遣、待核查或挂账'))
    legend.dataset.legend = 'events'
    return legend
  }
  if (id === 'components') {
    const legend = el('div', { className: 'legend legend-rows', title: '城市部件按状态着色（方块）' },
      ...Object.entries(COMPONENT_STATES).map(([state, colour]) => row(colour, 'square', `部件${state}`)))
    legend.dataset.legend = 'components'
    return legend
  }
  return undefined
}
