// The parts of Apache ECharts the app draws with, registered once. Imported only through `import()`
// from chart.tsx, so ECharts is never in the initial bundle.
import { BarChart, PieChart } from 'echarts/charts'
import { GridComponent, TooltipComponent } from 'echarts/components'
import * as echarts from 'echarts/core'
import { SVGRenderer } from 'echarts/renderers'

echarts.use([BarChart, PieChart, GridComponent, TooltipComponent, SVGRenderer])

export { echarts }
