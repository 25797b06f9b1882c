// The calibration behind calibrate() (src/api/calibrate.ts), run once from the Apps Script
// editor: it measures what Spreadsheet, Drive and Properties calls really cost on your account
// and prints the figures in the form of emulator/costModel.ts, so the benchmark's cost model
// can be checked against reality.
//
// It works only on a scratch spreadsheet of its own (SpreadsheetApp.create), never on the
// active spreadsheet or Operaciones, and one temporary user property; it trashes the scratch
// files at the end (that needs the Drive scope; without it the result lists them to delete by
// hand). Each figure is the median of a few timed calls (Date.now()), with a flush before each
// timed read so that no write is pending; per-cell costs are least-squares slopes over several
// sizes. Apps Script's own caches and server load make single runs noisy: compare orders of
// magnitude, or run it a few times.

export interface CalibrationSample {
  what: string;
  cells: number;
  ms: number;
}

export interface CalibrationResult {
  ok: boolean;
  message: string;
  /** Constants with the names of emulator/costModel.ts. */
  measured: Record<string, number>;
  samples: CalibrationSample[];
  /** The same figures as TypeScript source, to paste next to emulator/costModel.ts. */
  text: string;
  /** Scratch files that could not be trashed (no Drive write scope): delete them by hand. */
  leftovers: Array<{ name: string; url: string }>;
}

/** The Apps Script services calibrate uses (the real globals in calibrate(); the core never reads a global). */
export interface CalibrationServices {
  SpreadsheetApp: GoogleAppsScript.Spreadsheet.SpreadsheetApp;
  PropertiesService: GoogleAppsScript.Properties.PropertiesService;
  DriveApp: GoogleAppsScript.Drive.DriveApp;
  now: () => number;
  log: (text: string) => void;
}

const ROWS = 5000;
const COLS = 20;
const GROWN_ROWS = 50000;
const SIZES: Array<[number, number]> = [[1, 1], [50, 20], [500, 20], [5000, 20]];
const REPEAT = 3;
const PROPERTY_KEY = 'sm.calibrate.tmp';

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Least-squares base + perCell × cells. */
function fit(points: Array<[number, number]>): { base: number; perCell: number } {
  const n = points.length;
  const mx = points.reduce((a, p) => a + p[0], 0) / n;
  const my = points.reduce((a, p) => a + p[1], 0) / n;
  const sxx = points.reduce((a, p) => a + (p[0] - mx) ** 2, 0);
  const perCell = sxx ? points.reduce((a, p) => a + (p[0] - mx) * (p[1] - my), 0) / sxx : 0;
  return { base: my - perCell * mx, perCell };
}

const round = (x: number) => (Math.abs(x) >= 1 ? Math.round(x * 100) / 100 : Number(x.toPrecision(3)));

export function runCalibration(g: CalibrationServices): CalibrationResult {
  const samples: CalibrationSample[] = [];
  const time = (what: string, cells: number, fn: () => unknown, before?: () => void): number => {
    const ms: number[] = [];
    for (let i = 0; i < REPEAT; i++) {
      if (before) before();
      const t0 = g.now();
      fn();
      ms.push(g.now() - t0);
    }
    const m = median(ms);
    samples.push({ what, cells, ms: m });
    return m;
  };
  const flush = () => g.SpreadsheetApp.flush();
  const m: Record<string, number> = {};
  const files: GoogleAppsScript.Spreadsheet.Spreadsheet[] = [];
  const stamp = new Date(g.now()).toISOString();
  let message = '';
  try {
    let t0 = g.now();
    const ss = g.SpreadsheetApp.create(`Sheet Migrator calibration (scratch, safe to delete) ${stamp}`, ROWS, COLS);
    m.createSpreadsheetMs = g.now() - t0;
    files.push(ss);
    const sheet = ss.getSheets()[0];
    const name = sheet.getName();
    m.sheetRoundTripMs = time('Spreadsheet.getSheetByName', 0, () => ss.getSheetByName(name));
    m.getRangeMs = time('Sheet.getRange', 0, () => sheet.getRange(1, 1));
    m.flushMs = time('SpreadsheetApp.flush (nothing pending)', 0, flush);
    const writes: Array<[number, number]> = [];
    const reads: Array<[number, number]> = [];
    for (const [r, c] of SIZES) {
      const range = sheet.getRange(1, 1, r, c);
      const data = Array.from({ length: r }, (_, i) => Array.from({ length: c }, (_, j) => `r${i}c${j}`));
      // A write is buffered until the next read or flush: time it with its flush, less a bare flush.
      writes.push([r * c, time('Range.setValues + flush', r * c, () => { range.setValues(data); flush(); }) - m.flushMs]);
      reads.push([r * c, time('Range.getValues', r * c, () => range.getValues(), flush)]);
    }
    const w = fit(writes);
    const rd = fit(reads);
    Object.assign(m, { writeBaseMs: w.base, writePerCellMs: w.perCell, readBaseMs: rd.base, readPerCellMs: rd.perCell });
    const cell = sheet.getRange(1, 1);
    const meta: Array<[number, number]> = [[ROWS * COLS, time('Sheet.getLastRow', ROWS * COLS, () => sheet.getLastRow(), () => { cell.setValue(1); flush(); })]];
    let copies: Array<[number, number]> = [];
    const copy = () => {
      const cells = ss.getSheets().reduce((a, s) => a + s.getMaxRows() * s.getMaxColumns(), 0);
      t0 = g.now();
      files.push(ss.copy(`Sheet Migrator calibration copy (scratch, safe to delete) ${stamp}`));
      copies.push([cells, g.now() - t0]);
      samples.push({ what: 'Spreadsheet.copy', cells, ms: copies[copies.length - 1][1] });
    };
    copy();
    // One structural edit on a small grid: its time is nearly all base cost.
    t0 = g.now();
    sheet.insertRowsAfter(ROWS, GROWN_ROWS - ROWS);
    m.structureBaseMs = g.now() - t0;
    samples.push({ what: 'Sheet.insertRowsAfter', cells: ROWS * COLS, ms: m.structureBaseMs });
    meta.push([GROWN_ROWS * COLS, time('Sheet.getLastRow', GROWN_ROWS * COLS, () => sheet.getLastRow(), () => { cell.setValue(2); flush(); })]);
    const md = fit(meta);
    Object.assign(m, { sheetMetadataBaseMs: md.base, sheetMetadataPerCellMs: md.perCell });
    copy();
    const fc = fit(copies);
    Object.assign(m, { fileCopyBaseMs: fc.base, fileCopyPerCellMs: fc.perCell });
    copies = [];
    const id = ss.getId();
    m.openByIdMs = time('SpreadsheetApp.openById', 0, () => g.SpreadsheetApp.openById(id));
    m.driveReadMs = time('DriveApp.getFileById', 0, () => g.DriveApp.getFileById(id));
    const props = g.PropertiesService.getUserProperties();
    m.propertyWriteMs = time('Properties.setProperty', 0, () => props.setProperty(PROPERTY_KEY, stamp));
    m.propertyReadMs = time('Properties.getProperty', 0, () => props.getProperty(PROPERTY_KEY));
    props.deleteProperty(PROPERTY_KEY);
  } catch (e) {
    message = `Calibration stopped: ${e instanceof Error ? e.message : String(e)}. `;
  }
  const leftovers: Array<{ name: string; url: string }> = [];
  for (const f of files) {
    try {
      const file = g.DriveApp.getFileById(f.getId());
      const t0 = g.now();
      file.setTrashed(true);
      m.driveWriteMs = g.now() - t0;
    } catch (e) {
      leftovers.push({ name: f.getName(), url: f.getUrl() });
    }
  }
  const measured: Record<string, number> = {};
  Object.keys(m).sort().forEach((k) => (measured[k] = round(m[k])));
  const text =
    `// Measured by calibrate() at ${stamp}; compare with COST_MODEL in emulator/costModel.ts.\n` +
    `export const COST_MODEL_MEASURED = {\n${Object.keys(measured).map((k) => `  ${k}: ${measured[k]},`).join('\n')}\n};\n`;
  message +=
    `Measured ${Object.keys(measured).length} constants. ` +
    (leftovers.length ? `Could not trash ${leftovers.length} scratch ${leftovers.length === 1 ? 'file' : 'files'} (no Drive write scope): delete them by hand: ${leftovers.map((f) => f.url).join(', ')}` : 'Scratch files trashed.');
  g.log(`${message}\n${text}`);
  return { ok: message.indexOf('stopped') < 0, message, measured, samples, text, leftovers };
}
