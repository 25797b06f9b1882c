// Header name -> 1-based column index. Real sheets drift from plans, so every column is
// found by its header, never by a hard-coded position.

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

  constructor(headers: string[]) {
    headers.forEach((h, i) => {
      const key = normalizeHeader(h);
      if (key === '') return;
      const list = this.byName.get(key);
      if (list) list.push(i + 1);
      else this.byName.set(key, [i + 1]);
    });
  }

  /** 1-based column of the header, or 0 when absent. Throws nothing on duplicates: see positionsOf. */
  indexOf(name: string): number {
    const list = this.byName.get(normalizeHeader(name));
    return list ? list[0] : 0;
  }

  positionsOf(name: string): number[] {
    return (this.byName.get(normalizeHeader(name)) || []).slice();
  }
}
