import type * as ECharts from 'echarts';
import type { ChartSpec } from '../report-document';

let library: typeof ECharts | undefined;

/** ECharts is loaded with the first chart drawn, not at boot (about 18 MB the idle process does not need). */
function echarts(): typeof ECharts {
  library ??= require('echarts') as typeof ECharts;
  return library;
}

/** 16:9, the shape of a slide. */
const WIDTH = 1280;
const HEIGHT = 720;
const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/**
 * Draws a report's chart as an SVG document with Apache ECharts' server-side renderer (no browser, no DOM).
 * Animation is off (a static picture), and the chart is disposed at once: a live chart keeps a timer running.
 */
export function renderSvg(spec: ChartSpec): string {
  const chart = echarts().init(null, null, { renderer: 'svg', ssr: true, width: WIDTH, height: HEIGHT });
  try {
    chart.setOption(chartOption(spec));
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** Long category labels (chapter names) are tilted so each one stays readable. */
function labelRotation(categories: string[]): number {
  const longest = Math.max(0, ...categories.map((c) => c.length));
  if (categories.length <= 6 && longest <= 16) return 0;
  return longest > 12 || categories.length > 14 ? 35 : 0;
}

export function chartOption(spec: ChartSpec): ECharts.EChartsCoreOption {
  const rotate = labelRotation(spec.categories);
  // Room under the axis for tilted labels: about 4 px of height per character at 35 degrees (labels cut at 180 px).
  const longest = Math.min(30, Math.max(0, ...spec.categories.map((c) => c.length)));
  const labelHeight = rotate ? Math.round(longest * 4.2) + 16 : 20;
  return {
    animation: false,
    backgroundColor: '#ffffff',
    color: PALETTE,
    textStyle: { fontFamily: 'Helvetica, Arial, sans-serif' },
    title: {
      text: spec.title,
      subtext: spec.subtitle ?? '',
      left: 'center',
      top: 12,
      textStyle: { fontSize: 24 },
      subtextStyle: { fontSize: 14, color: '#555555' },
    },
    legend: { top: 78, itemGap: 36, textStyle: { fontSize: 14 } },
    // Tilted labels hang left of their bar: the first one needs room before the axis.
    grid: { left: rotate ? 110 + Math.round(longest * 2.5) : 110, right: spec.yAxes.length > 1 ? 110 : 50, top: 130, bottom: labelHeight + 55 },
    xAxis: {
      type: 'category',
      name: spec.xName,
      nameLocation: 'middle',
      nameGap: labelHeight + 18,
      nameTextStyle: { fontSize: 16 },
      data: spec.categories,
      axisLabel: { interval: 0, rotate, fontSize: 12, width: 180, overflow: 'truncate' },
    },
    yAxis: spec.yAxes.map((axis, k) => ({
      type: 'value',
      name: axis.name,
      nameLocation: 'middle',
      nameGap: 65,
      nameTextStyle: { fontSize: 16 },
      position: k === 0 ? 'left' : 'right',
      max: axis.max,
      splitLine: { show: k === 0 },
      axisLabel: { fontSize: 12 },
    })),
    series: spec.series.map((s) => ({
      type: spec.kind,
      name: s.name,
      data: s.data,
      yAxisIndex: s.yAxis ?? 0,
      stack: s.stack,
      // A withheld (suppressed) or empty point is a gap, never drawn as zero.
      connectNulls: false,
      symbolSize: 7,
      lineStyle: { width: 3 },
      barMaxWidth: 48,
    })),
  };
}
