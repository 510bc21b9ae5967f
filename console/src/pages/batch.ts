// Batch predictions (spec §11): create from a model and a datasource (an existing one, or a new one made
// from an S3 location with the model's schema) with an output location; the page then shows progress, record
// counts, and links to the results, the manifest and the log.
import * as ml from '../api/ml';
import * as s3 from '../api/s3';
import type { DataSchema } from '../lib/csv';
import { h, field, notice, replace, statusBadge } from '../lib/dom';
import { formatTime, newEntityId } from '../lib/format';
import type { PageContext } from '../main';

export async function renderBatchWizard({ root, query }: PageContext): Promise<void> {
  replace(root, h('h1', null, 'Create batch prediction'), h('p', null, 'Loading…'));
  let models: ml.MLModel[];
  let sources: ml.DataSource[];
  try {
    [models, sources] = await Promise.all([ml.describeAll<ml.MLModel>('MLModels'), ml.describeAll<ml.DataSource>('DataSources')]);
  } catch (e) {
    replace(root, h('h1', null, 'Create batch prediction'), notice('error', (e as Error).message));
    return;
  }
  models = models.filter((m) => m.Status !== 'FAILED');
  sources = sources.filter((d) => d.Status !== 'FAILED');
  const model = h('select', { name: 'model', required: true }, h('option', { value: '' }, '— choose a model —'),
    models.map((m) => h('option', { value: m.MLModelId, selected: m.MLModelId === query.get('model') },
      `${m.Name || m.MLModelId} (${m.MLModelId}, ${m.Status})`)));
  const useExisting = h('input', { type: 'radio', name: 'source', value: 'existing', checked: !!query.get('datasource') });
  const useNew = h('input', { type: 'radio', name: 'source', value: 'new', checked: !query.get('datasource') });
  const source = h('select', { name: 'datasource' }, h('option', { value: '' }, '— choose a datasource —'),
    sources.map((d) => h('option', { value: d.DataSourceId, selected: d.DataSourceId === query.get('datasource') },
      `${d.Name || d.DataSourceId} (${d.DataSourceId})`)));
  const newLocation = h('input', { name: 'inputLocation', placeholder: 's3://bucket/banking-batch.csv', size: '50', spellcheck: 'false' });
  const newHeader = h('input', { type: 'checkbox', name: 'inputHeader', checked: true });
  const output = h('input', { name: 'output', placeholder: 's3://bucket/output/', required: true, size: '50', spellcheck: 'false' });
  const name = h('input', { name: 'name' });
  const status = h('div', { 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Create batch prediction');
  const form = h('form', { class: 'card' },
    field('ML model', model),
    h('fieldset', null, h('legend', null, 'Data to predict'),
      h('label', { class: 'check' }, useNew, ' New datasource from an S3 location, with the model\'s schema (the target may be absent)'),
      field('S3 location', newLocation), h('label', { class: 'check' }, newHeader, ' The first line contains the column names'),
      h('label', { class: 'check' }, useExisting, ' An existing datasource'), field('Datasource', source)),
    field('Output S3 location', output, 'A folder (ending in /); results go under batch-prediction/ there.'),
    field('Name', name), status, h('div', { class: 'actions' }, submit));
  replace(root, h('h1', null, 'Create batch prediction'), form);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const modelId = model.value;
    let outputUri = output.value.trim();
    if (!modelId) return void replace(status, notice('error', 'Choose a model.'));
    if (!s3.parseS3Url(outputUri)) return void replace(status, notice('error', 'The output location must be an s3:// URL.'));
    if (!outputUri.endsWith('/')) outputUri += '/';
    submit.disabled = true;
    try {
      const chosen = models.find((m) => m.MLModelId === modelId)!;
      let dataSourceId = source.value;
      if (useNew.checked) {
        const location = newLocation.value.trim();
        if (!s3.parseS3Url(location)) throw new Error('Give the S3 location of the data to predict.');
        const full = await ml.getMLModel(modelId, true);
        if (!full.Schema) throw new Error('The model has no schema to reuse.');
        const schema = JSON.parse(full.Schema) as DataSchema;
        // The batch data usually lacks the target column: drop it from the attributes (spec §11.1, §15.1).
        const withoutTarget: DataSchema = {
          ...schema, dataFileContainsHeader: newHeader.checked, targetAttributeName: null,
          attributes: schema.attributes.filter((a) => a.attributeName !== schema.targetAttributeName),
          excludedAttributeNames: (schema.excludedAttributeNames ?? []).filter((n) => n !== schema.targetAttributeName),
        };
        // Keep the target if the file holds it: compare with the header's column count.
        const parsed = s3.parseS3Url(location)!;
        if (!parsed.key.endsWith('/')) {
          const head = await s3.readHead(parsed.bucket, parsed.key, 64 * 1024);
          const columns = head.text.split('\n')[0].split(',').length;
          if (columns === schema.attributes.length) withoutTarget.attributes = schema.attributes;
        }
        dataSourceId = newEntityId('ds');
        replace(status, notice('info', 'Creating the datasource…'));
        await ml.createDataSourceFromS3({ id: dataSourceId, name: location.split('/').pop() || location, location,
                                          schema: JSON.stringify(withoutTarget), computeStatistics: false });
      }
      if (!dataSourceId) throw new Error('Choose a datasource.');
      const id = newEntityId('bp');
      replace(status, notice('info', 'Creating the batch prediction…'));
      await ml.createBatchPrediction(id, name.value.trim() || `Batch prediction: ${chosen.Name || modelId}`, modelId,
                                     dataSourceId, outputUri);
      window.location.hash = `#/batch/${encodeURIComponent(id)}`;
    } catch (err) {
      replace(status, notice('error', `Could not create the batch prediction: ${(err as Error).message}`));
      submit.disabled = false;
    }
  });
}

export function renderBatchPrediction({ root, segments }: PageContext): () => void {
  const id = segments[1];
  let timer: number | undefined;
  let stopped = false;
  replace(root, h('p', null, 'Loading…'));

  async function load(): Promise<void> {
    let bp: ml.BatchPrediction;
    try {
      bp = await ml.getBatchPrediction(id);
    } catch (e) {
      replace(root, notice('error', `Could not load batch prediction ${id}: ${(e as Error).message}`));
      return;
    }
    if (stopped) return;
    const running = bp.Status === 'PENDING' || bp.Status === 'INPROGRESS';
    const results = h('div');
    replace(root,
      h('div', { class: 'page-head' }, h('h1', null, bp.Name || bp.BatchPredictionId)),
      running ? h('progress', { 'aria-label': 'Batch prediction running' }) : null,
      h('dl', { class: 'summary' },
        h('dt', null, 'ID'), h('dd', { class: 'mono' }, bp.BatchPredictionId),
        h('dt', null, 'Status'), h('dd', { 'data-testid': 'batch-status' }, statusBadge(bp.Status), running ? ' (refreshing)' : ''),
        bp.Message ? [h('dt', null, 'Message'), h('dd', null, bp.Message)] : null,
        h('dt', null, 'ML model'), h('dd', null, bp.MLModelId ? h('a', { href: `#/models/${encodeURIComponent(bp.MLModelId)}` }, bp.MLModelId) : ''),
        h('dt', null, 'Datasource'), h('dd', null, bp.BatchPredictionDataSourceId
          ? h('a', { href: `#/datasources/${encodeURIComponent(bp.BatchPredictionDataSourceId)}` }, bp.BatchPredictionDataSourceId) : '',
          ' ', bp.InputDataLocationS3 ?? ''),
        h('dt', null, 'Records seen'), h('dd', { 'data-testid': 'total-records' }, bp.TotalRecordCount ?? '—'),
        h('dt', null, 'Records that failed'), h('dd', { 'data-testid': 'invalid-records' }, bp.InvalidRecordCount ?? '—'),
        h('dt', null, 'Output'), h('dd', null, bp.OutputUri ?? ''),
        h('dt', null, 'Created'), h('dd', null, formatTime(bp.CreatedAt)),
        h('dt', null, 'Finished'), h('dd', null, formatTime(bp.FinishedAt)),
        bp.LogUri ? [h('dt', null, 'Log'), h('dd', null, h('a', { href: bp.LogUri, target: '_blank', rel: 'noopener' }, 'batch prediction log'))] : null),
      results);
    if (running) {
      if (!stopped) timer = window.setTimeout(() => void load(), 3000);
      return;
    }
    if (bp.Status === 'COMPLETED' && bp.OutputUri) await drawResults(results, bp);
  }
  void load();
  return () => {
    stopped = true;
    window.clearTimeout(timer);
  };
}

/** List the result objects under <OutputUri>batch-prediction/ (spec §11.2) with download links. */
async function drawResults(box: HTMLElement, bp: ml.BatchPrediction): Promise<void> {
  const out = s3.parseS3Url(bp.OutputUri!)!;
  const prefix = `${out.key}batch-prediction/`;
  try {
    const listing = await s3.listObjects(out.bucket, prefix, '');
    const mine = listing.objects.filter((o) => o.key.includes(bp.BatchPredictionId));
    const links = await Promise.all(mine.map(async (o) =>
      h('li', null, h('a', { href: await s3.presignedGetUrl(out.bucket, o.key), download: o.key.split('/').pop() }, o.key.slice(prefix.length)),
        ` (${o.size} bytes)`)));
    const parts = prefix.split('/').filter(Boolean).map(encodeURIComponent).join('/');
    replace(box, h('h2', null, 'Results'),
      mine.length ? h('ul', { class: 'results' }, links) : h('p', null, 'No result objects found.'),
      h('p', null, h('a', { href: `#/objects/${encodeURIComponent(out.bucket)}/${parts}` }, 'Open the output folder')));
  } catch (e) {
    replace(box, notice('warn', `Could not list the results: ${(e as Error).message}`));
  }
}
