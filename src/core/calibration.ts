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

import { plural } from './steps/types';
import { errorText } from './retry';

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
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** Least-squares base + perCell × cells. */
function fit(points: Array<[number, number]>): { base: number; perCell: number } {
  const mean = (f: (p: [number, number]) => number) => points.reduce((a, p) => a + f(p), 0) / points.length;
  const mx = mean((p) => p[0]);
  const my = mean((p) => p[1]);
  const sxx = mean((p) => (p[0] - mx) ** 2);
  const perCell = sxx ? mean((p) => (p[0] - mx) * (p[1] - my)) / sxx : 0;
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
  /** One timed call, recorded as a sample. */
  const once = (what: string, cells: number, fn: () => unknown): number => {
    const t0 = g.now();
    fn();
    const ms = g.now() - t0;
    samples.push({ what, cells, ms });
    return ms;
  };
  const flush = () => g.SpreadsheetApp.flush();
  const m: Record<string, number> = {};
  /** base + perCell × cells fitted to the points, as `${name}BaseMs` and `${name}PerCellMs`. */
  const fitTo = (name: string, points: Array<[number, number]>) => {
    const f = fit(points);
    m[name + 'BaseMs'] = f.base;
    m[name + 'PerCellMs'] = f.perCell;
  };
  const files: GoogleAppsScript.Spreadsheet.Spreadsheet[] = [];
  const stamp = new Date(g.now()).toISOString();
  const scratch = (what: string) => `Sheet Migrator calibration${what} (scratch, safe to delete) ${stamp}`;
  let message = '';
  try {
    const t0 = g.now();
    const ss = g.SpreadsheetApp.create(scratch(''), ROWS, COLS);
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
    fitTo('write', writes);
    fitTo('read', reads);
    const cell = sheet.getRange(1, 1);
    const meta: Array<[number, number]> = [];
    // getLastRow right after a write, on the grid as it is.
    const lastRow = (v: number, cells: number) => meta.push([cells, time('Sheet.getLastRow', cells, () => sheet.getLastRow(), () => { cell.setValue(v); flush(); })]);
    lastRow(1, ROWS * COLS);
    const copies: Array<[number, number]> = [];
    const copy = () => {
      const cells = ss.getSheets().reduce((a, s) => a + s.getMaxRows() * s.getMaxColumns(), 0);
      copies.push([cells, once('Spreadsheet.copy', cells, () => files.push(ss.copy(scratch(' copy'))))]);
    };
    copy();
    // One structural edit on a small grid: its time is nearly all base cost.
    m.structureBaseMs = once('Sheet.insertRowsAfter', ROWS * COLS, () => sheet.insertRowsAfter(ROWS, GROWN_ROWS - ROWS));
    lastRow(2, GROWN_ROWS * COLS);
    fitTo('sheetMetadata', meta);
    copy();
    fitTo('fileCopy', copies);
    const id = ss.getId();
    m.openByIdMs = time('SpreadsheetApp.openById', 0, () => g.SpreadsheetApp.openById(id));
    m.driveReadMs = time('DriveApp.getFileById', 0, () => g.DriveApp.getFileById(id));
    const props = g.PropertiesService.getUserProperties();
    m.propertyWriteMs = time('Properties.setProperty', 0, () => props.setProperty(PROPERTY_KEY, stamp));
    m.propertyReadMs = time('Properties.getProperty', 0, () => props.getProperty(PROPERTY_KEY));
    props.deleteProperty(PROPERTY_KEY);
  } catch (e) {
    message = `Calibration stopped: ${errorText(e)}. `;
  }
  const ok = !message;
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
  const keys = Object.keys(measured);
  const text =
    `// Measured by calibrate() at ${stamp}; compare with COST_MODEL in emulator/costModel.ts.\n` +
    `export const COST_MODEL_MEASURED = {\n${keys.map((k) => `  ${k}: ${measured[k]},`).join('\n')}\n};\n`;
  message +=
    `Measured ${keys.length} constants. ` +
    (leftovers.length ? `Could not trash ${plural(leftovers.length, 'scratch file')} (no Drive write scope): delete them by hand: ${leftovers.map((f) => f.url).join(', ')}` : 'Scratch files trashed.');
  g.log(`${message}\n${text}`);
  return { ok, message, measured, samples, text, leftovers };
}
