// Create-datasource wizard: 1. choose an S3 object or prefix; 2. review the schema inferred in the browser
// from the first lines (Range GET; spec §4.6) in an editable table, choose the target and an optional row ID;
// 3. review and create (CreateDataSourceFromS3 with ComputeStatistics, spec §3.3).
import * as ml from '../api/ml';
import * as s3 from '../api/s3';
import {
  buildSchema, inferSchema, kAttributeTypes, modelTypeForTarget, splitLines, validateSchema,
  type Attribute, type AttributeType, type InferredSchema,
} from '../lib/csv';
import { h, field, notice, replace } from '../lib/dom';
import { newEntityId } from '../lib/format';
import type { PageContext } from '../main';

/** Bytes read to infer the schema: plenty for the 1,000 lines the guesser looks at. */
const kSampleBytes = 1024 * 1024;

/** Find the first data object of a location: the object itself, or the first non-empty object under a prefix. */
async function firstObject(location: string): Promise<{ bucket: string; key: string }> {
  const parsed = s3.parseS3Url(location);
  if (!parsed || !parsed.bucket) throw new Error('Give an S3 location such as s3://bucket/data.csv or s3://bucket/folder/');
  if (parsed.key !== '' && !parsed.key.endsWith('/')) return parsed;
  const listing = await s3.listObjects(parsed.bucket, parsed.key, '');
  const first = listing.objects.filter((o) => o.size > 0 && !o.key.endsWith('.schema'))
    .sort((a, b) => (a.key < b.key ? -1 : 1))[0];
  if (!first) throw new Error(`No data files under ${location}`);
  return { bucket: parsed.bucket, key: first.key };
}

export function renderDataSourceWizard({ root, query }: PageContext): void {
  const location = h('input', { name: 'location', value: query.get('location') ?? '', placeholder: 's3://bucket/data.csv',
                                required: true, spellcheck: 'false', size: '50' });
  const name = h('input', { name: 'name', placeholder: 'e.g. Banking Data 1' });
  const header = h('select', { name: 'header' },
    h('option', { value: 'auto' }, 'Detect'), h('option', { value: 'yes' }, 'Yes'), h('option', { value: 'no' }, 'No'));
  const verify = h('button', { type: 'submit', class: 'primary' }, 'Verify and infer schema');
  const step1Status = h('div', { 'aria-live': 'polite' });
  const step2 = h('section', { class: 'card', hidden: true, 'aria-labelledby': 'step2-title' });
  const step3 = h('section', { class: 'card', hidden: true, 'aria-labelledby': 'step3-title' });
  const step1 = h('form', { class: 'card', 'aria-labelledby': 'step1-title' },
    h('h2', { id: 'step1-title' }, '1. Input data'),
    field('S3 location', location, 'A file, or a folder (prefix ending in /) whose files share one schema.'),
    field('Datasource name', name),
    field('Does the first line contain the column names?', header),
    step1Status, h('div', { class: 'actions' }, verify));

  let lines: string[] = [];
  let inferred: InferredSchema | null = null;
  let attributes: Attribute[] = [];
  let target: string | null = null;
  let rowId: string | null = null;

  step1.addEventListener('submit', async (e) => {
    e.preventDefault();
    verify.disabled = true;
    replace(step1Status, notice('info', 'Reading the first lines…'));
    try {
      const object = await firstObject(location.value);
      const head = await s3.readHead(object.bucket, object.key, kSampleBytes);
      lines = splitLines(head.text, head.truncated);
      if (lines.length === 0) throw new Error('The file holds no complete line.');
      inferred = inferSchema(lines, header.value === 'auto' ? undefined : header.value === 'yes');
      attributes = inferred.attributes.map((a) => ({ ...a }));
      target = null;
      rowId = null;
      if (!name.value.trim()) name.value = object.key.split('/').pop() ?? object.key;
      replace(step1Status, notice('ok', `Read ${inferred.rowsRead} records of s3://${object.bucket}/${object.key}` +
        `${inferred.hasHeader ? ' (first line taken as the header)' : ''}.`));
      drawSchema();
    } catch (err) {
      replace(step1Status, notice('error', (err as Error).message));
    } finally {
      verify.disabled = false;
    }
  });

  function drawSchema(): void {
    if (!inferred) return;
    step2.hidden = false;
    const rows = attributes.map((attribute, index) => {
      const nameInput = h('input', { value: attribute.attributeName, 'aria-label': `Name of column ${index + 1}`,
                                     name: `attr-name-${index}` });
      nameInput.addEventListener('change', () => {
        const old = attribute.attributeName;
        attribute.attributeName = nameInput.value.trim();
        if (target === old) target = attribute.attributeName;
        if (rowId === old) rowId = attribute.attributeName;
      });
      const typeSelect = h('select', { 'aria-label': `Type of ${attribute.attributeName}`, name: `attr-type-${index}` },
        kAttributeTypes.map((t) => h('option', { value: t, selected: t === attribute.attributeType }, t)));
      typeSelect.addEventListener('change', () => { attribute.attributeType = typeSelect.value as AttributeType; });
      const targetRadio = h('input', { type: 'radio', name: 'target', value: String(index), checked: target === attribute.attributeName,
                                       'aria-label': `Target: ${attribute.attributeName}` });
      targetRadio.addEventListener('change', () => { target = attribute.attributeName; });
      const rowIdRadio = h('input', { type: 'radio', name: 'rowid', value: String(index), checked: rowId === attribute.attributeName,
                                      'aria-label': `Row ID: ${attribute.attributeName}` });
      rowIdRadio.addEventListener('change', () => { rowId = attribute.attributeName; });
      const samples = inferred!.sample.map((r) => r[index] ?? '').slice(0, 3).join(', ');
      return h('tr', { 'data-attribute': attribute.attributeName },
        h('td', { class: 'num' }, index + 1), h('td', null, nameInput), h('td', null, typeSelect),
        h('td', { class: 'center' }, targetRadio), h('td', { class: 'center' }, rowIdRadio),
        h('td', { class: 'sample' }, samples));
    });
    const noTarget = h('input', { type: 'radio', name: 'target', value: '', checked: target === null, 'aria-label': 'No target' });
    noTarget.addEventListener('change', () => { target = null; });
    const noRowId = h('input', { type: 'radio', name: 'rowid', value: '', checked: rowId === null, 'aria-label': 'No row ID' });
    noRowId.addEventListener('change', () => { rowId = null; });
    const next = h('button', { type: 'button', class: 'primary', onclick: drawReview }, 'Review');
    replace(step2,
      h('h2', { id: 'step2-title' }, '2. Schema'),
      h('p', null, 'Types were guessed from the first lines; numeric-looking IDs and codes should be CATEGORICAL. ' +
        'Choose the target to train and evaluate models (a BINARY target gives a binary model, CATEGORICAL multiclass, ' +
        'NUMERIC regression), and optionally a row ID copied into batch predictions.'),
      h('div', { class: 'table-wrap' }, h('table', { class: 'schema-table' },
        h('thead', null, h('tr', null, h('th', null, '#'), h('th', null, 'Name'), h('th', null, 'Type'),
          h('th', null, 'Target'), h('th', null, 'Row ID'), h('th', null, 'Sample values'))),
        h('tbody', null, rows,
          h('tr', null, h('td', null, ''), h('td', null, h('em', null, 'none')), h('td', null, ''),
            h('td', { class: 'center' }, noTarget), h('td', { class: 'center' }, noRowId), h('td', null, ''))))),
      h('div', { class: 'actions' }, next));
  }

  function drawReview(): void {
    if (!inferred) return;
    const schema = buildSchema(attributes, inferred.hasHeader, target, rowId);
    const problems = validateSchema(schema);
    const targetType = attributes.find((a) => a.attributeName === target)?.attributeType;
    const computeStats = h('input', { type: 'checkbox', checked: true, name: 'computeStatistics' });
    const createStatus = h('div', { 'aria-live': 'polite' });
    const create = h('button', { type: 'button', class: 'primary', disabled: problems.length > 0 }, 'Create datasource');
    const id = newEntityId('ds');
    create.addEventListener('click', async () => {
      create.disabled = true;
      replace(createStatus, notice('info', 'Creating…'));
      try {
        await ml.createDataSourceFromS3({
          id, name: name.value.trim(), location: location.value.trim(), schema: JSON.stringify(schema),
          computeStatistics: computeStats.checked,
        });
        location.value = '';
        window.location.hash = `#/datasources/${encodeURIComponent(id)}`;
      } catch (err) {
        replace(createStatus, notice('error', `Could not create the datasource: ${(err as Error).message}`));
        create.disabled = false;
      }
    });
    step3.hidden = false;
    const counts = kAttributeTypes.map((t) => `${attributes.filter((a) => a.attributeType === t).length} ${t}`).join(', ');
    replace(step3,
      h('h2', { id: 'step3-title' }, '3. Review'),
      problems.length ? notice('error', h('ul', null, problems.map((p) => h('li', null, p)))) : null,
      h('dl', { class: 'summary' },
        h('dt', null, 'ID'), h('dd', { class: 'mono' }, id),
        h('dt', null, 'Name'), h('dd', null, name.value),
        h('dt', null, 'Location'), h('dd', null, location.value),
        h('dt', null, 'Header line'), h('dd', null, inferred.hasHeader ? 'yes' : 'no'),
        h('dt', null, 'Attributes'), h('dd', null, `${attributes.length} (${counts})`),
        h('dt', null, 'Target'), h('dd', null, target ? `${target} (${targetType}; ${modelTypeForTarget(targetType!) ?? 'no'} model)` : 'none'),
        h('dt', null, 'Row ID'), h('dd', null, rowId ?? 'none')),
      h('label', { class: 'check' }, computeStats, ' Compute statistics (needed to train a model and for data insights)'),
      h('details', null, h('summary', null, 'Schema JSON'), h('pre', null, JSON.stringify(schema, null, 2))),
      createStatus,
      h('div', { class: 'actions' }, create));
    step3.scrollIntoView({ block: 'start' });
    create.focus();
  }

  replace(root, h('h1', null, 'Create datasource'), step1, step2, step3);
  if (query.get('location')) location.focus();
}
