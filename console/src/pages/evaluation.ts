// Evaluation page (spec §9, §10): the metric with its baseline and a quality band; BINARY: the score
// histograms of the two true classes overlaid, a draggable threshold with live accuracy, precision, recall,
// false positive rate and counts, advanced-metric sliders that move the threshold to reach a target value,
// and "save score threshold" (UpdateMLModel); MULTICLASS: the confusion matrix as a heat map with per-class
// F1; REGRESSION: the residual histogram and RMSE against the baseline. Alerts shown.
import * as ml from '../api/ml';
import { disposeCharts, makeChart, type Chart } from '../lib/charts';
import { h, field, notice, replace, statusBadge } from '../lib/dom';
import { normalizeEvaluationDetail, type EvaluationDetail } from '../lib/evaluation';
import { formatNumber, formatPercent, formatTime } from '../lib/format';
import {
  aucQuality, curveSource, histogramSource, snap, thresholdForTarget, type ScoreHistograms, type TargetMetric,
} from '../lib/metrics';
import type { PageContext } from '../main';

const kMetricNames: Record<string, string> = {
  BinaryAUC: 'AUC', RegressionRMSE: 'RMSE', MulticlassAvgFScore: 'Average F1 score',
};

export function renderEvaluation({ root, segments }: PageContext): () => void {
  const id = segments[1];
  let timer: number | undefined;
  let stopped = false;
  replace(root, h('p', null, 'Loading…'));

  async function load(): Promise<void> {
    let evaluation: ml.Evaluation;
    let model: ml.MLModel | null = null;
    try {
      evaluation = await ml.getEvaluation(id);
      if (evaluation.MLModelId) model = await ml.getMLModel(evaluation.MLModelId).catch(() => null);
    } catch (e) {
      replace(root, notice('error', `Could not load evaluation ${id}: ${(e as Error).message}`));
      return;
    }
    if (stopped) return;
    const running = evaluation.Status === 'PENDING' || evaluation.Status === 'INPROGRESS';
    const properties = evaluation.PerformanceMetrics?.Properties ?? {};
    const [metricKey, metricText] = Object.entries(properties)[0] ?? [];
    const metric = metricText !== undefined ? Number(metricText) : undefined;
    const body = h('div');
    replace(root,
      h('div', { class: 'page-head' }, h('h1', null, evaluation.Name || evaluation.EvaluationId)),
      h('dl', { class: 'summary' },
        h('dt', null, 'ID'), h('dd', { class: 'mono' }, evaluation.EvaluationId),
        h('dt', null, 'Status'), h('dd', null, statusBadge(evaluation.Status), running ? ' (refreshing)' : ''),
        evaluation.Message ? [h('dt', null, 'Message'), h('dd', null, evaluation.Message)] : null,
        h('dt', null, 'ML model'), h('dd', null, evaluation.MLModelId
          ? h('a', { href: `#/models/${encodeURIComponent(evaluation.MLModelId)}` }, model?.Name || evaluation.MLModelId) : ''),
        h('dt', null, 'Evaluation data'), h('dd', null, evaluation.EvaluationDataSourceId
          ? h('a', { href: `#/datasources/${encodeURIComponent(evaluation.EvaluationDataSourceId)}` }, evaluation.EvaluationDataSourceId) : '',
          ' ', evaluation.InputDataLocationS3 ?? ''),
        h('dt', null, 'Finished'), h('dd', null, formatTime(evaluation.FinishedAt)),
        evaluation.LogUri ? [h('dt', null, 'Log'), h('dd', null, h('a', { href: evaluation.LogUri, target: '_blank', rel: 'noopener' }, 'evaluation log'))] : null),
      body);
    if (running) {
      if (!stopped) timer = window.setTimeout(() => void load(), 3000);
      return;
    }
    if (evaluation.Status !== 'COMPLETED' || metric === undefined) return;
    let detail: EvaluationDetail | null = null;
    let detailError: string | null = null;
    try {
      detail = normalizeEvaluationDetail(
        await ml.call('GetEvaluationDetail', { EvaluationId: id }, { prefix: ml.kExtensionPrefix }));
    } catch (e) {
      detailError = ml.isUnknownOperation(e) ? 'This server does not offer evaluation details (GetEvaluationDetail).'
        : `Could not load the evaluation details: ${(e as Error).message}`;
    }
    drawEvaluation(body, metricKey!, metric, model, detail, detailError);
  }
  void load();
  return () => {
    stopped = true;
    window.clearTimeout(timer);
    disposeCharts();
  };
}

function drawEvaluation(body: HTMLElement, metricKey: string, metric: number, model: ml.MLModel | null,
                        detail: EvaluationDetail | null, detailError: string | null): void {
  const type = model?.MLModelType ?? detail?.modelType ??
    (metricKey === 'BinaryAUC' ? 'BINARY' : metricKey === 'RegressionRMSE' ? 'REGRESSION' : 'MULTICLASS');
  const baseline = detail?.baseline ?? (type === 'BINARY' ? 0.5 : undefined);
  const better = baseline === undefined ? undefined : type === 'REGRESSION' ? baseline - metric : metric - baseline;
  const quality = type === 'BINARY' ? aucQuality(metric)
    : better === undefined ? '' : better > 0 ? 'better than the baseline' : 'no better than the baseline';
  const alerts = detail?.alerts ?? [];
  replace(body,
    h('section', { class: 'metric-card', 'aria-labelledby': 'metric-title' },
      h('h2', { id: 'metric-title' }, `${kMetricNames[metricKey] ?? metricKey}`),
      h('div', { class: 'metric-value', 'data-testid': 'metric-value' }, formatNumber(metric, 3)),
      h('div', { class: 'metric-band' },
        baseline !== undefined ? `Baseline ${formatNumber(baseline, 3)} · difference ${formatNumber(better, 3)}` : '',
        quality ? h('span', { class: `quality quality-${quality.replace(/\s+/g, '-')}` }, ` — ${quality}`) : ''),
      detail?.records !== undefined ? h('div', { class: 'hint' }, `${detail.records} records evaluated` +
        (detail.invalidRecords ? `, ${detail.invalidRecords} left out` : '')) : null),
    alerts.length ? h('section', { 'aria-labelledby': 'alerts-title' }, h('h2', { id: 'alerts-title' }, 'Alerts'),
      h('ul', { class: 'alerts' }, alerts.map((a) => h('li', { class: a.raised ? 'raised' : 'passed' },
        h('strong', null, a.raised ? '⚠ ' : '✓ ', a.name), a.raised && a.message ? ` — ${a.message}` : '')))) : null,
    detailError ? notice('warn', detailError) : null);
  if (!detail) return;
  if (type === 'BINARY' && detail.histograms && model) drawBinary(body, detail, detail.histograms, model);
  else if (type === 'MULTICLASS' && detail.confusion && detail.classes) drawConfusion(body, detail);
  else if (type === 'REGRESSION' && detail.residuals) drawResiduals(body, detail.residuals, metric, baseline);
}

function drawBinary(body: HTMLElement, detail: EvaluationDetail, histograms: ScoreHistograms, model: ml.MLModel): void {
  const binWidth = histograms.edges[1] - histograms.edges[0];
  const centers = histograms.positive.map((_, i) => (histograms.edges[i] + histograms.edges[i + 1]) / 2);
  // Exact counts at 0.01 steps when the server gives its threshold curve; else bin precision.
  const source = detail.curve ? curveSource(detail.curve) : histogramSource(histograms);
  const step = source.thresholds.length > 1 ? source.thresholds[1] - source.thresholds[0] : binWidth;
  let threshold = snap(source, model.ScoreThreshold ?? 0.5);
  const chartBox = h('div', { class: 'chart tall', 'data-testid': 'score-chart' });
  const slider = h('input', { type: 'range', min: '0', max: '1', step: String(Number(step.toFixed(6))), value: String(threshold),
                              name: 'threshold', 'aria-label': 'Score threshold' });
  const thresholdText = h('output', { class: 'threshold-value', 'data-testid': 'threshold-value' });
  const metricsBox = h('div', { class: 'metrics-grid', 'aria-live': 'polite' });
  const saveStatus = h('div', { 'aria-live': 'polite' });
  const save = h('button', { type: 'button', class: 'primary' }, 'Save score threshold');
  const targets: [TargetMetric, string][] = [
    ['falsePositiveRate', 'False positive rate'], ['precision', 'Precision'], ['recall', 'Recall'], ['accuracy', 'Accuracy']];
  const targetSliders = new Map<TargetMetric, [HTMLInputElement, HTMLOutputElement]>();
  for (const [key] of targets) {
    targetSliders.set(key, [h('input', { type: 'range', min: '0', max: '1', step: '0.001', name: `target-${key}` }),
                            h('output', null)]);
  }

  body.appendChild(h('section', { 'aria-labelledby': 'threshold-title' },
      h('h2', { id: 'threshold-title' }, 'Score distribution and threshold'),
      h('p', { class: 'hint' }, 'Records with a score at or above the threshold are predicted "1". Drag the line on the chart, ' +
        'or use the slider (arrow keys move it by ' + Number(step.toFixed(4)) + ').'),
      chartBox,
      h('div', { class: 'threshold-row' }, field('Score threshold', slider), thresholdText),
      metricsBox,
      h('details', { class: 'advanced', open: true }, h('summary', null, 'Advanced metrics: move the threshold to reach a value'),
        h('div', { class: 'target-sliders' }, targets.map(([key, label]) => {
          const [input, output] = targetSliders.get(key)!;
          return h('div', { class: 'target-slider' }, field(label, input), output);
        }))),
      h('div', { class: 'actions left' }, save), saveStatus));

  const chart: Chart = makeChart(chartBox, 'Score histograms of actual 1 and actual 0 records, with the threshold');
  chart.setOption({
    aria: { enabled: true },
    animation: false,
    legend: { data: ['Actual 1', 'Actual 0'], top: 0 },
    tooltip: { trigger: 'axis' },
    // Two scales (actual 0 on the left, actual 1 on the right): with 11% positives one scale would flatten them.
    grid: { left: 60, right: 60, top: 40, bottom: 40 },
    xAxis: { type: 'value', min: 0, max: 1, name: 'score', nameLocation: 'middle', nameGap: 25 },
    yAxis: [{ type: 'value', name: 'actual 0', axisLine: { show: true, lineStyle: { color: '#c62828' } } },
            { type: 'value', name: 'actual 1', axisLine: { show: true, lineStyle: { color: '#2e7d32' } }, splitLine: { show: false } }],
    series: [
      { name: 'Actual 1', type: 'bar', yAxisIndex: 1, data: centers.map((c, i) => [c, histograms.positive[i]]), barWidth: '95%',
        barGap: '-100%', itemStyle: { color: 'rgba(46, 125, 50, 0.65)' } },
      { name: 'Actual 0', type: 'bar', data: centers.map((c, i) => [c, histograms.negative[i]]), barWidth: '95%',
        itemStyle: { color: 'rgba(198, 40, 40, 0.45)' } },
      { name: 'threshold', type: 'line', data: [], markLine: { symbol: 'none', silent: true, animation: false,
        lineStyle: { color: '#222', width: 2 }, label: { formatter: 'threshold {c}' }, data: [{ xAxis: threshold }] } },
    ],
  });
  // Bars per bin are thin on a value axis: size them to the bin width in pixels.
  const sizeBars = () => {
    const px = Math.abs((chart.convertToPixel({ xAxisIndex: 0 }, binWidth) as number) - (chart.convertToPixel({ xAxisIndex: 0 }, 0) as number));
    chart.setOption({ series: [{ barWidth: Math.max(1, px * 0.95) }, { barWidth: Math.max(1, px * 0.95) }] });
  };
  sizeBars();
  window.addEventListener('resize', sizeBars);

  const update = (value: number, fromTarget?: TargetMetric) => {
    threshold = Math.min(1, Math.max(0, snap(source, value)));
    const m = source.at(threshold);
    slider.value = String(threshold);
    thresholdText.value = threshold.toFixed(2);
    chart.setOption({ series: [{}, {}, { markLine: { data: [{ xAxis: threshold }] } }] });
    replace(metricsBox,
      h('div', { class: 'metric-tile' }, h('span', null, 'Accuracy'), h('strong', { 'data-testid': 'accuracy' }, formatNumber(m.accuracy, 4))),
      h('div', { class: 'metric-tile' }, h('span', null, 'Precision'), h('strong', { 'data-testid': 'precision' }, formatNumber(m.precision, 4))),
      h('div', { class: 'metric-tile' }, h('span', null, 'Recall'), h('strong', { 'data-testid': 'recall' }, formatNumber(m.recall, 4))),
      h('div', { class: 'metric-tile' }, h('span', null, 'False positive rate'), h('strong', { 'data-testid': 'fpr' }, formatNumber(m.falsePositiveRate, 4))),
      h('div', { class: 'metric-tile' }, h('span', null, 'Predicted "1"'), h('strong', null, formatPercent(m.predictedPositive))),
      h('table', { class: 'confusion-small' },
        h('thead', null, h('tr', null, h('th', null, ''), h('th', null, 'Predicted 1'), h('th', null, 'Predicted 0'))),
        h('tbody', null,
          h('tr', null, h('th', null, 'Actual 1'), h('td', { 'data-testid': 'tp' }, `TP ${m.tp}`), h('td', { 'data-testid': 'fn' }, `FN ${m.fn}`)),
          h('tr', null, h('th', null, 'Actual 0'), h('td', { 'data-testid': 'fp' }, `FP ${m.fp}`), h('td', { 'data-testid': 'tn' }, `TN ${m.tn}`)))),
      h('p', { class: 'hint' }, `${formatPercent(m.accuracy, 0)} correct, ${formatPercent(1 - m.accuracy, 0)} errors.`));
    for (const [key, [input, output]] of targetSliders) {
      const value = m[key];
      if (key !== fromTarget && !Number.isNaN(value)) input.value = String(value);
      output.value = formatNumber(value, 4);
    }
  };
  slider.addEventListener('input', () => update(Number(slider.value)));
  for (const [key, [input]] of targetSliders) {
    input.addEventListener('input', () => update(thresholdForTarget(source, key, Number(input.value)), key));
  }
  // Drag the threshold line: any press inside the plot moves it, and it follows the pointer while pressed.
  let dragging = false;
  const zr = chart.getZr();
  const moveTo = (x: number, y: number) => {
    if (!chart.containPixel({ gridIndex: 0 }, [x, y])) return;
    const [score] = chart.convertFromPixel({ gridIndex: 0 }, [x, y]) as number[];
    update(score);
  };
  zr.on('mousedown', (e) => { dragging = true; moveTo(e.offsetX, e.offsetY); });
  zr.on('mousemove', (e) => { if (dragging) moveTo(e.offsetX, e.offsetY); });
  zr.on('mouseup', () => { dragging = false; });
  zr.on('globalout', () => { dragging = false; });

  save.addEventListener('click', async () => {
    save.disabled = true;
    try {
      await ml.updateScoreThreshold(model.MLModelId, Number(threshold.toFixed(6)));
      const after = await ml.getMLModel(model.MLModelId);
      replace(saveStatus, notice('ok', `Score threshold saved: ${after.ScoreThreshold}. Later predictions use it.`));
    } catch (e) {
      replace(saveStatus, notice('error', `Could not save the threshold: ${(e as Error).message}`));
    } finally {
      save.disabled = false;
    }
  });
  update(threshold);
}

function drawConfusion(body: HTMLElement, detail: EvaluationDetail): void {
  const classes = detail.classes!;
  const matrix = detail.confusion!;
  const box = h('div', { class: 'chart tall', style: { height: `${Math.max(320, classes.length * 40 + 100)}px` } });
  const f1 = detail.classF1 ?? [];
  body.appendChild(h('section', { 'aria-labelledby': 'confusion-title' },
    h('h2', { id: 'confusion-title' }, 'Confusion matrix'),
    h('p', { class: 'hint' }, 'Rows are true classes, columns predicted classes; colour is the share of the row.'),
    box,
    h('div', { class: 'table-wrap' }, h('table', null,
      h('thead', null, h('tr', null, h('th', null, 'True class'), h('th', null, 'Records'), h('th', null, 'Predicted'), h('th', null, 'F1'))),
      h('tbody', null, classes.map((c, i) => h('tr', null, h('td', null, c),
        h('td', { class: 'num' }, matrix[i]?.reduce((s, v) => s + v, 0) ?? 0),
        h('td', { class: 'num' }, matrix.reduce((s, row) => s + (row[i] ?? 0), 0)),
        h('td', { class: 'num' }, formatNumber(f1[i], 3)))))))));
  const data: [number, number, number][] = [];
  matrix.forEach((row, r) => {
    const total = row.reduce((s, v) => s + v, 0) || 1;
    row.forEach((count, c) => data.push([c, r, Number((count / total).toFixed(4))]));
  });
  const chart = makeChart(box, 'Confusion matrix heat map');
  chart.setOption({
    aria: { enabled: true },
    tooltip: { formatter: (p: { value: [number, number, number] }) =>
      `true ${classes[p.value[1]]}, predicted ${classes[p.value[0]]}: ${matrix[p.value[1]][p.value[0]]} (${formatPercent(p.value[2])})` },
    grid: { left: 100, right: 30, top: 20, bottom: 80 },
    xAxis: { type: 'category', data: classes, name: 'predicted', nameLocation: 'middle', nameGap: 40 },
    yAxis: { type: 'category', data: classes, name: 'true', inverse: true },
    visualMap: { min: 0, max: 1, calculable: true, orient: 'horizontal', left: 'center', bottom: 0,
                 inRange: { color: ['#f7fbff', '#08306b'] } },
    series: [{ type: 'heatmap', data, label: { show: classes.length <= 10,
      formatter: (p: { value: [number, number, number] }) => formatPercent(p.value[2], 0) } }],
  });
}

function drawResiduals(body: HTMLElement, residuals: { edges: number[]; counts: number[] }, rmse: number,
                       baseline: number | undefined): void {
  const box = h('div', { class: 'chart tall' });
  body.appendChild(h('section', { 'aria-labelledby': 'residual-title' },
    h('h2', { id: 'residual-title' }, 'Residuals (actual − predicted)'),
    h('p', { class: 'hint' }, `RMSE ${formatNumber(rmse, 4)}${baseline !== undefined ? ` against a baseline of ${formatNumber(baseline, 4)}` : ''}. ` +
      'Positive residuals are underestimates; a bell centred on zero means no systematic error.'),
    box));
  const labels = residuals.counts.map((_, i) => formatNumber((residuals.edges[i] + residuals.edges[i + 1]) / 2, 3));
  const chart = makeChart(box, 'Residual histogram');
  chart.setOption({
    aria: { enabled: true },
    tooltip: { trigger: 'axis' },
    grid: { left: 55, right: 20, top: 20, bottom: 40 },
    xAxis: { type: 'category', data: labels, name: 'residual', nameLocation: 'middle', nameGap: 25 },
    yAxis: { type: 'value', name: 'records' },
    series: [{ type: 'bar', data: residuals.counts, itemStyle: { color: '#3b73b9' }, barCategoryGap: '5%' }],
  });
}
