// CSV parsing and schema inference done in the browser for the create-datasource wizard, following Amazon ML's
// rules: spec §4.1 (CSV), §4.3 (schema JSON), §4.6 (console schema inference).

export type AttributeType = 'BINARY' | 'CATEGORICAL' | 'NUMERIC' | 'TEXT';
export const kAttributeTypes: AttributeType[] = ['BINARY', 'CATEGORICAL', 'NUMERIC', 'TEXT'];

export interface Attribute {
  attributeName: string;
  attributeType: AttributeType;
}

/** Amazon ML's canonical schema JSON (spec §4.3). */
export interface DataSchema {
  version: '1.0';
  rowId: string | null;
  rowWeight: null;
  targetAttributeName: string | null;
  dataFormat: 'CSV';
  dataFileContainsHeader: boolean;
  attributes: Attribute[];
  excludedAttributeNames: string[];
}

/** Result of inferring a schema from the first lines of a file. */
export interface InferredSchema {
  hasHeader: boolean;
  attributes: Attribute[];
  /** Up to 5 data rows, for the preview table. */
  sample: string[][];
  /** Data rows looked at (header excluded). */
  rowsRead: number;
}

/** The most lines looked at, as AWS's published schema guesser does (spec §4.6). */
export const kInferenceLines = 1000;
/** More whitespace-separated words than this makes a value TEXT (spec §4.6). */
const kTextWords = 20;

/**
 * Split one CSV line into fields: comma-separated, double quotes around values that hold commas, `""` inside
 * quotes is a literal quote (spec §4.1). A trailing `\r` (CRLF files) is dropped. An unterminated quote
 * takes the rest of the line.
 */
export function parseCsvLine(line: string): string[] {
  if (line.endsWith('\r')) line = line.slice(0, -1);
  const fields: string[] = [];
  let current = '';
  let inQuotes = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inQuotes) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          current += '"';
          i++;
        } else {
          inQuotes = false;
        }
      } else {
        current += c;
      }
    } else if (c === '"' && current.length === 0) {
      inQuotes = true;
    } else if (c === ',') {
      fields.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  fields.push(current);
  return fields;
}

/**
 * Split the start of a file into complete lines. `truncated` says the text is only a prefix of the object
 * (a Range GET), so the last piece, which may be cut, is dropped. Empty lines are skipped.
 */
export function splitLines(text: string, truncated: boolean): string[] {
  const lines = text.split('\n');
  if (truncated && lines.length > 0) lines.pop();
  return lines.filter((l) => l.replace(/\r$/, '').length > 0);
}

/** Whether a value parses as a number (a float in AWS's guesser). */
export function isNumber(value: string): boolean {
  const v = value.trim();
  if (v.length === 0) return false;
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v);
}

/** Guess one value's type: NUMERIC (and BINARY when 0 or 1), TEXT beyond 20 words, else CATEGORICAL. */
function guessValue(value: string): AttributeType {
  if (isNumber(value)) return 'NUMERIC';
  if (value.trim().split(/\s+/).length > kTextWords) return 'TEXT';
  return 'CATEGORICAL';
}

/**
 * Choose a column's type from its sample values (spec §4.6): each non-empty value votes NUMERIC if it is a
 * number (and also BINARY if it equals 0 or 1), else TEXT (more than 20 words) or CATEGORICAL; the most
 * frequent type wins. BINARY wins when every numeric value is 0 or 1 and both occur (a 0/1 target such as
 * banking's `y`; a column of zeros in the sample, like banking's `previous` in its first 1,000 rows, stays
 * NUMERIC as the console inferred it); an all-empty column is CATEGORICAL.
 */
export function inferColumnType(values: string[]): AttributeType {
  const counts: Record<AttributeType, number> = { BINARY: 0, CATEGORICAL: 0, NUMERIC: 0, TEXT: 0 };
  const binaryValues = new Set<number>();
  for (const value of values) {
    if (value.trim().length === 0) continue;  // missing: no vote
    const type = guessValue(value);
    counts[type]++;
    const n = Number(value);
    if (type === 'NUMERIC' && (n === 0 || n === 1)) {
      counts.BINARY++;
      binaryValues.add(n);
    }
  }
  const best = (['NUMERIC', 'CATEGORICAL', 'TEXT'] as AttributeType[])
    .reduce((a, b) => (counts[b] > counts[a] ? b : a));
  if (counts[best] === 0) return 'CATEGORICAL';
  if (best === 'NUMERIC' && counts.BINARY === counts.NUMERIC && binaryValues.size === 2) return 'BINARY';
  return best;
}

/** Names for header-less files: Var01, Var02, … zero-padded to the width of the column count (spec §4.6). */
export function defaultNames(columnCount: number): string[] {
  const width = Math.max(2, String(columnCount).length);
  return Array.from({ length: columnCount }, (_, i) => `Var${String(i + 1).padStart(width, '0')}`);
}

/**
 * Infer a schema from the first lines of a CSV file.
 * Steps: 1. parse up to kInferenceLines lines; 2. decide whether the first line is a header (every field a
 * distinct, non-empty, non-numeric value, unless the caller says); 3. type each column from the data rows;
 * 4. name columns from the header or Var01….
 */
export function inferSchema(lines: string[], headerOverride?: boolean): InferredSchema {
  const rows = lines.slice(0, kInferenceLines + 1).map(parseCsvLine);
  if (rows.length === 0) return { hasHeader: false, attributes: [], sample: [], rowsRead: 0 };
  const columnCount = rows[0].length;
  const first = rows[0];
  const firstLooksLikeNames = first.every((f) => f.trim().length > 0 && !isNumber(f)) &&
    new Set(first.map((f) => f.trim())).size === first.length;
  // AWS's guesser takes a first row that guesses CATEGORICAL as a header (spec §4.6); we also want the
  // names to be distinct, as attribute names must be.
  const hasHeader = headerOverride ?? firstLooksLikeNames;
  const data = hasHeader ? rows.slice(1, kInferenceLines + 1) : rows.slice(0, kInferenceLines);
  const names = hasHeader ? first.map((f, i) => f.trim() || `Var${i + 1}`) : defaultNames(columnCount);
  const attributes = names.map((name, col) => ({
    attributeName: name,
    attributeType: inferColumnType(data.map((r) => r[col] ?? '')),
  }));
  return { hasHeader, attributes, sample: data.slice(0, 5), rowsRead: data.length };
}

/** Build the schema JSON the API takes (spec §4.3), in the console's form (rowWeight null). */
export function buildSchema(attributes: Attribute[], hasHeader: boolean, target: string | null,
                            rowId: string | null, excluded: string[] = []): DataSchema {
  return {
    version: '1.0',
    rowId,
    rowWeight: null,
    targetAttributeName: target,
    dataFormat: 'CSV',
    dataFileContainsHeader: hasHeader,
    attributes: attributes.map((a) => ({ attributeName: a.attributeName, attributeType: a.attributeType })),
    excludedAttributeNames: excluded,
  };
}

/** Check a schema before submitting it; returns the problems found (empty when valid). */
export function validateSchema(schema: DataSchema): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  if (schema.attributes.length === 0) problems.push('The schema has no attributes.');
  if (schema.attributes.length > 1000) problems.push('A schema holds at most 1,000 attributes.');
  for (const a of schema.attributes) {
    const name = a.attributeName.trim();
    if (name.length === 0) problems.push('Every attribute needs a name.');
    else if (name.length > 64) problems.push(`Attribute name "${name.slice(0, 20)}…" is longer than 64 characters.`);
    if (seen.has(name)) problems.push(`Attribute name "${name}" is used twice.`);
    seen.add(name);
  }
  const target = schema.targetAttributeName;
  if (target !== null) {
    const t = schema.attributes.find((a) => a.attributeName === target);
    if (!t) problems.push(`The target "${target}" is not an attribute.`);
    else if (t.attributeType === 'TEXT') problems.push('A TEXT attribute cannot be the target (spec §4.4).');
  }
  if (schema.rowId !== null) {
    if (!seen.has(schema.rowId)) problems.push(`The row ID "${schema.rowId}" is not an attribute.`);
    if (schema.rowId === target) problems.push('The row ID cannot also be the target.');
  }
  return problems;
}

/** The model type a target type calls for (spec §4.4), or null for TEXT. */
export function modelTypeForTarget(type: AttributeType): 'BINARY' | 'MULTICLASS' | 'REGRESSION' | null {
  switch (type) {
    case 'BINARY': return 'BINARY';
    case 'CATEGORICAL': return 'MULTICLASS';
    case 'NUMERIC': return 'REGRESSION';
    default: return null;
  }
}
