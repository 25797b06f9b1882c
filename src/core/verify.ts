// Verification of a migration: one pass/fail check per line, read-only. Nothing is written
// anywhere, not even a property or a persisted log line: verify may be run by
// anyone who can open the sheet, as often as they like, during or after a migration. A full
// digest too long for one call stops at its budget and hands the caller a cursor (`resume`)
// to pass back: the caller, not the server, holds the progress.
import { Env, SheetLike } from './gas';
import { MigrationConfig } from './config';
import { BackupRecord, CorruptStateError, RunState, StateStore } from './state';
import { readProgress } from './rollback/progress';
import { Check, VerificationReport, VerifyResume } from './types';
import { ColumnMap } from './columnMap';
import { digestNextChunk, isDigestDone, startDigest } from './digest';
import { repeatWithin } from './chunking';
import { Budget } from './rollback/budget';
import { cellAt, RowBlock, showCell } from './rollback/compare';
import { describeAge, headerNames, migrationState, MigrationState } from './rollback/state';
import { findV3Columns } from './rollback/changes';
import { columnLetter } from './preflight';
import { diffRows, firstFive, readRows, sampleRows } from './steps/testSmoke';
import { backupFileState, openSheet } from './steps/createBackup';
import { initialValues, plural } from './steps/types';
import { formatWhen } from './wording';

export { readRows };
export type { VerifyResume };

export interface VerifyContext {
  env: Env;
  config: MigrationConfig;
  store: StateStore;
}

export interface VerifyOptions {
  /** Seed of the row sample; by default drawn from the clock and reported, so a run can be repeated. */
  seed?: number;
  /** Time this call may take; the full digest stops at it and returns `resume`. */
  budgetMs?: number;
  /** A previous report's `resume` (untrusted input: checked against the backup record). */
  resume?: unknown;
}

export interface VerifyCheck extends Check {
  /** The check is still in progress (the digest); it does not count towards `ok`. */
  skipped?: boolean;
}

export interface VerifyReport extends VerificationReport {
  checks: VerifyCheck[];
  /** One sentence for people: passed / failed (which checks) / in progress. */
  message: string;
  migration: MigrationState['kind'];
  seed: number | null;
  sampledRows: number[];
  /** false while the digest is under way: call again with `{ seed, resume }`; `ok` is false until then. */
  complete: boolean;
  resume: VerifyResume | null;
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
  const add: Add = (id, ok, detail, skipped) => {
    checks.push(skipped ? { id, ok, detail, skipped } : { id, ok, detail });
  };
  // One pass/fail line from a list of problems (none = pass, with `passed` as its text).
  const check: Check3 = (id, problems, passed) => add(id, !problems.length, problems.length ? cap(problems.join('; ')) : passed);

  const ss = env.activeSpreadsheet();
  const sheet = ss.getSheetByName(config.targetSheet);
  // The header row and the sampled rows are read once, up front (nearby rows share a read).
  const lastRow = sheet ? sheet.getLastRow() : 0;
  const width = sheet ? Math.max(sheet.getLastColumn(), 1) : 1;
  const firstData = config.headerRow + 1;
  const given = opts.resume as Partial<VerifyResume> | null | undefined;
  const seed = opts.seed ?? (given && isNum(given.seed) ? given.seed : Math.floor(env.now() / 1000) % 2147483647);
  const sampled = lastRow >= firstData ? sampleRows(seed, firstData, lastRow, config.smokeSampleSize) : [];
  const block = sheet ? readRows(sheet, [config.headerRow].concat(sampled), width) : { values: [[]], formulas: [[]] };
  const headers = headerNames(block.values[0]);
  const state = migrationState(store, config, findV3Columns(headers, config).length > 0);
  const finish = (withSample?: boolean, resume: VerifyResume | null = null): VerifyReport => {
    const report = summarise(generatedAt, checks, state.kind, withSample ? seed : null, withSample ? sampled : [], resume);
    env.console.info(`[Sheet Migrator] verify: ${report.message}`);
    return report;
  };
  const migrationCheck = (ok: boolean, detail: string) => add('migration_state', ok, detail);
  const when = (e: { at: string; by: string }) => `${formatWhen(env, e.at)} by ${e.by || 'someone'}`;

  if (readProgress(store)) {
    migrationCheck(false, 'A rollback is in progress: finish it ("Roll back to v2.1…" resumes it), then verify.');
    return finish();
  }
  switch (state.kind) {
    case 'none':
      migrationCheck(
        false,
        `${state.run ? 'The migration has not made its backup yet; nothing has changed' : 'No migration has been run (no backup is recorded)'}. Run the migration (sidebar → Run), then verify.`,
      );
      return finish();
    case 'rolled_back':
      migrationCheck(false, `The migration was rolled back on ${when(state.entry)}: ${config.targetSheet} is v${config.fromVersion} again, nothing to verify.`);
      return finish();
    case 'partial': {
      const pending = state.run ? describePending(state.run) : 'its steps were cleared (Start over) after v3 columns were added';
      migrationCheck(false, `The migration is not complete: ${pending}. Run it to the end (sidebar → Run), then verify.`);
      break;
    }
    case 'complete':
      migrationCheck(true, `Migration v${state.entry.from} → v${state.entry.to} completed on ${when(state.entry)}.`);
      break;
  }
  const backup = state.backup;

  if (!sheet) {
    add('target_sheet', false, `There is no tab "${config.targetSheet}". Rename the tab back, or restore it from the backup.`);
    return finish();
  }

  const before = backup.columnCount;
  const added = config.newColumns.length;
  const n = headers.length;
  const map = new ColumnMap(headers);

  // column_count: before + added, and the configured figure when the plan fixes one.
  const planned = config.expectedColumnCountBefore;
  const counts: string[] = [];
  if (n !== before + added) counts.push(`the header row has ${n} columns, expected ${before} + ${added} = ${before + added}`);
  if (planned !== null && n !== planned + added) counts.push(`the plan expects ${planned + added} columns (the backup had ${before})`);
  check('column_count', counts, `${n} columns = ${before} (v${config.fromVersion}) + ${added} (v${config.toVersion}).`);

  // v3_headers: each exact name once, in order, at the end.
  const names = config.newColumns.map((c) => c.name);
  const misplaced: string[] = [];
  names.forEach((name, i) => {
    const at = map.positionsOf(name);
    const want = n - added + i + 1;
    if (!at.length) misplaced.push(`"${name}" is missing`);
    else if (at.length > 1) misplaced.push(`"${name}" appears ${at.length} times (columns ${at.map(columnLetter).join(', ')})`);
    else if (at[0] !== want) misplaced.push(`"${name}" is in column ${columnLetter(at[0])}, expected ${columnLetter(want)} (the last ${added}, in plan order)`);
    else if (headers[at[0] - 1] !== name) misplaced.push(`column ${columnLetter(at[0])} reads "${headers[at[0] - 1]}", not exactly "${name}"`);
  });
  check('v3_headers', misplaced, `${names.join(', ')} are the last ${added} headers, each once.`);

  // column_map: what every later read relies on to find the v3 columns.
  const unmapped = names.filter((name) => !map.indexOf(name));
  check('column_map', unmapped.length ? [`The column map does not find ${unmapped.join(', ')}.`] : [], names.map((name) => `${name} → ${columnLetter(map.indexOf(name))}`).join(', '));

  // Sampled rows: the v3 cells hold their initial values, the v2.1 cells equal the backup's.
  const current: RowBlock = { values: block.values.slice(1), formulas: block.formulas.slice(1) };
  sampleChecks(config, map, sampled, current, check);

  // backup_available, then what needs the backup.
  const gone = backupFileState(env, backup);
  add(
    'backup_available',
    !gone,
    !gone
      ? `"${backup.name}", made ${describeAge(backup.createdAt, env.now())} ago: ${backup.url}`
      : `The backup "${backup.name}" (${backup.url}) ${gone === 'trashed' ? 'is in the Drive trash. Restore it from the trash to keep a rollback possible.' : 'no longer exists or cannot be opened.'}`,
  );
  const backupSheet = gone ? null : openSheet(env, backup.id, backup.sheetName);
  if (!backupSheet) {
    const why = `Cannot compare with the backup: ${gone ? 'it is not available' : `its tab "${backup.sheetName}" is gone`}.`;
    add('v21_spot_check', false, why);
    add('v21_digest', false, why);
    return finish(true);
  }

  // v21_spot_check: the header row and the sampled rows that the backup has (a prefix: the
  // sample is sorted), in every v2.1 column. A moved or renamed v2.1 column shows in the header.
  const inBackup = sampled.filter((r) => r <= backup.lastRow);
  const rows = [config.headerRow].concat(inBackup);
  const old = readRows(backupSheet, rows, before);
  const now: RowBlock = { values: block.values.slice(0, rows.length), formulas: block.formulas.slice(0, rows.length) };
  const diffs = diffRows(rows, now, old, before, old.values[0]);
  const v21 = `v${config.fromVersion}`;
  const some = plural(inBackup.length, 'sampled row');
  const beyond = sampled.length - inBackup.length;
  check(
    'v21_spot_check',
    diffs.length ? [`${plural(diffs.length, `${v21} cell`)} ${diffs.length === 1 ? 'differs' : 'differ'} from the backup in the header and ${some}: ${firstFive(diffs)}`] : [],
    `The header and ${some} equal the backup in all ${before} ${v21} columns${beyond ? ` (${plural(beyond, 'sampled row')} added since the backup not compared)` : ''}.`,
  );

  return finish(true, digestCheck(env, backup, sheet, budget, add, given, seed));
}

type Add = (id: string, ok: boolean, detail: string, skipped?: boolean) => void;
type Check3 = (id: string, problems: string[], passed: string) => void;

function sampleChecks(config: MigrationConfig, map: ColumnMap, rows: number[], block: RowBlock, check: Check3): void {
  // `version` starts at a number; the others start empty. The plan says which is which.
  const groups: Array<[string, MigrationConfig['newColumns']]> = [
    ['versions_sampled', config.newColumns.filter((c) => c.initialValue !== '')],
    ['v3_empty_sampled', config.newColumns.filter((c) => c.initialValue === '')],
  ];
  for (const [id, cols] of groups) {
    if (!cols.length) continue;
    const missing = cols.filter((c) => !map.indexOf(c.name)).map((c) => c.name);
    if (missing.length) {
      check(id, [`Cannot check: ${missing.join(', ')} not found in the header row.`], '');
      continue;
    }
    const bad: string[] = [];
    rows.forEach((row, r) => {
      for (const col of cols) {
        const cell = cellAt(block, r, map.indexOf(col.name) - 1);
        const ok = !cell.formula && (typeof col.initialValue === 'number' ? typeof cell.value === 'number' && cell.value === col.initialValue : cell.value === '');
        if (!ok) bad.push(`row ${row} ${col.name} is ${showCell(cell)}`);
      }
    });
    const want = initialValues(cols);
    const all = plural(rows.length, 'sampled row');
    check(
      id,
      bad.length ? [`${bad.length} of ${all} ${bad.length === 1 ? 'fails' : 'fail'} (${want} expected): ${bad.join('; ')}`] : [],
      rows.length ? `${all} ${rows.length === 1 ? 'has' : 'have'} ${want}.` : 'No data rows to sample.',
    );
  }
}

/** The digest of the v2.1 columns, continued from `given` when it fits this backup; the cursor when time runs out. */
function digestCheck(env: Env, b: BackupRecord, sheet: SheetLike, budget: Budget, add: Add, given: unknown, seed: number): VerifyResume | null {
  const rows = sheet.getMaxRows();
  const cols = sheet.getMaxColumns();
  if (rows < b.lastRow || cols < b.columnCount) {
    add('v21_digest', false, `The sheet is now ${rows} × ${cols} cells, smaller than the backup's ${b.lastRow} × ${b.columnCount}: v2.1 data is missing.`);
    return null;
  }
  const why = resumeProblem(given, b);
  const at = given && !why ? (given as VerifyResume) : null;
  const again = why ? ` Started again from row 1: ${why}.` : '';
  const calls = (at ? at.calls : 0) + 1;
  // The first chunk of a call always runs (Budget.fits), so a caller looping on `complete` ends.
  const p = repeatWithin(
    budget,
    at ? { nextRow: at.nextRow, lastRow: b.lastRow, acc: at.acc } : startDigest(1, b.lastRow),
    (c) => digestNextChunk(sheet, c, b.columnCount, b.chunkRows, env.sha256Hex),
    isDigestDone,
    1000,
  );
  if (!isDigestDone(p)) {
    add('v21_digest', false, `In progress: rows 1–${p.nextRow - 1} of ${b.lastRow} compared.${again}`, true);
    return { seed, backupId: b.id, lastRow: b.lastRow, columnCount: b.columnCount, chunkRows: b.chunkRows, nextRow: p.nextRow, acc: p.acc, calls };
  }
  const ok = p.acc === b.digest;
  add(
    'v21_digest',
    ok,
    `Rows 1–${b.lastRow} × columns A–${columnLetter(b.columnCount)} ` +
      (ok ? '(values and formulas) digest the same as the backup.' : 'differ from the backup (digest mismatch): v2.1 data changed since the backup was made.') +
      (calls > 1 ? ` Compared over ${calls} calls; rows compared in an earlier call may have been edited since.` : '') +
      again,
  );
  return null;
}

const isNum = (x: unknown): x is number => typeof x === 'number' && isFinite(x);
const isInt = (x: unknown, lo: number, hi: number): x is number => isNum(x) && x % 1 === 0 && x >= lo && x <= hi;

/** Why a cursor given back cannot be continued ('' when it can, or when none was given). */
function resumeProblem(given: unknown, b: BackupRecord): string {
  if (given == null) return '';
  const r = given as Partial<VerifyResume>;
  const n = 1e9;
  // Well-formed: whole chunks of a digest started at row 1 (nextRow = 1 + k·chunkRows, k ≥ calls), rows left, a sha256 in hex.
  const wellFormed =
    typeof r === 'object' &&
    isNum(r.seed) &&
    typeof r.backupId === 'string' &&
    isInt(r.lastRow, 2, n) &&
    isInt(r.columnCount, 1, n) &&
    isInt(r.chunkRows, 1, n) &&
    isInt(r.nextRow, 2, r.lastRow) &&
    (r.nextRow - 1) % r.chunkRows === 0 &&
    isInt(r.calls, 1, (r.nextRow - 1) / r.chunkRows) &&
    typeof r.acc === 'string' &&
    /^[0-9a-f]{64}$/.test(r.acc);
  if (!wellFormed) return 'the resume given is not valid';
  return r.backupId === b.id && r.lastRow === b.lastRow && r.columnCount === b.columnCount && r.chunkRows === b.chunkRows ? '' : 'the resume given is for another backup';
}

function describePending(run: RunState): string {
  const done = Object.entries(run.steps)
    .filter(([, s]) => s && s.state === 'done')
    .map(([id]) => id);
  const failed = run.failure ? `; step ${run.failure.step} failed: ${run.failure.message}` : '';
  return `${done.length ? `steps done: ${done.join(', ')}` : 'no step has finished'}${failed}`;
}

function summarise(generatedAt: string, checks: VerifyCheck[], state: MigrationState['kind'], seed: number | null, rows: number[], resume: VerifyResume | null = null): VerifyReport {
  const counted = checks.filter((c) => !c.skipped);
  const failed = counted.filter((c) => !c.ok).map((c) => c.id);
  const ok = failed.length === 0 && counted.length > 0;
  const compared = resume ? `v21_digest in progress (rows 1–${resume.nextRow - 1} of ${resume.lastRow} compared).` : '';
  const message = !ok
    ? `Verification failed: ${failed.join(', ')}. ${compared}`.trim()
    : resume
      ? `Verification in progress, not passed yet: ${counted.length} checks passed, ${compared}`
      : `Verification passed: ${counted.length} checks.`;
  return { ok: ok && !resume, generatedAt, checks, message, migration: state, seed, sampledRows: rows, complete: !resume, resume };
}

function cap(text: string): string {
  return text.length > 600 ? text.slice(0, 599) + '…' : text;
}
