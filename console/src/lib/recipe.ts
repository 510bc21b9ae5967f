// Recipe helpers for the custom model wizard: a suggested starting recipe and a structural check run before
// submitting (spec §7.1–§7.2); the server's parser stays the authority.
import type { Attribute } from './csv';

const kGroupKeywords = ['ALL_TEXT', 'ALL_NUMERIC', 'ALL_CATEGORICAL', 'ALL_BINARY', 'ALL_INPUTS'];
const kFunctions = ['group', 'group_remove', 'lowercase', 'no_punct', 'ngram', 'osb', 'quantile_bin', 'normalize', 'cartesian'];

/**
 * A starting recipe like the ones Amazon ML suggested (spec §7.6): binary and categorical attributes as they
 * are, numeric attributes in quantile bins, text lower-cased. The server builds its own suggestion when the
 * model is created without a recipe.
 */
export function suggestedRecipe(attributes: Attribute[], target: string | null): string {
  const inputs = attributes.filter((a) => a.attributeName !== target);
  const has = (t: string) => inputs.some((a) => a.attributeType === t);
  const outputs: string[] = [];
  if (has('BINARY')) outputs.push('ALL_BINARY');
  if (has('CATEGORICAL')) outputs.push('ALL_CATEGORICAL');
  if (has('NUMERIC')) outputs.push('quantile_bin(ALL_NUMERIC,50)');
  if (has('TEXT')) outputs.push('lowercase(ALL_TEXT)');
  return JSON.stringify({ groups: {}, assignments: {}, outputs }, null, 2);
}

/** Check a recipe's structure and names; returns the problems found (empty when it looks valid). */
export function validateRecipe(text: string, attributes: Attribute[]): string[] {
  let recipe: unknown;
  try {
    recipe = JSON.parse(text);
  } catch (e) {
    return [`The recipe is not valid JSON: ${(e as Error).message}`];
  }
  if (!recipe || typeof recipe !== 'object' || Array.isArray(recipe)) return ['The recipe must be a JSON object.'];
  const problems: string[] = [];
  const r = recipe as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    if (!['groups', 'assignments', 'outputs'].includes(key)) problems.push(`Unknown section "${key}".`);
  }
  const known = new Set<string>([...kGroupKeywords, ...attributes.map((a) => a.attributeName)]);
  const checkExpression = (where: string, expression: unknown) => {
    if (typeof expression !== 'string' || expression.trim() === '') {
      problems.push(`${where}: an expression must be a non-empty string.`);
      return;
    }
    let depth = 0;
    for (const c of expression) {
      if (c === '(') depth++;
      if (c === ')') depth--;
      if (depth < 0) break;
    }
    if (depth !== 0) problems.push(`${where}: unbalanced parentheses in "${expression}".`);
    const unquoted = expression.replace(/'[^']*'|"[^"]*"/g, '');
    for (const word of unquoted.match(/[A-Za-z_][A-Za-z0-9_.\-]*/g) ?? []) {
      if (!known.has(word) && !kFunctions.includes(word)) problems.push(`${where}: unknown name "${word}".`);
    }
  };
  const section = (name: 'groups' | 'assignments') => {
    const value = r[name];
    if (value === undefined) return;
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      problems.push(`"${name}" must be an object of name: expression.`);
      return;
    }
    for (const [key, expression] of Object.entries(value as Record<string, unknown>)) {
      if (key.length < 1 || key.length > 64) problems.push(`${name} name "${key}" must have 1 to 64 characters.`);
      checkExpression(`${name}.${key}`, expression);
      known.add(key);
    }
  };
  section('groups');
  section('assignments');
  const outputs = r.outputs;
  if (!Array.isArray(outputs) || outputs.length === 0) problems.push('"outputs" must be a non-empty list.');
  else outputs.forEach((o, i) => checkExpression(`outputs[${i}]`, o));
  return problems;
}

/** Training parameters (spec §8.3) with the console's defaults and their ranges. */
export interface TrainingParameterSpec {
  key: string;
  label: string;
  default: string;
  min?: number;
  max?: number;
  help: string;
}

export const kTrainingParameters: TrainingParameterSpec[] = [
  { key: 'sgd.maxMLModelSizeInBytes', label: 'Maximum model size (bytes)', default: '104857600', min: 100000, max: 2147483648,
    help: '100,000 to 2,147,483,648 bytes; larger models are trimmed.' },
  { key: 'sgd.maxPasses', label: 'Maximum passes over the data', default: '10', min: 1, max: 100,
    help: '1 to 100; training stops early when it converges.' },
  { key: 'sgd.shuffleType', label: 'Shuffle training data', default: 'auto', help: 'auto (shuffle once) or none.' },
  { key: 'sgd.l2RegularizationAmount', label: 'Regularization amount', default: '1e-6', min: 0,
    help: 'Useful range 1E-2 to 1E-8; only one of L1 and L2.' },
];

/** The console's default parameters (spec §8.3, "Default per guide / console"). */
export function defaultParameters(): Record<string, string> {
  return { 'sgd.maxMLModelSizeInBytes': '104857600', 'sgd.maxPasses': '10', 'sgd.shuffleType': 'auto',
           'sgd.l2RegularizationAmount': '1e-6' };
}
