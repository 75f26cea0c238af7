// ECharts for the 态势 panel, loaded the first time a chart is drawn (a chunk of its own, so the
// first view of the map does not wait for it): core, the three chart types, three components and
// the SVG renderer, nothing else.
import * as echarts from 'echarts/core'
import { BarChart, LineChart, PieChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { SVGRenderer } from 'echarts/renderers'

echarts.use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer])

export { echarts }
