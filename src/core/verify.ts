// Verification of a migration: one pass/fail check per line, read-only. Nothing is written
// anywhere, not even a property, a cache entry or a persisted log line: verify may be run by
// anyone who can open the sheet, as often as they like, during or after a migration.
import { Env, SheetLike, SpreadsheetLike } from './gas';
import { MigrationConfig } from './config';
import { BackupRecord, CorruptStateError, StateStore } from './state';
import { readProgress } from './rollback/progress';
import { Check, VerificationReport } from './types';
import { columnMapFor } from './columnMap';
import { digestNextChunk, isDigestDone, startDigest } from './digest';
import { Budget } from './rollback/budget';
import { cellAt, describeDifference, RowBlock, sameCell } from './rollback/compare';
import { describeAge, headerNames, migrationState, MigrationState } from './rollback/state';
import { findV3Columns } from './rollback/changes';
import { columnLetter } from './preflight';
import { groupRows, sampleRows } from './steps/testSmoke';
import { plural } from './steps/types';
import { formatWhen } from './wording';

export interface VerifyContext {
  env: Env;
  config: MigrationConfig;
  store: StateStore;
}

export interface VerifyOptions {
  /** Seed of the row sample; by default drawn from the clock and reported, so a run can be repeated. */
  seed?: number;
  /** Time this verification may take; the full digest is left out when it does not fit. */
  budgetMs?: number;
}

export interface VerifyCheck extends Check {
  /** The check could not be run (time, missing input); it does not count towards `ok`. */
  skipped?: boolean;
}

export interface VerifyReport extends VerificationReport {
  checks: VerifyCheck[];
  /** One sentence for people: passed / failed (which checks) / what was not run. */
  message: string;
  migration: MigrationState['kind'];
  seed: number | null;
  sampledRows: number[];
}

export function verifyMigration(ctx: VerifyContext, opts: VerifyOptions = {}): VerifyReport {
  try {
    return verifyOnce(ctx, opts);
  } catch (e) {
    // Verify changes nothing, so an unreadable record is reported like any failed check.
    if (!(e instanceof CorruptStateError)) throw e;
    return summarise(new Date(ctx.env.now()).toISOString(), [{ id: 'migration_state', ok: false, detail: e.message }], 'none', null, []);
  }
}

function verifyOnce(ctx: VerifyContext, opts: VerifyOptions): VerifyReport {
  const { env, config, store } = ctx;
  const budget = new Budget(env, opts.budgetMs ?? config.timeBudgetSeconds * 1000);
  const generatedAt = new Date(env.now()).toISOString();
  const checks: VerifyCheck[] = [];
  const add = (id: string, ok: boolean, detail: string, skipped = false) => {
    checks.push(skipped ? { id, ok, detail, skipped } : { id, ok, detail });
  };
  const finish = (state: MigrationState['kind'], seed: number | null, rows: number[]): VerifyReport => {
    const report = summarise(generatedAt, checks, state, seed, rows);
    env.console.info(`[Sheet Migrator] verify: ${report.message}`);
    return report;
  };

  const ss = env.activeSpreadsheet();
  const sheet = ss.getSheetByName(config.targetSheet);
  // The header row and the sampled rows are read once, up front (nearby rows share a read).
  const lastRow = sheet ? sheet.getLastRow() : 0;
  const width = sheet ? Math.max(sheet.getLastColumn(), 1) : 1;
  const firstData = config.headerRow + 1;
  const seed = opts.seed ?? Math.floor(env.now() / 1000) % 2147483647;
  const sampled = lastRow >= firstData ? sampleRows(seed, firstData, lastRow, config.smokeSampleSize) : [];
  const block = sheet ? readRows(sheet, [config.headerRow].concat(sampled), width) : { values: [[]], formulas: [[]] };
  const headers = headerNames(block.values[0]);
  const state = migrationState(store, config, findV3Columns(headers, config).length > 0);

  if (readProgress(store)) {
    add('migration_state', false, 'A rollback is in progress. Finish it (choose "Roll back to v2.1…" again; it resumes) before verifying.');
    return finish(state.kind, null, []);
  }
  switch (state.kind) {
    case 'none':
      add(
        'migration_state',
        false,
        state.run
          ? 'The migration has started but has not made its v2.1 backup yet, so nothing has changed. Run the migration (sidebar → Run), then verify.'
          : 'No migration has been run on this spreadsheet (no v2.1 backup is recorded). Run the migration from the sidebar first, then verify.',
      );
      return finish(state.kind, null, []);
    case 'rolled_back':
      add(
        'migration_state',
        false,
        `The migration was rolled back on ${formatWhen(env, state.entry.at)} by ${state.entry.by || 'someone'}; ${config.targetSheet} is at v${config.fromVersion} again, so there is nothing to verify. Run the migration again to migrate.`,
      );
      return finish(state.kind, null, []);
    case 'partial': {
      const pending = state.run ? describePending(state.run) : 'its step checkpoints were cleared (Start over) after v3 columns were added';
      add('migration_state', false, `The migration is not complete: ${pending}. Run it to the end (sidebar → Run), then verify again.`);
      break;
    }
    case 'complete':
      add(
        'migration_state',
        true,
        `Migration v${state.entry.from} → v${state.entry.to} completed on ${formatWhen(env, state.entry.at)} by ${state.entry.by || 'someone'}.`,
      );
      break;
  }
  const backup = state.backup;

  if (!sheet) {
    add('target_sheet', false, `There is no tab named "${config.targetSheet}" in this spreadsheet. Rename the tab back, or restore it from the backup.`);
    return finish(state.kind, null, []);
  }

  const before = backup.columnCount;
  const added = config.newColumns.length;
  const map = columnMapFor(headers, null, env.sha256Hex);

  // column_count: before + added, and the configured figure when the plan fixes one.
  {
    const expected = before + added;
    const problems: string[] = [];
    if (headers.length !== expected) problems.push(`the header row has ${headers.length} columns, expected ${before} + ${added} = ${expected}`);
    const planned = config.expectedColumnCountBefore;
    if (planned !== null && headers.length !== planned + added) {
      problems.push(`the plan expects ${planned} + ${added} = ${planned + added} columns (the backup had ${before} before the migration)`);
    }
    add('column_count', problems.length === 0, problems.length ? cap(problems.join('; ')) : `${headers.length} columns = ${before} (v${config.fromVersion}) + ${added} (v${config.toVersion}).`);
  }

  // v3_headers: each exact name once, in order, at the end.
  {
    const problems: string[] = [];
    config.newColumns.forEach((col, i) => {
      const positions = map.positionsOf(col.name);
      const want = headers.length - added + i + 1;
      if (positions.length === 0) problems.push(`"${col.name}" is missing`);
      else if (positions.length > 1) problems.push(`"${col.name}" appears ${positions.length} times (columns ${positions.map(columnLetter).join(', ')})`);
      else if (positions[0] !== want) problems.push(`"${col.name}" is in column ${columnLetter(positions[0])}, expected ${columnLetter(want)} (the v3 columns must be the last ${added}, in plan order)`);
      else if (headers[positions[0] - 1] !== col.name) problems.push(`column ${columnLetter(positions[0])} reads "${headers[positions[0] - 1]}", not exactly "${col.name}"`);
    });
    add(
      'v3_headers',
      problems.length === 0,
      problems.length ? cap(problems.join('; ')) : `${config.newColumns.map((c) => c.name).join(', ')} are the last ${added} headers, each once.`,
    );
  }

  // column_map: what every later read relies on to find the v3 columns.
  {
    const found = config.newColumns.map((c) => ({ name: c.name, at: map.indexOf(c.name) }));
    const missing = found.filter((f) => f.at === 0).map((f) => f.name);
    add(
      'column_map',
      missing.length === 0,
      missing.length
        ? `The column map does not find ${missing.join(', ')} in the header row.`
        : found.map((f) => `${f.name} → ${columnLetter(f.at)}`).join(', '),
    );
  }

  // Sampled rows: the v3 cells hold their initial values, the v2.1 cells equal the backup's.
  const current: RowBlock = { values: block.values.slice(1), formulas: block.formulas.slice(1) };
  sampleChecks(config, map, sampled, current, add);

  // backup_available, then what needs the backup.
  const file = env.getFileById(backup.id);
  const backupOk = !!file && !file.isTrashed();
  add(
    'backup_available',
    backupOk,
    !file
      ? `The v${config.fromVersion} backup "${backup.name}" (${backup.url}) no longer exists or cannot be opened.`
      : file.isTrashed()
        ? `The v${config.fromVersion} backup "${backup.name}" is in the Drive trash (${backup.url}). Restore it from the trash to keep a rollback possible.`
        : `"${backup.name}", made ${describeAge(backup.createdAt, env.now())} ago: ${backup.url}`,
  );
  const backupSheet = backupOk ? openBackupSheet(env, backup) : null;
  if (!backupSheet) {
    const why = backupOk ? `its tab "${backup.sheetName}" is gone` : 'the backup is not available';
    add('v21_spot_check', false, `Cannot compare with the backup: ${why}.`);
    add('v21_digest', false, `Cannot compare with the backup: ${why}.`);
    return finish(state.kind, seed, sampled);
  }

  spotCheck(config, backup, block, backupSheet, sampled, add);
  digestCheck(env, backup, sheet, budget, add);
  return finish(state.kind, seed, sampled);
}

type Add = (id: string, ok: boolean, detail: string, skipped?: boolean) => void;

function sampleChecks(
  config: MigrationConfig,
  map: ReturnType<typeof columnMapFor>,
  rows: number[],
  block: RowBlock,
  add: Add,
): void {
  // `version` starts at a number; the others start empty. The plan says which is which.
  const groups: Array<{ id: string; cols: MigrationConfig['newColumns'] }> = [
    { id: 'versions_sampled', cols: config.newColumns.filter((c) => c.initialValue !== '') },
    { id: 'v3_empty_sampled', cols: config.newColumns.filter((c) => c.initialValue === '') },
  ];
  for (const g of groups) {
    if (g.cols.length === 0) continue;
    const missing = g.cols.filter((c) => map.indexOf(c.name) === 0).map((c) => c.name);
    if (missing.length) {
      add(g.id, false, `Cannot check: ${missing.join(', ')} not found in the header row.`);
      continue;
    }
    if (rows.length === 0) {
      add(g.id, true, 'No data rows to sample.');
      continue;
    }
    const bad: string[] = [];
    rows.forEach((row, r) => {
      for (const col of g.cols) {
        const at = map.indexOf(col.name);
        const cell = cellAt(block, r, at - 1);
        const ok = typeof col.initialValue === 'number' ? typeof cell.value === 'number' && cell.value === col.initialValue && !cell.formula : cell.value === '' && !cell.formula;
        if (!ok) {
          const got = cell.formula ? `formula ${cell.formula}` : cell.value === '' ? 'empty' : JSON.stringify(String(cell.value).slice(0, 40));
          bad.push(`row ${row} ${col.name} is ${got}`);
        }
      }
    });
    const want = g.cols.map((c) => `${c.name} ${c.initialValue === '' ? 'empty' : `= ${c.initialValue}`}`).join(', ');
    add(g.id, bad.length === 0, bad.length ? cap(`${bad.length} of ${plural(rows.length, 'sampled row')} ${bad.length === 1 ? 'fails' : 'fail'} (${want} expected): ${bad.join('; ')}`) : `${plural(rows.length, 'sampled row')} ${rows.length === 1 ? 'has' : 'have'} ${want}.`);
  }
}

function spotCheck(
  config: MigrationConfig,
  backup: BackupRecord,
  block: RowBlock,
  backupSheet: SheetLike,
  sampled: number[],
  add: Add,
): void {
  // The header row is compared too: a moved or renamed v2.1 column shows up there first.
  const picked = sampled.map((r, i) => ({ r, i })).filter((x) => x.r <= backup.lastRow);
  const inBackup = picked.map((x) => x.r);
  const rows = [config.headerRow].concat(inBackup);
  const now: RowBlock = {
    values: [block.values[0]].concat(picked.map((x) => block.values[x.i + 1])),
    formulas: [block.formulas[0]].concat(picked.map((x) => block.formulas[x.i + 1])),
  };
  const old = readRows(backupSheet, rows, backup.columnCount);
  const backupHeaders = old.values[0].map((h) => String(h));
  const diffs: string[] = [];
  let diffCount = 0;
  rows.forEach((row, r) => {
    for (let c = 0; c < backup.columnCount; c++) {
      const a = cellAt(old, r, c);
      const b = cellAt(now, r, c);
      if (!sameCell(a, b)) {
        diffCount++;
        if (diffs.length < 5) diffs.push(describeDifference(row, c + 1, backupHeaders[c] || '', a, b));
      }
    }
  });
  const beyond = sampled.length - inBackup.length;
  const note = beyond ? ` (${plural(beyond, 'sampled row')} ${beyond === 1 ? 'was' : 'were'} added after the backup and ${beyond === 1 ? 'has' : 'have'} no v2.1 counterpart)` : '';
  add(
    'v21_spot_check',
    diffCount === 0,
    diffCount
      ? cap(`${plural(diffCount, `v${config.fromVersion} cell`)} ${diffCount === 1 ? 'differs' : 'differ'} from the backup in the header and ${plural(inBackup.length, 'sampled row')}: ${diffs.join('; ')}${diffCount > diffs.length ? '; …' : ''}`)
      : `The header and ${plural(inBackup.length, 'sampled row')} equal the backup in all ${backup.columnCount} v${config.fromVersion} columns${note}.`,
  );
}

function digestCheck(env: Env, backup: BackupRecord, sheet: SheetLike, budget: Budget, add: Add): void {
  const rows = sheet.getMaxRows();
  const cols = sheet.getMaxColumns();
  if (rows < backup.lastRow || cols < backup.columnCount) {
    add('v21_digest', false, `The sheet is now ${rows} × ${cols} cells, smaller than the ${backup.lastRow} rows × ${backup.columnCount} columns of the backup: v2.1 data is missing.`);
    return;
  }
  let p = startDigest(1, backup.lastRow);
  while (!isDigestDone(p)) {
    if (!budget.fits(1000)) {
      add(
        'v21_digest',
        false,
        `Not run: the full digest of ${backup.lastRow} rows did not fit in this execution's time budget (stopped at row ${p.nextRow}); ` +
          'the spot check above covers the sampled rows only. The migration itself proved the digest in its last step.',
        true,
      );
      return;
    }
    const from = p;
    p = budget.measure(() => digestNextChunk(sheet, from, backup.columnCount, backup.chunkRows, env.sha256Hex));
  }
  const ok = p.acc === backup.digest;
  add(
    'v21_digest',
    ok,
    ok
      ? `Rows 1–${backup.lastRow} × columns A–${columnLetter(backup.columnCount)} (values and formulas) digest the same as the backup.`
      : `Rows 1–${backup.lastRow} × columns A–${columnLetter(backup.columnCount)} differ from the backup (digest mismatch): v2.1 data changed since the backup was made.`,
  );
}

function openBackupSheet(env: Env, backup: BackupRecord): SheetLike | null {
  let ss: SpreadsheetLike;
  try {
    ss = env.openSpreadsheetById(backup.id);
  } catch (e) {
    return null;
  }
  return ss.getSheetByName(backup.sheetName);
}

/** Values and formulas of the given rows (ascending), columns 1..width; rows close together share one read. */
export function readRows(sheet: SheetLike, rows: number[], width: number): RowBlock {
  const values: RowBlock['values'] = [];
  const formulas: RowBlock['formulas'] = [];
  for (const [first, count] of groupRows(rows, ROW_GROUP_GAP)) {
    const range = sheet.getRange(first, 1, count, width);
    const v = range.getValues();
    const f = range.getFormulas();
    for (const r of rows) {
      if (r < first || r >= first + count) continue;
      values.push(v[r - first]);
      formulas.push(f[r - first]);
    }
  }
  return { values, formulas };
}

/** Rows this close are read together: one call for a few spare rows beats one call per row. */
const ROW_GROUP_GAP = 16;

function describePending(run: NonNullable<ReturnType<StateStore['readRun']>>): string {
  const done = Object.entries(run.steps)
    .filter(([, s]) => s && s.state === 'done')
    .map(([id]) => id);
  const failed = run.failure ? `; step ${run.failure.step} failed: ${run.failure.message}` : '';
  return `${done.length ? `steps done: ${done.join(', ')}` : 'no step has finished'}${failed}`;
}

function summarise(generatedAt: string, checks: VerifyCheck[], state: MigrationState['kind'], seed: number | null, rows: number[]): VerifyReport {
  const counted = checks.filter((c) => !c.skipped);
  const failed = counted.filter((c) => !c.ok).map((c) => c.id);
  const skipped = checks.filter((c) => c.skipped).map((c) => c.id);
  const ok = failed.length === 0 && counted.length > 0;
  const notRun = skipped.length ? ` Not run: ${skipped.join(', ')} (see its line; it does not count towards the result).` : '';
  const message = ok
    ? `Verification passed: ${counted.length} checks.${notRun}`
    : `Verification failed: ${failed.join(', ')}.${notRun}`;
  return { ok, generatedAt, checks, message, migration: state, seed, sampledRows: rows };
}

function cap(text: string): string {
  return text.length > 600 ? text.slice(0, 599) + '…' : text;
}
