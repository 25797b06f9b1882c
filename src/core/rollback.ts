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
import { Env, SheetLike, SpreadsheetLike } from './gas';
import { MigrationConfig } from './config';
import { BackupRecord, CorruptStateError, StateStore } from './state';
import { MigrationLog } from './log';
import { RollbackReport } from './types';
import { checkAccess } from './access';
import { acquireLease, releaseLease } from './lease';
import { errorText, isTimeLimit, withRetry } from './retry';
import { normalizeHeader } from './columnMap';
import { DigestProgress, digestNextChunk, isDigestDone, startDigest } from './digest';
import { Budget } from './rollback/budget';
import { propertySpaceProblem } from './quota';
import { ChangeCount, countNextChunk, findV3Columns, startCount, V3Column } from './rollback/changes';
import { clearProgress, nextPhase, tempTabName, Phase, phaseLabel, PROTECTED_PHASES, READ_ONLY_PHASES, readProgress, RollbackProgress, writeProgress } from './rollback/progress';
import { describeAge, headerNames, migrationState } from './rollback/state';
import { columnLetter, readHeaderRow, WORKBOOK_CELL_LIMIT, workbookSize } from './preflight';
import { formatWhen } from './wording';
import { plural } from './steps/types';
import { repeatWithin, rowsPerCall } from './chunking';
import { backupFileState, backupName, openSheet } from './steps/createBackup';
import { leaseOwner } from './coordinator';
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
const NEXT: Outcome = { type: 'next' };
const MORE: Outcome = { type: 'more' };
const goto = (phase: Phase): Outcome => ({ type: 'goto', phase });

/** Where a chunked piece of work got to: rows nextRow..lastRow are still to do. */
type Cursor = { nextRow: number; lastRow: number };

const MAY_NOT = 'You may not roll back this migration.';

export function rollbackMigration(ctx: RollbackContext, opts: RollbackOptions = {}): RollbackResult {
  const flag = { mutating: false };
  try {
    return rollbackOnce(ctx, opts, flag);
  } catch (e) {
    // An unreadable record found before anything changed is the user's to fix (its message
    // says how); once the file is changing, it is a failure like any other and is thrown.
    // A preview writes nothing, not even the log.
    if (!(e instanceof CorruptStateError) || flag.mutating) throw e;
    return refuse(ctx, base(ctx, ctx.env.activeSpreadsheet(), null), e.message, opts.confirm !== true);
  }
}

function rollbackOnce(ctx: RollbackContext, opts: RollbackOptions, flag: { mutating: boolean }): RollbackResult {
  const { env, config, store, log } = ctx;
  const budget = new Budget(env, opts.budgetMs ?? config.timeBudgetSeconds * 1000);
  const ss = env.activeSpreadsheet();
  const progress = readProgress(store);
  const backup = store.readBackup();

  if (opts.confirm !== true) {
    const shown = preview(ctx, ss, progress, backup, budget);
    // Someone who may not roll back sees what a rollback would do, but is not offered one.
    const who = checkAccess(env, ss, config);
    return !who.canAct && shown.canRollBack ? refuse(ctx, shown, who.reason || MAY_NOT, true) : shown;
  }

  const access = checkAccess(env, ss, config);
  const no = (message: string) => refuse(ctx, base(ctx, ss, backup), message);
  if (!access.canAct) return no(access.reason || MAY_NOT);
  // A new rollback needs room for its checkpoints; one under way goes on (stopping it would
  // leave the tab half restored), and its records are already there.
  const full = !progress && propertySpaceProblem(env.documentProperties(), 'rollback');
  if (full) return no(full);

  let resume = progress;
  if (resume && (!backup || resume.backupId !== backup.id)) {
    // A record for another backup from a read-only phase is a check that was cut off: nothing
    // changed, start afresh. From a later phase, a migration ran over a half-done rollback.
    if (!READ_ONLY_PHASES.includes(resume.phase)) {
      return no(
        `A rollback from the backup ${resume.backupId} stopped while ${phaseLabel(resume.phase)}, and a migration has made a new backup since, so it cannot resume. ` +
          `Restore what you need by hand from the snapshot ${url(resume.snapshotId) || `"${resume.snapshotName}" (if it was taken)`} or that backup ${url(resume.backupId)}.`,
      );
    }
    resume = null;
  }
  let assessed: Assessment | null = null;
  if (!resume) {
    assessed = assess(ctx, ss, backup);
    if (assessed.type === 'refuse') return refuse(ctx, assessed.report, assessed.message);
    if (assessed.type === 'done') return assessed.report;
  }
  const b = backup as BackupRecord;

  const by = access.actor || 'unknown user';
  const owner = leaseOwner(access.actor, 'rollback');
  const lease = withRetry(env, () => acquireLease(env, store, owner, 'rollback', config.leaseSeconds));
  if (!lease.ok) return no(lease.message);

  let p: RollbackProgress;
  if (resume) {
    p = resume;
    log.info(STEP, `Rollback ${p.id}: resumed by ${by} (${phaseLabel(p.phase)}).`);
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
      snapshotName: a.report.snapshotName as string,
      snapshotId: null,
      snapshotRequested: false,
      sheetIdsBefore: null,
      tempSheetId: null,
      tempSheetName: tempTabName(b.sheetName, id),
      removedColumns: [],
      proveAttempts: 0,
      protection: !config.protectDuringMigration ? 'off' : findProtection(env, a.target, ROLLBACK_PROTECTION_DESCRIPTION).state === 'preexisting' ? 'preexisting' : 'ours',
    };
    withRetry(env, () => writeProgress(store, p));
    log.info(STEP, `Rollback ${id}: started by ${by} (${a.migration} migration), backup "${b.name}" (${b.id}), window until ${formatWhen(env, a.rollbackUntil)}.`);
  }

  try {
    return runPhases(ctx, ss, b, p, budget, owner, access.owner, flag, assessed && assessed.type === 'go' ? assessed.target : null);
  } catch (e) {
    log.error(STEP, `Rollback ${p.id}: failed while ${phaseLabel(p.phase)}: ${errorText(e)}. Run it again to resume.`);
    flushQuietly(ctx);
    throw e;
  }
}

// --- assessment (read-only) ----------------------------------------------------------------

type Assessment =
  | { type: 'refuse'; message: string; report: RollbackResult }
  | { type: 'done'; report: RollbackResult }
  | { type: 'go'; migration: 'complete' | 'partial'; rollbackUntil: string; target: SheetLike; v3: V3Column[]; report: RollbackResult };

function assess(ctx: RollbackContext, ss: SpreadsheetLike, backup: BackupRecord | null): Assessment {
  const { env, config, store } = ctx;
  const target = backup ? sheetById(ss, backup.sheetId) : ss.getSheetByName(config.targetSheet);
  const headers = target ? headerNames(readHeaderRow(target, config.headerRow)) : [];
  const v3 = findV3Columns(headers, config);
  const state = migrationState(store, config, v3.length > 0);
  const report = base(ctx, ss, backup, target, headers.length);
  report.migration = state.kind;
  const no = (message: string): Assessment => ({ type: 'refuse', message, report });

  if (state.kind === 'none') {
    return no(backup ? `Nothing to roll back: "${report.sheetName}" has no v${config.toVersion} column and no migration is under way.` : 'Nothing to roll back: no migration has been run on this spreadsheet.');
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
    return no(`The backup "${b.name}" was made from another spreadsheet (${b.spreadsheetId}). If it is the right one, restore by hand from ${b.url}.`);
  }
  if (!target) return no(`The migrated tab "${b.sheetName}" (sheet id ${b.sheetId}) is no longer in this spreadsheet. Restore it by hand from the backup: ${b.url}`);
  if (env.now() > Date.parse(state.rollbackUntil)) {
    return no(
      `The rollback window closed on ${formatWhen(env, state.rollbackUntil)} (${config.rollbackWindowDays} days after the migration ${state.kind === 'complete' ? 'completed' : 'made its backup'}). ` +
        `To restore v${config.fromVersion} by hand, open the backup "${b.name}" (${b.url}), copy its "${b.sheetName}" tab into this spreadsheet and replace "${report.sheetName}" with it.`,
    );
  }
  const problem = backupFileProblem(env, b);
  return problem ? no(problem) : { type: 'go', migration: state.kind, rollbackUntil: state.rollbackUntil, target, v3, report };
}

function backupFileProblem(env: Env, b: BackupRecord): string | null {
  const gone = backupFileState(env, b);
  if (gone === 'missing') return `The backup "${b.name}" (${b.id}) no longer exists or cannot be opened. Look for it in Drive (also in its owner's trash).`;
  return gone ? `The backup "${b.name}" is in the Drive trash. Restore it from the trash (${b.url}), then roll back again.` : null;
}

/** The backup changed after it was made: restoring from it would not give the original back. */
function untrusted(b: BackupRecord, what: string): string {
  return `The backup "${b.name}" was edited after it was made (${what}), so it cannot be trusted. Open ${b.url} to restore by hand what you need.`;
}

function backupDigestProblem(b: BackupRecord): string {
  return untrusted(b, `its "${b.sheetName}" tab no longer matches the digest recorded then`);
}

/** Cheap checks of the backup's tab: it exists and has the recorded grid. */
function backupSheetProblem(sheet: SheetLike | null, b: BackupRecord): string | null {
  if (!sheet) return untrusted(b, `it has no tab "${b.sheetName}" any more`);
  const grid = gridDiff(sheet, b);
  return grid ? untrusted(b, `its "${b.sheetName}" tab is ${grid}`) : null;
}

/** How a tab's grid differs from the backup's, or '' when it does not. */
function gridDiff(s: SheetLike, b: BackupRecord): string {
  const d = [s.getMaxRows(), s.getMaxColumns(), s.getLastRow()];
  return d[0] !== b.maxRows || d[1] !== b.maxColumns || d[2] !== b.lastRow ? `${d[0]} × ${d[1]} cells to row ${d[2]}, not ${b.maxRows} × ${b.maxColumns} to row ${b.lastRow}` : '';
}

// --- preview (no confirmation: nothing is written) ----------------------------------------

function preview(ctx: RollbackContext, ss: SpreadsheetLike, progress: RollbackProgress | null, backup: BackupRecord | null, budget: Budget): RollbackResult {
  const { env, config } = ctx;
  if (progress && backup && progress.backupId === backup.id) {
    const report = progressReport(ctx, ss, backup, progress);
    report.message = `A rollback is in progress (it stopped while ${phaseLabel(progress.phase)}). Nothing was changed: confirm (rollbackMigration({confirm: true})) to finish it.`;
    return report;
  }
  const a = assess(ctx, ss, backup);
  if (a.type !== 'go') return a.type === 'done' ? a.report : refuse(ctx, a.report, a.message, true);
  const b = backup as BackupRecord;
  const report = a.report;
  // A transient error is thrown here: read as "no tab", it would call the backup edited.
  const sheet = openSheet(env, b.id, b.sheetName);
  const problem = backupSheetProblem(sheet, b);
  if (problem) return refuse(ctx, report, problem, true);
  const bs = sheet as SheetLike;
  // The confirmed call proves the backup again; doing it here too spares a YES that then refuses.
  const digest = chunks(budget, startDigest(1, b.lastRow), digestStep(env, bs, b));
  if (isDigestDone(digest) && digest.acc !== b.digest) return refuse(ctx, report, backupDigestProblem(b), true);
  // Count what would be reverted, as far as the budget allows; a large sheet counts during the rollback.
  const count = chunks(budget, startCount(a.target, bs, b.lastRow, config.headerRow), countStep(a.target, bs, b, a.v3));
  fillCounts(report, count);
  report.canRollBack = true;
  report.plan = planLines(config, report, b);
  report.message = `Not rolled back: it needs confirmation (rollbackMigration({confirm: true})). Nothing was changed. If confirmed: ${report.plan.join(' ')}`;
  return report;
}

/** The report of a rollback under way, from its record. */
function progressReport(ctx: RollbackContext, ss: SpreadsheetLike, b: BackupRecord, p: RollbackProgress, target?: SheetLike): RollbackResult {
  const r = Object.assign(base(ctx, ss, b, target, undefined, p.snapshotName), { canRollBack: true, phase: p.phase, migration: p.migration, rollbackUntil: p.rollbackUntil, snapshotId: p.snapshotId });
  fillCounts(r, p.count);
  r.plan = planLines(ctx.config, r, b);
  return r;
}

function fillCounts(report: RollbackResult, count: ChangeCount | null): void {
  if (!count || !isDigestDone(count)) return;
  report.changedRows = count.changedRows;
  report.rowsWithV3Data = count.rowsWithV3Data;
  report.changedRowsSample = count.changedSample.slice();
}

function rows(n: number, one: string, many = one): string {
  return `${n} row${n === 1 ? '' : 's'} ${n === 1 ? one : many}`;
}

/** "2 rows differ from the backup in the v2.1 columns and 1 row holds v3.0 data" */
function changes(config: MigrationConfig, changed: number, v3: number, sample = ''): string {
  return `${rows(changed, 'differs', 'differ')} from the backup in the v${config.fromVersion} columns${sample} and ${rows(v3, 'holds', 'hold')} v${config.toVersion} data`;
}

function planLines(config: MigrationConfig, r: RollbackResult, b: BackupRecord): string[] {
  const n = r.changedRows;
  return [
    `First, a snapshot copy of the whole spreadsheet is saved as "${r.snapshotName}" (${r.snapshotWhere}).`,
    `Then "${r.sheetName}" gets back its values, formulas, formats and size from the backup "${b.name}", in place (same file, same tab id); the v${config.toVersion} columns ${config.newColumns.map((c) => c.name).join(', ')} go away.`,
    n === undefined
      ? 'Rows changed since the migration are counted before anything changes.'
      : n || r.rowsWithV3Data
        ? `${changes(config, n, r.rowsWithV3Data || 0)}: the snapshot keeps those edits.`
        : `No row differs from the backup in the v${config.fromVersion} columns and no row holds v${config.toVersion} data.`,
    'Other tabs are not touched.',
  ];
}

/** Runs chunks from `cur` while the budget allows (`after` sees each new cursor); returns where it got to. */
function chunks<C extends Cursor>(budget: Budget, cur: C, step: (c: C) => C, after?: (c: C) => void): C {
  return repeatWithin(budget, cur, step, isDigestDone, 1000, after);
}

const digestStep = (env: Env, sheet: SheetLike, b: BackupRecord) => (c: DigestProgress) => digestNextChunk(sheet, c, b.columnCount, b.chunkRows, env.sha256Hex);

const countStep = (target: SheetLike, bs: SheetLike, b: BackupRecord, v3: V3Column[]) => (c: ChangeCount) =>
  countNextChunk(target, bs, b.lastRow, c, v3, chunkRowsFor(b, Math.max(c.width, c.backupWidth)));

// --- the phases ----------------------------------------------------------------------------

/**
 * Runs the phases from p.phase on until the rollback is done, this call's budget is spent, or
 * a phase refuses or fails. `ownerEmail`: the file's owner, as checkAccess looked it up.
 * `assessed`: the target tab, when this call assessed the rollback (and checked the backup file).
 */
function runPhases(
  ctx: RollbackContext,
  ss: SpreadsheetLike,
  b: BackupRecord,
  p: RollbackProgress,
  budget: Budget,
  owner: string,
  ownerEmail: string | null,
  flag: { mutating: boolean },
  assessed: SheetLike | null,
): RollbackResult {
  const { env, config, store } = ctx;
  let targetSheet = assessed;
  let fileChecked = !!assessed;
  let backupSheetCache: SheetLike | null = null;
  let protectionChecked = false;
  /** Set by the last phase. */
  let result = null as RollbackResult | null;

  const save = () => writeProgress(store, p);
  const say = (message: string, level: 'info' | 'warn' | 'error' = 'info') => ctx.log[level](STEP, `Rollback ${p.id}: ${message}`);
  /** The way out when the rollback cannot finish by itself. */
  const byHand = () => `Restore by hand from the snapshot "${p.snapshotName}" (the file before the rollback) or the backup ${b.url}.`;

  function target(): SheetLike {
    if (targetSheet) return targetSheet;
    const s = sheetById(ss, b.sheetId);
    if (!s) throw new Error(`The tab with sheet id ${b.sheetId} disappeared during the rollback. ${byHand()}`);
    return (targetSheet = s);
  }

  function backupSheet(): SheetLike | null {
    return backupSheetCache || (backupSheetCache = env.openSpreadsheetById(b.id).getSheetByName(b.sheetName));
  }

  function temp(): SheetLike | null {
    return p.tempSheetId === null ? null : sheetById(ss, p.tempSheetId);
  }

  /** Tabs added by an interrupted copy: new since the copy began, named after the backup's tab. */
  function leftovers(sheets: SheetLike[]): SheetLike[] {
    const before = p.sheetIdsBefore;
    if (!before) return [];
    return sheets.filter((s) => {
      const id = s.getSheetId();
      return !before.includes(id) && id !== p.tempSheetId && id !== b.sheetId && s.getName().includes(b.sheetName);
    });
  }

  function report(): RollbackResult {
    const r = progressReport(ctx, ss, b, p, targetSheet || undefined);
    r.ok = true;
    r.snapshotUrl = url(p.snapshotId);
    return r;
  }

  function incomplete(): RollbackResult {
    const label = phaseLabel(p.phase);
    say(`paused while ${label} to stay within the time budget.`);
    flushQuietly(ctx);
    const r = report();
    r.complete = false;
    r.message = `Rollback in progress (next: ${label}); nothing is lost. Call rollbackMigration({confirm: true}) again to continue.`;
    return r;
  }

  /**
   * Runs a chunked phase from `cur` while the budget allows. Where it got to is recorded after
   * every chunk but the last (the phase's end is recorded with the next phase): an execution
   * killed mid-phase resumes at the next chunk, as a migration resumes a long step. Returns the
   * finished cursor, or null when this call's share ends (recorded too).
   */
  function chunked<C extends Cursor>(cur: C, step: (c: C) => C, set: (c: C) => void = (c) => (p.cursor = c as unknown as DigestProgress)): C | null {
    const record = (c: C) => {
      set(c);
      save();
    };
    cur = chunks(budget, cur, step, (c) => (isDigestDone(c) ? set(c) : record(c)));
    if (isDigestDone(cur)) return cur;
    record(cur);
    return null;
  }

  /**
   * Protects the target tab from the snapshot on, so that nobody else's edit made between the
   * snapshot and the restore is lost (it would be in neither). Kept until the rollback
   * completes, also across a failed or interrupted call: the tab is half restored then, and a
   * resumed call restores it again. The owner of the file can always edit. Idempotent: a
   * resumed call finds its protection (or the blank one an interrupted call left) and adopts it.
   */
  function protectTarget(): void {
    // Once in place (and recorded), later calls trust it: checking costs several calls each time.
    if (protectionChecked || p.protected) return;
    if ((p.protection || (config.protectDuringMigration ? 'ours' : 'off')) === 'ours') {
      protectForMigration(env, target(), true, ownerEmail, ROLLBACK_PROTECTION_DESCRIPTION);
      p.protected = true;
      save();
    }
    protectionChecked = true;
  }

  const phases: Record<Phase, () => Outcome> = {
    /** The backup exists, is not trashed, has its recorded grid and still digests as recorded. */
    check_backup() {
      const problem = (!fileChecked && backupFileProblem(env, b)) || backupSheetProblem(backupSheet(), b);
      fileChecked = true;
      if (problem) return { type: 'refuse', message: problem };
      const cur = chunked(p.cursor || startDigest(1, b.lastRow), digestStep(env, backupSheet() as SheetLike, b));
      if (!cur) return MORE;
      if (cur.acc !== b.digest) return { type: 'refuse', message: backupDigestProblem(b) };
      say(`backup "${b.name}" checked: ${b.lastRow} rows digest as recorded.`);
      return NEXT;
    },

    /** Counts rows changed since the backup and rows with v3 data; read-only. */
    count_changes() {
      const t = target();
      const bs = backupSheet() as SheetLike;
      if (!p.count) {
        p.v3Columns = findV3Columns(readHeaderRow(t, config.headerRow), config);
        p.count = startCount(t, bs, b.lastRow, config.headerRow);
      }
      const c = chunked(p.count, countStep(t, bs, b, p.v3Columns), (x) => (p.count = x));
      if (!c) return MORE;
      const n = c.changedRows;
      const s = c.changedSample;
      say(`${changes(config, n, c.rowsWithV3Data, s.length ? ` (row${n === 1 ? '' : 's'} ${s.join(', ')}${n > s.length ? ', …' : ''})` : '')}.`);
      // The restore copies the backup's tab in as a temporary tab, and a workbook at Google's
      // cell limit has no room for it. With no v2.1 cell changed, removing the v3 columns (and
      // the grid added since) gives the backup's tab back in place; with changes, refuse now,
      // while nothing has changed.
      const size = workbookSize(ss);
      const need = b.maxRows * b.maxColumns;
      const over = size.cells + need - WORKBOOK_CELL_LIMIT;
      if (over > 0) {
        if (n > 0) {
          return {
            type: 'refuse',
            message:
              `"${t.getName()}" cannot be restored in place: ${plural(n, 'row')} of v${config.fromVersion} data changed since the backup, and restoring ${n === 1 ? 'it' : 'them'} needs a temporary copy of the backup's tab (${need} cells), ` +
              `more than the workbook (${size.cells} cells) has room for under Google's ${WORKBOOK_CELL_LIMIT}-cell limit. Free ${over} cells (delete unused rows or columns in other tabs), then roll back again, or restore by hand from the backup "${b.name}" (${b.url}).`,
          };
        }
        p.inPlace = true;
        say(`${size.cells} cells: no room for a copy of the backup's tab; no v${config.fromVersion} cell changed, so the v${config.toVersion} columns are removed in place.`);
      }
      return NEXT;
    },

    /** A copy of the whole file as it is now; taken once, even across a crash right after the copy. */
    snapshot() {
      if (!p.snapshotId && p.snapshotRequested && env.findFilesByName) {
        // The copy may have been made by a call whose answer was lost: look for it by its name.
        const found = env.findFilesByName(p.snapshotName).filter((f) => !f.isTrashed());
        if (found.length) {
          p.snapshotId = found[0].getId();
          save();
          say(`found the snapshot "${p.snapshotName}" (${p.snapshotId}) made before the interruption.`);
        }
      }
      if (!p.snapshotId) {
        p.snapshotRequested = true;
        save();
        p.snapshotId = ss.copy(p.snapshotName).getId();
        save();
        say(`snapshot saved as "${p.snapshotName}" (${p.snapshotId}).`);
      }
      if (config.backupFolderId) {
        const file = env.getFileById(p.snapshotId);
        if (file) file.moveTo(env.getFolderById(config.backupFolderId));
      }
      // The snapshot must hold the target tab as it is now, or the rollback could lose edits.
      const snap = env.openSpreadsheetById(p.snapshotId).getSheetByName(target().getName());
      const t = target();
      // The copy carries the rollback's own protection, which is not part of the state it keeps.
      if (snap) removeMigrationProtection(env, snap, ROLLBACK_PROTECTION_DESCRIPTION);
      if (!snap || snap.getLastRow() !== t.getLastRow() || snap.getLastColumn() !== t.getLastColumn()) {
        p.snapshotId = null;
        p.snapshotRequested = false;
        save();
        return { type: 'fail', message: `The snapshot "${p.snapshotName}" does not hold "${t.getName()}" as it is now, so nothing was restored. Roll back again to take a new snapshot.` };
      }
      return NEXT;
    },

    /** The backup's tab copied into this spreadsheet, as the source of the in-place restore. */
    temp_sheet() {
      if (p.inPlace) {
        if (p.proveAttempts === 0) return NEXT;
        return {
          type: 'fail',
          message: `Rollback not finished: without its v${config.toVersion} columns, "${target().getName()}" still differs from the backup, and the workbook has no room to copy the backup's tab in. ${byHand()}`,
        };
      }
      const sheets = ss.getSheets();
      let tab = sheets.find((s) => s.getSheetId() === p.tempSheetId) || null;
      if (!tab) {
        const left = leftovers(sheets);
        if (left.length) {
          // Copied before an interruption but never recorded: a complete copy of the same tab.
          tab = left[0];
          for (const extra of left.slice(1)) ss.deleteSheet(extra);
          say(`reusing the temporary tab "${tab.getName()}" copied before the interruption.`);
        } else {
          p.sheetIdsBefore = sheets.map((s) => s.getSheetId());
          save();
          tab = (backupSheet() as SheetLike).copyTo(ss);
          say(`copied the backup's tab in as a temporary tab.`);
        }
        p.tempSheetId = tab.getSheetId();
        save();
      }
      if (tab.getName() !== p.tempSheetName) tab.setName(p.tempSheetName);
      return NEXT;
    },

    /** Removes the v3 columns from the target tab, found by header (also when only some were added). */
    remove_v3() {
      const t = target();
      // The v2.1 header comes from the temporary copy, or (restoring in place) the backup itself.
      const from = p.inPlace ? backupSheet() : temp();
      if (!from) return goto('temp_sheet');
      // A migration that died while it protected the sheet leaves its protection behind.
      if (removeMigrationProtection(env, t) > 0) say(`removed the protection an interrupted migration left on "${t.getName()}".`);
      const v2Headers = new Set(from.getRange(config.headerRow, 1, 1, Math.max(b.columnCount, 1)).getValues()[0].map(normalizeHeader));
      // A v3 name that the v2.1 header already had is v2.1 data, not ours to remove.
      const v3 = findV3Columns(readHeaderRow(t, config.headerRow), config).filter((c) => !v2Headers.has(normalizeHeader(c.name)));
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
        t.deleteColumns(r.from, r.count);
        p.removedColumns = p.removedColumns.concat(r.names.filter((n) => !p.removedColumns.includes(n)));
        say(`removed ${r.names.join(', ')} (${columnLetter(r.from)}${r.count > 1 ? `–${columnLetter(r.from + r.count - 1)}` : ''}) from "${t.getName()}".`);
      }
      return NEXT;
    },

    /** Back to the backup's grid: rows and columns added since go (they are in the snapshot). */
    fit_grid() {
      const t = target();
      const rows = t.getMaxRows();
      const cols = t.getMaxColumns();
      if (rows > b.maxRows) t.deleteRows(b.maxRows + 1, rows - b.maxRows);
      else if (rows < b.maxRows) t.insertRowsAfter(rows, b.maxRows - rows);
      if (cols > b.maxColumns) t.deleteColumns(b.maxColumns + 1, cols - b.maxColumns);
      else if (cols < b.maxColumns) t.insertColumnsAfter(cols, b.maxColumns - cols);
      if (rows !== b.maxRows || cols !== b.maxColumns) say(`grid set back from ${rows} × ${cols} to ${b.maxRows} × ${b.maxColumns}.`);
      return NEXT;
    },

    /** Values, formulas and formats from the temporary tab onto the target, chunk by chunk. */
    copy_range() {
      // In place there is nothing to copy (prove checks); after a failed proof, the copy is needed.
      if (p.inPlace) return p.proveAttempts === 0 ? NEXT : goto('temp_sheet');
      const t = target();
      const from = temp();
      if (!from) return goto('temp_sheet');
      const w = b.maxColumns;
      // Each chunk is idempotent; the cursor only spares a resumed call the chunks already done.
      const cur = chunked(p.cursor || { nextRow: 1, lastRow: b.maxRows, acc: '' }, (c) => {
        const n = Math.min(chunkRowsFor(b, w), c.lastRow - c.nextRow + 1);
        from.getRange(c.nextRow, 1, n, w).copyTo(t.getRange(c.nextRow, 1, n, w));
        return { ...c, nextRow: c.nextRow + n };
      });
      if (!cur) return MORE;
      say(`rows 1–${b.maxRows}, columns A–${columnLetter(w)} restored from the backup.`);
      return NEXT;
    },

    /** The target tab now digests as the backup did, with the backup's grid and its own sheet id. */
    prove() {
      const t = target();
      const cur = chunked(p.cursor || startDigest(1, b.lastRow), digestStep(env, t, b));
      if (!cur) return MORE;
      const why = cur.acc !== b.digest ? 'other values' : gridDiff(t, b) || (t.getSheetId() !== b.sheetId ? 'another tab id' : '');
      if (!why) {
        say(`proved: "${t.getName()}" equals the backup (${b.maxRows} × ${b.maxColumns} cells, tab id ${b.sheetId}).`);
        return NEXT;
      }
      p.proveAttempts++;
      save();
      const what = `the restored "${t.getName()}" does not equal the backup (${why})`;
      if (p.proveAttempts < 2) {
        // Someone may have typed into the tab during the restore: restore once more.
        say(`${what}; restoring again.`, 'warn');
        return goto('fit_grid');
      }
      return {
        type: 'fail',
        message: `Rollback not finished: ${what} after ${p.proveAttempts} attempts. Make sure nobody edits "${t.getName()}", then roll back again (it resumes). ${byHand()}`,
      };
    },

    delete_temp() {
      const sheets = ss.getSheets();
      const doomed = sheets.filter((s) => s.getSheetId() === p.tempSheetId).concat(leftovers(sheets));
      for (const s of doomed) ss.deleteSheet(s);
      if (doomed.length) say('temporary tab removed.');
      return NEXT;
    },

    /** Clears the checkpoints, records the rollback and its report. */
    finish() {
      // Before the record goes: a crash after this resumes here and removes it again (no-op).
      removeMigrationProtection(env, target(), ROLLBACK_PROTECTION_DESCRIPTION);
      store.clearRun();
      const history = store.readHistory();
      const last = history[history.length - 1];
      const now = new Date(env.now()).toISOString();
      if (!(last && last.kind === 'rollback' && last.snapshotId === p.snapshotId)) {
        store.appendHistory({ kind: 'rollback', from: config.toVersion, to: config.fromVersion, by: p.startedBy, at: now, backupId: b.id, snapshotId: p.snapshotId });
      }
      const r = (result = report());
      r.phase = null;
      r.message =
        `Rolled back: "${r.sheetName}" is the v${config.fromVersion} original again (same tab, ${r.columnCount} columns), proved equal to the backup "${r.backupName}".` +
        (r.changedRows === undefined ? '' : ` Undone: ${rows(r.changedRows, 'edited')} since the backup, ${rows(r.rowsWithV3Data || 0, 'with')} v${config.toVersion} data.`) +
        ` The state before the rollback is in the snapshot "${p.snapshotName}".`;
      const confirmation = { rollbackId: p.id, ...r, startedAt: p.startedAt, finishedAt: now, by: p.startedBy, removedColumns: p.removedColumns, backupDigest: b.digest, proved: true };
      store.writeJson(REPORT_KEY, trimToFit(confirmation));
      say(`done. ${r.message}`);
      say(`confirmation ${JSON.stringify({ backupId: b.id, snapshotId: p.snapshotId, changedRows: r.changedRows, rowsWithV3Data: r.rowsWithV3Data, columnCount: r.columnCount, sheetId: b.sheetId })}`);
      flushQuietly(ctx);
      // The lease goes before the record: a crash between the two leaves a record, and the
      // next call finishes again; the other order could leave a lease nobody gives back.
      releaseLease(env, store, owner);
      clearProgress(store);
      return NEXT;
    },
  };

  for (;;) {
    const phase = p.phase;
    // A phase that is one big call (a file copy) needs room; chunked phases check per chunk.
    if (!budget.fits(phase === 'snapshot' ? 8000 : 2000)) return incomplete();
    const mutating = !READ_ONLY_PHASES.includes(phase);
    if (mutating) flag.mutating = true;
    if (PROTECTED_PHASES.includes(phase)) withRetry(env, protectTarget);
    const outcome = withRetry(env, phases[phase], {
      onRetry: (attempt, e) => say(`a transient error while ${phaseLabel(phase)} (attempt ${attempt}), running it again: ${errorText(e)}`, 'warn'),
    });
    budget.spent();
    if (outcome.type === 'more') return incomplete();
    if (outcome.type === 'refuse') {
      // Only read-only phases refuse: nothing has changed, so the record goes.
      withRetry(env, () => clearProgress(store));
      withRetry(env, () => releaseLease(env, store, owner));
      return refuse(ctx, report(), outcome.message);
    }
    if (outcome.type === 'fail') {
      say(outcome.message, 'error');
      flushQuietly(ctx);
      const r = report();
      r.ok = false;
      r.message = outcome.message;
      return r;
    }
    const to = outcome.type === 'goto' ? outcome.phase : nextPhase(phase);
    if (to === null) return result as RollbackResult;
    p.phase = to;
    p.cursor = null;
    withRetry(env, save);
    // Persist the log once the file has changed; before that a lost entry loses nothing.
    if (mutating) flushQuietly(ctx);
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

function url(id: string | null): string | null {
  return id ? `https://docs.google.com/spreadsheets/d/${id}/edit` : null;
}

/** `snapshotName`: the recorded one of a rollback under way; by default a new one (a Spreadsheet call or two). */
function base(ctx: RollbackContext, ss: SpreadsheetLike, backup: BackupRecord | null, target?: SheetLike | null, columnCount?: number, snapshotName?: string): RollbackResult {
  const { env, config } = ctx;
  const sheet = target === undefined ? (backup ? sheetById(ss, backup.sheetId) : ss.getSheetByName(config.targetSheet)) : target;
  const count = columnCount !== undefined ? columnCount : sheet ? headerNames(readHeaderRow(sheet, config.headerRow)).length : 0;
  return {
    ok: false,
    message: '',
    // (null && x) is null: the backup's fields are null without a backup
    backupId: backup && backup.id,
    snapshotId: null,
    columnCount: count,
    complete: true,
    canRollBack: false,
    phase: null,
    migration: 'none',
    backupName: backup && backup.name,
    backupUrl: backup && backup.url,
    backupCreatedAt: backup && backup.createdAt,
    backupAge: backup && describeAge(backup.createdAt, env.now()),
    rollbackUntil: null,
    snapshotName: backup && (snapshotName || backupName('{spreadsheet}_pre-rollback_snapshot_{yyyyMMdd_HHmmss}', ss, env, env.now())),
    snapshotUrl: null,
    snapshotWhere: config.backupFolderId ? 'in the backup folder, next to the backups' : 'in your Drive, like the backup',
    sheetName: sheet ? sheet.getName() : config.targetSheet,
    sheetId: sheet && sheet.getSheetId(),
    changedRowsSample: [],
    plan: [],
  };
}

/** A refusal: nothing changed. Logged with who asked, unless `quiet` (a preview writes nothing). */
function refuse(ctx: RollbackContext, report: RollbackResult, message: string, quiet = false): RollbackResult {
  report.ok = false;
  report.complete = true;
  report.canRollBack = false;
  report.message = /nothing was changed/i.test(message) ? message : `${message} Nothing was changed.`;
  if (!quiet) {
    ctx.log.warn(STEP, `Rollback refused (asked by ${ctx.env.activeUser() || 'unknown user'}): ${report.message}`);
    flushQuietly(ctx);
  }
  return report;
}

function sheetById(ss: SpreadsheetLike, id: number): SheetLike | null {
  return ss.getSheets().find((s) => s.getSheetId() === id) || null;
}

function flushQuietly(ctx: RollbackContext): void {
  // The log is the audit trail, not the data: a failing flush must not fail the rollback.
  try {
    withRetry(ctx.env, () => ctx.log.flush());
  } catch (e) {
    if (isTimeLimit(e)) throw e;
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
