// The migration coordinator: runs the steps as bounded units inside the time budget, saves
// a checkpoint after every unit, holds the lease across calls, retries what Apps Script gets
// wrong now and then, and on failure stops with a message that says what failed, what had
// changed and how to roll back. One instance serves one execution.
import { AppContext } from './appContext';
import { Access, checkAccess } from './access';
import { CorruptStateError, BackupRecord, HistoryEntry, KEYS, Lease, RunState, StepCheckpoint, StateStore } from './state';
import { acquireLease, isLeaseLive, LeaseResult, releaseLease } from './lease';
import { errorText, withRetry } from './retry';
import { analyzeHeader, cellLimitProblem, gridGrowth, HeaderAnalysis, missingSheetMessage, Problem, readHeaderRow, runPreflight } from './preflight';
import { findProtection, protectForMigration, removeMigrationProtection, ROLLBACK_PROTECTION_DESCRIPTION } from './protection';
import { backupInfo, buildStatus, isMigrated, isViewersLease, lastMigrationOf } from './status';
import { STEPS } from './steps';
import { backupName } from './steps/createBackup';
import { Step, StepOutcome, planStep, plural } from './steps/types';
import { Check, LogEntry, MigrationReport, PlannedStep, Status, StepId, StepResult } from './types';
import { Env, SheetLike, SpreadsheetLike } from './gas';
import { formatWhen } from './wording';
import { isTempTabName, phaseLabel, readProgress, RollbackProgress } from './rollback/progress';
import { addDays } from './rollback/state';
import { propertySpaceProblem } from './quota';
import { runChunking } from './chunking';

export interface RunRequest {
  /** 'step': one unit (the sidebar); 'all': units until done or the budget nears. */
  mode: 'step' | 'all';
  dryRun: boolean;
  force: boolean;
  clientId: string | null;
  chunkRows: number | null;
}

/** A StepResult whose report is always there, plus how many units the execution ran. */
export interface RunOutcome extends StepResult {
  report: MigrationReport;
  units: number;
}

interface Snapshot {
  run: RunState | null;
  backup: BackupRecord | null;
  history: HistoryEntry[];
  lease: Lease | null;
  /** A rollback that has started and not finished (its checkpoint, sm.rollback). */
  rollback: RollbackProgress | null;
}

type UnitResult =
  | { kind: 'refused'; problems: string[] }
  | { kind: 'nothing'; message: string }
  | { kind: 'step'; step: StepId; outcome: StepOutcome; complete: boolean };

/** What a result carries besides ok/complete/step/message/units. */
interface Extra {
  plan?: PlannedStep[];
  problems?: string[];
  logEntries?: LogEntry[];
}

type Outcome = { ok: boolean; complete: boolean; step: StepId | null; message: string; units: number } & Extra;

const MAX_CHUNK_ROWS = 50000;
const NOT_ALLOWED = 'You may not change this file.';

const iso = (ms: number): string => new Date(ms).toISOString();
const msg = (p: Problem): string => p.message;
const cpOf = (run: RunState, id: StepId): StepCheckpoint => run.steps[id] || { state: 'pending' };
/** A number a step kept in its checkpoint's data. */
const dataNum = (cp: StepCheckpoint | undefined | null, key: string): number | undefined => {
  const v = cp && cp.data && cp.data[key];
  return typeof v === 'number' ? v : undefined;
};

/** Reads the state records; a corrupt one throws CorruptStateError with its way out, unless `get` catches. */
export function loadSnapshot(store: StateStore, get: <T>(fn: () => T, fallback: T) => T = (fn) => fn()): Snapshot {
  return {
    run: get(() => store.readRun(), null),
    backup: get(() => store.readBackup(), null),
    history: get(() => store.readHistory(), []),
    lease: get(() => store.readLease(), null),
    rollback: get(() => readProgress(store), null),
  };
}

/**
 * While a rollback is under way the tab may be half restored: a migration started between two
 * of its calls would work on that, and the rollback, when resumed, would undo the migration's
 * work without a backup of it. So nothing migrates until the rollback has finished.
 */
export function rollbackInProgressMessage(env: Env, p: RollbackProgress): string {
  return (
    `A rollback to v2.1 started by ${p.startedBy || 'someone'} on ${formatWhen(env, p.startedAt)} has not finished (it stopped while ${phaseLabel(p.phase)}). ` +
    'Nothing was changed. Finish it first: choose "Roll back to v2.1…" again (menu or sidebar; it resumes), then run the migration.'
  );
}

/** "email#client" names one sidebar; the email alone names the script editor or a menu. */
export function leaseOwner(actor: string, clientId: string | null): string {
  const who = actor || 'unknown user';
  return clientId ? `${who}#${clientId}` : who;
}

/** Options arrive from google.script.run: accept only what has the right shape. */
export function parseRunOptions(options: unknown, mode: 'step' | 'all', defaultDryRun: boolean): RunRequest {
  const o = options && typeof options === 'object' && !Array.isArray(options) ? (options as Record<string, unknown>) : {};
  const clientId = typeof o.clientId === 'string' ? o.clientId.replace(/[^\w.:-]/g, '').slice(0, 64) : '';
  const chunk = o.chunkRows;
  return {
    mode,
    dryRun: typeof o.dryRun === 'boolean' ? o.dryRun : defaultDryRun,
    force: o.force === true,
    clientId: clientId || null,
    chunkRows: typeof chunk === 'number' && Number.isInteger(chunk) && chunk >= 1 && chunk <= MAX_CHUNK_ROWS ? chunk : null,
  };
}

/** "Fix this first: …" for one problem or several, one per line. */
function fixFirst(problems: string[]): string {
  return `Nothing was changed. Fix ${problems.length === 1 ? 'this' : `these ${problems.length} problems`} first:\n- ${problems.join('\n- ')}`;
}

function isCorrupt(e: unknown): e is CorruptStateError {
  return e instanceof CorruptStateError;
}

/** fn's value, or `fallback` when it throws (also: best-effort cleanup that must not hide a failure). */
function safe<T>(fn: () => T, fallback?: T): T {
  try {
    return fn();
  } catch (e) {
    return fallback as T;
  }
}

export class Coordinator {
  private readonly ss: SpreadsheetLike;
  private readonly access: Access;
  private owner = '';
  private s: Snapshot = { run: null, backup: null, history: [], lease: null, rollback: null };
  private layout: HeaderAnalysis | null = null;
  private sheet: SheetLike | null = null;
  private protectionChecked = false;
  private currentStep: StepId | null = null;
  /** The run as it was when it finished, for the report (the record itself is cleared). */
  private finishedRun: RunState | null = null;
  private leaseHeld = false;
  private readonly t0: number;

  constructor(private readonly app: AppContext) {
    this.t0 = app.env.now();
    this.ss = app.env.activeSpreadsheet();
    this.access = checkAccess(app.env, this.ss, app.config);
  }

  execute(req: RunRequest): RunOutcome {
    const { env, config, store, log } = this.app;
    const access = this.access;
    this.owner = leaseOwner(access.actor, req.clientId);
    try {
      this.s = this.retry(() => loadSnapshot(store));
    } catch (e) {
      if (!isCorrupt(e)) throw e;
      return this.refuse(req, e.message, true);
    }
    if (req.dryRun) return this.dryRun(req);
    if (!access.canAct) {
      log.warn(null, `Run refused for ${access.actor || 'an unidentified user'}: not allowed to change this file.`);
      return this.refuse(req, access.reason || NOT_ALLOWED, false, []);
    }
    if (this.s.rollback) {
      const why = rollbackInProgressMessage(env, this.s.rollback);
      log.warn(null, `Run by ${this.owner} refused: ${why}`);
      return this.refuse(req, why);
    }
    const full = this.retry(() => propertySpaceProblem(env.documentProperties()));
    if (full) {
      log.error(null, full);
      return this.refuse(req, full);
    }

    let units = 0;
    try {
      const lease = this.takeLease();
      if (!lease.ok) {
        log.warn(null, `Run by ${this.owner} refused: ${lease.message}`);
        return this.refuse(req, lease.message, false, []);
      }
      this.leaseHeld = true;
      let leaseExpires = Date.parse(lease.lease.expiresAt);
      if (req.force) this.retry(() => this.startOverHeld(`Forced restart by ${access.actor}`));
      // Re-read under the lease: another execution may have moved on since the first read.
      this.s = this.retry(() => loadSnapshot(store));
      if (this.s.rollback) {
        this.retry(() => this.releaseHeld());
        return this.refuse(req, rollbackInProgressMessage(env, this.s.rollback));
      }

      let longestUnit = 0;
      let lastStep: StepId | null = null;
      let message = '';
      const end = (ok: boolean, complete: boolean, step: StepId | null, text: string): RunOutcome => {
        this.retry(() => log.flush());
        return this.outcome(req, { ok, complete, step, message: text, units });
      };
      for (;;) {
        const u0 = env.now();
        // A long execution (a budget above the lease time) renews its lease before it runs out.
        if (u0 > leaseExpires - config.leaseSeconds * 500) {
          const renewed = this.takeLease();
          if (!renewed.ok) {
            this.leaseHeld = false;
            return end(false, false, lastStep, `Stopped: ${renewed.message}`);
          }
          leaseExpires = Date.parse(renewed.lease.expiresAt);
        }
        const r = this.retry(() => this.unit(req, u0));
        units++;
        longestUnit = Math.max(longestUnit, env.now() - u0);
        if (r.kind === 'refused') {
          r.problems.forEach((p) => log.error(null, p));
          this.retry(() => this.releaseHeld());
          return this.refuse(req, fixFirst(r.problems), false, r.problems, units);
        }
        if (r.kind === 'nothing') {
          log.info(null, r.message);
          this.retry(() => this.releaseHeld());
          return end(true, true, null, r.message);
        }
        lastStep = r.step;
        const o = r.outcome;
        if (o.state === 'failed') {
          const failure = (this.s.run && this.s.run.failure && this.s.run.failure.message) || o.detail;
          this.afterFailure();
          return this.outcome(req, { ok: false, complete: false, step: r.step, message: failure, units });
        }
        if (r.complete) return end(true, true, r.step, this.completionMessage());
        message = o.state === 'done' ? `${STEPS[r.step].title}: done. ${o.detail}` : o.detail;
        if (req.mode === 'step') break;
        if (env.now() - this.t0 + longestUnit > config.timeBudgetSeconds * 1000) {
          message = `Paused after ${plural(units, 'unit')} to stay within the ${config.timeBudgetSeconds}-second budget; progress is saved. Run again to continue. (${message})`;
          log.info(lastStep, message);
          break;
        }
      }
      return end(true, false, lastStep, message);
    } catch (e) {
      if (isCorrupt(e)) {
        safe(() => this.releaseHeld());
        return this.refuse(req, e.message, true, [e.message], units);
      }
      const id = this.currentStep;
      const message = this.failureMessage(id, `Apps Script failed and retrying did not help (${errorText(e)})`);
      safe(() => this.recordFailure(id, errorText(e), message));
      safe(() => log.error(id, message));
      this.afterFailure();
      throw new Error(message);
    }
  }

  /** Retries what Apps Script fails now and then; every retried action is idempotent. */
  private retry<T>(fn: () => T): T {
    return withRetry(this.app.env, fn, {
      onRetry: (attempt, e) => this.app.log.warn(this.currentStep, `Apps Script failed for a moment (${errorText(e)}); retrying (attempt ${attempt + 1}).`),
    });
  }

  private takeLease(): LeaseResult {
    const { env, config, store } = this.app;
    return this.retry(() => acquireLease(env, store, this.owner, 'migration', config.leaseSeconds));
  }

  /** The target tab and its header layout (null/null when the tab is gone), from one header read. */
  private readLayout(): SheetLike | null {
    const { config } = this.app;
    const sheet = (this.sheet = this.ss.getSheetByName(config.targetSheet));
    this.layout = sheet ? analyzeHeader(readHeaderRow(sheet, config.headerRow), config) : null;
    return sheet;
  }

  // --- one unit ---------------------------------------------------------------------

  private unit(req: RunRequest, u0: number): UnitResult {
    const { env, config, store, log } = this.app;
    const actor = this.access.actor;
    const sheet = this.readLayout();

    if (!this.s.run) {
      const pre = this.checkNewRun(sheet, req.force);
      if (pre) return pre;
      const before = (this.layout as HeaderAnalysis).columnCountBefore;
      const present = (this.layout as HeaderAnalysis).v3Present;
      const protection: RunState['protection'] = !config.protectDuringMigration ? 'off' : findProtection(env, sheet as SheetLike).state === 'preexisting' ? 'preexisting' : 'ours';
      const run: RunState = {
        v: 1,
        runId: env.uuid(),
        startedAt: iso(env.now()),
        startedBy: actor,
        columnCountBefore: before,
        ...runChunking(req.chunkRows, config, before),
        steps: {},
        failure: null,
        protection,
      };
      // On disk before anything changes: from here on, every change has a checkpoint.
      store.writeRun(run);
      this.s.run = run;
      log.info(
        null,
        `Migration ${config.fromVersion} → ${config.toVersion} of "${config.targetSheet}" started by ${actor} (${plural(before, 'v2.1 column')}${present.length ? `, already present: ${present.join(', ')}` : ''}).`,
      );
    }
    let run = this.s.run as RunState;
    const step = this.nextStep(run);
    if (!sheet || !this.layout) {
      return this.stepFailed(step ? step.id : config.steps[0], `the tab "${config.targetSheet}" no longer exists`, u0);
    }
    if (!step) {
      // Every step was done but the finish did not complete (the execution ended): finish now.
      this.finalize(sheet);
      return { kind: 'step', step: config.steps[config.steps.length - 1], outcome: { state: 'done', detail: 'finished' }, complete: true };
    }
    if (!this.protectionChecked && run.protection === 'ours') {
      // Kept in memory only: the checkpoint this unit saves carries it to disk.
      if (!this.protectionTrusted(run) && protectForMigration(env, sheet, true, this.access.owner, undefined, actor) === 'ours' && actor) run = this.s.run = { ...run, protectionCheckedFor: actor };
      this.protectionChecked = true;
    }
    const id = step.id;
    this.currentStep = id;
    if (this.layout.problems.length) {
      return this.stepFailed(id, this.layout.problems.map((p) => p.message.replace(/\.$/, '')).join('; '), u0);
    }
    const before = cpOf(run, id);
    if (!before.startedAt) log.info(id, `Step ${config.steps.indexOf(id) + 1} of ${config.steps.length}: ${step.title}.`);
    const outcome = step.run(
      {
        env,
        config,
        store,
        log,
        ss: this.ss,
        sheet,
        layout: this.layout,
        run,
        backup: this.s.backup,
        history: this.s.history,
        chunkRows: run.chunkRows || config.chunkRows,
        chunkCells: run.chunkCells,
      },
      before,
    );
    if (outcome.backup) this.s.backup = outcome.backup;
    if (outcome.headers) this.layout = analyzeHeader(outcome.headers, config);
    if (outcome.state === 'failed') return this.stepFailed(id, outcome.detail, u0, outcome);
    this.saveCheckpoint(id, outcome, u0);
    const done = outcome.state === 'done';
    log.add(done ? 'INFO' : 'DEBUG', id, outcome.detail);
    const complete = done && !this.nextStep(this.s.run as RunState);
    if (complete) this.finalize(sheet);
    return { kind: 'step', step: id, outcome, complete };
  }

  /** Pre-flight for a run that has not started; null when it may start. */
  private checkNewRun(sheet: SheetLike | null, forced: boolean): UnitResult | null {
    const { config } = this.app;
    const layout = this.layout;
    if (!sheet || !layout) return { kind: 'refused', problems: [missingSheetMessage(this.ss, config.targetSheet)] };
    if (!forced && isMigrated(layout, this.s.history, config)) {
      const last = lastMigrationOf(this.s.history) as HistoryEntry;
      return {
        kind: 'nothing',
        message: `"${config.targetSheet}" is already migrated to v${config.toVersion}: completed on ${formatWhen(this.app.env, last.at)} by ${last.by}. Nothing was changed. Use "Verify migration" to check it; runMigration({force: true}) runs every step again.`,
      };
    }
    const problems = layout.problems.map(msg);
    const limit = layout.v3Missing.length && cellLimitProblem(this.ss, sheet, gridGrowth(layout, sheet.getMaxColumns()), config.targetSheet);
    if (limit) problems.push(limit.message);
    return problems.length ? { kind: 'refused', problems } : null;
  }

  private nextStep(run: RunState): Step | null {
    for (const id of this.app.config.steps) {
      const cp = run.steps[id];
      if (!cp || (cp.state !== 'done' && cp.state !== 'skipped')) return STEPS[id];
    }
    return null;
  }

  /** Saves step `id`'s checkpoint with the run's failure (`failed`: its message; else none). */
  private putStep(id: StepId, cp: StepCheckpoint, failed?: string): void {
    const run = this.s.run as RunState;
    const next: RunState = { ...run, steps: { ...run.steps, [id]: cp }, failure: failed ? { step: id, message: failed, at: iso(this.app.env.now()) } : null };
    this.app.store.writeRun(next);
    this.s.run = next;
  }

  private saveCheckpoint(id: StepId, outcome: StepOutcome, u0: number, failed?: string): void {
    const prev = cpOf(this.s.run as RunState, id);
    const now = this.app.env.now();
    const cp: StepCheckpoint = {
      state: outcome.state,
      detail: outcome.detail,
      startedAt: prev.startedAt || iso(u0),
      durationMs: Math.round((prev.durationMs || 0) + (now - u0)),
    };
    if (outcome.state === 'done') cp.completedAt = iso(now);
    if (outcome.cursor) cp.cursor = outcome.cursor;
    if (typeof outcome.rowsDone === 'number') cp.rowsDone = outcome.rowsDone;
    if (typeof outcome.rowsTotal === 'number') cp.rowsTotal = outcome.rowsTotal;
    const data = outcome.data || prev.data;
    if (data) cp.data = data;
    this.putStep(id, cp, failed);
  }

  private stepFailed(id: StepId, reason: string, u0: number, outcome?: StepOutcome): UnitResult {
    const message = this.failureMessage(id, reason);
    const o: StepOutcome = { ...outcome, state: 'failed', detail: reason };
    this.saveCheckpoint(id, o, u0, message);
    this.app.log.error(id, message);
    return { kind: 'step', step: id, outcome: o, complete: false };
  }

  /** Records a failure that was thrown rather than returned (best effort: Apps Script may be gone). */
  private recordFailure(id: StepId | null, reason: string, message: string): void {
    // The cursor stays: nothing after it was saved, so a re-run resumes exactly there.
    if (this.s.run && id) this.putStep(id, { ...cpOf(this.s.run, id), state: 'failed', detail: reason }, message);
  }

  /**
   * Whether this execution may skip listing and restricting the protection: a previous one
   * checked it for the same person, who owns the file. A protection restricted to its owner can
   * be changed or removed by nobody else, and the add-on itself forgets the check before it
   * lifts the protection; anyone else (an allowed user, a shared drive) is checked every
   * execution, as is the first execution after a failure.
   */
  private protectionTrusted(run: RunState): boolean {
    const actor = this.access.actor;
    return !!actor && actor === (this.access.owner || '').trim().toLowerCase() && run.protectionCheckedFor === actor && !run.failure;
  }

  /** After a failure: the sheet is unprotected, the lease released and the log saved. */
  private afterFailure(): void {
    const { env, store, log } = this.app;
    safe(() => {
      const run = this.s.run;
      if (!run || run.protection !== 'ours' || !this.sheet) return;
      if (run.protectionCheckedFor !== undefined) {
        // Forgotten first: a run that trusted a protection no longer there would go on unprotected.
        const next: RunState = { ...run };
        delete next.protectionCheckedFor;
        this.retry(() => store.writeRun(next));
        this.s.run = next;
      }
      removeMigrationProtection(env, this.sheet);
    });
    safe(() => this.retry(() => this.releaseHeld()));
    safe(() => this.retry(() => log.flush()));
  }

  private releaseHeld(): void {
    if (!this.leaseHeld) return;
    releaseLease(this.app.env, this.app.store, this.owner);
    this.leaseHeld = false;
    this.s.lease = null;
  }

  /** What failed, what had already changed, and how to undo it or go on. */
  private failureMessage(id: StepId | null, reason: string): string {
    const { config } = this.app;
    const { run, backup } = this.s;
    const changes: Array<[StepId, string]> = [];
    if (run) {
      config.steps.forEach((sid) => {
        const text = STEPS[sid].changed(cpOf(run, sid));
        if (text) changes.push([sid, text]);
      });
    }
    // The backup file is a change in Drive, not in the sheet: nothing to roll back for it alone.
    const sheetChanged = changes.some(([sid]) => sid !== 'create_backup');
    return (
      `${id ? `Step ${config.steps.indexOf(id) + 1} of ${config.steps.length} (${STEPS[id].title}) failed` : 'The migration failed'}: ${reason.replace(/\.$/, '')}. ` +
      (changes.length ? `Already changed: ${changes.map((c) => c[1]).join('; ')}. ` : `Nothing in "${config.targetSheet}" was changed. `) +
      (backup ? `The v2.1 data is safe in the backup "${backup.name}" (${backup.url}). ` : '') +
      `Fix the cause and run again: it resumes at this step${backup && sheetChanged ? '. To undo the migration instead, use "Roll back to v2.1…" (menu or sidebar)' : ''}.`
    );
  }

  // --- finishing -------------------------------------------------------------------------

  private finalize(sheet: SheetLike): void {
    const { env, config, store, log } = this.app;
    const run = this.s.run as RunState;
    if (run.protection === 'ours') removeMigrationProtection(env, sheet);
    // Read again: an earlier attempt may have written the entry and then failed.
    const history = (this.s.history = store.readHistory());
    if (!history.some((h) => h.runId === run.runId)) {
      const now = env.now();
      const backup = this.s.backup;
      // A forced re-run of a finished migration does not move the rollback window.
      let until = Date.parse(addDays(now, config.rollbackWindowDays));
      for (let i = history.length - 1; i >= 0 && history[i].kind !== 'rollback'; i--) {
        const h = history[i];
        if (backup && h.backupId === backup.id && h.rollbackUntil) until = Math.min(until, Date.parse(h.rollbackUntil));
      }
      const durationsMs: Partial<Record<StepId, number>> = {};
      config.steps.forEach((id) => {
        const cp = run.steps[id];
        if (cp && typeof cp.durationMs === 'number') durationsMs[id] = cp.durationMs;
      });
      const entry: HistoryEntry = {
        kind: 'migration',
        from: config.fromVersion,
        to: config.toVersion,
        by: run.startedBy || this.access.actor,
        at: iso(now),
        backupId: backup ? backup.id : null,
        durationsMs,
        digest: backup ? backup.digest : undefined,
        rollbackUntil: iso(until),
        rowsWritten: dataNum(run.steps.initialize_versions, 'rowsInitialized') || 0,
        runId: run.runId,
      };
      store.appendHistory(entry, history);
      this.s.history = history.concat([entry]);
    }
    this.finishedRun = run;
    store.clearRun();
    this.s.run = null;
    this.releaseHeld();
    log.info(null, this.completionMessage());
  }

  private completionMessage(): string {
    const { config } = this.app;
    const last = lastMigrationOf(this.s.history);
    const backup = this.s.backup;
    const cols = this.layout ? this.layout.headers.length : 0;
    const added = config.newColumns.length;
    const fin = this.finishedRun;
    const before = fin && fin.columnCountBefore !== null ? fin.columnCountBefore : cols - added;
    return (
      `Migration to v${config.toVersion} complete: "${config.targetSheet}" has ${cols} columns (${before} + ${added}), ` +
      `${last && typeof last.rowsWritten === 'number' ? `version = 0 on ${plural(last.rowsWritten, 'row')}, ` : ''}` +
      `and its v2.1 data was proved equal to the backup${backup ? ` "${backup.name}"` : ''}.` +
      (last && last.rollbackUntil ? ` Roll back is possible until ${formatWhen(this.app.env, last.rollbackUntil)}.` : '')
    );
  }

  // --- dry run -----------------------------------------------------------------------------

  private dryRun(req: RunRequest): RunOutcome {
    const { env, config, log } = this.app;
    // Read-only, so anyone who can open the sidebar may see the plan; who may run it is a note.
    const pre = runPreflight(this.ss, config);
    const L = pre.analysis;
    this.sheet = pre.sheet;
    this.layout = L;
    const run = this.s.run;
    const migrated = !run && isMigrated(L, this.s.history, config);
    const problems = pre.problems.map(msg);
    if (this.s.rollback) problems.unshift(rollbackInProgressMessage(env, this.s.rollback));
    const full = migrated ? null : propertySpaceProblem(env.documentProperties());
    if (full) problems.push(full);
    let plan: PlannedStep[] = [];
    if (L && L.headers.length) {
      const sizing = run ? { chunkRows: run.chunkRows || config.chunkRows, chunkCells: run.chunkCells } : runChunking(req.chunkRows, config, L.columnCountBefore);
      const base = {
        env,
        config,
        spreadsheetName: this.ss.getName(),
        layout: L,
        lastRow: pre.lastRow,
        maxColumns: pre.maxColumns,
        growColumns: pre.growColumns,
        backup: this.s.backup,
        backupName: backupName(config.backupNamePattern, this.ss, env, env.now()),
        chunkRows: sizing.chunkRows,
        chunkCells: sizing.chunkCells,
      };
      plan = config.steps.map((id) => planStep(STEPS[id], { ...base, checkpoint: (run && run.steps[id]) || null }));
    }
    let message = migrated
      ? `Dry run: "${config.targetSheet}" is already migrated; a run would change nothing. Nothing was changed.`
      : problems.length || !L
        ? `Dry run: ${fixFirst(problems)}`
        : `Dry run: nothing was changed. A run would ${run ? 'resume the migration under way' : 'back up the spreadsheet'}, ` +
          `${L.v3Missing.length ? `add ${L.v3Missing.join(', ')} (${L.headers.length} → ${L.headers.length + L.v3Missing.length} columns)` : 'keep the v3 columns already in place'}, ` +
          `and set version on ${plural(Math.max(0, pre.lastRow - config.headerRow), 'row')}.`;
    if (!this.access.canAct && this.access.reason) message += `\nNote: ${this.access.reason}`;
    pre.notes.forEach((n) => log.info(null, `Dry run: ${n}`));
    problems.forEach((p) => log.warn(null, `Dry run: ${p}`));
    log.info(null, message.split('\n')[0]);
    // A dry run persists nothing, not even its log: the entries go back to the caller.
    const logEntries = log.discardPending();
    return this.outcome(req, { ok: problems.length === 0, complete: migrated, step: null, message, units: 0, plan, problems, logEntries });
  }

  // --- start over --------------------------------------------------------------------------

  /**
   * Forgets the step checkpoints (and any record that cannot be read), never the record of
   * the v2.1 backup when it is readable. Expects the lease to be held (or the lease record to
   * be the unreadable one).
   */
  private startOverHeld(why: string): void {
    const { env, config, store, log } = this.app;
    const props = env.documentProperties();
    /** Reads a record; an unreadable one is discarded (`drop`, whose text ends the log line). */
    const keep = (what: string, read: () => void, drop: () => string = () => ''): boolean => {
      try {
        read();
        return true;
      } catch (e) {
        log.warn(null, `The unreadable ${what} was discarded${drop()}.`);
        return false;
      }
    };
    let runProtection: RunState['protection'] | null = null;
    keep('run record', () => {
      const run = store.readRun();
      runProtection = run && run.protection;
    });
    store.clearRun();
    keep('migration history', () => store.readHistory(), () => (store.remove(KEYS.history), ''));
    keep('backup record', () => (this.s.backup = store.readBackup()), () => {
      this.s.backup = null;
      const id = /"id"\s*:\s*"([^"]+)"/.exec(props.getProperty(KEYS.backup) || '');
      store.clearBackup();
      return `${id ? ` (it named the file ${id[1]}, which was not touched)` : ''}; a new backup will be taken`;
    });
    // An unreadable rollback checkpoint cannot be resumed; a new rollback starts afresh (it
    // takes its own snapshot first), so discarding it loses nothing.
    const rollbackKept = keep('rollback checkpoint', () => readProgress(store), () => {
      store.remove(KEYS.rollback);
      return '. If a rollback was under way, choose "Roll back to v2.1…" again: it starts over from a new snapshot';
    });
    const sheet = this.ss.getSheetByName(config.targetSheet);
    if (sheet && runProtection !== 'preexisting') removeMigrationProtection(env, sheet);
    if (!rollbackKept) {
      if (sheet) removeMigrationProtection(env, sheet, ROLLBACK_PROTECTION_DESCRIPTION);
      // Its temporary tab (a copy of the backup's tab, so nothing is lost with it) would be
      // left behind: a new rollback only knows the tab it makes itself.
      this.ss.getSheets().filter((s) => isTempTabName(s.getName(), config.targetSheet)).forEach((s) => this.ss.deleteSheet(s));
    }
    log.info(null, `${why}: step checkpoints cleared${this.s.backup ? `; the backup record "${this.s.backup.name}" is kept` : ''}.`);
  }

  /** startOver(): returns the Status, with `problem` set when it could not act. */
  startOver(clientId: string | null): { ok: boolean; message: string; status: Status } {
    const { env, store, log } = this.app;
    const access = this.access;
    this.owner = leaseOwner(access.actor, clientId);
    if (!access.canAct) return { ok: false, message: access.reason || NOT_ALLOWED, status: this.statusNow(access.reason) };
    let held: Lease | null = null;
    try {
      held = store.readLease();
    } catch (e) {
      store.clearLease();
      log.warn(null, 'The unreadable lease record was discarded.');
    }
    // The same person stopping in one sidebar and starting over in another (or from the menu)
    // is not a race worth refusing: the steps are idempotent.
    if (isLeaseLive(held, env.now()) && isViewersLease(held.owner, access.actor)) this.owner = held.owner;
    const lease = this.takeLease();
    if (!lease.ok) {
      return { ok: false, message: lease.message, status: this.statusNow(null) };
    }
    this.leaseHeld = true;
    try {
      this.startOverHeld(`Start over by ${access.actor}`);
    } finally {
      safe(() => this.releaseHeld());
      log.flush();
    }
    const b = this.s.backup;
    return { ok: true, message: `Step checkpoints cleared: the next run starts from the first step${b ? ` and keeps the v2.1 backup "${b.name}"` : ''}.`, status: this.statusNow(null) };
  }

  // --- status and results ----------------------------------------------------------------------

  /** getMigrationStatus: `clientId` (a sidebar's) keeps its own lease from showing as someone else's. */
  statusFor(clientId: string | null): Status {
    this.owner = leaseOwner(this.access.actor, clientId);
    return this.statusNow(null);
  }

  /** Status from a fresh read (used by getMigrationStatus and after start over). */
  statusNow(problem: string | null, viewer: string | null = this.owner || null): Status {
    const { env, config, store } = this.app;
    let corrupt: string | null = null;
    try {
      this.s = loadSnapshot(store);
    } catch (e) {
      if (!isCorrupt(e)) throw e;
      corrupt = e.message;
      this.s = loadSnapshot(store, safe);
    }
    this.readLayout();
    const found = problem || corrupt || this.sheetProblem();
    // A full property store keeps a run from starting; once migrated it does not matter.
    const full = found || isMigrated(this.layout, this.s.history, config) ? null : propertySpaceProblem(env.documentProperties());
    return this.statusFromMemory(found || full, viewer);
  }

  private sheetProblem(): string | null {
    const { config, env } = this.app;
    const { rollback, run, history } = this.s;
    const layout = this.layout;
    if (rollback) return rollbackInProgressMessage(env, rollback);
    if (!layout) return missingSheetMessage(this.ss, config.targetSheet);
    // Only what keeps a run from starting. Once a run is under way, a problem shows as the
    // failure of the step it stops (and must not block Roll back, which fixes it).
    return run || isMigrated(layout, history, config) || !layout.problems.length ? null : layout.problems.map(msg).join(' ');
  }

  private statusFromMemory(problem: string | null, viewer: string | null): Status {
    const { env, config } = this.app;
    return buildStatus({ config, now: env.now(), layout: this.layout, ...this.s, viewer, access: this.access, problem, when: (t) => formatWhen(env, t) });
  }

  /** A refusal: nothing changed; `corrupt` when the message is an unreadable record's. */
  private refuse(req: RunRequest, message: string, corrupt = false, problems = [message], units = 0): RunOutcome {
    const { log } = this.app;
    if (!req.dryRun) safe(() => log.flush());
    const logEntries = req.dryRun ? log.discardPending() : undefined;
    // Only an unreadable record needs a fresh look; anything else was just read.
    return this.outcome(req, { ok: false, complete: false, step: null, message, units, problems: problems.length ? problems : undefined, logEntries }, corrupt ? this.statusNow(message) : undefined);
  }

  private outcome(req: RunRequest, o: Outcome, status?: Status): RunOutcome {
    // Built from what this execution already read; a fresh (read-only) look only when nothing was.
    const st = status || (this.layout || this.sheet ? this.statusFromMemory(this.sheetProblem(), this.owner) : this.statusNow(null));
    return { ...o, dryRun: req.dryRun, status: st, report: this.report(req, o) };
  }

  private report(req: RunRequest, o: Outcome): MigrationReport {
    const { config, env } = this.app;
    const run = this.s.run || this.finishedRun;
    const cps = run ? run.steps : {};
    const backup = this.s.backup;
    const report: MigrationReport = {
      ok: o.ok,
      complete: o.complete,
      dryRun: req.dryRun,
      steps: config.steps.map((id) => {
        const cp = cps[id];
        return { id, state: cp ? cp.state : 'pending', durationMs: (cp && cp.durationMs) || 0, detail: (cp && cp.detail) || '' };
      }),
      message: o.message,
      units: o.units,
    };
    if (o.plan) report.plan = o.plan;
    if (o.problems) report.problems = o.problems;
    if (o.logEntries) report.logEntries = o.logEntries;
    if (backup) report.backup = backupInfo(backup);
    // Rows this run actually wrote: a forced re-run over rows that already hold 0 writes none.
    const written = dataNum(cps.initialize_versions, 'written');
    if (written !== undefined) report.rowsWritten = written;
    const smoke = cps.test_smoke;
    const schema = cps.verify_schema;
    const seed = dataNum(smoke, 'seed');
    if (seed !== undefined) report.smokeSeed = seed;
    if (schema || smoke) {
      const checks: Check[] = [];
      if (schema) checks.push({ id: 'schema', ok: schema.state === 'done', detail: schema.detail || '' });
      if (smoke) {
        const done = smoke.state === 'done';
        const sampled = done || (smoke.state === 'running' && smoke.cursor && smoke.cursor.phase === 'digest');
        checks.push({ id: 'sample_rows', ok: !!sampled, detail: smoke.data && smoke.data.sampleRows ? `seed ${smoke.data.seed}: rows ${smoke.data.sampleRows}` : smoke.detail || '' });
        checks.push({ id: 'v21_digest', ok: done, detail: done ? 'the v2.1 digest equals the backup digest' : smoke.detail || 'not checked yet' });
      }
      report.verification = { ok: checks.every((c) => c.ok), generatedAt: iso(env.now()), checks };
    }
    return report;
  }
}
