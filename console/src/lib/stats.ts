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
  missing?: number;
  invalid?: number;
  min?: number;
  max?: number;
  mean?: number;
  median?: number;
  correlation?: number;
  percentTrue?: number;
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
  const edges = pick(v, 'edges', 'binEdges', 'boundaries');
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

/** Normalise a statistics document; throws when it has no attribute list. */
export function normalizeStats(raw: unknown): DataSourceStats {
  const root = (pick(raw, 'statistics', 'Statistics') ?? raw) as Json;
  const attributesRaw = pick(root, 'attributes', 'Attributes');
  let list: Json[];
  if (Array.isArray(attributesRaw)) list = attributesRaw as Json[];
  else if (attributesRaw && typeof attributesRaw === 'object') {
    list = Object.entries(attributesRaw as Json).map(([name, v]) => ({ name, ...(v as Json) }));
  } else throw new Error('statistics without attributes');
  const attributes = list.map((a): AttributeStats => ({
    name: String(pick(a, 'name', 'attributeName') ?? ''),
    type: String(pick(a, 'type', 'attributeType') ?? ''),
    missing: num(a, 'missing', 'missingCount'),
    invalid: num(a, 'invalid', 'invalidCount'),
    min: num(a, 'min', 'minimum'),
    max: num(a, 'max', 'maximum'),
    mean: num(a, 'mean', 'average'),
    median: num(a, 'median'),
    correlation: num(a, 'correlationToTarget', 'targetCorrelation', 'correlation', 'mutualInformation'),
    percentTrue: num(a, 'percentTrue', 'trueRatio', 'shareTrue'),
    uniqueValues: num(a, 'uniqueValues', 'uniqueCount', 'distinct', 'distinctValues', 'cardinality'),
    histogram: histogram(pick(a, 'histogram', 'distribution', 'bins')),
    topValues: valueCounts(pick(a, 'topValues', 'top', 'mostFrequent', 'valueCounts')),
    totalWords: num(a, 'totalWords', 'wordCount'),
    uniqueWords: num(a, 'uniqueWords'),
    wordsPerRecord: range(a, 'wordsPerRecord'),
    wordLength: range(a, 'wordLength'),
    prominentWords: (pick(a, 'prominentWords', 'topTokens', 'tokens') as Json[] | undefined)?.map((t) => ({
      token: String(pick(t, 'token', 'word', 'value') ?? ''),
      prominence: num(t, 'prominence', 'score'),
      records: num(t, 'records', 'count', 'recordCount'),
    })),
  }));
  return {
    records: num(root, 'records', 'recordCount', 'recordsProcessed', 'totalRecords'),
    invalidRecords: num(root, 'invalidRecords', 'badRecords', 'invalidRecordCount'),
    target: pick(root, 'target', 'targetAttributeName') as string | undefined,
    targetDistribution: valueCounts(pick(root, 'targetDistribution')),
    attributes,
  };
}
