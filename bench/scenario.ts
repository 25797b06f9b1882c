// One benchmark size: a generated v2.1 workbook, the full migration driven the way the sidebar
// drives it (runMigrationStep again and again, each call one execution of the real
// dist/Code.js), then verifyMigration({seed, resume}) until complete, then
// rollbackMigration({confirm: true}) until complete;
// and the naive baseline on a fresh copy of the same workbook.
import * as path from 'path';
import { createEmulator, createSampleWorkbook, COST_MODEL } from '../emulator';
import type { Emulator, Stats } from '../emulator';
import { loadBundleFrom } from '../playground/bundle';
import config from '../src/migration.config.json';
import { Meter, summarise, BucketSummary, CallTally } from './meter';
import { lowerBound, MigrationStepId, StepBound } from './lowerBound';
import { runNaive, NaiveResult } from './naive';
import { PAYLOAD_CELLS } from './payload';
import { sampleRows } from '../src/core/steps/testSmoke';

export const STEP_IDS: MigrationStepId[] = ['create_backup', 'add_v3_columns', 'verify_schema', 'initialize_versions', 'test_smoke'];
export type Bucket = MigrationStepId | 'verify' | 'rollback';
export const BUCKETS: Bucket[] = [...STEP_IDS, 'verify', 'rollback'];

export interface BucketResult {
  executions: number;
  modelledSeconds: number;
  largestExecutionSeconds: number;
  calls: BucketSummary;
  /** Calls by name (every service). */
  byName: Record<string, number>;
  /** Modelled ms by call name. */
  msByName: Record<string, number>;
}

export interface SizeResult {
  rows: number;
  columns: number;
  workbookCells: number;
  bytesPerCell: { values: number; formulas: number };
  buckets: Record<Bucket, BucketResult>;
  migration: { executions: number; modelledSeconds: number; ok: boolean; message: string };
  /** calls: verify executions until complete (a big sheet's digest is continued call after call). */
  verify: { ok: boolean; complete: boolean; calls: number; message: string; skipped: string[] };
  rollback: { ok: boolean; calls: number; message: string };
  total: { executions: number; modelledSeconds: number };
  largestExecution: { seconds: number; where: Bucket | null };
  budgetSeconds: number;
  lowerBound: Record<MigrationStepId, StepBound>;
  payloadCells: number;
  checks: string[];
  properties: { peakBytes: number; storeLimitBytes: number; peakPercent: number; reads: number; writes: number; dailyQuota: number };
  naive: NaiveResult & { initializeVersionsSeconds: number; stepRatio: number; migrationRatio: number };
  local: { generateMs: number; cpuUserMs: number; cpuSystemMs: number; wallMs: number; peakRssMB: number; naiveWallMs: number };
}

export interface SizeOptions {
  rows: number;
  distDir: string;
  progress?: (line: string) => void;
  /** Safety stop for the drive loops. */
  maxCalls?: number;
}

const STORE_LIMIT_BYTES = 500 * 1024;
const DAILY_PROPERTY_QUOTA = 50000;

function emptyBucket(): BucketResult {
  return { executions: 0, modelledSeconds: 0, largestExecutionSeconds: 0, calls: summarise({ count: {}, ms: {} }), byName: {}, msByName: {} };
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

/** Mean JSON bytes per cell of a sample of the data: what the payload definition rests on. */
function measureBytesPerCell(emu: Emulator, rows: number, columns: number): { values: number; formulas: number } {
  const g = emu.globals() as Record<string, any>;
  const sheet = g.SpreadsheetApp.getActiveSpreadsheet().getSheetByName(config.targetSheet);
  const n = Math.min(rows, 5000);
  const range = sheet.getRange(2, 1, n, columns);
  const cells = n * columns;
  return {
    values: Buffer.byteLength(JSON.stringify(range.getValues())) / cells,
    formulas: Buffer.byteLength(JSON.stringify(range.getFormulas())) / cells,
  };
}

export function runSize(opts: SizeOptions): SizeResult {
  const wall0 = Date.now();
  const cpu0 = process.cpuUsage();
  const progress = opts.progress || (() => undefined);
  const maxCalls = opts.maxCalls ?? 5000;
  const checks: string[] = [];

  const g0 = Date.now();
  let emu: Emulator | null = createEmulator();
  const ss = createSampleWorkbook(emu, { rows: opts.rows });
  const generateMs = Date.now() - g0;
  const columns = ss.getSheetByName(config.targetSheet)!.getLastColumn();
  const workbookCells = ss.getSheets().reduce((a, s) => a + s.getMaxRows() * s.getMaxColumns(), 0);
  const bytesPerCell = measureBytesPerCell(emu, opts.rows, columns);

  const meter = new Meter(emu);
  meter.syncProperties();
  const e = emu;
  const bundle = loadBundleFrom(e, opts.distDir, { globals: () => meter.globals() });

  const buckets = {} as Record<Bucket, BucketResult>;
  BUCKETS.forEach((b) => (buckets[b] = emptyBucket()));
  let largest = { seconds: 0, where: null as Bucket | null };
  let peakRss = process.memoryUsage().rss;
  let modelledTotal = 0;

  /** Runs one contract call as one execution and charges it to the bucket `to(result)` names. */
  const call = <T>(name: string, args: unknown[], to: (r: T | null) => Bucket): T => {
    const before = tallyOf(e.stats);
    let r: T | null = null;
    let thrown: unknown = null;
    try {
      r = bundle.call<T>(name, ...args);
    } catch (err) {
      // A contract function that throws is a product failure (or Apps Script's): recorded, and
      // the phase it belongs to stops.
      thrown = err;
    }
    const exec = e.stats.executions[e.stats.executions.length - 1];
    const b = to(r);
    const target = buckets[b];
    mergeTally(target, since(before, tallyOf(e.stats)));
    const s = exec.modelledMs / 1000;
    target.executions++;
    target.modelledSeconds += s;
    target.largestExecutionSeconds = Math.max(target.largestExecutionSeconds, s);
    if (s > largest.seconds) largest = { seconds: s, where: b };
    modelledTotal += s;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (thrown) throw new ContractError(name, thrown);
    return r as T;
  };

  // --- migration, the sidebar's way -------------------------------------------------------
  let migration = { executions: 0, modelledSeconds: 0, ok: false, message: '' };
  let lastStep: MigrationStepId = 'create_backup';
  let smokeSeed: number | null = null;
  for (let i = 0; i < maxCalls; i++) {
    let r: any;
    try {
      r = call<any>('runMigrationStep', [{ clientId: 'bench' }], (res) => (res && res.step) || lastStep);
    } catch (err) {
      migration.message = String((err as Error).message);
      break;
    }
    if (r.step) lastStep = r.step;
    if (r.report && typeof r.report.smokeSeed === 'number') smokeSeed = r.report.smokeSeed;
    migration.executions++;
    const st = (r.status && r.status.steps) || [];
    const cur = st.find((s: any) => s.id === lastStep) || {};
    const rowsPart = cur.rowsTotal ? ` ${fmt(cur.rowsDone || 0)}/${fmt(cur.rowsTotal)} rows` : '';
    progress(`migrate ${lastStep}${rowsPart} · ${migration.executions} executions · ${modelledTotal.toFixed(1)} s modelled`);
    if (!r.ok) {
      migration.message = r.message;
      break;
    }
    if (r.complete) {
      migration.ok = true;
      migration.message = r.message;
      break;
    }
  }
  migration.modelledSeconds = STEP_IDS.reduce((a, id) => a + buckets[id].modelledSeconds, 0);
  if (!migration.ok) checks.push(`migration did not complete: ${migration.message}`);

  // The migration really happened: 68 columns, version = 0 on every data row.
  {
    const sheet = emu.getSpreadsheet(ss.getId())!.getSheetByName(config.targetSheet)!;
    const width = sheet.getLastColumn();
    const header = sheet.getRange(1, 1, 1, width).getValues()[0];
    const vcol = header.indexOf('version') + 1;
    if (width !== columns + config.newColumns.length) checks.push(`after the migration the sheet has ${width} columns, expected ${columns + config.newColumns.length}`);
    if (vcol < 1) checks.push('no version column after the migration');
    else {
      const bad = sheet.getRange(2, vcol, opts.rows, 1).getValues().filter((row) => row[0] !== 0).length;
      if (bad) checks.push(`${bad} rows do not have version = 0`);
    }
  }

  // --- verify, the sidebar's way: again with { seed, resume } while not complete -------------
  let v: any = null;
  let verifyCalls = 0;
  for (let i = 0; i < maxCalls; i++) {
    progress(`verify · ${verifyCalls} calls · ${modelledTotal.toFixed(1)} s modelled`);
    verifyCalls++;
    try {
      v = call<any>('verifyMigration', v ? [{ seed: v.seed, resume: v.resume }] : [], () => 'verify');
    } catch (err) {
      v = { ok: false, complete: true, message: String((err as Error).message), checks: [] };
    }
    if (v.complete !== false || !v.resume) break;
  }
  const verify = {
    ok: !!v.ok,
    complete: v.complete !== false,
    calls: verifyCalls,
    message: String(v.message || ''),
    skipped: (v.checks || []).filter((c: any) => c.skipped).map((c: any) => c.id),
  };
  if (!verify.complete) checks.push(`verify did not complete in ${verifyCalls} calls: ${verify.message}`);
  else if (!verify.ok) checks.push(`verify failed: ${verify.message}`);

  // --- rollback until complete ------------------------------------------------------------------
  const rollback = { ok: false, calls: 0, message: '' };
  for (let i = 0; i < maxCalls; i++) {
    let r: any;
    try {
      r = call<any>('rollbackMigration', [{ confirm: true }], () => 'rollback');
    } catch (err) {
      rollback.calls++;
      rollback.message = String((err as Error).message);
      break;
    }
    rollback.calls++;
    progress(`rollback ${r.phase || 'done'} · ${rollback.calls} calls · ${modelledTotal.toFixed(1)} s modelled`);
    rollback.message = String(r.message || '');
    if (!r.ok) break;
    if (r.complete) {
      rollback.ok = true;
      break;
    }
  }
  if (!rollback.ok) checks.push(`rollback did not complete: ${rollback.message}`);
  {
    const sheet = emu.getSpreadsheet(ss.getId())!.getSheetByName(config.targetSheet)!;
    if (sheet.getLastColumn() !== columns) checks.push(`after the rollback the sheet has ${sheet.getLastColumn()} columns, expected ${columns}`);
  }

  const cpu = process.cpuUsage(cpu0);
  const wallMs = Date.now() - wall0;
  const maxRssKb = process.resourceUsage().maxRSS;
  peakRss = Math.max(peakRss, maxRssKb * 1024);

  // Property reads/writes of the whole job (migration + verify + rollback).
  let reads = 0;
  let writes = 0;
  BUCKETS.forEach((b) => {
    reads += buckets[b].calls.propertyReads;
    writes += buckets[b].calls.propertyWrites;
  });
  const peakBytes = meter.peakPropertyBytes;

  const bound = lowerBound({
    lastRow: opts.rows + 1,
    columnsBefore: columns,
    columnsAdded: config.newColumns.length,
    dataRows: opts.rows,
    initialisedColumns: config.newColumns.filter((c) => c.initialValue !== '').length,
    sampleRows: config.smokeSampleSize,
    // The rows the smoke test drew (its seed is in the report): the bound covers those.
    sampledRows: smokeSeed === null ? undefined : sampleRows(smokeSeed, config.headerRow + 1, opts.rows + 1, config.smokeSampleSize),
    payloadCells: PAYLOAD_CELLS,
  });

  // --- the naive baseline, on a fresh world (the first one is let go first) ----------------
  emu = null;
  if (global.gc) global.gc();
  progress('naive baseline');
  const n0 = Date.now();
  const naiveEmu = createEmulator();
  createSampleWorkbook(naiveEmu, { rows: opts.rows });
  const naive = runNaive(naiveEmu);
  const naiveWallMs = Date.now() - n0;
  const initSeconds = buckets.initialize_versions.modelledSeconds;

  return {
    rows: opts.rows,
    columns,
    workbookCells,
    bytesPerCell,
    buckets,
    migration,
    verify,
    rollback,
    total: { executions: BUCKETS.reduce((a, b) => a + buckets[b].executions, 0), modelledSeconds: modelledTotal },
    largestExecution: largest,
    budgetSeconds: config.timeBudgetSeconds,
    lowerBound: bound,
    payloadCells: PAYLOAD_CELLS,
    checks,
    properties: {
      peakBytes,
      storeLimitBytes: STORE_LIMIT_BYTES,
      peakPercent: (peakBytes / STORE_LIMIT_BYTES) * 100,
      reads,
      writes,
      dailyQuota: DAILY_PROPERTY_QUOTA,
    },
    naive: {
      ...naive,
      initializeVersionsSeconds: initSeconds,
      stepRatio: initSeconds > 0 ? naive.loopSeconds / initSeconds : 0,
      migrationRatio: migration.modelledSeconds > 0 ? naive.migrationSeconds / migration.modelledSeconds : 0,
    },
    local: {
      generateMs,
      cpuUserMs: cpu.user / 1000,
      cpuSystemMs: cpu.system / 1000,
      wallMs,
      peakRssMB: peakRss / (1024 * 1024),
      naiveWallMs,
    },
  };
}

class ContractError extends Error {
  constructor(name: string, cause: unknown) {
    super(`${name} threw: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** A copy of the emulator's per-name call counts and modelled ms. */
function tallyOf(stats: Stats): CallTally {
  return { count: { ...stats.calls }, ms: { ...stats.msByName } };
}

/** What was counted between two copies (names with no new call left out). */
function since(before: CallTally, after: CallTally): CallTally {
  const t: CallTally = { count: {}, ms: {} };
  for (const [k, n] of Object.entries(after.count)) {
    const d = n - (before.count[k] || 0);
    if (d > 0) {
      t.count[k] = d;
      t.ms[k] = (after.ms[k] || 0) - (before.ms[k] || 0);
    }
  }
  return t;
}

function mergeTally(target: BucketResult, t: CallTally): void {
  for (const [k, n] of Object.entries(t.count)) target.byName[k] = (target.byName[k] || 0) + n;
  for (const [k, ms] of Object.entries(t.ms)) target.msByName[k] = (target.msByName[k] || 0) + ms;
  target.calls = summarise({ count: target.byName, ms: target.msByName });
}

export const DEFAULT_DIST = path.resolve(__dirname, '..', 'dist');
export { COST_MODEL };
