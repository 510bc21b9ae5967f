// Binary-classification metrics at a score threshold, computed from the two score histograms of an
// evaluation (actual positives, actual negatives) as the evaluation page's threshold chart does
// (spec §9.2, §10: score >= threshold predicts "1").

/** Score histograms over [0,1]: `edges` has one more entry than each count array. */
export interface ScoreHistograms {
  edges: number[];
  positive: number[];
  negative: number[];
}

export interface ThresholdMetrics {
  threshold: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  accuracy: number;
  precision: number;
  recall: number;
  falsePositiveRate: number;
  /** Share of records predicted "1". */
  predictedPositive: number;
}

export type TargetMetric = 'accuracy' | 'precision' | 'recall' | 'falsePositiveRate';

const kEpsilon = 1e-9;

/**
 * Count TP/FP/TN/FN at `threshold`: a bin counts as predicted "1" when its lower edge is at or above the
 * threshold (scores are only known to bin precision, so thresholds are best placed on bin edges).
 * Ratios with a zero denominator are NaN (shown as "—"), except precision with nothing predicted positive,
 * which is 1 by the usual convention for the top of a precision–recall curve.
 */
export function metricsAt(h: ScoreHistograms, threshold: number): ThresholdMetrics {
  let tp = 0, fp = 0, tn = 0, fn = 0;
  for (let i = 0; i < h.positive.length; i++) {
    const predictedOne = h.edges[i] >= threshold - kEpsilon;
    if (predictedOne) {
      tp += h.positive[i];
      fp += h.negative[i];
    } else {
      fn += h.positive[i];
      tn += h.negative[i];
    }
  }
  const total = tp + fp + tn + fn;
  return {
    threshold,
    tp, fp, tn, fn,
    accuracy: total > 0 ? (tp + tn) / total : NaN,
    precision: tp + fp > 0 ? tp / (tp + fp) : 1,
    recall: tp + fn > 0 ? tp / (tp + fn) : NaN,
    falsePositiveRate: fp + tn > 0 ? fp / (fp + tn) : NaN,
    predictedPositive: total > 0 ? (tp + fp) / total : NaN,
  };
}

/**
 * Where the page reads metrics from: the evaluation's exact threshold curve (counts at thresholds 0, 0.01, …,
 * 1 computed by the server from every score) when present, else the score histograms (bin precision).
 */
export interface MetricSource {
  /** Thresholds at which metrics are known, ascending. */
  thresholds: number[];
  /** Metrics at the known threshold nearest to `threshold`. */
  at(threshold: number): ThresholdMetrics;
}

function nearest(values: number[], x: number): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (Math.abs(values[i] - x) < Math.abs(values[best] - x)) best = i;
  return best;
}

/** A metric source over score histograms: thresholds are the bin edges. */
export function histogramSource(h: ScoreHistograms): MetricSource {
  const thresholds = h.edges.slice(0, -1).concat([h.edges[h.edges.length - 1]]);
  return { thresholds, at: (t) => metricsAt(h, thresholds[nearest(thresholds, t)]) };
}

/** A metric source over an exact threshold curve (the server's counts; ratios recomputed here). */
export function curveSource(curve: { threshold: number; tp: number; fp: number; tn: number; fn: number }[]): MetricSource {
  const points = [...curve].sort((a, b) => a.threshold - b.threshold);
  const thresholds = points.map((p) => p.threshold);
  return {
    thresholds,
    at: (t) => {
      const p = points[nearest(thresholds, t)];
      const { tp, fp, tn, fn } = p;
      const total = tp + fp + tn + fn;
      return {
        threshold: p.threshold, tp, fp, tn, fn,
        accuracy: total > 0 ? (tp + tn) / total : NaN,
        precision: tp + fp > 0 ? tp / (tp + fp) : 1,
        recall: tp + fn > 0 ? tp / (tp + fn) : NaN,
        falsePositiveRate: fp + tn > 0 ? fp / (fp + tn) : NaN,
        predictedPositive: total > 0 ? (tp + fp) / total : NaN,
      };
    },
  };
}

/**
 * Find the known threshold whose metric value is closest to `target`; on ties the higher threshold wins
 * (fewer false positives). Drives the advanced-metric sliders.
 */
export function thresholdForTarget(source: MetricSource, metric: TargetMetric, target: number): number {
  let best = source.thresholds[0];
  let bestDistance = Infinity;
  for (const t of source.thresholds) {
    const value = source.at(t)[metric];
    if (Number.isNaN(value)) continue;
    const distance = Math.abs(value - target);
    if (distance <= bestDistance + kEpsilon) {
      best = t;
      bestDistance = distance;
    }
  }
  return best;
}

/** Snap a threshold to the nearest known threshold. */
export function snap(source: MetricSource, threshold: number): number {
  return source.thresholds[nearest(source.thresholds, threshold)];
}

/** Build histograms with `bins` equal bins over [0,1] from raw (score, actual) pairs. */
export function histogramsFromScores(scores: number[], actual: boolean[], bins = 100): ScoreHistograms {
  const edges = Array.from({ length: bins + 1 }, (_, i) => i / bins);
  const positive = new Array<number>(bins).fill(0);
  const negative = new Array<number>(bins).fill(0);
  scores.forEach((score, i) => {
    const bin = Math.min(bins - 1, Math.max(0, Math.floor(score * bins + kEpsilon)));
    (actual[i] ? positive : negative)[bin]++;
  });
  return { edges, positive, negative };
}

/** The console's verbal quality judgement of an AUC (the bands are openaml's; spec §9.2 leaves them open). */
export function aucQuality(auc: number): string {
  if (auc >= 0.9) return 'extremely good';
  if (auc >= 0.8) return 'very good';
  if (auc >= 0.7) return 'good';
  if (auc >= 0.6) return 'fair';
  if (auc > 0.5) return 'weak';
  return 'no better than random';
}
