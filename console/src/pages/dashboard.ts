// Dashboard: datasources, models, evaluations and batch predictions with status and times, a status filter
// and a search box; refreshes every few seconds while any job is pending or running.
import * as ml from '../api/ml';
import { h, field, notice, replace, statusBadge } from '../lib/dom';
import { formatTime } from '../lib/format';
import type { PageContext } from '../main';

interface Section {
  kind: ml.EntityKind;
  title: string;
  idKey: string;
  href: (id: string) => string;
  extra: [string, (item: Record<string, unknown>) => string | HTMLElement][];
}

const kSections: Section[] = [
  { kind: 'DataSources', title: 'Datasources', idKey: 'DataSourceId', href: (id) => `#/datasources/${encodeURIComponent(id)}`,
    extra: [['Location', (i) => String(i.DataLocationS3 ?? '')]] },
  { kind: 'MLModels', title: 'ML models', idKey: 'MLModelId', href: (id) => `#/models/${encodeURIComponent(id)}`,
    extra: [['Type', (i) => String(i.MLModelType ?? '')],
            ['Endpoint', (i) => String((i.EndpointInfo as ml.EndpointInfo | undefined)?.EndpointStatus ?? '')]] },
  { kind: 'Evaluations', title: 'Evaluations', idKey: 'EvaluationId', href: (id) => `#/evaluations/${encodeURIComponent(id)}`,
    extra: [['Metric', (i) => {
      const props = (i.PerformanceMetrics as ml.Evaluation['PerformanceMetrics'])?.Properties ?? {};
      return Object.entries(props).map(([k, v]) => `${k} ${Number(v).toFixed(3)}`).join(', ');
    }]] },
  { kind: 'BatchPredictions', title: 'Batch predictions', idKey: 'BatchPredictionId',
    href: (id) => `#/batch/${encodeURIComponent(id)}`,
    extra: [['Records', (i) => i.TotalRecordCount !== undefined ? `${i.TotalRecordCount} (${i.InvalidRecordCount ?? 0} failed)` : '']] },
];

const kRefreshMs = 4000;

export function renderDashboard({ root }: PageContext): () => void {
  const search = h('input', { type: 'search', placeholder: 'Name or ID', name: 'search' });
  const status = h('select', { name: 'status' },
    ['All', 'PENDING', 'INPROGRESS', 'COMPLETED', 'FAILED'].map((s) => h('option', { value: s === 'All' ? '' : s }, s)));
  const since = h('select', { name: 'since' },
    ([['', 'Any time'], ['3600', 'Last hour'], ['86400', 'Last day'], ['604800', 'Last week']] as const)
      .map(([value, label]) => h('option', { value }, label)));
  const kind = h('select', { name: 'kind' },
    h('option', { value: '' }, 'All'), kSections.map((s) => h('option', { value: s.kind }, s.title)));
  const auto = h('input', { type: 'checkbox', checked: true, name: 'auto' });
  const refreshed = h('span', { class: 'hint', 'aria-live': 'off' });
  const body = h('div');
  const data = new Map<ml.EntityKind, Record<string, unknown>[]>();
  const errors = new Map<ml.EntityKind, string>();
  let timer: number | undefined;
  let stopped = false;

  replace(root,
    h('div', { class: 'page-head' }, h('h1', null, 'Dashboard'),
      h('div', { class: 'toolbar' },
        h('a', { class: 'button', href: '#/objects' }, 'Upload data'),
        h('a', { class: 'button primary', href: '#/datasources/new' }, 'Create datasource'),
        h('a', { class: 'button', href: '#/models/new' }, 'Create model'))),
    h('div', { class: 'filters', role: 'search' }, field('Search', search), field('Status', status), field('Created', since), field('Show', kind),
      h('label', { class: 'check' }, auto, ' Auto refresh'), refreshed),
    body);

  function draw(): void {
    const needle = search.value.trim().toLowerCase();
    const after = since.value ? Date.now() / 1000 - Number(since.value) : 0;
    replace(body, kSections.filter((s) => !kind.value || kind.value === s.kind).map((section) => {
      const items = (data.get(section.kind) ?? []).filter((item) =>
        (!status.value || item.Status === status.value) &&
        (!after || Number(item.CreatedAt ?? 0) >= after) &&
        (!needle || String(item.Name ?? '').toLowerCase().includes(needle) ||
          String(item[section.idKey]).toLowerCase().includes(needle)));
      const error = errors.get(section.kind);
      return h('section', { class: 'entity-section', 'aria-labelledby': `h-${section.kind}` },
        h('h2', { id: `h-${section.kind}` }, section.title, h('span', { class: 'count' }, ` (${items.length})`)),
        error ? notice('error', error) : null,
        items.length === 0 ? h('p', { class: 'empty' }, data.has(section.kind) ? 'None.' : 'Loading…') :
          h('div', { class: 'table-wrap' }, h('table', { 'data-kind': section.kind },
            h('thead', null, h('tr', null, h('th', null, 'Name'), h('th', null, 'ID'), h('th', null, 'Status'),
              section.extra.map(([title]) => h('th', null, title)), h('th', null, 'Created'), h('th', null, 'Updated'))),
            h('tbody', null, items.map((item) => {
              const id = String(item[section.idKey]);
              return h('tr', { 'data-id': id },
                h('td', null, h('a', { href: section.href(id) }, String(item.Name || id))),
                h('td', { class: 'mono' }, id),
                h('td', null, statusBadge(item.Status as string)),
                section.extra.map(([, cell]) => h('td', null, cell(item))),
                h('td', null, formatTime(item.CreatedAt as number)),
                h('td', null, formatTime(item.LastUpdatedAt as number)));
            })))));
    }));
  }

  async function load(): Promise<void> {
    await Promise.all(kSections.map(async (s) => {
      try {
        data.set(s.kind, await ml.describeAll<Record<string, unknown>>(s.kind));
        errors.delete(s.kind);
      } catch (e) {
        errors.set(s.kind, `Could not list ${s.title.toLowerCase()}: ${(e as Error).message}`);
      }
    }));
    if (stopped) return;
    refreshed.textContent = `Updated ${new Date().toLocaleTimeString()}`;
    draw();
    const busy = [...data.values()].some((items) =>
      items.some((i) => i.Status === 'PENDING' || i.Status === 'INPROGRESS' ||
        (i.EndpointInfo as ml.EndpointInfo | undefined)?.EndpointStatus === 'UPDATING'));
    if (auto.checked && !stopped) timer = window.setTimeout(() => void load(), busy ? kRefreshMs : kRefreshMs * 4);
  }

  search.addEventListener('input', draw);
  status.addEventListener('change', draw);
  since.addEventListener('change', draw);
  kind.addEventListener('change', draw);
  auto.addEventListener('change', () => {
    window.clearTimeout(timer);
    if (auto.checked) void load();
  });
  void load();
  return () => {
    stopped = true;
    window.clearTimeout(timer);
  };
}
