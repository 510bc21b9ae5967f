// ML model page: summary, parameters, score threshold, recipe and schema, its evaluations and batch
// predictions, and the real-time endpoint (create, delete, status).
import * as ml from '../api/ml';
import { h, notice, replace, statusBadge } from '../lib/dom';
import { formatBytes, formatTime } from '../lib/format';
import type { PageContext } from '../main';

export function renderModel({ root, segments }: PageContext): () => void {
  const id = segments[1];
  let timer: number | undefined;
  let stopped = false;
  const status = h('div', { 'aria-live': 'polite' });

  async function load(): Promise<void> {
    let model: ml.MLModel;
    let evaluations: ml.Evaluation[] = [];
    let batches: ml.BatchPrediction[] = [];
    try {
      [model, evaluations, batches] = await Promise.all([
        ml.getMLModel(id, true),
        ml.describeAll<ml.Evaluation>('Evaluations', { FilterVariable: 'MLModelId', EQ: id }).catch(() => []),
        ml.describeAll<ml.BatchPrediction>('BatchPredictions', { FilterVariable: 'MLModelId', EQ: id }).catch(() => []),
      ]);
    } catch (e) {
      replace(root, notice('error', `Could not load model ${id}: ${(e as Error).message}`));
      return;
    }
    if (stopped) return;
    const endpoint = model.EndpointInfo?.EndpointStatus ?? 'NONE';
    const running = model.Status === 'PENDING' || model.Status === 'INPROGRESS' || endpoint === 'UPDATING' ||
      evaluations.some((e) => e.Status === 'PENDING' || e.Status === 'INPROGRESS');
    const endpointButton = endpoint === 'NONE' || endpoint === 'FAILED'
      ? h('button', { type: 'button', disabled: model.Status !== 'COMPLETED', onclick: async () => {
          try {
            await ml.createRealtimeEndpoint(id);
            await load();
          } catch (e) {
            replace(status, notice('error', `Could not create the endpoint: ${(e as Error).message}`));
          }
        } }, 'Create endpoint')
      : h('button', { type: 'button', class: 'danger', onclick: async () => {
          if (!confirm('Delete the real-time endpoint of this model?')) return;
          try {
            await ml.deleteRealtimeEndpoint(id);
            await load();
          } catch (e) {
            replace(status, notice('error', `Could not delete the endpoint: ${(e as Error).message}`));
          }
        } }, 'Delete endpoint');
    replace(root,
      h('div', { class: 'page-head' }, h('h1', null, model.Name || model.MLModelId),
        h('div', { class: 'toolbar' },
          h('a', { class: 'button primary', href: `#/predict/${encodeURIComponent(id)}` }, 'Try real-time predictions'),
          h('a', { class: 'button', href: `#/batch/new?model=${encodeURIComponent(id)}` }, 'Batch prediction'))),
      status,
      h('dl', { class: 'summary' },
        h('dt', null, 'ID'), h('dd', { class: 'mono' }, model.MLModelId),
        h('dt', null, 'Status'), h('dd', null, statusBadge(model.Status), running ? ' (refreshing)' : ''),
        model.Message ? [h('dt', null, 'Message'), h('dd', null, model.Message)] : null,
        h('dt', null, 'Type'), h('dd', null, model.MLModelType ?? ''),
        h('dt', null, 'Training datasource'), h('dd', null, model.TrainingDataSourceId
          ? h('a', { href: `#/datasources/${encodeURIComponent(model.TrainingDataSourceId)}` }, model.TrainingDataSourceId) : ''),
        h('dt', null, 'Training data'), h('dd', null, model.InputDataLocationS3 ?? ''),
        h('dt', null, 'Size'), h('dd', null, formatBytes(model.SizeInBytes)),
        model.MLModelType === 'BINARY' ? [h('dt', null, 'Score threshold'),
          h('dd', { 'data-testid': 'score-threshold' }, String(model.ScoreThreshold ?? 0.5),
            model.ScoreThresholdLastUpdatedAt ? ` (set ${formatTime(model.ScoreThresholdLastUpdatedAt)})` : '')] : null,
        h('dt', null, 'Real-time endpoint'), h('dd', null, statusBadge(endpoint), ' ',
          model.EndpointInfo?.EndpointUrl ? h('span', { class: 'mono' }, model.EndpointInfo.EndpointUrl) : '', ' ', endpointButton),
        h('dt', null, 'Created'), h('dd', null, formatTime(model.CreatedAt)),
        h('dt', null, 'Finished'), h('dd', null, formatTime(model.FinishedAt)),
        model.LogUri ? [h('dt', null, 'Log'), h('dd', null, h('a', { href: model.LogUri, target: '_blank', rel: 'noopener' }, 'training log'))] : null),
      h('details', null, h('summary', null, 'Training parameters'),
        h('dl', { class: 'summary' }, Object.entries(model.TrainingParameters ?? {}).map(([k, v]) => [h('dt', null, k), h('dd', null, v)]))),
      model.Recipe ? h('details', null, h('summary', null, 'Recipe'), h('pre', null, prettyJson(model.Recipe))) : null,
      model.Schema ? h('details', null, h('summary', null, 'Schema'), h('pre', null, prettyJson(model.Schema))) : null,
      h('h2', null, 'Evaluations'),
      evaluations.length === 0 ? h('p', null, 'None.') : h('div', { class: 'table-wrap' }, h('table', null,
        h('thead', null, h('tr', null, h('th', null, 'Evaluation'), h('th', null, 'Status'), h('th', null, 'Metric'))),
        h('tbody', null, evaluations.map((e) => h('tr', null,
          h('td', null, h('a', { href: `#/evaluations/${encodeURIComponent(e.EvaluationId)}` }, e.Name || e.EvaluationId)),
          h('td', null, statusBadge(e.Status)),
          h('td', null, Object.entries(e.PerformanceMetrics?.Properties ?? {}).map(([k, v]) => `${k} ${v}`).join(', '))))))),
      h('h2', null, 'Batch predictions'),
      batches.length === 0 ? h('p', null, 'None.') : h('div', { class: 'table-wrap' }, h('table', null,
        h('thead', null, h('tr', null, h('th', null, 'Batch prediction'), h('th', null, 'Status'), h('th', null, 'Output'))),
        h('tbody', null, batches.map((b) => h('tr', null,
          h('td', null, h('a', { href: `#/batch/${encodeURIComponent(b.BatchPredictionId)}` }, b.Name || b.BatchPredictionId)),
          h('td', null, statusBadge(b.Status)), h('td', null, b.OutputUri ?? '')))))));
    if (running && !stopped) timer = window.setTimeout(() => void load(), 3000);
  }
  replace(root, h('p', null, 'Loading…'));
  void load();
  return () => {
    stopped = true;
    window.clearTimeout(timer);
  };
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
