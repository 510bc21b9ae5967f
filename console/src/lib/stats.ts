// Reading openaml's datasource statistics (the GetDataSourceStatistics extension; layout in
// src/openaml/stats/README.md) into one shape for the data insights page. Tolerant of camelCase and
// PascalCase member names, since the page must not break on a renamed key.

export interface Histogram {
  labels: string[];
  counts: number[];
}

export interface AttributeStats {
  name: string;
  type: string;
  /** input, target, rowId or excluded. */
  role?: string;
  missing?: number;
  invalid?: number;
  min?: number;
  max?: number;
  mean?: number;
  median?: number;
  correlation?: number;
  /** Share of valid values that are 1, in [0,1]. */
  percentTrue?: number;
  leastFrequent?: string;
  uniqueValues?: number;
  histogram?: Histogram;
  topValues?: { value: string; count: number }[];
  totalWords?: number;
  uniqueWords?: number;
  wordsPerRecord?: [number, number];
  wordLength?: [number, number];
  prominentWords?: { token: string; prominence?: number; records?: number }[];
}

export interface DataSourceStats {
  records?: number;
  invalidRecords?: number;
  target?: string;
  targetDistribution?: { value: string; count: number }[];
  attributes: AttributeStats[];
}

type Json = Record<string, unknown>;

/** Read member `names` (first present wins; case-insensitive, underscores ignored). */
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
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function range(obj: unknown, ...names: string[]): [number, number] | undefined {
  const v = pick(obj, ...names);
  if (Array.isArray(v) && v.length === 2) return [Number(v[0]), Number(v[1])];
  if (v && typeof v === 'object') {
    const lo = num(v, 'min', 'low'), hi = num(v, 'max', 'high');
    if (lo !== undefined && hi !== undefined) return [lo, hi];
  }
  return undefined;
}

function fmtEdge(x: number): string {
  return Math.abs(x) >= 1000 || Number.isInteger(x) ? String(Math.round(x * 100) / 100) : String(Number(x.toPrecision(4)));
}

function histogram(v: unknown): Histogram | undefined {
  if (!v || typeof v !== 'object') return undefined;
  if (Array.isArray(v)) {
    // [{lower, upper, count}] or [{value, count}]
    const bins = v as Json[];
    return {
      labels: bins.map((b) => {
        const lo = num(b, 'lower', 'low', 'min', 'start', 'from');
        const hi = num(b, 'upper', 'high', 'max', 'end', 'to');
        return lo !== undefined && hi !== undefined ? `${fmtEdge(lo)}–${fmtEdge(hi)}` : String(pick(b, 'value', 'label') ?? '');
      }),
      counts: bins.map((b) => num(b, 'count', 'records') ?? 0),
    };
  }
  const counts = pick(v, 'counts', 'values', 'Counts');
  let edges = pick(v, 'edges', 'binEdges', 'boundaries');
  const lo = num(v, 'min'), hi = num(v, 'max');
  if (!edges && Array.isArray(counts) && lo !== undefined && hi !== undefined) {
    // openaml's layout: equal-width bins over [min, max].
    edges = Array.from({ length: counts.length + 1 }, (_, i) => lo + ((hi - lo) * i) / counts.length);
  }
  if (Array.isArray(counts)) {
    const labels = Array.isArray(edges) && edges.length === counts.length + 1
      ? counts.map((_, i) => `${fmtEdge(Number(edges[i]))}–${fmtEdge(Number(edges[i + 1]))}`)
      : (pick(v, 'labels') as string[] | undefined) ?? counts.map((_, i) => String(i));
    return { labels, counts: counts.map(Number) };
  }
  return undefined;
}

function valueCounts(v: unknown): { value: string; count: number }[] | undefined {
  if (Array.isArray(v)) {
    return (v as Json[]).map((e) => ({ value: String(pick(e, 'value', 'label', 'token', 'category') ?? ''),
                                        count: num(e, 'count', 'records', 'frequency') ?? 0 }));
  }
  if (v && typeof v === 'object') return Object.entries(v as Json).map(([value, count]) => ({ value, count: Number(count) }));
  return undefined;
}

/**
 * Normalise a statistics document (src/openaml/stats: dataSummary, targetDistribution, attributes with
 * numeric/binary/categorical/text sub-objects), given as the GetDataSourceStatistics answer
 * ({DataSourceId, Statistics: "<JSON string>"}), the document, or its parsed form. Throws without attributes.
 */
export function normalizeStats(raw: unknown): DataSourceStats {
  let root = (pick(raw, 'statistics', 'Statistics') ?? raw) as Json | string;
  if (typeof root === 'string') root = JSON.parse(root) as Json;
  const summary = (pick(root, 'dataSummary', 'summary') ?? root) as Json;
  const attributesRaw = pick(root, 'attributes', 'Attributes');
  let list: Json[];
  if (Array.isArray(attributesRaw)) list = attributesRaw as Json[];
  else if (attributesRaw && typeof attributesRaw === 'object') {
    list = Object.entries(attributesRaw as Json).map(([name, v]) => ({ name, ...(v as Json) }));
  } else throw new Error('statistics without attributes');
  const attributes = list.map((outer): AttributeStats => {
    // Type-specific members sit in a sub-object (numeric, binary, categorical, text): read them flat.
    const a: Json = { ...outer };
    for (const key of ['numeric', 'binary', 'categorical', 'text']) {
      const sub = pick(outer, key);
      if (sub && typeof sub === 'object') Object.assign(a, sub);
    }
    const trueCount = num(a, 'trueCount'), falseCount = num(a, 'falseCount');
    const binaryDistribution = trueCount !== undefined && falseCount !== undefined
      ? [{ value: '0', count: falseCount }, { value: '1', count: trueCount }] : undefined;
    const top = valueCounts(pick(a, 'topValues', 'top', 'mostFrequent', 'valueCounts'));
    const other = num(a, 'otherCount');
    const percentTrue = num(a, 'percentTrue', 'trueRatio', 'shareTrue');
    return {
    name: String(pick(a, 'name', 'attributeName') ?? ''),
    type: String(pick(a, 'type', 'attributeType') ?? ''),
    role: pick(a, 'role') as string | undefined,
    missing: num(a, 'missing', 'missingCount'),
    invalid: num(a, 'invalid', 'invalidCount'),
    min: num(a, 'min', 'minimum'),
    max: num(a, 'max', 'maximum'),
    mean: num(a, 'mean', 'average'),
    median: num(a, 'median'),
    correlation: num(a, 'correlationToTarget', 'targetCorrelation', 'correlation', 'mutualInformation'),
    percentTrue: percentTrue !== undefined ? percentTrue / 100 : undefined,
    leastFrequent: valueCounts(pick(a, 'leastFrequentValues'))?.[0]?.value,
    uniqueValues: num(a, 'uniqueValues', 'uniqueCount', 'distinct', 'distinctValues', 'cardinality'),
    histogram: histogram(pick(a, 'histogram', 'distribution', 'bins')) ??
      (binaryDistribution ? { labels: binaryDistribution.map((v) => v.value), counts: binaryDistribution.map((v) => v.count) } : undefined),
    topValues: top && other ? [...top, { value: 'other', count: other }] : top,
    totalWords: num(a, 'totalWords', 'wordCount'),
    uniqueWords: num(a, 'uniqueWords'),
    wordsPerRecord: range(a, 'wordsPerRecord'),
    wordLength: range(a, 'wordLength'),
    prominentWords: (pick(a, 'prominentWords', 'topTokens', 'tokens') as Json[] | undefined)?.map((t) => ({
      token: String(pick(t, 'token', 'word', 'value') ?? ''),
      prominence: num(t, 'prominence', 'score'),
      records: num(t, 'records', 'count', 'recordCount'),
    })),
    };
  });
  return {
    records: num(summary, 'records', 'recordCount', 'recordsProcessed', 'totalRecords'),
    invalidRecords: num(summary, 'invalidRecords', 'badRecords', 'invalidRecordCount'),
    target: pick(summary, 'target', 'targetAttributeName') as string | undefined,
    targetDistribution: valueCounts(pick(root, 'targetDistribution')),
    attributes,
  };
}
