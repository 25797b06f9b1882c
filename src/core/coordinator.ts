// The migration coordinator: runs the steps as bounded units inside the time budget, saves
// a checkpoint after every unit, holds the lease across calls, retries what Apps Script gets
// wrong now and then, and on failure stops with a message that says what failed, what had
// changed and how to roll back. One instance serves one execution.
import { AppContext } from './appContext';
import { Access, checkAccess } from './access';
import { CorruptStateError, BackupRecord, HistoryEntry, KEYS, Lease, RunState, StepCheckpoint, StateStore } from './state';
import { acquireLease, isLeaseLive, releaseLease } from './lease';
import { withRetry } from './retry';
import { analyzeHeader, cellLimitProblem, gridGrowth, HeaderAnalysis, readHeaderRow, runPreflight } from './preflight';
import { findProtection, protectForMigration, removeMigrationProtection } from './protection';
import { buildStatus, isMigrated, isViewersLease, lastMigrationOf } from './status';
import { STEPS } from './steps';
import { backupName } from './steps/createBackup';
import { Step, StepOutcome, planStep, plural } from './steps/types';
import { Check, LogEntry, MigrationReport, PlannedStep, ReportStep, Status, StepId, StepResult } from './types';
import { Env, SheetLike, SpreadsheetLike } from './gas';
import { formatWhen } from './wording';
import { phaseLabel, readProgress, RollbackProgress } from './rollback/progress';
import { propertySpaceProblem } from './quota';
import { runChunking } from './chunking';
import { ROLLBACK_PROTECTION_DESCRIPTION } from './protection';

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

const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_CHUNK_ROWS = 50000;

/** Reads the state records; a corrupt one throws CorruptStateError with its way out. */
export function loadSnapshot(store: StateStore): Snapshot {
  return { run: store.readRun(), backup: store.readBackup(), history: store.readHistory(), lease: store.readLease(), rollback: readProgress(store) };
}

/**
 * While a rollback is under way the tab may be half restored: a migration started between two
 * of its calls would work on that, and the rollback, when resumed, would undo the migration's
 * work without a backup of it. So nothing migrates until the rollback has finished.
 */
export function rollbackInProgressMessage(env: Env, p: RollbackProgress): string {
  return (
    `A rollback to v2.1 started by ${p.startedBy || 'someone'} on ${formatWhen(env, p.startedAt)} has not finished (it stopped while ${phaseLabel(p.phase)}). ` +
    'Nothing was changed. Finish it first: choose "Roll back to v2.1…" again in the Sheet Migrator menu or the sidebar (it resumes where it stopped), then run the migration.'
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

function isCorrupt(e: unknown): e is CorruptStateError {
  return e instanceof CorruptStateError || (e instanceof Error && e.name === 'CorruptStateError');
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
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
    const { env, store, log } = this.app;
    this.owner = leaseOwner(this.access.actor, req.clientId);
    try {
      this.s = this.retry(() => loadSnapshot(store));
    } catch (e) {
      if (!isCorrupt(e)) throw e;
      return this.refuse(req, e.message, [e.message], true);
    }
    if (req.dryRun) return this.dryRun(req);
    if (!this.access.canAct) {
      log.warn(null, `Run refused for ${this.access.actor || 'an unidentified user'}: not allowed to change this file.`);
      return this.refuse(req, this.access.reason || 'You may not change this file.', [], false);
    }
    if (this.s.rollback) {
      const why = rollbackInProgressMessage(this.app.env, this.s.rollback);
      log.warn(null, `Run by ${this.owner} refused: ${why}`);
      return this.refuse(req, why, [why], false);
    }
    const full = this.retry(() => propertySpaceProblem(env.documentProperties()));
    if (full) {
      log.error(null, full);
      return this.refuse(req, full, [full], false);
    }

    let units = 0;
    try {
      const lease = this.retry(() => acquireLease(env, store, this.owner, 'migration', this.app.config.leaseSeconds));
      if (!lease.ok) {
        this.s.lease = lease.holder;
        log.warn(null, `Run by ${this.owner} refused: ${lease.message}`);
        return this.refuse(req, lease.message, [], false);
      }
      this.leaseHeld = true;
      let leaseExpires = Date.parse(lease.lease.expiresAt);
      if (req.force) this.retry(() => this.startOverHeld(`Forced restart by ${this.access.actor}`));
      // Re-read under the lease: another execution may have moved on since the first read.
      this.s = this.retry(() => loadSnapshot(store));
      if (this.s.rollback) {
        const why = rollbackInProgressMessage(this.app.env, this.s.rollback);
        this.retry(() => this.releaseHeld());
        return this.refuse(req, why, [why], false);
      }

      const budgetMs = this.app.config.timeBudgetSeconds * 1000;
      let longestUnit = 0;
      let lastStep: StepId | null = null;
      let message = '';
      for (;;) {
        const u0 = env.now();
        // A long execution (a budget above the lease time) renews its lease before it runs out.
        if (u0 > leaseExpires - (this.app.config.leaseSeconds * 1000) / 2) {
          const renewed = this.retry(() => acquireLease(env, store, this.owner, 'migration', this.app.config.leaseSeconds));
          if (!renewed.ok) {
            this.leaseHeld = false;
            this.retry(() => log.flush());
            return this.outcome(req, { ok: false, complete: false, step: lastStep, message: `Stopped: ${renewed.message}`, units });
          }
          leaseExpires = Date.parse(renewed.lease.expiresAt);
        }
        const r = this.retry(() => this.unit(req, u0));
        units++;
        longestUnit = Math.max(longestUnit, env.now() - u0);
        if (r.kind === 'refused') {
          r.problems.forEach((p) => log.error(null, p));
          this.retry(() => this.releaseHeld());
          return this.refuse(req, `Nothing was changed. Fix ${r.problems.length === 1 ? 'this' : `these ${r.problems.length} problems`} first:\n- ${r.problems.join('\n- ')}`, r.problems, false, units);
        }
        if (r.kind === 'nothing') {
          log.info(null, r.message);
          this.retry(() => this.releaseHeld());
          this.retry(() => log.flush());
          return this.outcome(req, { ok: true, complete: true, step: null, message: r.message, units });
        }
        lastStep = r.step;
        const o = r.outcome;
        if (o.state === 'failed') {
          const failure = (this.s.run && this.s.run.failure && this.s.run.failure.message) || o.detail;
          this.afterFailure();
          return this.outcome(req, { ok: false, complete: false, step: r.step, message: failure, units });
        }
        if (r.complete) {
          message = this.completionMessage();
          this.retry(() => log.flush());
          return this.outcome(req, { ok: true, complete: true, step: r.step, message, units });
        }
        message = o.state === 'done' ? `${STEPS[r.step].title}: done. ${o.detail}` : o.detail;
        if (req.mode === 'step') break;
        const elapsed = env.now() - this.t0;
        if (elapsed + longestUnit > budgetMs) {
          message = `Paused after ${plural(units, 'unit')} to stay within the ${this.app.config.timeBudgetSeconds}-second budget of one execution; everything done is saved. Run again to continue. (${message})`;
          log.info(lastStep, message);
          break;
        }
      }
      this.retry(() => log.flush());
      return this.outcome(req, { ok: true, complete: false, step: lastStep, message, units });
    } catch (e) {
      if (isCorrupt(e)) {
        this.bestEffort(() => this.releaseHeld());
        return this.refuse(req, e.message, [e.message], true, units);
      }
      const message = this.failureMessage(this.currentStep, `Apps Script failed and retrying did not help (${errorText(e)})`);
      this.bestEffort(() => this.recordFailure(this.currentStep, errorText(e), message));
      this.bestEffort(() => log.error(this.currentStep, message));
      this.bestEffort(() => this.afterFailure());
      throw new Error(message);
    }
  }

  /** Retries what Apps Script fails now and then; every retried action is idempotent. */
  private retry<T>(fn: () => T): T {
    return withRetry(this.app.env, fn, {
      onRetry: (attempt, e) => this.app.log.warn(this.currentStep, `Apps Script failed for a moment (${errorText(e)}); retrying (attempt ${attempt + 1}).`),
    });
  }

  // --- one unit ---------------------------------------------------------------------

  private unit(req: RunRequest, u0: number): UnitResult {
    const { env, config, store, log } = this.app;
    const sheet = this.ss.getSheetByName(config.targetSheet);
    const headers = sheet ? readHeaderRow(sheet, config.headerRow) : [];
    this.sheet = sheet;
    this.layout = sheet ? analyzeHeader(headers, config) : null;

    if (!this.s.run) {
      const pre = this.checkNewRun(sheet, req.force);
      if (pre) return pre;
      const layout = this.layout as HeaderAnalysis;
      let protection: RunState['protection'] = 'off';
      if (config.protectDuringMigration) protection = findProtection(env, sheet as SheetLike).state === 'preexisting' ? 'preexisting' : 'ours';
      const run: RunState = {
        v: 1,
        runId: env.uuid(),
        startedAt: new Date(env.now()).toISOString(),
        startedBy: this.access.actor,
        columnCountBefore: layout.columnCountBefore,
        ...runChunking(req.chunkRows, config, layout.columnCountBefore),
        steps: {},
        failure: null,
        protection,
      };
      // On disk before anything changes: from here on, every change has a checkpoint.
      store.writeRun(run);
      this.s.run = run;
      log.info(
        null,
        `Migration ${config.fromVersion} → ${config.toVersion} of "${config.targetSheet}" started by ${this.access.actor} (${plural(layout.columnCountBefore, 'v2.1 column')}${layout.v3Present.length ? `, already present: ${layout.v3Present.join(', ')}` : ''}).`,
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
      if (!this.protectionTrusted(run)) {
        const state = protectForMigration(env, sheet, true, this.ownerEmail());
        // Kept in memory only: the checkpoint this unit saves carries it to disk.
        if (state === 'ours' && this.access.actor) run = this.s.run = { ...run, protectionCheckedFor: this.access.actor };
      }
      this.protectionChecked = true;
    }
    this.currentStep = step.id;
    if (this.layout.problems.length) {
      return this.stepFailed(step.id, this.layout.problems.map((p) => p.message.replace(/\.$/, '')).join('; '), u0);
    }
    const before: StepCheckpoint = run.steps[step.id] || { state: 'pending' };
    if (!before.startedAt) log.info(step.id, `Step ${config.steps.indexOf(step.id) + 1} of ${config.steps.length}: ${step.title}.`);
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
    if (outcome.state === 'failed') return this.stepFailed(step.id, outcome.detail, u0, outcome);
    this.saveCheckpoint(step.id, outcome, u0, null);
    if (outcome.state === 'done') {
      log.info(step.id, outcome.detail);
      if (!this.nextStep(this.s.run as RunState)) {
        this.finalize(sheet);
        return { kind: 'step', step: step.id, outcome, complete: true };
      }
    } else {
      log.debug(step.id, outcome.detail);
    }
    return { kind: 'step', step: step.id, outcome, complete: false };
  }

  /** Pre-flight for a run that has not started; null when it may start. */
  private checkNewRun(sheet: SheetLike | null, forced: boolean): UnitResult | null {
    const { config } = this.app;
    if (!sheet || !this.layout) {
      const pre = runPreflight(this.ss, config, null);
      return { kind: 'refused', problems: pre.problems.map((p) => p.message) };
    }
    const layout = this.layout;
    const last = lastMigrationOf(this.s.history);
    if (last && !forced && isMigrated(layout, this.s.history, config)) {
      return {
        kind: 'nothing',
        message: `"${config.targetSheet}" is already migrated to v${config.toVersion}: completed on ${formatWhen(this.app.env, last.at)} by ${last.by}. Nothing was changed. Use "Verify migration" to check it; a forced run (runMigration({force: true})) runs every step again.`,
      };
    }
    const problems = layout.problems.map((p) => p.message);
    if (layout.v3Missing.length) {
      const limit = cellLimitProblem(this.ss, sheet, gridGrowth(layout, sheet.getMaxColumns()), config.targetSheet);
      if (limit) problems.push(limit.message);
    }
    return problems.length ? { kind: 'refused', problems } : null;
  }

  private nextStep(run: RunState): Step | null {
    for (const id of this.app.config.steps) {
      const cp = run.steps[id];
      if (!cp || (cp.state !== 'done' && cp.state !== 'skipped')) return STEPS[id];
    }
    return null;
  }

  private saveCheckpoint(id: StepId, outcome: StepOutcome, u0: number, failure: RunState['failure']): void {
    const { env, store } = this.app;
    const run = this.s.run as RunState;
    const prev: StepCheckpoint = run.steps[id] || { state: 'pending' };
    const now = env.now();
    const cp: StepCheckpoint = {
      state: outcome.state,
      detail: outcome.detail,
      startedAt: prev.startedAt || new Date(u0).toISOString(),
      durationMs: Math.round((prev.durationMs || 0) + (now - u0)),
    };
    if (outcome.state === 'done') cp.completedAt = new Date(now).toISOString();
    if (outcome.cursor) cp.cursor = outcome.cursor;
    if (typeof outcome.rowsDone === 'number') cp.rowsDone = outcome.rowsDone;
    if (typeof outcome.rowsTotal === 'number') cp.rowsTotal = outcome.rowsTotal;
    const data = outcome.data || prev.data;
    if (data) cp.data = data;
    const next: RunState = { ...run, steps: { ...run.steps, [id]: cp }, failure };
    store.writeRun(next);
    this.s.run = next;
  }

  private stepFailed(id: StepId, reason: string, u0: number, outcome?: StepOutcome): UnitResult {
    const message = this.failureMessage(id, reason);
    const o: StepOutcome = { ...(outcome || {}), state: 'failed', detail: reason };
    this.saveCheckpoint(id, o, u0, { step: id, message, at: new Date(this.app.env.now()).toISOString() });
    this.app.log.error(id, message);
    return { kind: 'step', step: id, outcome: o, complete: false };
  }

  /** Records a failure that was thrown rather than returned (best effort: Apps Script may be gone). */
  private recordFailure(id: StepId | null, reason: string, message: string): void {
    const run = this.s.run;
    if (!run || !id) return;
    const prev = run.steps[id] || { state: 'pending' };
    // The cursor stays: nothing after it was saved, so a re-run resumes exactly there.
    const next: RunState = {
      ...run,
      steps: { ...run.steps, [id]: { ...prev, state: 'failed', detail: reason } },
      failure: { step: id, message, at: new Date(this.app.env.now()).toISOString() },
    };
    this.app.store.writeRun(next);
    this.s.run = next;
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
    const owner = (this.access.owner || '').trim().toLowerCase();
    return !!actor && !!owner && actor === owner && run.protectionCheckedFor === actor && !run.failure;
  }

  /** After a failure: the sheet is unprotected, the lease released and the log saved. */
  private afterFailure(): void {
    this.bestEffort(() => {
      const run = this.s.run;
      if (!run || run.protection !== 'ours' || !this.sheet) return;
      if (run.protectionCheckedFor !== undefined) {
        // Forgotten first: a run that trusted a protection no longer there would go on unprotected.
        const next: RunState = { ...run };
        delete next.protectionCheckedFor;
        this.retry(() => this.app.store.writeRun(next));
        this.s.run = next;
      }
      removeMigrationProtection(this.app.env, this.sheet);
    });
    this.bestEffort(() => this.retry(() => this.releaseHeld()));
    this.bestEffort(() => this.retry(() => this.app.log.flush()));
  }

  private bestEffort(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      // Cleanup after a failure must not hide the failure itself.
    }
  }

  private releaseHeld(): void {
    if (!this.leaseHeld) return;
    releaseLease(this.app.env, this.app.store, this.owner);
    this.leaseHeld = false;
    this.s.lease = null;
  }

  private ownerEmail(): string | null {
    return this.access.owner;
  }

  /** What failed, what had already changed, and how to undo it or go on. */
  private failureMessage(id: StepId | null, reason: string): string {
    const { config } = this.app;
    const run = this.s.run;
    const backup = this.s.backup;
    const changes: Array<[StepId, string]> = [];
    if (run) {
      config.steps.forEach((sid) => {
        const text = STEPS[sid].changed(run.steps[sid] || { state: 'pending' });
        if (text) changes.push([sid, text]);
      });
    }
    // The backup file is a change in Drive, not in the sheet: nothing to roll back for it alone.
    const sheetChanged = changes.some(([sid]) => sid !== 'create_backup');
    const where = id ? `Step ${config.steps.indexOf(id) + 1} of ${config.steps.length} (${STEPS[id].title}) failed` : 'The migration failed';
    let text = `${where}: ${reason.replace(/\.$/, '')}. `;
    text += changes.length ? `Already changed: ${changes.map((c) => c[1]).join('; ')}. ` : `Nothing in "${config.targetSheet}" has been changed. `;
    if (backup) text += `The v2.1 data is safe in the backup "${backup.name}" (${backup.url}). `;
    if (backup && sheetChanged) text += 'To undo the migration, use "Roll back to v2.1…" in the Sheet Migrator menu or in the sidebar; or ';
    else text += 'You can ';
    text += 'fix the cause and run again: the migration resumes at this step.';
    return text;
  }

  // --- finishing -------------------------------------------------------------------------

  private finalize(sheet: SheetLike): void {
    const { env, config, store, log } = this.app;
    const run = this.s.run as RunState;
    if (run.protection === 'ours') removeMigrationProtection(env, sheet);
    // Read again: an earlier attempt may have written the entry and then failed.
    this.s.history = store.readHistory();
    if (!this.s.history.some((h) => h.runId === run.runId)) {
      const now = env.now();
      const backup = this.s.backup;
      // A forced re-run of a finished migration does not move the rollback window.
      let until = now + config.rollbackWindowDays * DAY_MS;
      for (let i = this.s.history.length - 1; i >= 0; i--) {
        const h = this.s.history[i];
        if (h.kind === 'rollback') break;
        if (backup && h.backupId === backup.id && h.rollbackUntil) until = Math.min(until, Date.parse(h.rollbackUntil));
      }
      const durationsMs: Partial<Record<StepId, number>> = {};
      config.steps.forEach((id) => {
        const cp = run.steps[id];
        if (cp && typeof cp.durationMs === 'number') durationsMs[id] = cp.durationMs;
      });
      const init = run.steps.initialize_versions;
      const entry: HistoryEntry = {
        kind: 'migration',
        from: config.fromVersion,
        to: config.toVersion,
        by: run.startedBy || this.access.actor,
        at: new Date(now).toISOString(),
        backupId: backup ? backup.id : null,
        durationsMs,
        digest: backup ? backup.digest : undefined,
        rollbackUntil: new Date(until).toISOString(),
        rowsWritten: init && init.data && typeof init.data.rowsInitialized === 'number' ? init.data.rowsInitialized : 0,
        runId: run.runId,
      };
      store.appendHistory(entry);
      this.s.history = this.s.history.concat([entry]);
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
    const before = this.finishedRun && this.finishedRun.columnCountBefore !== null ? this.finishedRun.columnCountBefore : cols - config.newColumns.length;
    return (
      `Migration to v${config.toVersion} complete: "${config.targetSheet}" has ${cols} columns (${before} + ${config.newColumns.length}), ` +
      `${last && typeof last.rowsWritten === 'number' ? `version = 0 on ${plural(last.rowsWritten, 'row')}, ` : ''}` +
      `and its v2.1 data was proved equal to the backup${backup ? ` "${backup.name}"` : ''}.` +
      (last && last.rollbackUntil ? ` Roll back is possible until ${formatWhen(this.app.env, last.rollbackUntil)}.` : '')
    );
  }

  // --- dry run -----------------------------------------------------------------------------

  private dryRun(req: RunRequest): RunOutcome {
    const { env, config, log } = this.app;
    // Read-only, so anyone who can open the sidebar may see the plan; who may run it is a note.
    const pre = runPreflight(this.ss, config, null);
    this.sheet = pre.sheet;
    this.layout = pre.analysis;
    const run = this.s.run;
    const migrated = !run && isMigrated(pre.analysis, this.s.history, config);
    const problems = pre.problems.map((p) => p.message);
    if (this.s.rollback) problems.unshift(rollbackInProgressMessage(this.app.env, this.s.rollback));
    const full = migrated ? null : propertySpaceProblem(env.documentProperties());
    if (full) problems.push(full);
    let plan: PlannedStep[] = [];
    if (pre.analysis && pre.analysis.headers.length) {
      const layout = pre.analysis;
      const sizing = run ? { chunkRows: run.chunkRows || config.chunkRows, chunkCells: run.chunkCells } : runChunking(req.chunkRows, config, layout.columnCountBefore);
      plan = config.steps.map((id) =>
        planStep(STEPS[id], {
          env,
          config,
          spreadsheetName: this.ss.getName(),
          layout,
          lastRow: pre.lastRow,
          maxColumns: pre.maxColumns,
          growColumns: pre.growColumns,
          backup: this.s.backup,
          backupName: backupName(config.backupNamePattern, this.ss, env, env.now()),
          chunkRows: sizing.chunkRows,
          chunkCells: sizing.chunkCells,
          checkpoint: (run && run.steps[id]) || null,
        }),
      );
    }
    let message: string;
    if (migrated) message = `Dry run: "${config.targetSheet}" is already migrated; a run would change nothing. Nothing was changed.`;
    else if (problems.length) message = `Dry run: the migration cannot start until ${problems.length === 1 ? 'this problem is' : `these ${problems.length} problems are`} fixed:\n- ${problems.join('\n- ')}\nNothing was changed.`;
    else {
      const L = pre.analysis as HeaderAnalysis;
      message =
        `Dry run: nothing was changed. A run would ${run ? 'resume the migration under way' : 'back up the spreadsheet'}, ` +
        `${L.v3Missing.length ? `add ${L.v3Missing.join(', ')} (${L.headers.length} → ${L.headers.length + L.v3Missing.length} columns)` : 'keep the v3 columns already in place'}, ` +
        `and set version on ${plural(Math.max(0, pre.lastRow - config.headerRow), 'row')}.`;
    }
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
    let runProtection: RunState['protection'] | undefined;
    try {
      const run = store.readRun();
      runProtection = run ? run.protection : undefined;
    } catch (e) {
      log.warn(null, 'The unreadable run record was discarded.');
    }
    store.clearRun();
    try {
      store.readHistory();
    } catch (e) {
      props.deleteProperty('sm.history');
      log.warn(null, 'The unreadable migration history was discarded.');
    }
    try {
      store.readBackup();
    } catch (e) {
      const raw = props.getProperty('sm.backup') || '';
      const id = /"id"\s*:\s*"([^"]+)"/.exec(raw);
      store.clearBackup();
      log.warn(null, `The unreadable backup record was discarded${id ? ` (it named the file ${id[1]}, which was not touched)` : ''}; a new backup will be taken.`);
    }
    let rollbackDiscarded = false;
    try {
      readProgress(store);
    } catch (e) {
      // An unreadable rollback checkpoint cannot be resumed; a new rollback starts afresh (it
      // takes its own snapshot first), so discarding it loses nothing.
      store.remove(KEYS.rollback);
      rollbackDiscarded = true;
      log.warn(null, 'The unreadable rollback checkpoint was discarded. If a rollback was under way, choose "Roll back to v2.1…" again: it starts over from a new snapshot.');
    }
    const sheet = this.ss.getSheetByName(config.targetSheet);
    if (sheet && runProtection !== 'preexisting') removeMigrationProtection(env, sheet);
    if (rollbackDiscarded) {
      if (sheet) removeMigrationProtection(env, sheet, ROLLBACK_PROTECTION_DESCRIPTION);
      // Its temporary tab (a copy of the backup's tab, so nothing is lost with it) would be
      // left behind: a new rollback only knows the tab it makes itself.
      const temp = new RegExp(`^${escapeRegExp(config.targetSheet)} \\(rollback [0-9a-f]{8}\\)$`);
      this.ss.getSheets().filter((s) => temp.test(s.getName())).forEach((s) => this.ss.deleteSheet(s));
    }
    log.info(null, `${why}: step checkpoints cleared${this.s.backup ? `; the backup record "${this.s.backup.name}" is kept` : ''}.`);
  }

  /** startOver(): returns the Status, with `problem` set when it could not act. */
  startOver(clientId: string | null): { ok: boolean; message: string; status: Status } {
    const { env, config, store, log } = this.app;
    this.owner = leaseOwner(this.access.actor, clientId);
    if (!this.access.canAct) {
      return { ok: false, message: this.access.reason || 'You may not change this file.', status: this.statusNow(this.access.reason) };
    }
    let leaseRecordBad = false;
    try {
      store.readLease();
    } catch (e) {
      leaseRecordBad = true;
    }
    if (leaseRecordBad) {
      store.clearLease();
      log.warn(null, 'The unreadable lease record was discarded.');
    }
    const held = leaseRecordBad ? null : safe(() => store.readLease(), null);
    // The same person stopping in one sidebar and starting over in another (or from the menu)
    // is not a race worth refusing: the steps are idempotent.
    if (held && isLeaseLive(held, env.now()) && isViewersLease(held.owner, this.access.actor)) this.owner = held.owner;
    const lease = this.retry(() => acquireLease(env, store, this.owner, 'migration', config.leaseSeconds));
    if (!lease.ok) {
      this.s.lease = lease.holder;
      return { ok: false, message: lease.message, status: this.statusNow(null) };
    }
    this.leaseHeld = true;
    try {
      try {
        this.s.backup = store.readBackup();
      } catch (e) {
        this.s.backup = null;
      }
      this.startOverHeld(`Start over by ${this.access.actor}`);
    } finally {
      this.bestEffort(() => this.releaseHeld());
      log.flush();
    }
    const message = `Step checkpoints cleared: the next run starts again from the first step${this.s.backup ? `, and keeps the v2.1 backup "${this.s.backup.name}"` : ''}.`;
    return { ok: true, message, status: this.statusNow(null) };
  }

  // --- status and results ----------------------------------------------------------------------

  /** Status from a fresh read (used by getMigrationStatus and after start over). */
  statusNow(problem: string | null, viewer: string | null = this.owner || null): Status {
    const { env, config, store } = this.app;
    let corrupt: string | null = null;
    try {
      this.s = loadSnapshot(store);
    } catch (e) {
      if (!isCorrupt(e)) throw e;
      corrupt = e.message;
      this.s = {
        run: safe(() => store.readRun(), null),
        backup: safe(() => store.readBackup(), null),
        history: safe(() => store.readHistory(), []),
        lease: safe(() => store.readLease(), null),
        rollback: safe(() => readProgress(store), null),
      };
    }
    const sheet = this.ss.getSheetByName(config.targetSheet);
    this.layout = sheet ? analyzeHeader(readHeaderRow(sheet, config.headerRow), config) : null;
    const found = problem || corrupt || this.sheetProblem();
    // A full property store keeps a run from starting; once migrated it does not matter.
    const full = found || isMigrated(this.layout, this.s.history, config) ? null : propertySpaceProblem(env.documentProperties());
    return this.buildStatusFromMemory(found || full, viewer, env.now());
  }

  private sheetProblem(): string | null {
    const { config } = this.app;
    if (this.s.rollback) return rollbackInProgressMessage(this.app.env, this.s.rollback);
    if (!this.layout) {
      const tabs = this.ss.getSheets().map((s) => `"${s.getName()}"`).join(', ');
      return `This spreadsheet has no tab named "${config.targetSheet}" (its tabs are ${tabs || 'none'}). Open the spreadsheet that holds the v2.1 "${config.targetSheet}" tab.`;
    }
    // Only what keeps a run from starting. Once a run is under way, a problem shows as the
    // failure of the step it stops (and must not block Roll back, which fixes it).
    if (this.s.run || isMigrated(this.layout, this.s.history, config)) return null;
    return this.layout.problems.length ? this.layout.problems.map((p) => p.message).join(' ') : null;
  }

  private buildStatusFromMemory(problem: string | null, viewer: string | null, now: number): Status {
    return buildStatus({
      config: this.app.config,
      now,
      layout: this.layout,
      run: this.s.run,
      backup: this.s.backup,
      history: this.s.history,
      lease: this.s.lease,
      viewer,
      access: this.access,
      problem,
      rollback: this.s.rollback,
      when: (iso) => formatWhen(this.app.env, iso),
    });
  }

  private refuse(req: RunRequest, message: string, problems: string[], corrupt: boolean, units = 0): RunOutcome {
    if (!req.dryRun) this.bestEffort(() => this.app.log.flush());
    const logEntries = req.dryRun ? this.app.log.discardPending() : undefined;
    const status = this.statusNow(corrupt ? message : null);
    return this.outcome(req, { ok: false, complete: false, step: null, message, units, problems: problems.length ? problems : undefined, logEntries }, status);
  }

  private outcome(
    req: RunRequest,
    o: { ok: boolean; complete: boolean; step: StepId | null; message: string; units: number; plan?: PlannedStep[]; problems?: string[]; logEntries?: LogEntry[] },
    status?: Status,
  ): RunOutcome {
    // Built from what this execution already read; a fresh (read-only) look only when nothing was.
    const st = status || (this.layout || this.sheet ? this.buildStatusFromMemory(this.sheetProblem(), this.owner, this.app.env.now()) : this.statusNow(null));
    const report = this.report(req, o);
    return { ...o, dryRun: req.dryRun, status: st, report };
  }

  private report(
    req: RunRequest,
    o: { ok: boolean; complete: boolean; message: string; units: number; plan?: PlannedStep[]; problems?: string[]; logEntries?: LogEntry[] },
  ): MigrationReport {
    const { config, env } = this.app;
    const run = this.s.run || this.finishedRun;
    const steps: ReportStep[] = config.steps.map((id) => {
      const cp = run ? run.steps[id] : undefined;
      return { id, state: cp ? cp.state : 'pending', durationMs: cp && cp.durationMs ? cp.durationMs : 0, detail: cp && cp.detail ? cp.detail : '' };
    });
    const report: MigrationReport = { ok: o.ok, complete: o.complete, dryRun: req.dryRun, steps, message: o.message, units: o.units };
    if (o.plan) report.plan = o.plan;
    if (o.problems) report.problems = o.problems;
    if (o.logEntries) report.logEntries = o.logEntries;
    if (this.s.backup) report.backup = { id: this.s.backup.id, name: this.s.backup.name, url: this.s.backup.url, createdAt: this.s.backup.createdAt };
    const init = run && run.steps.initialize_versions;
    // Rows this run actually wrote: a forced re-run over rows that already hold 0 writes none.
    if (init && init.data && typeof init.data.written === 'number') report.rowsWritten = init.data.written;
    const smoke = run && run.steps.test_smoke;
    if (smoke && smoke.data && typeof smoke.data.seed === 'number') report.smokeSeed = smoke.data.seed;
    if (run && (run.steps.verify_schema || smoke)) {
      const checks: Check[] = [];
      const schema = run.steps.verify_schema;
      if (schema) checks.push({ id: 'schema', ok: schema.state === 'done', detail: schema.detail || '' });
      if (smoke) {
        const sampled = smoke.state === 'done' || (smoke.state === 'running' && smoke.cursor && smoke.cursor.phase === 'digest');
        checks.push({ id: 'sample_rows', ok: !!sampled, detail: smoke.data && smoke.data.sampleRows ? `seed ${smoke.data.seed}: rows ${smoke.data.sampleRows}` : smoke.detail || '' });
        checks.push({ id: 'v21_digest', ok: smoke.state === 'done', detail: smoke.state === 'done' ? 'the v2.1 digest equals the backup digest' : smoke.detail || 'not checked yet' });
      }
      report.verification = { ok: checks.every((c) => c.ok), generatedAt: new Date(env.now()).toISOString(), checks };
    }
    return report;
  }
}

function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch (e) {
    return fallback;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
