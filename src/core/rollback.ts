// Rollback: puts the v2.1 content of the target sheet back from the recorded backup, IN PLACE
// (same file, same sheet id), so links, IMPORTRANGEs and the apps that read the sheet keep
// working. A pre-rollback snapshot of the whole file is taken first, so the rollback itself
// loses nothing.
//
// The work is a fixed sequence of phases (rollback/progress.ts) recorded in sm.rollback. Every
// phase re-reads what it acts on, so a phase interrupted at any call (a transient error, or
// the execution killed) is simply run again; long phases go chunk by chunk with a cursor. One
// call does what fits in the time budget and returns `complete: false` otherwise: the caller
// calls again (the sidebar does, until `complete`), and the next call resumes.
import { DriveFileLike, Env, SheetLike, SpreadsheetLike } from './gas';
import { MigrationConfig } from './config';
import { BackupRecord, CorruptStateError, HistoryEntry, StateStore } from './state';
import { MigrationLog } from './log';
import { RollbackReport } from './types';
import { checkAccess } from './access';
import { acquireLease, releaseLease } from './lease';
import { withRetry } from './retry';
import { invalidateColumnMap, normalizeHeader } from './columnMap';
import { digestNextChunk, isDigestDone, startDigest } from './digest';
import { Budget } from './rollback/budget';
import { propertySpaceProblem } from './quota';
import { ChangeCount, countNextChunk, findV3Columns, startCount } from './rollback/changes';
import { clearProgress, nextPhase, Phase, phaseLabel, PROTECTED_PHASES, READ_ONLY_PHASES, readProgress, RollbackProgress, writeProgress } from './rollback/progress';
import { describeAge, headerNames, migrationState } from './rollback/state';
import { columnLetter, readHeaderRow, WORKBOOK_CELL_LIMIT, workbookSize } from './preflight';
import { formatWhen } from './wording';
import { plural } from './steps/types';
import { rowsPerCall } from './chunking';
import { findProtection, protectForMigration, removeMigrationProtection, ROLLBACK_PROTECTION_DESCRIPTION } from './protection';

export interface RollbackContext {
  env: Env;
  config: MigrationConfig;
  store: StateStore;
  log: MigrationLog;
}

export interface RollbackOptions {
  confirm?: boolean;
  /** Time this call may take; by default the plan's timeBudgetSeconds. */
  budgetMs?: number;
}

/** The contract's RollbackReport plus what the sidebar, the menu and the log show. */
export interface RollbackResult extends RollbackReport {
  /** false only while ok and more calls are needed: call again while `ok && !complete`. */
  complete: boolean;
  /** Without confirmation: whether a confirmed call would roll back (the preview). */
  canRollBack: boolean;
  phase: Phase | null;
  migration: 'complete' | 'partial' | 'none' | 'rolled_back';
  backupName: string | null;
  backupUrl: string | null;
  backupCreatedAt: string | null;
  backupAge: string | null;
  rollbackUntil: string | null;
  snapshotName: string | null;
  snapshotUrl: string | null;
  /** Where the snapshot goes, in words for the confirmation dialog. */
  snapshotWhere: string;
  sheetName: string;
  sheetId: number | null;
  /** changedRows, rowsWithV3Data (RollbackReport) are absent until counted (a large sheet counts during the rollback). */
  changedRowsSample: number[];
  /** What will happen / happened, one line each. */
  plan: string[];
}

/** The last rollback's confirmation report (JSON), kept after the progress record is gone. */
export const REPORT_KEY = 'sm.rollback.report';

const STEP = null; // log entries of a rollback belong to no migration step

type Outcome =
  | { type: 'next' }
  | { type: 'more' }
  | { type: 'goto'; phase: Phase }
  | { type: 'refuse'; message: string }
  | { type: 'fail'; message: string };

export function rollbackMigration(ctx: RollbackContext, opts: RollbackOptions = {}): RollbackResult {
  const flag = { mutating: false };
  try {
    return rollbackOnce(ctx, opts, flag);
  } catch (e) {
    // An unreadable record found before anything changed is the user's to fix (its message
    // says how); once the file is changing, it is a failure like any other and is thrown.
    if (!(e instanceof CorruptStateError) || flag.mutating) throw e;
    const report = base(ctx, ctx.env.activeSpreadsheet(), null);
    if (opts.confirm === true) return refuse(ctx, report, e.message);
    report.message = e.message; // a preview writes nothing, not even the log
    return report;
  }
}

function rollbackOnce(ctx: RollbackContext, opts: RollbackOptions, flag: { mutating: boolean }): RollbackResult {
  const { env, config, store, log } = ctx;
  const budget = new Budget(env, opts.budgetMs ?? config.timeBudgetSeconds * 1000);
  const ss = env.activeSpreadsheet();
  const progress = readProgress(store);
  const backup = store.readBackup();

  if (opts.confirm !== true) {
    const shown = preview(ctx, ss, progress, budget);
    // Someone who may not roll back sees what a rollback would do, but is not offered one.
    const who = checkAccess(env, ss, config);
    if (!who.canAct && shown.canRollBack) {
      shown.canRollBack = false;
      shown.message = `${who.reason || 'You may not roll back this migration.'} Nothing was changed.`;
    }
    return shown;
  }

  const access = checkAccess(env, ss, config);
  if (!access.canAct) return refuse(ctx, base(ctx, ss, backup), access.reason || 'You may not roll back this migration.');
  if (!progress) {
    // A new rollback needs room for its checkpoints; one under way goes on (stopping it would
    // leave the tab half restored), and its records are already there.
    const full = propertySpaceProblem(env.documentProperties(), 'rollback');
    if (full) return refuse(ctx, base(ctx, ss, backup), full);
  }

  let resume = progress;
  if (resume && (!backup || resume.backupId !== backup.id)) {
    // A record for another backup from a read-only phase is a check that was cut off: nothing
    // changed, start afresh. From a later phase, a migration ran over a half-done rollback.
    if (!READ_ONLY_PHASES.includes(resume.phase)) {
      return refuse(
        ctx,
        base(ctx, ss, backup),
        `A rollback from the backup ${resume.backupId} was interrupted while ${phaseLabel(resume.phase)}, and a migration has recorded another backup since, so it cannot be resumed safely. ` +
          `The state before that rollback is in the snapshot ${resume.snapshotId ? `https://docs.google.com/spreadsheets/d/${resume.snapshotId}/edit` : `"${resume.snapshotName}" (if it was taken)`}; ` +
          `restore what you need by hand from it or from the backup https://docs.google.com/spreadsheets/d/${resume.backupId}/edit.`,
      );
    }
    resume = null;
  }
  let assessed: Assessment | null = null;
  if (!resume) {
    assessed = assess(ctx, ss);
    if (assessed.type === 'refuse') return refuse(ctx, assessed.report, assessed.message);
    if (assessed.type === 'done') return assessed.report;
  }
  const b = backup as BackupRecord;

  const owner = `${access.actor || 'unknown'}#rollback`;
  const lease = withRetry(env, () => acquireLease(env, store, owner, 'rollback', config.leaseSeconds));
  if (!lease.ok) return refuse(ctx, base(ctx, ss, b), lease.message);

  let p: RollbackProgress;
  if (resume) {
    p = resume;
    log.info(STEP, `Rollback ${p.id}: resumed (${phaseLabel(p.phase)}, phase ${p.phase}) by ${access.actor || 'unknown user'}.`);
  } else {
    const a = assessed as Extract<Assessment, { type: 'go' }>;
    const now = env.now();
    const id = env.uuid();
    p = {
      v: 1,
      id,
      backupId: b.id,
      startedAt: new Date(now).toISOString(),
      startedBy: access.actor,
      migration: a.migration,
      rollbackUntil: a.rollbackUntil,
      phase: 'check_backup',
      cursor: null,
      count: null,
      v3Columns: [],
      snapshotName: snapshotNameFor(env, ss, now),
      snapshotId: null,
      snapshotRequested: false,
      sheetIdsBefore: null,
      tempSheetId: null,
      tempSheetName: `${b.sheetName} (rollback ${id.slice(0, 8)})`,
      removedColumns: [],
      proveAttempts: 0,
      protection: !config.protectDuringMigration ? 'off' : findProtection(env, a.target, ROLLBACK_PROTECTION_DESCRIPTION).state === 'preexisting' ? 'preexisting' : 'ours',
    };
    withRetry(env, () => writeProgress(store, p));
    log.info(
      STEP,
      `Rollback ${id}: started by ${access.actor || 'unknown user'} for the ${a.migration} migration; backup "${b.name}" (${b.id}), ` +
        `made ${describeAge(b.createdAt, now)} ago; window until ${formatWhen(env, a.rollbackUntil)}.`,
    );
  }

  const run = new RollbackRun(ctx, ss, b, p, budget, owner, flag);
  try {
    return run.go();
  } catch (e) {
    log.error(STEP, `Rollback ${p.id}: failed while ${phaseLabel(p.phase)} (phase ${p.phase}): ${e instanceof Error ? e.message : String(e)}. Run the rollback again: it resumes here.`);
    flushQuietly(ctx);
    throw e;
  }
}

// --- assessment (read-only) ----------------------------------------------------------------

type Assessment =
  | { type: 'refuse'; message: string; report: RollbackResult }
  | { type: 'done'; report: RollbackResult }
  | { type: 'go'; migration: 'complete' | 'partial'; rollbackUntil: string; target: SheetLike; report: RollbackResult };

function assess(ctx: RollbackContext, ss: SpreadsheetLike): Assessment {
  const { env, config, store } = ctx;
  const backup = store.readBackup();
  const target = backup ? sheetById(ss, backup.sheetId) : ss.getSheetByName(config.targetSheet);
  const headers = target ? headerNames(readHeaderRow(target, config.headerRow)) : [];
  const state = migrationState(store, config, findV3Columns(headers, config).length > 0);
  const report = base(ctx, ss, backup, target, headers.length);
  report.migration = state.kind;

  if (state.kind === 'none') {
    const message = backup
      ? `Nothing to roll back: "${report.sheetName}" has no v${config.toVersion} column and no migration is in progress.`
      : 'Nothing to roll back: no migration has been run on this spreadsheet (no v2.1 backup is recorded).';
    return { type: 'refuse', message, report };
  }
  if (state.kind === 'rolled_back') {
    report.ok = true;
    report.snapshotId = state.entry.snapshotId || null;
    report.message = `Already rolled back on ${formatWhen(env, state.entry.at)} by ${state.entry.by || 'someone'}: "${report.sheetName}" is at v${config.fromVersion}. Nothing was changed.`;
    return { type: 'done', report };
  }
  const b = state.backup;
  report.rollbackUntil = state.rollbackUntil;
  if (b.spreadsheetId && b.spreadsheetId !== ss.getId()) {
    return { type: 'refuse', report, message: `The recorded backup "${b.name}" was made from another spreadsheet (${b.spreadsheetId}), not this one. Restore by hand from ${b.url} if it is the right one.` };
  }
  if (!target) {
    return {
      type: 'refuse',
      report,
      message: `The tab that was migrated (sheet id ${b.sheetId}, "${b.sheetName}") is no longer in this spreadsheet, so it cannot be restored in place. Restore it by hand from the backup: ${b.url}`,
    };
  }
  if (env.now() > Date.parse(state.rollbackUntil)) {
    return {
      type: 'refuse',
      report,
      message:
        `The rollback window closed on ${formatWhen(env, state.rollbackUntil)} (${config.rollbackWindowDays} days after the migration ${state.kind === 'complete' ? 'completed' : 'made its backup'}). ` +
        `To restore v${config.fromVersion} by hand, open the backup "${b.name}" (${b.url}), copy its "${b.sheetName}" tab into this spreadsheet and replace "${report.sheetName}" with it.`,
    };
  }
  const problem = backupFileProblem(env, b, config);
  if (problem) return { type: 'refuse', report, message: problem };
  return { type: 'go', migration: state.kind, rollbackUntil: state.rollbackUntil, target, report };
}

function backupFileProblem(env: Env, b: BackupRecord, config: MigrationConfig): string | null {
  const file: DriveFileLike | null = env.getFileById(b.id);
  if (!file) {
    return `The v${config.fromVersion} backup "${b.name}" (${b.id}) no longer exists or cannot be opened, so there is nothing to restore from. Look for it in Drive (also in the trash of its owner).`;
  }
  if (file.isTrashed()) {
    return `The v${config.fromVersion} backup "${b.name}" is in the Drive trash. Restore it from the trash (${b.url}), then roll back again.`;
  }
  return null;
}

function backupDigestProblem(b: BackupRecord, config: MigrationConfig): string {
  return (
    `The backup "${b.name}" no longer matches the digest recorded when it was made: its "${b.sheetName}" tab was edited since. ` +
    `Restoring from it would not give back the v${config.fromVersion} original, so nothing was changed. Open ${b.url} to restore by hand what you need.`
  );
}

/** Cheap checks of the backup's tab: it exists and has the recorded grid. */
function backupSheetProblem(sheet: SheetLike | null, b: BackupRecord): string | null {
  if (!sheet) return `The backup "${b.name}" has no tab "${b.sheetName}" any more: it was edited after it was made, so it cannot be trusted. Nothing was restored from it. Open ${b.url} to restore by hand what you need.`;
  const dims = [sheet.getMaxRows(), sheet.getMaxColumns(), sheet.getLastRow()];
  const want = [b.maxRows, b.maxColumns, b.lastRow];
  if (dims.some((d, i) => d !== want[i])) {
    return (
      `The backup's tab "${b.sheetName}" is now ${dims[0]} × ${dims[1]} cells with content to row ${dims[2]}; it was ${want[0]} × ${want[1]} to row ${want[2]} when it was made. ` +
      `The backup was edited after it was made, so it cannot be trusted; nothing was changed. Open ${b.url} to restore by hand what you need.`
    );
  }
  return null;
}

// --- preview (no confirmation: nothing is written) ----------------------------------------

function preview(ctx: RollbackContext, ss: SpreadsheetLike, progress: RollbackProgress | null, budget: Budget): RollbackResult {
  const { env, config, store } = ctx;
  const backup = store.readBackup();
  if (progress && backup && progress.backupId === backup.id) {
    const report = base(ctx, ss, backup);
    report.canRollBack = true;
    report.phase = progress.phase;
    report.migration = progress.migration;
    report.rollbackUntil = progress.rollbackUntil;
    report.snapshotId = progress.snapshotId;
    report.snapshotName = progress.snapshotName;
    fillCounts(report, progress.count);
    report.plan = planLines(config, report, backup);
    report.message = `A rollback is in progress (it stopped while ${phaseLabel(progress.phase)}). Nothing was changed now: call rollbackMigration({confirm: true}) to let it finish.`;
    return report;
  }
  const a = assess(ctx, ss);
  if (a.type === 'done') return a.report;
  if (a.type === 'refuse') {
    a.report.message = `${a.message} Nothing was changed.`;
    return a.report;
  }
  const b = backup as BackupRecord;
  const report = a.report;
  let backupSheet: SheetLike | null = null;
  try {
    backupSheet = env.openSpreadsheetById(b.id).getSheetByName(b.sheetName);
  } catch (e) {
    backupSheet = null;
  }
  const problem = backupSheetProblem(backupSheet, b);
  if (problem) {
    report.message = problem;
    return report;
  }
  // The confirmed call proves the backup again; doing it here too spares a YES that then refuses.
  let digest = startDigest(1, b.lastRow);
  while (!isDigestDone(digest) && budget.fits(1000)) {
    const from = digest;
    digest = budget.measure(() => digestNextChunk(backupSheet as SheetLike, from, b.columnCount, b.chunkRows, env.sha256Hex));
  }
  if (isDigestDone(digest) && digest.acc !== b.digest) {
    report.message = `${backupDigestProblem(b, config)} Nothing was changed.`;
    return report;
  }
  // Count what would be reverted, as far as the budget allows; a large sheet counts during the rollback.
  let count = startCount(a.target, backupSheet as SheetLike, b.lastRow, config.headerRow);
  const v3 = findV3Columns(readHeaderRow(a.target, config.headerRow), config);
  while (count.nextRow <= count.lastRow && budget.fits(1000)) {
    const from = count;
    count = budget.measure(() => countNextChunk(a.target, backupSheet as SheetLike, b.lastRow, from, v3, chunkRowsFor(b, Math.max(from.width, from.backupWidth))));
  }
  fillCounts(report, count);
  report.canRollBack = true;
  report.plan = planLines(config, report, b);
  report.message =
    `Not rolled back: a rollback needs confirmation (rollbackMigration({confirm: true})). Nothing was changed. ` +
    `If confirmed: ${report.plan.join(' ')}`;
  return report;
}

function fillCounts(report: RollbackResult, count: ChangeCount | null): void {
  if (!count || count.nextRow <= count.lastRow) return;
  report.changedRows = count.changedRows;
  report.rowsWithV3Data = count.rowsWithV3Data;
  report.changedRowsSample = count.changedSample.slice();
}

function rows(n: number, one: string, many: string): string {
  return `${n} row${n === 1 ? '' : 's'} ${n === 1 ? one : many}`;
}

function planLines(config: MigrationConfig, r: RollbackResult, b: BackupRecord): string[] {
  const counted =
    r.changedRows === undefined
      ? 'Rows changed since the migration will be counted before anything is touched.'
      : r.changedRows === 0 && !r.rowsWithV3Data
        ? `No row differs from the backup in the v${config.fromVersion} columns and no row holds v${config.toVersion} data yet.`
        : `${rows(r.changedRows, 'differs', 'differ')} from the backup in the v${config.fromVersion} columns and ${rows(r.rowsWithV3Data || 0, 'holds', 'hold')} v${config.toVersion} data: those edits will be undone here and kept in the snapshot.`;
  return [
    `First, a snapshot copy of the whole spreadsheet as it is now is saved as "${r.snapshotName}" (${r.snapshotWhere}).`,
    `Then "${r.sheetName}" gets back the values, formulas, formats and size of "${b.sheetName}" in the backup "${b.name}" (made ${r.backupAge} ago), in place: same file, same tab id; the v${config.toVersion} columns ${config.newColumns.map((c) => c.name).join(', ')} go away.`,
    counted,
    'Other tabs are not touched.',
  ];
}

// --- the phases ----------------------------------------------------------------------------

class RollbackRun {
  private targetSheet: SheetLike | null = null;
  private protectionChecked = false;
  private backupSheetCache: SheetLike | null = null;

  constructor(
    private readonly ctx: RollbackContext,
    private readonly ss: SpreadsheetLike,
    private readonly b: BackupRecord,
    private readonly p: RollbackProgress,
    private readonly budget: Budget,
    private readonly owner: string,
    private readonly flag: { mutating: boolean },
  ) {}

  go(): RollbackResult {
    const { env, store } = this.ctx;
    for (;;) {
      const phase = this.p.phase;
      // A phase that is one big call (a file copy) needs room; chunked phases check per chunk.
      if (!this.budget.fits(phase === 'snapshot' ? 8000 : 2000)) return this.incomplete();
      if (!READ_ONLY_PHASES.includes(phase)) this.flag.mutating = true;
      if (PROTECTED_PHASES.includes(phase)) withRetry(env, () => this.protectTarget());
      const outcome = withRetry(env, () => this.run(phase), {
        onRetry: (attempt, e) => this.ctx.log.warn(STEP, `Rollback ${this.p.id}: a transient error while ${phaseLabel(phase)} (phase ${phase}, attempt ${attempt}); running it again: ${String(e instanceof Error ? e.message : e)}`),
      });
      this.budget.spent();
      switch (outcome.type) {
        case 'more':
          return this.incomplete();
        case 'refuse': {
          // Only read-only phases refuse: nothing has changed, so the record goes.
          withRetry(env, () => clearProgress(store));
          withRetry(env, () => releaseLease(env, store, this.owner));
          return refuse(this.ctx, this.report(), outcome.message);
        }
        case 'fail': {
          this.ctx.log.error(STEP, `Rollback ${this.p.id}: ${outcome.message}`);
          flushQuietly(this.ctx);
          const r = this.report();
          r.ok = false;
          r.message = outcome.message;
          return r;
        }
        case 'goto':
        case 'next': {
          const to = outcome.type === 'goto' ? outcome.phase : nextPhase(phase);
          if (to === null) return this.done();
          this.p.phase = to;
          this.p.cursor = null;
          withRetry(env, () => writeProgress(store, this.p));
          // Persist the log once the file has changed; before that a lost entry loses nothing.
          if (!READ_ONLY_PHASES.includes(phase)) flushQuietly(this.ctx);
        }
      }
    }
  }

  private run(phase: Phase): Outcome {
    switch (phase) {
      case 'check_backup':
        return this.checkBackup();
      case 'count_changes':
        return this.countChanges();
      case 'snapshot':
        return this.snapshot();
      case 'temp_sheet':
        return this.tempSheet();
      case 'remove_v3':
        return this.removeV3();
      case 'fit_grid':
        return this.fitGrid();
      case 'copy_range':
        return this.copyRange();
      case 'prove':
        return this.prove();
      case 'delete_temp':
        return this.deleteTemp();
      case 'finish':
        return this.finish();
    }
  }

  /** The backup exists, is not trashed, has its recorded grid and still digests as recorded. */
  private checkBackup(): Outcome {
    const { env, config } = this.ctx;
    const b = this.b;
    const fileProblem = backupFileProblem(env, b, config);
    if (fileProblem) return { type: 'refuse', message: fileProblem };
    const sheet = this.backupSheet();
    const problem = backupSheetProblem(sheet, b);
    if (problem) return { type: 'refuse', message: problem };
    let cur = this.p.cursor || startDigest(1, b.lastRow);
    while (!isDigestDone(cur)) {
      if (!this.budget.fits(1000)) return this.pause(cur);
      const from = cur;
      cur = this.budget.measure(() => digestNextChunk(sheet as SheetLike, from, b.columnCount, b.chunkRows, env.sha256Hex));
      this.checkpoint({ cursor: cur });
    }
    if (cur.acc !== b.digest) return { type: 'refuse', message: backupDigestProblem(b, config) };
    this.ctx.log.info(STEP, `Rollback ${this.p.id}: backup "${b.name}" checked: exists, not trashed, ${b.lastRow} rows digest as recorded.`);
    return { type: 'next' };
  }

  /** Counts rows changed since the backup and rows with v3 data; read-only. */
  private countChanges(): Outcome {
    const { config } = this.ctx;
    const target = this.target();
    const backupSheet = this.backupSheet() as SheetLike;
    if (!this.p.count) {
      this.p.v3Columns = findV3Columns(readHeaderRow(target, config.headerRow), config);
      this.p.count = startCount(target, backupSheet, this.b.lastRow, config.headerRow);
    }
    let count: ChangeCount = this.p.count;
    while (count.nextRow <= count.lastRow) {
      if (!this.budget.fits(1000)) {
        this.p.count = count;
        writeProgress(this.ctx.store, this.p);
        return { type: 'more' };
      }
      const from = count;
      count = this.budget.measure(() => countNextChunk(target, backupSheet, this.b.lastRow, from, this.p.v3Columns, chunkRowsFor(this.b, Math.max(from.width, from.backupWidth))));
      this.checkpoint({ count });
    }
    this.p.count = count;
    const c = count;
    this.ctx.log.info(
      STEP,
      `Rollback ${this.p.id}: since the backup, ${rows(c.changedRows, 'differs', 'differ')} in the v${config.fromVersion} columns` +
        `${c.changedSample.length ? ` (${c.changedRows === 1 ? 'row' : 'rows'} ${c.changedSample.join(', ')}${c.changedRows > c.changedSample.length ? ', …' : ''})` : ''}` +
        ` and ${rows(c.rowsWithV3Data, 'holds', 'hold')} v${config.toVersion} data; all of it goes into the snapshot before anything is restored.`,
    );
    // The restore copies the backup's tab in as a temporary tab, and a workbook at Google's
    // cell limit has no room for it. With no v2.1 cell changed, removing the v3 columns (and
    // the grid added since) gives the backup's tab back in place; with changes, refuse now,
    // while nothing has changed.
    const size = workbookSize(this.ss);
    const need = this.b.maxRows * this.b.maxColumns;
    if (size.cells + need > WORKBOOK_CELL_LIMIT) {
      if (c.changedRows > 0) {
        return {
          type: 'refuse',
          message:
            `"${target.getName()}" cannot be restored in place: ${plural(c.changedRows, 'row')} of v${config.fromVersion} data changed since the backup, and restoring ${c.changedRows === 1 ? 'it' : 'them'} needs a temporary copy of the backup's tab (${need} cells), ` +
            `but the workbook has ${size.cells} of Google Sheets' ${WORKBOOK_CELL_LIMIT} cells. Free ${size.cells + need - WORKBOOK_CELL_LIMIT} cells (delete unused rows or columns in other tabs), then roll back again; ` +
            `or restore by hand from the backup "${this.b.name}" (${this.b.url}).`,
        };
      }
      this.p.inPlace = true;
      this.ctx.log.info(STEP, `Rollback ${this.p.id}: the workbook (${size.cells} cells) has no room for a copy of the backup's tab; no v${config.fromVersion} cell changed, so the v${config.toVersion} columns are removed in place and the result is proved against the backup.`);
    }
    return { type: 'next' };
  }

  /** A copy of the whole file as it is now; taken once, even across a crash right after the copy. */
  private snapshot(): Outcome {
    const { env, config, store, log } = this.ctx;
    const p = this.p;
    if (!p.snapshotId && p.snapshotRequested && env.findFilesByName) {
      // The copy may have been made by a call whose answer was lost: look for it by its name.
      const found = env.findFilesByName(p.snapshotName).filter((f) => !f.isTrashed());
      if (found.length) {
        p.snapshotId = found[0].getId();
        writeProgress(store, p);
        log.info(STEP, `Rollback ${p.id}: found the snapshot "${p.snapshotName}" made before the interruption (${p.snapshotId}).`);
      }
    }
    if (!p.snapshotId) {
      p.snapshotRequested = true;
      writeProgress(store, p);
      const copy = this.ss.copy(p.snapshotName);
      p.snapshotId = copy.getId();
      writeProgress(store, p);
      log.info(STEP, `Rollback ${p.id}: snapshot of the pre-rollback file saved as "${p.snapshotName}" (${p.snapshotId}).`);
    }
    if (config.backupFolderId) {
      const file = env.getFileById(p.snapshotId);
      if (file) file.moveTo(env.getFolderById(config.backupFolderId));
    }
    // The snapshot must hold the target tab as it is now, or the rollback could lose edits.
    const snap = env.openSpreadsheetById(p.snapshotId).getSheetByName(this.target().getName());
    const target = this.target();
    // The copy carries the rollback's own protection, which is not part of the state it keeps.
    if (snap) removeMigrationProtection(env, snap, ROLLBACK_PROTECTION_DESCRIPTION);
    if (!snap || snap.getLastRow() !== target.getLastRow() || snap.getLastColumn() !== target.getLastColumn()) {
      p.snapshotId = null;
      p.snapshotRequested = false;
      writeProgress(store, p);
      return { type: 'fail', message: `The snapshot copy "${p.snapshotName}" does not hold "${target.getName()}" as it is now, so nothing was restored. Run the rollback again to take a new snapshot.` };
    }
    return { type: 'next' };
  }

  /** The backup's tab copied into this spreadsheet, as the source of the in-place restore. */
  private tempSheet(): Outcome {
    const { store, log } = this.ctx;
    const p = this.p;
    if (p.inPlace) {
      if (p.proveAttempts === 0) return { type: 'next' };
      return {
        type: 'fail',
        message: `Rollback not finished: after removing the v${this.ctx.config.toVersion} columns, "${this.target().getName()}" does not equal the backup, and the workbook has no room to copy the backup's tab in to restore it. The pre-rollback state is safe in the snapshot "${p.snapshotName}"; restore by hand from the backup "${this.b.name}" (${this.b.url}).`,
      };
    }
    const sheets = this.ss.getSheets();
    let temp = p.tempSheetId === null ? null : sheets.find((s) => s.getSheetId() === p.tempSheetId) || null;
    if (!temp) {
      const leftovers = this.leftovers(sheets);
      if (leftovers.length) {
        // Copied before an interruption but never recorded: a complete copy of the same tab.
        temp = leftovers[0];
        for (const extra of leftovers.slice(1)) this.ss.deleteSheet(extra);
        log.info(STEP, `Rollback ${p.id}: reusing the temporary tab "${temp.getName()}" copied before the interruption.`);
      } else {
        p.sheetIdsBefore = sheets.map((s) => s.getSheetId());
        writeProgress(store, p);
        temp = (this.backupSheet() as SheetLike).copyTo(this.ss);
        log.info(STEP, `Rollback ${p.id}: copied "${this.b.sheetName}" from the backup into this spreadsheet as a temporary tab.`);
      }
      p.tempSheetId = temp.getSheetId();
      writeProgress(store, p);
    }
    if (temp.getName() !== p.tempSheetName) temp.setName(p.tempSheetName);
    return { type: 'next' };
  }

  /** Removes the v3 columns from the target tab, found by header (also when only some were added). */
  private removeV3(): Outcome {
    const { env, config, log } = this.ctx;
    const target = this.target();
    // The v2.1 header comes from the temporary copy, or (restoring in place) the backup itself.
    const temp = this.p.inPlace ? this.backupSheet() : this.temp();
    if (!temp) return { type: 'goto', phase: 'temp_sheet' };
    // A migration that died while it protected the sheet leaves its protection behind.
    if (removeMigrationProtection(env, target) > 0) log.info(STEP, `Rollback ${this.p.id}: removed the protection the interrupted migration had left on "${target.getName()}".`);
    const v2Headers = new Set(temp.getRange(config.headerRow, 1, 1, Math.max(this.b.columnCount, 1)).getValues()[0].map(normalizeHeader));
    // A v3 name that the v2.1 header already had is v2.1 data, not ours to remove.
    const v3 = findV3Columns(readHeaderRow(target, config.headerRow), config).filter((c) => !v2Headers.has(normalizeHeader(c.name)));
    // Right to left, so the positions still to delete do not move.
    const runs: Array<{ from: number; count: number; names: string[] }> = [];
    for (const c of v3.slice().reverse()) {
      const last = runs[runs.length - 1];
      if (last && last.from === c.column + 1) {
        last.from = c.column;
        last.count++;
        last.names.unshift(c.name);
      } else runs.push({ from: c.column, count: 1, names: [c.name] });
    }
    for (const r of runs) {
      target.deleteColumns(r.from, r.count);
      this.p.removedColumns = this.p.removedColumns.concat(r.names.filter((n) => !this.p.removedColumns.includes(n)));
      log.info(STEP, `Rollback ${this.p.id}: removed column${r.count > 1 ? 's' : ''} ${r.names.join(', ')} (${columnLetter(r.from)}${r.count > 1 ? `–${columnLetter(r.from + r.count - 1)}` : ''}) from "${target.getName()}".`);
    }
    invalidateColumnMap(this.ctx.env.documentCache());
    return { type: 'next' };
  }

  /** Back to the backup's grid: rows and columns added since go (they are in the snapshot). */
  private fitGrid(): Outcome {
    const { log } = this.ctx;
    const target = this.target();
    const b = this.b;
    const rows = target.getMaxRows();
    const cols = target.getMaxColumns();
    if (rows > b.maxRows) target.deleteRows(b.maxRows + 1, rows - b.maxRows);
    else if (rows < b.maxRows) target.insertRowsAfter(rows, b.maxRows - rows);
    if (cols > b.maxColumns) target.deleteColumns(b.maxColumns + 1, cols - b.maxColumns);
    else if (cols < b.maxColumns) target.insertColumnsAfter(cols, b.maxColumns - cols);
    if (rows !== b.maxRows || cols !== b.maxColumns) {
      log.info(STEP, `Rollback ${this.p.id}: grid of "${target.getName()}" set back from ${rows} × ${cols} to ${b.maxRows} × ${b.maxColumns}.`);
    }
    return { type: 'next' };
  }

  /** Values, formulas and formats from the temporary tab onto the target, chunk by chunk. */
  private copyRange(): Outcome {
    const { log } = this.ctx;
    // In place there is nothing to copy (prove checks); after a failed proof, the copy is needed.
    if (this.p.inPlace) return this.p.proveAttempts === 0 ? { type: 'next' } : { type: 'goto', phase: 'temp_sheet' };
    const target = this.target();
    const temp = this.temp();
    if (!temp) return { type: 'goto', phase: 'temp_sheet' };
    const b = this.b;
    let cur = this.p.cursor || { nextRow: 1, lastRow: b.maxRows, acc: '' };
    while (cur.nextRow <= cur.lastRow) {
      if (!this.budget.fits(1000)) return this.pause(cur);
      const from = cur.nextRow;
      const n = Math.min(chunkRowsFor(b, b.maxColumns), cur.lastRow - from + 1);
      this.budget.measure(() => temp.getRange(from, 1, n, b.maxColumns).copyTo(target.getRange(from, 1, n, b.maxColumns)));
      cur = { ...cur, nextRow: from + n };
      // Each chunk is idempotent; the cursor only spares a resumed call the chunks already done.
      this.checkpoint({ cursor: cur });
    }
    log.info(STEP, `Rollback ${this.p.id}: rows 1–${b.maxRows} × columns A–${columnLetter(b.maxColumns)} of "${target.getName()}" restored from the backup.`);
    return { type: 'next' };
  }

  /** The target tab now digests as the backup did, with the backup's grid and its own sheet id. */
  private prove(): Outcome {
    const { env, log, store } = this.ctx;
    const target = this.target();
    const b = this.b;
    let cur = this.p.cursor || startDigest(1, b.lastRow);
    while (!isDigestDone(cur)) {
      if (!this.budget.fits(1000)) return this.pause(cur);
      const from = cur;
      cur = this.budget.measure(() => digestNextChunk(target, from, b.columnCount, b.chunkRows, env.sha256Hex));
      this.checkpoint({ cursor: cur });
    }
    const dims = [target.getMaxRows(), target.getMaxColumns(), target.getLastRow()];
    const want = [b.maxRows, b.maxColumns, b.lastRow];
    const same = cur.acc === b.digest && dims.every((d, i) => d === want[i]) && target.getSheetId() === b.sheetId;
    if (same) {
      log.info(STEP, `Rollback ${this.p.id}: proved: "${target.getName()}" (sheet id ${b.sheetId}) digests as the backup, ${b.maxRows} × ${b.maxColumns} cells.`);
      return { type: 'next' };
    }
    this.p.proveAttempts++;
    writeProgress(store, this.p);
    const what = `the restored "${target.getName()}" does not equal the backup (${cur.acc === b.digest ? `grid ${dims.join('/')} vs ${want.join('/')}` : 'digest mismatch'})`;
    if (this.p.proveAttempts < 2) {
      // Someone may have typed into the tab during the restore: restore once more.
      log.warn(STEP, `Rollback ${this.p.id}: ${what}; restoring again.`);
      return { type: 'goto', phase: 'fit_grid' };
    }
    return {
      type: 'fail',
      message: `Rollback not finished: ${what} after ${this.p.proveAttempts} attempts. Make sure nobody edits "${target.getName()}", then roll back again (it resumes). The pre-rollback state is safe in the snapshot "${this.p.snapshotName}".`,
    };
  }

  private deleteTemp(): Outcome {
    const sheets = this.ss.getSheets();
    const doomed = sheets.filter((s) => s.getSheetId() === this.p.tempSheetId).concat(this.leftovers(sheets));
    for (const s of doomed) this.ss.deleteSheet(s);
    if (doomed.length) this.ctx.log.info(STEP, `Rollback ${this.p.id}: temporary tab removed.`);
    return { type: 'next' };
  }

  /** Clears the column-map cache and the checkpoints, records the rollback and its report. */
  private finish(): Outcome {
    const { env, config, store, log } = this.ctx;
    const p = this.p;
    // Before the record goes: a crash after this resumes here and removes it again (no-op).
    removeMigrationProtection(env, this.target(), ROLLBACK_PROTECTION_DESCRIPTION);
    invalidateColumnMap(env.documentCache());
    store.clearRun();
    const history = store.readHistory();
    const last = history[history.length - 1];
    const now = new Date(env.now()).toISOString();
    if (!(last && last.kind === 'rollback' && last.snapshotId === p.snapshotId)) {
      const entry: HistoryEntry = {
        kind: 'rollback',
        from: config.toVersion,
        to: config.fromVersion,
        by: p.startedBy,
        at: now,
        backupId: this.b.id,
        snapshotId: p.snapshotId,
      };
      store.appendHistory(entry);
    }
    const report = this.report();
    report.complete = true;
    report.phase = null;
    report.message = doneMessage(config, report, p);
    const confirmation = {
      rollbackId: p.id,
      ...report,
      startedAt: p.startedAt,
      finishedAt: now,
      by: p.startedBy,
      removedColumns: p.removedColumns,
      backupDigest: this.b.digest,
      proved: true,
    };
    store.writeJson(REPORT_KEY, trimToFit(confirmation));
    log.info(STEP, `Rollback ${p.id}: done. ${report.message}`);
    log.info(STEP, `Rollback ${p.id}: confirmation ${JSON.stringify({ backupId: this.b.id, snapshotId: p.snapshotId, changedRows: report.changedRows, rowsWithV3Data: report.rowsWithV3Data, columnCount: report.columnCount, sheetId: this.b.sheetId })}`);
    flushQuietly(this.ctx);
    // The lease goes before the record: a crash between the two leaves a record, and the
    // next call finishes again; the other order could leave a lease nobody gives back.
    releaseLease(env, store, this.owner);
    clearProgress(store);
    return { type: 'next' };
  }

  // --- helpers ---

  /**
   * Protects the target tab from the snapshot on, so that nobody else's edit made between the
   * snapshot and the restore is lost (it would be in neither). Kept until the rollback
   * completes, also across a failed or interrupted call: the tab is half restored then, and a
   * resumed call restores it again. The owner of the file can always edit. Idempotent: a
   * resumed call finds its protection (or the blank one an interrupted call left) and adopts it.
   */
  private protectTarget(): void {
    // Once in place (and recorded), later calls trust it: checking costs several calls each time.
    if (this.protectionChecked || this.p.protected) return;
    const mode = this.p.protection || (this.ctx.config.protectDuringMigration ? 'ours' : 'off');
    if (mode === 'ours') {
      let owner: string | null = null;
      try {
        const o = this.ss.getOwner();
        owner = o ? o.getEmail() : null;
      } catch (e) {
        owner = null;
      }
      protectForMigration(this.ctx.env, this.target(), true, owner, ROLLBACK_PROTECTION_DESCRIPTION);
      this.p.protected = true;
      writeProgress(this.ctx.store, this.p);
    }
    this.protectionChecked = true;
  }

  private done(): RollbackResult {
    const r = this.report();
    r.complete = true;
    r.phase = null;
    r.message = doneMessage(this.ctx.config, r, this.p);
    return r;
  }

  private incomplete(): RollbackResult {
    this.ctx.log.info(STEP, `Rollback ${this.p.id}: paused while ${phaseLabel(this.p.phase)} (phase ${this.p.phase}) to stay within the time budget; call again to continue.`);
    flushQuietly(this.ctx);
    const r = this.report();
    r.complete = false;
    r.message = `Rollback in progress (next: ${phaseLabel(this.p.phase)}); nothing is lost. Call rollbackMigration({confirm: true}) again to continue.`;
    return r;
  }

  /**
   * Records where a chunked phase got to, after every chunk but the last (the phase's end is
   * recorded with the next phase): an execution killed mid-phase resumes at the next chunk,
   * not at the phase's start, as a migration resumes a long step. One property write per
   * chunk of many thousand cells.
   */
  private checkpoint(at: { cursor: { nextRow: number; lastRow: number; acc: string } } | { count: ChangeCount }): void {
    if ('count' in at) this.p.count = at.count;
    else this.p.cursor = { nextRow: at.cursor.nextRow, lastRow: at.cursor.lastRow, acc: at.cursor.acc };
    const more = 'count' in at ? at.count.nextRow <= at.count.lastRow : at.cursor.nextRow <= at.cursor.lastRow;
    if (more) writeProgress(this.ctx.store, this.p);
  }

  /** Records where a chunked phase stopped and ends this call's share of it. */
  private pause(cur: { nextRow: number; lastRow: number; acc: string }): Outcome {
    this.p.cursor = { nextRow: cur.nextRow, lastRow: cur.lastRow, acc: cur.acc };
    writeProgress(this.ctx.store, this.p);
    return { type: 'more' };
  }

  private report(): RollbackResult {
    const target = this.targetSheet || sheetById(this.ss, this.b.sheetId);
    const r = base(this.ctx, this.ss, this.b, target, target ? headerNames(readHeaderRow(target, this.ctx.config.headerRow)).length : 0);
    r.ok = true;
    r.canRollBack = true;
    r.phase = this.p.phase;
    r.migration = this.p.migration;
    r.rollbackUntil = this.p.rollbackUntil;
    r.snapshotId = this.p.snapshotId;
    r.snapshotName = this.p.snapshotName;
    r.snapshotUrl = this.p.snapshotId ? `https://docs.google.com/spreadsheets/d/${this.p.snapshotId}/edit` : null;
    fillCounts(r, this.p.count);
    r.plan = planLines(this.ctx.config, r, this.b);
    return r;
  }

  private target(): SheetLike {
    if (this.targetSheet) return this.targetSheet;
    const s = sheetById(this.ss, this.b.sheetId);
    if (!s) throw new Error(`The tab with sheet id ${this.b.sheetId} disappeared during the rollback. Restore it by hand from the snapshot "${this.p.snapshotName}" or the backup ${this.b.url}.`);
    this.targetSheet = s;
    return s;
  }

  private backupSheet(): SheetLike | null {
    if (!this.backupSheetCache) this.backupSheetCache = this.ctx.env.openSpreadsheetById(this.b.id).getSheetByName(this.b.sheetName);
    return this.backupSheetCache;
  }

  private temp(): SheetLike | null {
    return this.p.tempSheetId === null ? null : sheetById(this.ss, this.p.tempSheetId);
  }

  /** Tabs added by an interrupted copy: new since the copy began, named after the backup's tab. */
  private leftovers(sheets: SheetLike[]): SheetLike[] {
    const before = this.p.sheetIdsBefore;
    if (!before) return [];
    return sheets.filter((s) => {
      const id = s.getSheetId();
      return !before.includes(id) && id !== this.p.tempSheetId && id !== this.b.sheetId && s.getName().includes(this.b.sheetName);
    });
  }
}

// --- shared helpers --------------------------------------------------------------------------

/**
 * Rows per Spreadsheet call of a rollback chunk `width` columns wide: as many cells as one
 * digest chunk of the backup, whose size the migration pinned in the backup record (its run's
 * chunk size: cells over the v2.1 width, or the `chunkRows` run option of tests). So the
 * rollback reads and copies in the chunks the migration did, and a test that migrates with
 * small chunks gets a rollback whose long phases span several chunks too.
 */
function chunkRowsFor(b: BackupRecord, width: number): number {
  return rowsPerCall(b.chunkRows * Math.max(1, b.columnCount), width);
}

function base(ctx: RollbackContext, ss: SpreadsheetLike, backup: BackupRecord | null, target?: SheetLike | null, columnCount?: number): RollbackResult {
  const { env, config } = ctx;
  const sheet = target === undefined ? (backup ? sheetById(ss, backup.sheetId) : ss.getSheetByName(config.targetSheet)) : target;
  const count = columnCount !== undefined ? columnCount : sheet ? headerNames(readHeaderRow(sheet, config.headerRow)).length : 0;
  return {
    ok: false,
    message: '',
    backupId: backup ? backup.id : null,
    snapshotId: null,
    columnCount: count,
    complete: true,
    canRollBack: false,
    phase: null,
    migration: 'none',
    backupName: backup ? backup.name : null,
    backupUrl: backup ? backup.url : null,
    backupCreatedAt: backup ? backup.createdAt : null,
    backupAge: backup ? describeAge(backup.createdAt, env.now()) : null,
    rollbackUntil: null,
    snapshotName: backup ? snapshotNameFor(env, ss, env.now()) : null,
    snapshotUrl: null,
    snapshotWhere: config.backupFolderId ? 'in the backup folder, next to the backups' : 'in your Drive, like the backup',
    sheetName: sheet ? sheet.getName() : config.targetSheet,
    sheetId: sheet ? sheet.getSheetId() : null,
    changedRowsSample: [],
    plan: [],
  };
}

function refuse(ctx: RollbackContext, report: RollbackResult, message: string): RollbackResult {
  report.ok = false;
  report.complete = true;
  report.canRollBack = false;
  report.message = /Nothing was changed\.?$/.test(message) || /nothing was changed/i.test(message) ? message : `${message} Nothing was changed.`;
  ctx.log.warn(STEP, `Rollback refused (asked by ${ctx.env.activeUser() || 'unknown user'}): ${report.message}`);
  flushQuietly(ctx);
  return report;
}

function doneMessage(config: MigrationConfig, r: RollbackResult, p: RollbackProgress): string {
  const changes =
    r.changedRows === undefined ? '' : ` Reverted: ${rows(r.changedRows, 'edited', 'edited')} since the backup, ${rows(r.rowsWithV3Data || 0, 'with', 'with')} v${config.toVersion} data;`;
  return (
    `Rolled back: "${r.sheetName}" (same tab id ${r.sheetId}) is the v${config.fromVersion} original again, ${r.columnCount} columns, proved equal to the backup "${r.backupName}".` +
    `${changes} the state before the rollback is kept in the snapshot "${p.snapshotName}" (${p.snapshotId}).`
  );
}

function snapshotNameFor(env: Env, ss: SpreadsheetLike, nowMs: number): string {
  const stamp = env.formatDate(new Date(nowMs), ss.getSpreadsheetTimeZone(), 'yyyyMMdd_HHmmss');
  return `${ss.getName()}_pre-rollback_snapshot_${stamp}`;
}

function sheetById(ss: SpreadsheetLike, id: number): SheetLike | null {
  return ss.getSheets().find((s) => s.getSheetId() === id) || null;
}

function flushQuietly(ctx: RollbackContext): void {
  // The log is the audit trail, not the data: a failing flush must not fail the rollback.
  try {
    withRetry(ctx.env, () => ctx.log.flush());
  } catch (e) {
    if (/exceeded maximum execution time/i.test(String(e instanceof Error ? e.message : e))) throw e;
    ctx.env.console.warn('[Sheet Migrator] could not persist the log:', e);
  }
}

function trimToFit(report: Record<string, unknown>): Record<string, unknown> {
  // The plan lines repeat what the other fields say; drop them first if the record grows large.
  const text = JSON.stringify(report);
  if (text.length < 6000) return report;
  const { plan: _plan, ...rest } = report;
  return rest;
}
