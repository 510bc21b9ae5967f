// Datasource page: its summary and schema, and the data insights (statistics per attribute type with
// distribution charts, missing and invalid counts, correlation to the target as a ranked bar chart; spec §6).
import * as ml from '../api/ml';
import { barChart, disposeCharts } from '../lib/charts';
import { h, notice, replace, statusBadge } from '../lib/dom';
import { formatBytes, formatNumber, formatPercent, formatTime } from '../lib/format';
import { normalizeStats, type AttributeStats, type DataSourceStats } from '../lib/stats';
import type { DataSchema } from '../lib/csv';
import type { PageContext } from '../main';

export function renderDataSource({ root, segments }: PageContext): () => void {
  const id = segments[1];
  let timer: number | undefined;
  let stopped = false;
  const head = h('div');
  const insights = h('section', { 'aria-labelledby': 'insights-title' });
  replace(root, head, insights);

  async function load(): Promise<void> {
    let ds: ml.DataSource;
    try {
      ds = await ml.getDataSource(id, true);
    } catch (e) {
      replace(head, notice('error', `Could not load datasource ${id}: ${(e as Error).message}`));
      return;
    }
    if (stopped) return;
    let schema: DataSchema | null = null;
    try {
      schema = ds.DataSourceSchema ? JSON.parse(ds.DataSourceSchema) : null;
    } catch {
      schema = null;
    }
    const running = ds.Status === 'PENDING' || ds.Status === 'INPROGRESS';
    replace(head,
      h('div', { class: 'page-head' }, h('h1', null, ds.Name || ds.DataSourceId),
        h('div', { class: 'toolbar' },
          schema?.targetAttributeName && ds.Status !== 'FAILED'
            ? h('a', { class: 'button primary', href: `#/models/new?datasource=${encodeURIComponent(id)}` }, 'Create model') : null,
          h('a', { class: 'button', href: `#/batch/new?datasource=${encodeURIComponent(id)}` }, 'Batch prediction'))),
      h('dl', { class: 'summary' },
        h('dt', null, 'ID'), h('dd', { class: 'mono' }, ds.DataSourceId),
        h('dt', null, 'Status'), h('dd', null, statusBadge(ds.Status), running ? ' (refreshing)' : ''),
        ds.Message ? [h('dt', null, 'Message'), h('dd', null, ds.Message)] : null,
        h('dt', null, 'Location'), h('dd', null, ds.DataLocationS3 ?? ''),
        h('dt', null, 'Size'), h('dd', null, `${formatBytes(ds.DataSizeInBytes)} in ${ds.NumberOfFiles ?? '?'} file(s)`),
        h('dt', null, 'Target'), h('dd', null, schema?.targetAttributeName ?? 'none'),
        h('dt', null, 'Row ID'), h('dd', null, schema?.rowId ?? 'none'),
        ds.DataRearrangement ? [h('dt', null, 'Rearrangement'), h('dd', { class: 'mono' }, ds.DataRearrangement)] : null,
        h('dt', null, 'Created'), h('dd', null, formatTime(ds.CreatedAt)),
        h('dt', null, 'Finished'), h('dd', null, formatTime(ds.FinishedAt)),
        ds.LogUri ? [h('dt', null, 'Log'), h('dd', null, h('a', { href: ds.LogUri, target: '_blank', rel: 'noopener' }, 'job log'))] : null),
      schema ? h('details', null, h('summary', null, `Schema (${schema.attributes.length} attributes)`),
        h('div', { class: 'table-wrap' }, h('table', null,
          h('thead', null, h('tr', null, h('th', null, 'Attribute'), h('th', null, 'Type'))),
          h('tbody', null, schema.attributes.map((a) => h('tr', null, h('td', null, a.attributeName), h('td', null, a.attributeType))))))) : null);
    if (running) {
      replace(insights, h('h2', { id: 'insights-title' }, 'Data insights'), h('p', null, 'Statistics appear when the datasource is COMPLETED.'));
      if (!stopped) timer = window.setTimeout(() => void load(), 3000);
      return;
    }
    if (ds.Status !== 'COMPLETED') {
      replace(insights);
      return;
    }
    if (!ds.ComputeStatistics) {
      replace(insights, h('h2', { id: 'insights-title' }, 'Data insights'),
        notice('info', 'This datasource was created without statistics.'));
      return;
    }
    try {
      const raw = await ml.call('GetDataSourceStatistics', { DataSourceId: id }, { prefix: ml.kExtensionPrefix });
      drawInsights(insights, normalizeStats(raw), schema);
    } catch (e) {
      replace(insights, h('h2', { id: 'insights-title' }, 'Data insights'),
        notice('warn', ml.isUnknownOperation(e) ? 'This server does not offer statistics (GetDataSourceStatistics).'
          : `Could not load the statistics: ${(e as Error).message}`));
    }
  }
  void load();
  return () => {
    stopped = true;
    window.clearTimeout(timer);
    disposeCharts();
  };
}

function statRow(label: string, value: string | number | undefined): HTMLElement[] | null {
  if (value === undefined || value === '') return null;
  return [h('dt', null, label), h('dd', null, String(value))];
}

function drawInsights(section: HTMLElement, stats: DataSourceStats, schema: DataSchema | null): void {
  const target = stats.target ?? schema?.targetAttributeName ?? undefined;
  const types = ['NUMERIC', 'BINARY', 'CATEGORICAL', 'TEXT'];
  const typeOf = (a: AttributeStats) =>
    a.type || schema?.attributes.find((s) => s.attributeName === a.name)?.attributeType || '';
  const inputs = stats.attributes.filter((a) => a.name !== target && (!a.role || a.role === 'input'));
  const ranked = inputs.filter((a) => a.correlation !== undefined).sort((a, b) => b.correlation! - a.correlation!);
  const corrChart = h('div', { class: 'chart', style: { height: `${Math.max(200, ranked.length * 22 + 40)}px` } });
  const targetStats = stats.attributes.find((a) => a.name === target);
  const targetDistribution = stats.targetDistribution ?? targetStats?.topValues;
  const targetChart = h('div', { class: 'chart small' });
  const charts: (() => void)[] = [];

  const typeSections = types.map((type) => {
    const attributes = inputs.filter((a) => typeOf(a) === type);
    if (attributes.length === 0) return null;
    return h('section', { class: 'type-section' },
      h('h3', null, `${type} attributes (${attributes.length})`),
      h('div', { class: 'attr-grid' }, attributes.map((a) => {
        const chart = h('div', { class: 'chart small' });
        // Numeric: the histogram; categorical: the top 10 values and "other"; binary: 0/1 counts.
        const dist = a.topValues ? { labels: a.topValues.map((v) => v.value), counts: a.topValues.map((v) => v.count) } : a.histogram;
        if (dist && dist.counts.length > 0) {
          charts.push(() => barChart(chart, `Distribution of ${a.name}`, dist.labels, dist.counts,
            { color: type === 'NUMERIC' ? '#3b73b9' : '#6a9c3a', valueName: 'records' }));
        }
        return h('article', { class: 'attr-card', 'data-attribute': a.name },
          h('h4', null, a.name),
          h('dl', { class: 'mini' },
            statRow('Correlation to target', a.correlation !== undefined ? formatNumber(a.correlation, 4) : undefined),
            statRow('Missing', a.missing), statRow('Invalid', a.invalid),
            statRow('Min', a.min !== undefined ? formatNumber(a.min) : undefined),
            statRow('Median', a.median !== undefined ? formatNumber(a.median) : undefined),
            statRow('Mean', a.mean !== undefined ? formatNumber(a.mean) : undefined),
            statRow('Max', a.max !== undefined ? formatNumber(a.max) : undefined),
            statRow('Percent true', a.percentTrue !== undefined ? formatPercent(a.percentTrue) : undefined),
            statRow('Unique values', a.uniqueValues),
            statRow('Most frequent', a.topValues?.[0]?.value),
            statRow('Least frequent', a.leastFrequent),
            statRow('Total words', a.totalWords), statRow('Unique words', a.uniqueWords),
            statRow('Words per record', a.wordsPerRecord ? `${a.wordsPerRecord[0]}–${a.wordsPerRecord[1]}` : undefined),
            statRow('Word length', a.wordLength ? `${a.wordLength[0]}–${a.wordLength[1]}` : undefined)),
          a.prominentWords?.length ? h('p', { class: 'hint' }, 'Prominent words: ',
            a.prominentWords.slice(0, 10).map((w) => w.token).join(', ')) : null,
          dist ? chart : null);
      })));
  });
  const missingTotal = inputs.reduce((s, a) => s + (a.missing ?? 0), 0);
  const invalidTotal = inputs.reduce((s, a) => s + (a.invalid ?? 0), 0);
  replace(section,
    h('h2', { id: 'insights-title' }, 'Data insights'),
    h('dl', { class: 'summary' },
      statRow('Records processed', stats.records), statRow('Bad records', stats.invalidRecords),
      statRow('Target', target),
      statRow('Attributes', types.map((t) => `${inputs.filter((a) => typeOf(a) === t).length} ${t}`).join(', ')),
      statRow('Missing values (all attributes)', missingTotal), statRow('Invalid values (all attributes)', invalidTotal)),
    targetDistribution ? [h('h3', null, 'Target distribution'), targetChart] : null,
    ranked.length ? [h('h3', null, 'Correlation to target'), corrChart] : null,
    typeSections);
  if (targetDistribution) {
    barChart(targetChart, 'Target distribution', targetDistribution.map((v) => v.value), targetDistribution.map((v) => v.count),
      { color: '#b9733b', valueName: 'records' });
  }
  if (ranked.length) {
    barChart(corrChart, 'Attributes ranked by correlation to the target', ranked.map((a) => a.name),
      ranked.map((a) => Number(formatNumber(a.correlation, 5))), { horizontal: true });
  }
  for (const draw of charts) draw();
}
