// Create-model wizard (spec §5.3, §7.6, §8.3). Default: Amazon ML's suggested recipe and parameters, the input
// split 70/30 into a training and an evaluation datasource, and an automatic evaluation. Custom: a recipe
// editor pre-filled and checked before submit, training parameters with their ranges, optional evaluation.
import * as ml from '../api/ml';
import { modelTypeForTarget, type DataSchema } from '../lib/csv';
import { h, field, notice, replace } from '../lib/dom';
import { newEntityId } from '../lib/format';
import { defaultParameters, kTrainingParameters, suggestedRecipe, validateRecipe } from '../lib/recipe';
import type { PageContext } from '../main';

/** The console's split (spec §5.3): random, seeded with the data location so train/evaluate pair up. */
export function splitRearrangement(begin: number, end: number, seed: string): string {
  return JSON.stringify({ splitting: { percentBegin: begin, percentEnd: end, strategy: 'random',
                                       strategyParams: { randomSeed: seed } } });
}

export async function renderModelWizard({ root, query }: PageContext): Promise<void> {
  const status = h('div', { 'aria-live': 'polite' });
  replace(root, h('h1', null, 'Create ML model'), status);
  let sources: ml.DataSource[];
  try {
    sources = (await ml.describeAll<ml.DataSource>('DataSources'))
      .filter((d) => d.Status === 'COMPLETED' || d.Status === 'PENDING' || d.Status === 'INPROGRESS');
  } catch (e) {
    replace(status, notice('error', `Could not list datasources: ${(e as Error).message}`));
    return;
  }
  const wanted = query.get('datasource');
  const select = h('select', { name: 'datasource', required: true },
    h('option', { value: '' }, '— choose a datasource —'),
    sources.map((d) => h('option', { value: d.DataSourceId, selected: d.DataSourceId === wanted },
      `${d.Name || d.DataSourceId} (${d.DataSourceId}, ${d.Status})`)));
  const info = h('div');
  const modeDefault = h('input', { type: 'radio', name: 'mode', value: 'default', checked: true });
  const modeCustom = h('input', { type: 'radio', name: 'mode', value: 'custom' });
  const modelName = h('input', { name: 'modelName' });
  const custom = h('fieldset', { class: 'custom', hidden: true }, h('legend', null, 'Custom settings'));
  const create = h('button', { type: 'submit', class: 'primary', disabled: true }, 'Create model');
  const createStatus = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card' },
    field('Training datasource', select), info,
    h('fieldset', null, h('legend', null, 'Training and evaluation settings'),
      h('label', { class: 'check' }, modeDefault, ' Default (recommended): suggested recipe and parameters, 70/30 split, automatic evaluation'),
      h('label', { class: 'check' }, modeCustom, ' Custom: edit the recipe and the training parameters')),
    field('Model name', modelName), custom, createStatus, h('div', { class: 'actions' }, create));
  replace(root, h('h1', null, 'Create ML model'), status, form);

  let source: ml.DataSource | null = null;
  let schema: DataSchema | null = null;
  const recipe = h('textarea', { name: 'recipe', rows: '10', spellcheck: 'false', class: 'mono' });
  const recipeStatus = h('div', { 'aria-live': 'polite' });
  const params = new Map<string, HTMLInputElement | HTMLSelectElement>();
  const regularization = h('select', { name: 'regularizationType' },
    h('option', { value: 'l2', selected: true }, 'L2 (default)'), h('option', { value: 'l1' }, 'L1'), h('option', { value: 'none' }, 'None'));
  const evaluate = h('input', { type: 'checkbox', name: 'evaluate', checked: true });
  for (const p of kTrainingParameters) {
    const control = p.key === 'sgd.shuffleType'
      ? h('select', { name: p.key }, h('option', { value: 'auto' }, 'auto'), h('option', { value: 'none' }, 'none'))
      : h('input', { name: p.key, value: p.default, inputmode: 'decimal' });
    params.set(p.key, control);
  }
  const checkRecipe = h('button', { type: 'button', onclick: () => showRecipeProblems() }, 'Check recipe');
  replace(custom, h('legend', null, 'Custom settings'),
    field('Recipe', recipe, 'Sections groups, assignments, outputs (spec §7). Pre-filled with a suggested recipe.'),
    h('div', { class: 'actions left' }, checkRecipe), recipeStatus,
    kTrainingParameters.map((p) => field(p.label, params.get(p.key)!, p.help)),
    field('Regularization type', regularization),
    h('label', { class: 'check' }, evaluate, ' Split 70/30 and evaluate on the held-out 30%'));

  function showRecipeProblems(): string[] {
    const problems = validateRecipe(recipe.value, schema?.attributes ?? []);
    replace(recipeStatus, problems.length
      ? notice('error', h('ul', null, problems.map((p) => h('li', null, p))))
      : notice('ok', 'The recipe looks valid.'));
    return problems;
  }

  function parameterProblems(values: Record<string, string>): string[] {
    const problems: string[] = [];
    for (const p of kTrainingParameters) {
      const v = values[p.key];
      if (v === undefined || p.key === 'sgd.shuffleType') continue;
      const n = Number(v);
      if (v.trim() === '' || !Number.isFinite(n)) problems.push(`${p.label}: "${v}" is not a number.`);
      else if ((p.min !== undefined && n < p.min) || (p.max !== undefined && n > p.max)) {
        problems.push(`${p.label}: ${v} is outside ${p.min} to ${p.max ?? '∞'}.`);
      }
    }
    return problems;
  }

  async function choose(): Promise<void> {
    source = null;
    schema = null;
    create.disabled = true;
    if (!select.value) {
      replace(info);
      return;
    }
    try {
      source = await ml.getDataSource(select.value, true);
      schema = source.DataSourceSchema ? JSON.parse(source.DataSourceSchema) : null;
    } catch (e) {
      replace(info, notice('error', `Could not read the datasource: ${(e as Error).message}`));
      return;
    }
    const target = schema?.targetAttributeName ?? null;
    const targetType = schema?.attributes.find((a) => a.attributeName === target)?.attributeType;
    const modelType = targetType ? modelTypeForTarget(targetType) : null;
    if (!modelType) {
      replace(info, notice('error', 'This datasource has no usable target: choose one with a BINARY, CATEGORICAL or NUMERIC target.'));
      return;
    }
    if (!source.ComputeStatistics) {
      replace(info, notice('error', 'This datasource was created without statistics, which training needs.'));
      return;
    }
    replace(info, notice('info', `Target ${target} (${targetType}): a ${modelType} model.`));
    if (!modelName.value) modelName.value = `ML model: ${source.Name || source.DataSourceId}`;
    recipe.value = suggestedRecipe(schema!.attributes, target);
    create.disabled = false;
  }

  select.addEventListener('change', () => void choose());
  const toggle = () => { custom.hidden = !modeCustom.checked; };
  modeDefault.addEventListener('change', toggle);
  modeCustom.addEventListener('change', toggle);
  if (select.value) await choose();

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!source || !schema) return;
    const isCustom = modeCustom.checked;
    let parameters = defaultParameters();
    let recipeText: string | undefined;
    if (isCustom) {
      if (showRecipeProblems().length) return;
      recipeText = recipe.value;
      parameters = {};
      for (const [key, control] of params) parameters[key] = control.value.trim();
      const amount = parameters['sgd.l2RegularizationAmount'];
      delete parameters['sgd.l2RegularizationAmount'];
      if (regularization.value === 'l2') parameters['sgd.l2RegularizationAmount'] = amount;
      if (regularization.value === 'l1') parameters['sgd.l1RegularizationAmount'] = amount;
      const problems = parameterProblems({ ...parameters, 'sgd.l2RegularizationAmount': amount });
      if (problems.length) {
        replace(createStatus, notice('error', h('ul', null, problems.map((p) => h('li', null, p)))));
        return;
      }
    }
    const split = !isCustom || evaluate.checked;
    const target = schema.targetAttributeName!;
    const modelType = modelTypeForTarget(schema.attributes.find((a) => a.attributeName === target)!.attributeType)!;
    const baseName = source.Name || source.DataSourceId;
    const location = source.DataLocationS3!;
    create.disabled = true;
    try {
      let trainingId = source.DataSourceId;
      let evaluationSourceId: string | null = null;
      if (split) {
        replace(createStatus, notice('info', 'Creating the training and evaluation datasources…'));
        trainingId = newEntityId('ds');
        evaluationSourceId = newEntityId('ds');
        await ml.createDataSourceFromS3({ id: trainingId, name: `${baseName}_[percentBegin=0, percentEnd=70, strategy=random]`,
          location, schema: source.DataSourceSchema!, rearrangement: splitRearrangement(0, 70, location), computeStatistics: true });
        await ml.createDataSourceFromS3({ id: evaluationSourceId, name: `${baseName}_[percentBegin=70, percentEnd=100, strategy=random]`,
          location, schema: source.DataSourceSchema!, rearrangement: splitRearrangement(70, 100, location), computeStatistics: true });
      }
      replace(createStatus, notice('info', 'Creating the model…'));
      const modelId = newEntityId('ml');
      const name = modelName.value.trim() || `ML model: ${baseName}`;
      await ml.createMLModel({ id: modelId, name, type: modelType, trainingDataSourceId: trainingId, parameters,
                               recipe: recipeText });
      if (evaluationSourceId) {
        replace(createStatus, notice('info', 'Creating the evaluation…'));
        await ml.createEvaluation(newEntityId('ev'), `Evaluation: ${name}`, modelId, evaluationSourceId);
      }
      window.location.hash = `#/models/${encodeURIComponent(modelId)}`;
    } catch (err) {
      replace(createStatus, notice('error', `Creation failed: ${(err as Error).message}`));
      create.disabled = false;
    }
  });
}
