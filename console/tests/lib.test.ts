// Unit tests of the console's pure helpers (CSV and schema inference, threshold metrics, the readers of the
// statistics and evaluation documents, recipe checks, the pasted-record mapping).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import {
  buildSchema, defaultNames, inferColumnType, inferSchema, parseCsvLine, splitLines, validateSchema,
} from '../src/lib/csv';
import { curveSource, histogramSource, histogramsFromScores, metricsAt, thresholdForTarget } from '../src/lib/metrics';
import { normalizeStats } from '../src/lib/stats';
import { normalizeEvaluationDetail } from '../src/lib/evaluation';
import { validateRecipe } from '../src/lib/recipe';

test('parseCsvLine handles quotes, escaped quotes, CRLF and empty fields', () => {
  const cases: [string, string[]][] = [
    ['a,b,c', ['a', 'b', 'c']],
    ['"x, y",2', ['x, y', '2']],
    ['"say ""hi""",1\r', ['say "hi"', '1']],
    [',,', ['', '', '']],
    ['', ['']],
    ['"unterminated,rest', ['unterminated,rest']],
    ['a"b,c', ['a"b', 'c']],
  ];
  for (const [line, want] of cases) assert.deepEqual(parseCsvLine(line), want, line);
});

test('splitLines drops the cut last line of a Range GET and empty lines', () => {
  assert.deepEqual(splitLines('a\nb\n\nc', true), ['a', 'b']);
  assert.deepEqual(splitLines('a\r\nb\r\n', false), ['a\r', 'b\r']);
  assert.deepEqual(splitLines('partial', true), []);
});

test('inferColumnType follows the console rules (spec §4.6)', () => {
  const cases: [string[], string][] = [
    [['1', '2.5', '-3e2', ''], 'NUMERIC'],
    [['0', '1', '1', '0'], 'BINARY'],
    [['0', '0', '0'], 'NUMERIC'],       // only zeros: banking's `previous` in its first 1,000 rows
    [['0', '1', '2'], 'NUMERIC'],
    [['yes', 'no', 'yes'], 'CATEGORICAL'],  // yes/no columns were CATEGORICAL in the console
    [['a', '1', 'b'], 'CATEGORICAL'],
    [[Array(25).fill('word').join(' ')], 'TEXT'],
    [['', ' '], 'CATEGORICAL'],
    [[], 'CATEGORICAL'],
  ];
  for (const [values, want] of cases) assert.equal(inferColumnType(values), want, JSON.stringify(values));
});

test('inferSchema on the start of banking.csv matches the console (spec §4.6, §15.1)', () => {
  const text = fs.readFileSync('/work/shared/data/banking.csv', 'utf8').slice(0, 1024 * 1024);
  const schema = inferSchema(splitLines(text, true));
  assert.equal(schema.hasHeader, true);
  assert.equal(schema.rowsRead, 1000);
  const types = Object.fromEntries(schema.attributes.map((a) => [a.attributeName, a.attributeType]));
  for (const name of ['age', 'duration', 'campaign', 'pdays', 'previous', 'emp_var_rate', 'cons_price_idx',
                      'cons_conf_idx', 'euribor3m', 'nr_employed']) assert.equal(types[name], 'NUMERIC', name);
  for (const name of ['job', 'marital', 'education', 'default', 'housing', 'loan', 'contact', 'month',
                      'day_of_week', 'poutcome']) assert.equal(types[name], 'CATEGORICAL', name);
  assert.equal(types.y, 'BINARY');
});

test('inferSchema names header-less columns Var01…', () => {
  const schema = inferSchema(['1,a', '2,b']);
  assert.equal(schema.hasHeader, false);
  assert.deepEqual(schema.attributes.map((a) => a.attributeName), ['Var01', 'Var02']);
  assert.equal(defaultNames(120)[0], 'Var001');
  assert.equal(inferSchema(['x,y', 'a,2', 'b,3'], false).attributes[0].attributeType, 'CATEGORICAL');
  assert.equal(inferSchema(['x,y', 'a,2', 'b,3'], false).rowsRead, 3);
  assert.equal(inferSchema([]).attributes.length, 0);
});

test('validateSchema rejects duplicates, TEXT targets and a row ID equal to the target', () => {
  const attrs = [{ attributeName: 'a', attributeType: 'TEXT' as const }, { attributeName: 'a', attributeType: 'NUMERIC' as const }];
  const problems = validateSchema(buildSchema(attrs, true, 'a', 'a'));
  assert.ok(problems.some((p) => p.includes('used twice')));
  assert.ok(problems.some((p) => p.includes('TEXT')));
  assert.ok(problems.some((p) => p.includes('row ID cannot also be the target')));
  assert.deepEqual(validateSchema(buildSchema([{ attributeName: 'x', attributeType: 'BINARY' }], false, 'x', null)), []);
  assert.ok(validateSchema(buildSchema([], false, null, null)).length > 0);
  assert.ok(validateSchema(buildSchema([{ attributeName: 'x'.repeat(65), attributeType: 'NUMERIC' }], false, null, null)).length > 0);
});

test('metricsAt counts score >= threshold as "1" and reproduces the tutorial table', () => {
  // Spec §15.2 at threshold 0.75: TP 291, FN 1072, FP 91, TN 10901.
  const h = { edges: [0, 0.75, 1], positive: [1072, 291], negative: [10901, 91] };
  const m = metricsAt(h, 0.75);
  assert.deepEqual([m.tp, m.fn, m.fp, m.tn], [291, 1072, 91, 10901]);
  assert.equal(m.accuracy.toFixed(4), '0.9059');
  assert.equal(m.precision.toFixed(4), '0.7618');
  assert.equal(m.recall.toFixed(4), '0.2135');
  assert.equal(m.falsePositiveRate.toFixed(4), '0.0083');
  const none = metricsAt({ edges: [0, 1], positive: [0], negative: [0] }, 0.5);
  assert.ok(Number.isNaN(none.accuracy));
});

test('histogramsFromScores bins scores, 1.0 in the last bin', () => {
  const h = histogramsFromScores([0, 0.5, 0.999, 1], [true, false, true, true], 4);
  assert.deepEqual(h.positive, [1, 0, 0, 2]);
  assert.deepEqual(h.negative, [0, 0, 1, 0]);
});

test('curveSource reads exact counts and thresholdForTarget finds the nearest threshold', () => {
  const curve = [0, 0.25, 0.5, 0.75, 1].map((t, i) => ({ threshold: t, tp: 4 - i, fn: i, fp: Math.max(0, 2 - i), tn: Math.min(2, i) }));
  const source = curveSource(curve);
  assert.equal(source.at(0.74).threshold, 0.75);
  assert.equal(source.at(0.75).tp, 1);
  assert.equal(thresholdForTarget(source, 'falsePositiveRate', 0), 1);  // ties: highest threshold
  assert.equal(thresholdForTarget(source, 'recall', 0.5), 0.5);
  const hs = histogramSource({ edges: [0, 0.5, 1], positive: [1, 1], negative: [1, 0] });
  assert.deepEqual(hs.thresholds, [0, 0.5, 1]);
  assert.equal(hs.at(0.6).threshold, 0.5);
});

test('normalizeStats reads openaml\'s statistics document (GetDataSourceStatistics answer)', () => {
  const document = {
    formatVersion: 1,
    dataSummary: { recordsProcessed: 10, badRecords: 1, targetAttributeName: 'y', attributeCountsByType: { NUMERIC: 1 } },
    targetDistribution: [{ value: '0', count: 7 }, { value: '1', count: 3 }],
    attributes: [
      { name: 'age', type: 'NUMERIC', role: 'input', missingCount: 2, invalidCount: 1, correlationToTarget: 0.12,
        numeric: { count: 7, min: 18, max: 80, mean: 40, median: 39, histogram: { min: 18, max: 80, counts: [3, 4] } } },
      { name: 'job', type: 'CATEGORICAL', role: 'input', missingCount: 0, invalidCount: 0, correlationToTarget: 0.3,
        categorical: { uniqueCount: 5, topValues: [{ value: 'admin', count: 4 }], otherCount: 6,
                       leastFrequentValues: [{ value: 'rare', count: 1 }] } },
      { name: 'flag', type: 'BINARY', role: 'input', missingCount: 0, invalidCount: 0,
        binary: { trueCount: 2, falseCount: 8, percentTrue: 20 } },
      { name: 'note', type: 'TEXT', role: 'input', missingCount: 0, invalidCount: 0,
        text: { totalWords: 12, uniqueWords: 10, wordsPerRecord: { min: 0, max: 6 }, wordLength: { min: 2, max: 11 },
                prominentWords: [{ rank: 1, token: 'movie', prominence: 0.4, records: 2, percentRecords: 50 }] } },
      { name: 'y', type: 'BINARY', role: 'target', missingCount: 0, invalidCount: 0 },
    ],
  };
  const stats = normalizeStats({ DataSourceId: 'ds-1', Statistics: JSON.stringify(document) });
  assert.equal(stats.records, 10);
  assert.equal(stats.invalidRecords, 1);
  assert.equal(stats.target, 'y');
  assert.deepEqual(stats.targetDistribution, [{ value: '0', count: 7 }, { value: '1', count: 3 }]);
  const [age, job, flag, note, y] = stats.attributes;
  assert.deepEqual([age.min, age.max, age.median, age.missing, age.invalid, age.correlation], [18, 80, 39, 2, 1, 0.12]);
  assert.deepEqual(age.histogram, { labels: ['18–49', '49–80'], counts: [3, 4] });
  assert.deepEqual(job.topValues, [{ value: 'admin', count: 4 }, { value: 'other', count: 6 }]);
  assert.equal(job.uniqueValues, 5);
  assert.equal(job.leastFrequent, 'rare');
  assert.equal(flag.percentTrue, 0.2);
  assert.deepEqual(flag.histogram?.counts, [8, 2]);
  assert.deepEqual([note.totalWords, note.uniqueWords, note.wordsPerRecord, note.wordLength], [12, 10, [0, 6], [2, 11]]);
  assert.equal(note.prominentWords?.[0].token, 'movie');
  assert.equal(y.role, 'target');
  assert.throws(() => normalizeStats({ Statistics: '{}' }));
  assert.throws(() => normalizeStats({ Statistics: '{not json' }));
});

test('normalizeEvaluationDetail reads openaml\'s BINARY, MULTICLASS and REGRESSION details', () => {
  const binary = normalizeEvaluationDetail({ EvaluationId: 'ev', Detail: JSON.stringify({
    modelType: 'BINARY', auc: 0.93, baselineAuc: 0.5, histogramBins: 2,
    positiveScoreHistogram: [1, 3], negativeScoreHistogram: [5, 1],
    thresholdCurve: [{ threshold: 0.5, truePositives: 3, falsePositives: 1, trueNegatives: 5, falseNegatives: 1 }],
    alerts: [{ name: 'Schema matched', raised: false, message: 'm' }], records: 10, invalidRecords: 0 }) });
  assert.equal(binary.metric, 0.93);
  assert.equal(binary.baseline, 0.5);
  assert.deepEqual(binary.histograms, { edges: [0, 0.5, 1], positive: [1, 3], negative: [5, 1] });
  assert.deepEqual(binary.curve, [{ threshold: 0.5, tp: 3, fp: 1, tn: 5, fn: 1 }]);
  assert.deepEqual(binary.alerts, [{ name: 'Schema matched', raised: false, message: 'm' }]);
  const multi = normalizeEvaluationDetail({ modelType: 'MULTICLASS', macroF1: 0.6, baselineMacroF1: 0.2,
    classes: ['a', 'b'], confusionMatrix: [[3, 1], [0, 4]], f1: [0.8, 0.9], alerts: [] });
  assert.deepEqual(multi.classes, ['a', 'b']);
  assert.deepEqual(multi.confusion, [[3, 1], [0, 4]]);
  assert.deepEqual(multi.classF1, [0.8, 0.9]);
  assert.equal(multi.baseline, 0.2);
  const reg = normalizeEvaluationDetail({ modelType: 'REGRESSION', rmse: 2, baselineRmse: 3,
    residualHistogramRange: [-1, 1], residualHistogram: [1, 2, 3, 4], alerts: [] });
  assert.deepEqual(reg.residuals, { edges: [-1, -0.5, 0, 0.5, 1], counts: [1, 2, 3, 4] });
  assert.equal(reg.baseline, 3);
  assert.throws(() => normalizeEvaluationDetail({ Detail: '{truncated' }));
});

test('validateRecipe catches structure and name errors', () => {
  const attrs = [{ attributeName: 'age', attributeType: 'NUMERIC' as const }];
  assert.deepEqual(validateRecipe('{"outputs":["quantile_bin(age,10)","ALL_CATEGORICAL"]}', attrs), []);
  assert.deepEqual(validateRecipe('{"groups":{"G":"group(age)"},"outputs":["G"]}', attrs), []);
  assert.ok(validateRecipe('{"outputs":[]}', attrs).length > 0);
  assert.ok(validateRecipe('{"outputs":["quantile_bin(agee,10)"]}', attrs)[0].includes('agee'));
  assert.ok(validateRecipe('{"outputs":["quantile_bin(age,10"]}', attrs)[0].includes('parentheses'));
  assert.ok(validateRecipe('[1]', attrs).length > 0);
  assert.ok(validateRecipe('{"outputs":["age"],"extra":{}}', attrs).length > 0);
  assert.ok(validateRecipe('{"outp', attrs)[0].includes('not valid JSON'));
});
