import { useEffect, useId, useRef, useSyncExternalStore } from 'react'

export type ChartProps = {
  kind: 'bar' | 'pie'
  /** What the chart shows, as a sentence: the caption of its table. */
  caption: string
  /** Heading of the label column and the value column of the table. */
  labelHeading: string
  valueHeading: string
  data: { label: string; value: number }[]
  height?: number
}

function subscribeDark(listener: () => void) {
  const observer = new MutationObserver(listener)
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['class'] })
  return () => observer.disconnect()
}
const isDark = () => document.documentElement.classList.contains('dark')

/**
 * A chart drawn by Apache ECharts (loaded on first use) in the current theme, with the same figures in a
 * table for screen readers: the drawing itself is hidden from assistive technology.
 */
export function Chart({ kind, caption, labelHeading, valueHeading, data, height = 220 }: ChartProps) {
  const ref = useRef<HTMLDivElement>(null)
  const dark = useSyncExternalStore(subscribeDark, isDark, () => false)
  const captionId = useId()

  useEffect(() => {
    const element = ref.current
    if (!element) return
    let disposed = false
    let cleanup = () => {}
    void import('./echarts.ts').then(({ echarts }) => {
      if (disposed) return
      const chart = echarts.init(element, dark ? 'dark' : undefined, { renderer: 'svg' })
      const text = dark ? '#e2e8f0' : '#334155'
      chart.setOption({
        backgroundColor: 'transparent',
        textStyle: { color: text },
        tooltip: { trigger: kind === 'pie' ? 'item' : 'axis' },
        animation: !window.matchMedia('(prefers-reduced-motion: reduce)').matches,
        ...(kind === 'bar'
          ? {
              grid: { left: 8, right: 8, top: 16, bottom: 8, containLabel: true },
              xAxis: { type: 'category', data: data.map((d) => d.label), axisLabel: { color: text } },
              yAxis: { type: 'value', minInterval: 1, axisLabel: { color: text } },
              series: [{ type: 'bar', data: data.map((d) => d.value), itemStyle: { color: '#6366f1' } }],
            }
          : {
              series: [
                {
                  type: 'pie',
                  radius: ['45%', '75%'],
                  label: { color: text, formatter: '{b}: {c}' },
                  data: data.map((d) => ({ name: d.label, value: d.value })),
                },
              ],
            }),
      })
      const resize = new ResizeObserver(() => chart.resize())
      resize.observe(element)
      cleanup = () => {
        resize.disconnect()
        chart.dispose()
      }
    })
    return () => {
      disposed = true
      cleanup()
    }
  }, [kind, data, dark])

  return (
    <figure aria-labelledby={captionId}>
      <div ref={ref} aria-hidden="true" style={{ height }} data-chart={kind} />
      <table className="sr-only">
        <caption id={captionId}>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{labelHeading}</th>
            <th scope="col">{valueHeading}</th>
          </tr>
        </thead>
        <tbody>
          {data.map((d) => (
            <tr key={d.label}>
              <th scope="row">{d.label}</th>
              <td>{d.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  )
}
