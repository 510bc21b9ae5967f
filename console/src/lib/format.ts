// Formatting helpers shared by the pages.

/** Format epoch seconds (Amazon ML's EpochTime) as a local date-time, or '' when absent. */
export function formatTime(epochSeconds: number | undefined): string {
  if (epochSeconds === undefined || epochSeconds === null) return '';
  const d = new Date(epochSeconds * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Format a byte count with binary units (1.5 MiB). */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || bytes === null || !Number.isFinite(bytes)) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** Format a number with at most `digits` decimals, trimming trailing zeros. */
export function formatNumber(value: number | undefined, digits = 4): string {
  if (value === undefined || value === null || Number.isNaN(value)) return '—';
  if (!Number.isFinite(value)) return String(value);
  return String(Number(value.toFixed(digits)));
}

/** Format a ratio in [0,1] as a percentage. */
export function formatPercent(ratio: number | undefined, digits = 1): string {
  if (ratio === undefined || ratio === null || Number.isNaN(ratio)) return '—';
  return `${(ratio * 100).toFixed(digits)}%`;
}

const kBase62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Make an ID the way Amazon ML's console did: a type prefix and 11 random base-62 characters (spec §1.4). */
export function newEntityId(prefix: 'ds' | 'ml' | 'ev' | 'bp'): string {
  const bytes = new Uint8Array(11);
  crypto.getRandomValues(bytes);
  let out = `${prefix}-`;
  for (const b of bytes) out += kBase62[b % 62];
  return out;
}
