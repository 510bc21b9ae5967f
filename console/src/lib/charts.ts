// ECharts set-up: only the chart types and components the console uses are registered (tree-shaken build).
import * as echarts from 'echarts/core';
import { BarChart, HeatmapChart, LineChart } from 'echarts/charts';
import {
  GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, VisualMapComponent, TitleComponent,
  AriaComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, HeatmapChart, LineChart, GridComponent, LegendComponent, MarkLineComponent,
  TooltipComponent, VisualMapComponent, TitleComponent, AriaComponent, CanvasRenderer]);

export { echarts };
export type Chart = echarts.ECharts;

const charts = new Set<Chart>();

/** Create a chart in `container` that follows the window size; `label` is its accessible description. */
export function makeChart(container: HTMLElement, label: string): Chart {
  container.setAttribute('role', 'img');
  container.setAttribute('aria-label', label);
  const chart = echarts.init(container, undefined, { renderer: 'canvas' });
  charts.add(chart);
  return chart;
}

/** Dispose every chart (called when a page is left). */
export function disposeCharts(): void {
  for (const chart of charts) chart.dispose();
  charts.clear();
}

window.addEventListener('resize', () => {
  for (const chart of charts) chart.resize();
});

/** A simple bar chart of labelled counts. */
export function barChart(container: HTMLElement, label: string, categories: string[], values: number[],
                         options: { horizontal?: boolean; color?: string; valueName?: string } = {}): Chart {
  const chart = makeChart(container, label);
  const categoryAxis = { type: 'category' as const, data: categories, axisLabel: { overflow: 'truncate' as const, width: 110 } };
  const valueAxis = { type: 'value' as const, name: options.valueName };
  chart.setOption({
    aria: { enabled: true },
    tooltip: { trigger: 'axis' },
    grid: { left: options.horizontal ? 120 : 55, right: 20, top: 30, bottom: 40, containLabel: false },
    xAxis: options.horizontal ? valueAxis : categoryAxis,
    yAxis: options.horizontal ? { ...categoryAxis, inverse: true } : valueAxis,
    series: [{ type: 'bar', data: values, itemStyle: { color: options.color ?? '#3b73b9' } }],
  });
  return chart;
}
