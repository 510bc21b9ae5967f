// Reading openaml's evaluation details (the GetEvaluationDetail extension) into one shape for the evaluation
// page: score histograms (BINARY), confusion matrix (MULTICLASS), residual histogram (REGRESSION), baselines
// and alerts (spec §9). Tolerant of camelCase/PascalCase and of a few layouts of the same data.
import type { ScoreHistograms } from './metrics';

export interface Alert {
  name: string;
  message: string;
  raised: boolean;
}

export interface EvaluationDetail {
  modelType?: string;
  metric?: number;
  baseline?: number;
  records?: number;
  invalidRecords?: number;
  histograms?: ScoreHistograms;
  /** Exact counts at thresholds 0, 0.01, …, 1 (BINARY). */
  curve?: { threshold: number; tp: number; fp: number; tn: number; fn: number }[];
  classes?: string[];
  confusion?: number[][];
  classF1?: number[];
  residuals?: { edges: number[]; counts: number[] };
  alerts: Alert[];
}

type Json = Record<string, unknown>;

function pick(obj: unknown, ...names: string[]): unknown {
  if (!obj || typeof obj !== 'object') return undefined;
  const entries = Object.entries(obj as Json);
  for (const name of names) {
    const want = name.toLowerCase().replace(/_/g, '');
    const hit = entries.find(([k]) => k.toLowerCase().replace(/_/g, '') === want);
    if (hit && hit[1] !== null && hit[1] !== undefined) return hit[1];
  }
  return undefined;
}

function num(obj: unknown, ...names: string[]): number | undefined {
  const v = pick(obj, ...names);
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function numbers(v: unknown): number[] | undefined {
  return Array.isArray(v) ? v.map(Number) : undefined;
}

/** Edges for `count` equal bins over [lo, hi]. */
function evenEdges(count: number, lo = 0, hi = 1): number[] {
  return Array.from({ length: count + 1 }, (_, i) => lo + ((hi - lo) * i) / count);
}

function scoreHistograms(root: unknown): ScoreHistograms | undefined {
  // openaml's layout (eval/evaluator.cc): positiveScoreHistogram / negativeScoreHistogram over [0,1].
  const pos = numbers(pick(root, 'positiveScoreHistogram'));
  const neg = numbers(pick(root, 'negativeScoreHistogram'));
  if (pos && neg && pos.length === neg.length && pos.length > 0) return { edges: evenEdges(pos.length), positive: pos, negative: neg };
  const container = pick(root, 'scoreHistograms', 'histograms', 'scoreHistogram', 'histogram', 'binary') ?? root;
  const bins = pick(container, 'bins');
  if (Array.isArray(bins) && bins.length > 0) {
    const list = bins as Json[];
    const edges = list.map((b) => num(b, 'lower', 'low', 'start', 'from') ?? 0);
    edges.push(num(list[list.length - 1], 'upper', 'high', 'end', 'to') ?? 1);
    return { edges,
      positive: list.map((b) => num(b, 'positive', 'positives', 'actual1', 'ones') ?? 0),
      negative: list.map((b) => num(b, 'negative', 'negatives', 'actual0', 'zeros') ?? 0) };
  }
  const positive = numbers(pick(container, 'positive', 'positives', 'actualPositive', 'actual1', 'ones', 'class1'));
  const negative = numbers(pick(container, 'negative', 'negatives', 'actualNegative', 'actual0', 'zeros', 'class0'));
  if (!positive || !negative || positive.length !== negative.length || positive.length === 0) return undefined;
  const edges = numbers(pick(container, 'edges', 'binEdges', 'boundaries'));
  return { edges: edges && edges.length === positive.length + 1 ? edges : evenEdges(positive.length), positive, negative };
}

function alerts(root: unknown): Alert[] {
  const raw = pick(root, 'alerts');
  if (!Array.isArray(raw)) return [];
  return (raw as unknown[]).map((a) => typeof a === 'string'
    ? { name: a, message: a, raised: true }
    : { name: String(pick(a, 'name', 'alert', 'type') ?? ''), message: String(pick(a, 'message', 'description', 'detail') ?? ''),
        raised: pick(a, 'raised', 'triggered', 'fired', 'active') !== false });
}

function curve(root: unknown): EvaluationDetail['curve'] {
  const raw = pick(root, 'thresholdCurve', 'curve');
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  return (raw as Json[]).map((p) => ({
    threshold: num(p, 'threshold') ?? 0,
    tp: num(p, 'truePositives', 'tp') ?? 0, fp: num(p, 'falsePositives', 'fp') ?? 0,
    tn: num(p, 'trueNegatives', 'tn') ?? 0, fn: num(p, 'falseNegatives', 'fn') ?? 0,
  }));
}

/**
 * Normalise an evaluation detail: the GetEvaluationDetail answer ({EvaluationId, Detail: "<JSON string>"}),
 * the Detail document itself, or an already parsed object.
 */
export function normalizeEvaluationDetail(raw: unknown): EvaluationDetail {
  let root = (pick(raw, 'detail', 'evaluationDetail', 'EvaluationDetail') ?? raw) as Json | string;
  if (typeof root === 'string') root = JSON.parse(root) as Json;
  const confusionRoot = pick(root, 'confusionMatrix', 'confusion') ?? root;
  const confusion = pick(confusionRoot, 'matrix', 'counts', 'cells') ?? (Array.isArray(confusionRoot) ? confusionRoot : undefined);
  const residualRoot = pick(root, 'residualHistogram', 'residuals');
  let residualCounts = Array.isArray(residualRoot) ? numbers(residualRoot) : numbers(pick(residualRoot, 'counts', 'values'));
  let residualEdges = numbers(pick(residualRoot, 'edges', 'binEdges'));
  const residualRange = numbers(pick(root, 'residualHistogramRange'));
  if (residualCounts && !residualEdges && residualRange?.length === 2) {
    residualEdges = evenEdges(residualCounts.length, residualRange[0], residualRange[1]);
  }
  if (residualCounts && residualCounts.length === 0) residualCounts = undefined;
  return {
    modelType: pick(root, 'modelType', 'MLModelType') as string | undefined,
    metric: num(root, 'metric', 'auc', 'binaryAuc', 'rmse', 'macroF1', 'multiclassAvgFScore', 'value'),
    baseline: num(root, 'baseline', 'baselineAuc', 'baselineRmse', 'baselineMacroF1', 'baselineF1', 'baselineMetric'),
    records: num(root, 'records', 'recordCount', 'evaluatedRecords'),
    invalidRecords: num(root, 'invalidRecords', 'invalidRecordCount'),
    histograms: scoreHistograms(root),
    curve: curve(root),
    classes: ((pick(confusionRoot, 'classes', 'labels') ?? pick(root, 'classes', 'labels')) as string[] | undefined)?.map(String),
    confusion: Array.isArray(confusion) ? (confusion as unknown[][]).map((row) => row.map(Number)) : undefined,
    classF1: numbers(pick(root, 'classF1', 'f1', 'perClassF1') ?? pick(confusionRoot, 'f1', 'classF1', 'perClassF1')),
    residuals: residualCounts && residualEdges && residualEdges.length === residualCounts.length + 1
      ? { edges: residualEdges, counts: residualCounts } : undefined,
    alerts: alerts(root),
  };
}
