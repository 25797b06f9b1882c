// Header name -> 1-based column index. Real sheets drift from plans, so every column is
// found by its header, never by a hard-coded position.
import { CacheLike, SheetLike } from './gas';

/** Trim, fold case and accents, collapse inner spaces: "  Ubicación " -> "ubicacion". */
export function normalizeHeader(header: unknown): string {
  return String(header)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

export class ColumnMap {
  private readonly byName = new Map<string, number[]>();

  constructor(readonly headers: string[]) {
    headers.forEach((h, i) => {
      const key = normalizeHeader(h);
      if (key === '') return;
      const list = this.byName.get(key);
      if (list) list.push(i + 1);
      else this.byName.set(key, [i + 1]);
    });
  }

  get columnCount(): number {
    return this.headers.length;
  }

  /** 1-based column of the header, or 0 when absent. Throws nothing on duplicates: see positionsOf. */
  indexOf(name: string): number {
    const list = this.byName.get(normalizeHeader(name));
    return list ? list[0] : 0;
  }

  positionsOf(name: string): number[] {
    return (this.byName.get(normalizeHeader(name)) || []).slice();
  }

  has(name: string): boolean {
    return this.indexOf(name) > 0;
  }

  toJSON(): string[] {
    return this.headers;
  }
}

const CACHE_PREFIX = 'sm.colmap.';
const CACHE_SECONDS = 6 * 60 * 60;

/**
 * Reads the header row once (one getValues) and returns its map. The cache is keyed by a hash
 * of the header row itself, so a changed header row can never be served stale positions.
 */
export function loadColumnMap(
  sheet: SheetLike,
  headerRow: number,
  cache: CacheLike | null,
  sha256Hex: (text: string) => string,
): ColumnMap {
  const lastColumn = sheet.getLastColumn();
  if (lastColumn < 1) return new ColumnMap([]);
  const headers = sheet.getRange(headerRow, 1, 1, lastColumn).getValues()[0].map((h) => String(h));
  return columnMapFor(headers, cache, sha256Hex);
}

export function columnMapFor(headers: string[], cache: CacheLike | null, sha256Hex: (text: string) => string): ColumnMap {
  const key = CACHE_PREFIX + sha256Hex(JSON.stringify(headers)).slice(0, 40);
  if (cache) {
    const hit = cache.get(key);
    if (hit !== null) {
      try {
        const cached = JSON.parse(hit) as unknown;
        if (Array.isArray(cached) && cached.length === headers.length && cached.every((h, i) => h === headers[i])) {
          return new ColumnMap(cached as string[]);
        }
      } catch (e) {
        // An unreadable cache entry is just a miss.
      }
    }
  }
  const map = new ColumnMap(headers);
  if (cache) {
    try {
      cache.put(key, JSON.stringify(headers), CACHE_SECONDS);
      cache.put(CACHE_PREFIX + 'last', key, CACHE_SECONDS);
    } catch (e) {
      // The cache is an optimisation; a full or failing cache must not stop a migration.
    }
  }
  return map;
}

/** Drops the cached map of the header row last seen (after adding columns or a rollback). */
export function invalidateColumnMap(cache: CacheLike | null): void {
  if (!cache) return;
  try {
    const last = cache.get(CACHE_PREFIX + 'last');
    if (last) cache.remove(last);
    cache.remove(CACHE_PREFIX + 'last');
  } catch (e) {
    // See above: the cache never decides correctness.
  }
}
