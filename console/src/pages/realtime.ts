// Try real-time predictions (spec §12): choose a model, create or delete its endpoint, fill a form generated
// from the model's schema (search, paging, as Amazon ML's console) or paste one CSV record, and predict.
import * as ml from '../api/ml';
import { parseCsvLine, type Attribute, type DataSchema } from '../lib/csv';
import { h, field, notice, replace, statusBadge } from '../lib/dom';
import { formatNumber } from '../lib/format';
import type { PageContext } from '../main';

const kPageSize = 10;

/** Map a pasted CSV record onto the input attributes: it may hold every column (target ignored) or only the inputs. */
export function recordFromCsv(line: string, schema: DataSchema): Record<string, string> | string {
  const values = parseCsvLine(line.trim());
  const all = schema.attributes;
  const inputs = all.filter((a) => a.attributeName !== schema.targetAttributeName);
  let names: Attribute[];
  if (values.length === all.length) names = all;
  else if (values.length === inputs.length) names = inputs;
  else return `The record has ${values.length} values; the schema has ${all.length} attributes (${inputs.length} without the target).`;
  const record: Record<string, string> = {};
  names.forEach((a, i) => {
    if (a.attributeName !== schema.targetAttributeName) record[a.attributeName] = values[i];
  });
  return record;
}

export async function renderRealtime({ root, segments }: PageContext): Promise<void | (() => void)> {
  const modelId = segments[1];
  if (!modelId) return renderChooser(root);
  let stopped = false;
  let timer: number | undefined;
  let model: ml.MLModel;
  try {
    model = await ml.getMLModel(modelId, true);
  } catch (e) {
    replace(root, notice('error', `Could not load model ${modelId}: ${(e as Error).message}`));
    return;
  }
  let schema: DataSchema;
  try {
    schema = JSON.parse(model.Schema ?? '');
  } catch {
    replace(root, notice('error', 'The model has no readable schema.'));
    return;
  }
  const inputs = schema.attributes.filter((a) => a.attributeName !== schema.targetAttributeName);
  const values = new Map<string, string>();
  const endpointBox = h('div', { class: 'endpoint', 'aria-live': 'polite' });
  const search = h('input', { type: 'search', name: 'attributeSearch', placeholder: 'Filter attributes' });
  const formBox = h('div', { class: 'record-form' });
  const pager = h('div', { class: 'pager' });
  const paste = h('textarea', { name: 'pasteRecord', rows: '3', class: 'mono', spellcheck: 'false',
                                placeholder: '32,services,divorced,basic.9y,no,unknown,yes,cellular,dec,mon,110,1,11,0,…' });
  const pasteStatus = h('div', { 'aria-live': 'polite' });
  const predictButton = h('button', { type: 'submit', class: 'primary' }, 'Predict');
  const result = h('div', { class: 'prediction', 'aria-live': 'polite', 'data-testid': 'prediction' });
  let page = 0;

  const drawForm = () => {
    const needle = search.value.trim().toLowerCase();
    const shown = inputs.filter((a) => a.attributeName.toLowerCase().includes(needle));
    const pages = Math.max(1, Math.ceil(shown.length / kPageSize));
    page = Math.min(page, pages - 1);
    replace(formBox, h('div', { class: 'form-grid' }, shown.slice(page * kPageSize, (page + 1) * kPageSize).map((a) => {
      const input = h('input', { name: `attr-${a.attributeName}`, value: values.get(a.attributeName) ?? '' });
      input.addEventListener('input', () => values.set(a.attributeName, input.value));
      return field(`${a.attributeName} (${a.attributeType})`, input);
    })));
    replace(pager,
      h('button', { type: 'button', disabled: page === 0, onclick: () => { page--; drawForm(); } }, '← Previous'),
      h('span', null, ` Page ${page + 1} of ${pages} (${shown.length} attributes) `),
      h('button', { type: 'button', disabled: page >= pages - 1, onclick: () => { page++; drawForm(); } }, 'Next →'));
  };
  search.addEventListener('input', () => { page = 0; drawForm(); });

  const fill = h('button', { type: 'button', onclick: () => {
    const record = recordFromCsv(paste.value, schema);
    if (typeof record === 'string') return void replace(pasteStatus, notice('error', record));
    values.clear();
    for (const [k, v] of Object.entries(record)) values.set(k, v);
    replace(pasteStatus, notice('ok', `Filled ${Object.keys(record).length} attributes.`));
    drawForm();
  } }, 'Fill the form from this record');

  const drawEndpoint = async (): Promise<void> => {
    try {
      model = await ml.getMLModel(modelId);
    } catch (e) {
      replace(endpointBox, notice('error', (e as Error).message));
      return;
    }
    if (stopped) return;
    const info = model.EndpointInfo ?? {};
    const st = info.EndpointStatus ?? 'NONE';
    replace(endpointBox, h('span', null, 'Real-time endpoint: '), statusBadge(st), ' ',
      info.EndpointUrl ? h('span', { class: 'mono' }, info.EndpointUrl) : '',
      ' ', st === 'NONE' || st === 'FAILED'
        ? h('button', { type: 'button', disabled: model.Status !== 'COMPLETED', onclick: async () => {
            try {
              await ml.createRealtimeEndpoint(modelId);
            } catch (e) {
              replace(result, notice('error', `Could not create the endpoint: ${(e as Error).message}`));
            }
            await drawEndpoint();
          } }, 'Create endpoint')
        : h('button', { type: 'button', class: 'danger', onclick: async () => {
            try {
              await ml.deleteRealtimeEndpoint(modelId);
            } catch (e) {
              replace(result, notice('error', `Could not delete the endpoint: ${(e as Error).message}`));
            }
            await drawEndpoint();
          } }, 'Delete endpoint'),
      model.Status !== 'COMPLETED' ? h('span', { class: 'hint' }, ` The model is ${model.Status}; an endpoint needs a COMPLETED model.`) : '');
    predictButton.disabled = st !== 'READY';
    if ((st === 'UPDATING' || model.Status === 'PENDING' || model.Status === 'INPROGRESS') && !stopped) {
      timer = window.setTimeout(() => void drawEndpoint(), 1500);
    }
  };

  const form = h('form', { class: 'card' },
    h('h2', null, 'Record'),
    field('Paste a record (one CSV line, with or without the target)', paste), h('div', { class: 'actions left' }, fill), pasteStatus,
    field('Search attributes', search), formBox, pager,
    h('div', { class: 'actions' }, predictButton));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const record: Record<string, string> = {};
    for (const [k, v] of values) if (v !== '') record[k] = v;
    predictButton.disabled = true;
    replace(result, notice('info', 'Predicting…'));
    try {
      const { Prediction: p } = await ml.predict(modelId, record, model.EndpointInfo?.EndpointUrl ?? window.location.origin);
      const scores = Object.entries(p.predictedScores ?? {});
      replace(result, h('h2', null, 'Prediction'),
        h('dl', { class: 'summary' },
          p.predictedLabel !== undefined ? [h('dt', null, 'Predicted label'), h('dd', { 'data-testid': 'predicted-label' }, p.predictedLabel)] : null,
          p.predictedValue !== undefined ? [h('dt', null, 'Predicted value'), h('dd', { 'data-testid': 'predicted-value' }, formatNumber(p.predictedValue, 6))] : null,
          scores.length ? [h('dt', null, model.MLModelType === 'BINARY' ? 'Score' : 'Scores'),
            h('dd', { 'data-testid': 'predicted-scores' }, scores.map(([k, v]) => `${k}: ${formatNumber(v, 6)}`).join(', '))] : null,
          model.MLModelType === 'BINARY' ? [h('dt', null, 'Score threshold'), h('dd', null, String(model.ScoreThreshold ?? 0.5))] : null,
          h('dt', null, 'Details'), h('dd', null, Object.entries(p.details ?? {}).map(([k, v]) => `${k}: ${v}`).join(', ')),
          h('dt', null, 'Attributes sent'), h('dd', null, String(Object.keys(record).length))));
    } catch (err) {
      replace(result, notice('error', `Prediction failed: ${(err as ml.ApiError).type}: ${(err as Error).message}`));
    } finally {
      predictButton.disabled = (model.EndpointInfo?.EndpointStatus ?? 'NONE') !== 'READY';
    }
  });

  replace(root,
    h('div', { class: 'page-head' }, h('h1', null, `Try real-time predictions: ${model.Name || modelId}`),
      h('div', { class: 'toolbar' }, h('a', { class: 'button', href: `#/models/${encodeURIComponent(modelId)}` }, 'Model'))),
    endpointBox, form, result);
  drawForm();
  await drawEndpoint();
  return () => {
    stopped = true;
    window.clearTimeout(timer);
  };
}

async function renderChooser(root: HTMLElement): Promise<void> {
  replace(root, h('h1', null, 'Try real-time predictions'), h('p', null, 'Loading…'));
  try {
    const models = (await ml.describeAll<ml.MLModel>('MLModels')).filter((m) => m.Status === 'COMPLETED');
    replace(root, h('h1', null, 'Try real-time predictions'),
      models.length === 0 ? h('p', null, 'No completed model yet.') :
        h('ul', { class: 'model-list' }, models.map((m) => h('li', null,
          h('a', { href: `#/predict/${encodeURIComponent(m.MLModelId)}` }, m.Name || m.MLModelId), ' ',
          statusBadge(m.EndpointInfo?.EndpointStatus ?? 'NONE')))));
  } catch (e) {
    replace(root, h('h1', null, 'Try real-time predictions'), notice('error', (e as Error).message));
  }
}
