/**
 * Server-side rendering of the report's charts to SVG (docs/design/console.md 6.2): Apache
 * ECharts' zero-dependency SSR (`ssr: true`, `renderToSVGString()`), no DOM, no script in the
 * output. Pages embed the SVG as a `data:` image, so it runs no script and its inline styles
 * need no `style-src 'unsafe-inline'` on the page.
 *
 * Fixed 640x400, animation off, a CJK font stack (an SVG loaded as an image may use the
 * system's fonts, never a web font: nothing is fetched). Every chart is disposed after
 * rendering: an undisposed ECharts instance keeps timers and the process alive.
 * An LRU of 256 rendered SVGs keyed by model version, chart and locale: a stored report never
 * changes, and the console shows the same report many times.
 */
import * as echarts from 'echarts/core';
import { BarChart, LineChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TitleComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import type { EChartsOption } from 'echarts';
import { echartsLocale, type ReportLocale } from './messages.js';
import type { ReportChart } from './options.js';

echarts.use([LineChart, BarChart, ScatterChart, GridComponent, LegendComponent, TitleComponent, MarkLineComponent, SVGRenderer]);

export const CHART_WIDTH = 640;
export const CHART_HEIGHT = 400;
/**
 * Single quotes inside: ECharts writes the family into a double-quoted `style` attribute without
 * escaping, so the design's double-quoted stack makes the SVG ill-formed XML, which a browser
 * then refuses to decode as an image (found by the Chromium test: naturalWidth 0).
 */
export const CHART_FONT = "'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif";
export const CHART_CACHE_SIZE = 256;

/** One option to an SVG document: a fresh instance each time, always disposed. */
export function renderSvg(option: EChartsOption, locale: ReportLocale): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: CHART_WIDTH, height: CHART_HEIGHT, locale: echartsLocale(locale) });
  try {
    chart.setOption({ backgroundColor: '#ffffff', textStyle: { fontFamily: CHART_FONT }, ...option, animation: false });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** A small LRU: a Map keeps insertion order, so the first key is the least recently used. */
export class SvgCache {
  readonly #max: number;
  readonly #map = new Map<string, string>();
  constructor(max = CHART_CACHE_SIZE) {
    this.#max = max;
  }
  get size(): number {
    return this.#map.size;
  }
  get(key: string): string | undefined {
    const v = this.#map.get(key);
    if (v !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, v);
    }
    return v;
  }
  set(key: string, svg: string): void {
    this.#map.delete(key);
    this.#map.set(key, svg);
    while (this.#map.size > this.#max) this.#map.delete(this.#map.keys().next().value as string);
  }
}

const shared = new SvgCache();

/**
 * The chart as SVG, from the cache when `modelVersion` names a stored (hence unchanging) report;
 * without a version it is rendered each time.
 */
export function renderChart(chart: ReportChart, locale: ReportLocale, modelVersion?: string, cache: SvgCache = shared): string {
  if (modelVersion === undefined) return renderSvg(chart.option, locale);
  const key = `${modelVersion}\u0000${chart.id}\u0000${locale}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const svg = renderSvg(chart.option, locale);
  cache.set(key, svg);
  return svg;
}

/** An SVG as a `data:` URL for `<img src>`: base64, so no character of it needs escaping in HTML. */
export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
}
