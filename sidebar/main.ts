// The sidebar: shows where the migration stands and drives it one bounded server call at a
// time (runMigrationStep until complete), so progress is live, no call nears Apps Script's
// 6-minute limit, and closing the sidebar loses nothing: the next one resumes from the
// server's checkpoint.
import type {
  Status,
  StepResult,
  PlannedStep,
  MigrationReport,
  LogEntry,
  LogLevel,
} from '../src/core/types';
import { call, RollbackAnswer, VerifyAnswer } from './api';
import { el, fill, byId, Child } from './dom';
import { explainFailure, PlainError, formatDate, formatNumber, plural } from './format';
import { downloadJson, reportFileName } from './download';
import { actionRules, ActionId, Busy, nextStep, settledCount, hasStarted, readOnlyNotice } from './rules';
import {
  renderBadge, renderFacts, renderProgress, renderSteps, renderBackup, renderReasons, renderLog,
  panel, planBody, verificationBody, verifyStopped, reportBody, rollbackBody, checkCounts, rollbackPhaseWords, NEW_COLUMNS, FROM_VERSION, TO_VERSION,
} from './view';

type Result =
  | { kind: 'plan'; steps: PlannedStep[]; message: string }
  | { kind: 'verification'; report: VerifyAnswer }
  | { kind: 'report'; report: MigrationReport }
  | { kind: 'rollback'; report: RollbackAnswer };

type Confirm = 'startOver' | 'rollback';

interface AppState {
  status: Status | null;
  busy: Busy | null;
  stopRequested: boolean;
  error: PlainError | null;
  result: Result | null;
  confirm: Confirm | null;
  /** The server's preview of a rollback, shown in the confirmation. */
  rollbackPreview: RollbackAnswer | null;
  log: LogEntry[];
  logLevel: LogLevel;
}

/** Names this sidebar to the server's lease, so two open sidebars never interleave steps. */
const clientId = (() => {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
})();

/** A run makes no progress this many calls in a row → stop instead of looping for ever. */
const MAX_STALLED_CALLS = 5;
const MAX_ROLLBACK_CALLS = 500;
const MAX_VERIFY_CALLS = 500;
const WATCH_INTERVAL_MS = 5000;
const QUIET_REFRESH_MS = 10 * 60000;

const state: AppState = {
  status: null,
  busy: null,
  stopRequested: false,
  error: null,
  result: null,
  confirm: null,
  rollbackPreview: null,
  log: [],
  logLevel: 'INFO',
};

const BUTTONS: ActionId[] = ['runAll', 'runNext', 'stop', 'dryRun', 'verify', 'startOver', 'rollback'];
let watchTimer: number | null = null;

// ---- rendering ----------------------------------------------------------------------------

function say(text: string): void {
  byId('status-line').textContent = text;
}

function render(): void {
  const s = state.status;
  const running = state.busy === 'run';
  byId('app').setAttribute('aria-busy', state.busy ? 'true' : 'false');
  byId('sheet-name').textContent = s ? s.sheetName : state.busy === 'status' ? 'Loading…' : 'Unknown';
  const badge = renderBadge(s, running);
  const badgeEl = byId('badge');
  badgeEl.textContent = badge.text;
  badgeEl.className = `badge ${badge.kind}`;
  fill(byId('facts'), ...(s ? renderFacts(s) : []));
  fill(byId('notices'), ...renderNotices());
  if (s) {
    const current = running ? nextStep(s) : null;
    fill(byId('progress'), ...renderProgress(s, running));
    fill(byId('steps'), ...renderSteps(s, current ? current.id : null));
  } else {
    fill(byId('progress'));
    fill(byId('steps'));
  }
  fill(byId('backup'), ...backupCard());
  renderButtons();
  fill(byId('log'), ...renderLog(state.log, state.logLevel));
}

function backupCard(): Child[] {
  const s = state.status;
  return s ? renderBackup(s) : [el('p', { className: 'muted' }, state.busy === 'status' ? 'Loading…' : 'Unknown')];
}

/**
 * Keeps the backup card's deadline and the Roll back button honest while the sidebar stays open
 * (a window can end while it does): the server is asked again, since only its clock decides.
 * The card is re-filled only when its text changes, so a focused backup link keeps its focus.
 */
async function refreshQuietly(): Promise<void> {
  if (state.busy || !state.status) return;
  try {
    const next = await call('getMigrationStatus', { clientId });
    if (state.busy) return;
    state.status = next;
  } catch (e) {
    return; // Transient: the next tick or action asks again.
  }
  const card = byId('backup');
  const fresh = backupCard();
  if (el('div', null, ...fresh).textContent !== card.textContent) fill(card, ...fresh);
  renderButtons();
}

function renderButtons(): void {
  const rules = actionRules({ status: state.status, busy: state.busy, stopRequested: state.stopRequested });
  const reasons = renderReasons(rules);
  fill(byId('reasons'), ...reasons);
  for (const id of BUTTONS) {
    const button = byId<HTMLButtonElement>(`btn-${id}`);
    const rule = rules[id];
    // A focused button that becomes disabled would drop keyboard focus to <body>.
    if (!rule.enabled && document.activeElement === button) byId('status-line').focus();
    button.disabled = !rule.enabled;
    const reasonItem = (reasons as HTMLElement[]).find((li) => (li.getAttribute('data-for') || '').split(' ').indexOf(id) >= 0);
    if (reasonItem) {
      button.setAttribute('aria-describedby', reasonItem.id);
      button.title = rule.reason || '';
    } else {
      button.removeAttribute('aria-describedby');
      button.removeAttribute('title');
    }
  }
  byId('btn-stop').textContent = state.busy === 'verify' ? (state.stopRequested ? 'Stopping…' : 'Stop verifying') : state.stopRequested ? 'Stopping after this step…' : 'Stop after this step';
}

function renderNotices(): Child[] {
  const out: Child[] = [];
  const s = state.status;
  if (state.error) {
    out.push(el('div', { className: 'notice bad', role: 'alert', 'data-testid': 'error' },
      el('strong', null, state.error.what),
      state.error.details && state.error.details.length
        ? el('ul', { className: 'problems' }, ...state.error.details.map((d) => el('li', null, d)))
        : null,
      state.error.todo ? el('p', null, state.error.todo) : null,
      el('div', { className: 'notice-actions' },
        el('button', { type: 'button', className: 'small', onclick: () => { state.error = null; render(); } }, 'Dismiss'),
        el('button', { type: 'button', className: 'small', onclick: () => void refreshStatus() }, 'Reload state'))));
  }
  if (!s) return out;
  const rb = s.rollbackInProgress;
  if (rb) {
    out.push(el('div', { className: 'notice bad', 'data-testid': 'rollback-unfinished' },
      el('strong', null, 'A rollback was interrupted'),
      el('p', null, `${rb.by || 'Someone'} started a rollback to v${FROM_VERSION} on ${formatDate(rb.since)}; it stopped while ${rollbackPhaseWords(rb)}, so “${s.sheetName}” may be only partly restored. Nothing is lost: the backup and the snapshot taken first keep every value.`),
      el('p', null, s.canAct === false
        ? s.whoCanAct ? `Ask ${s.whoCanAct} to press Roll back… to finish it.` : 'Once someone may act (see below), they can press Roll back… to finish it.'
        : 'Press Roll back… again to finish it: it resumes where it stopped. Until then the migration buttons stay off.')));
  }
  // The server states an unfinished rollback as the sheet's problem too: said once, above.
  if (s.problem && !rb) {
    out.push(el('div', { className: 'notice bad', 'data-testid': 'problem' },
      el('strong', null, s.problem),
      el('p', null, 'Fix this in the spreadsheet, then reload.'),
      el('div', { className: 'notice-actions' },
        el('button', { type: 'button', className: 'small', onclick: () => void refreshStatus() }, 'Reload state'))));
  }
  if (s.canAct === false) {
    out.push(el('div', { className: 'notice info', 'data-testid': 'read-only' },
      el('strong', null, 'Read-only'),
      el('p', { 'data-testid': 'read-only-reason' }, readOnlyNotice(s))));
  }
  if (s.running && state.busy !== 'run' && !rb) {
    const self = !!s.actor && s.running.by.toLowerCase() === s.actor.toLowerCase();
    out.push(el('div', { className: 'notice warn', 'data-testid': 'running-elsewhere' },
      el('strong', null, self
        ? 'The migration is running in another sidebar or window of yours'
        : `${s.running.by || 'Another user'} is running the migration`),
      el('p', null, `Started ${formatDate(s.running.since)}. This sidebar follows the progress; the buttons come back when that run finishes`,
        self ? ', or a few minutes after that window was closed.' : '.')));
  }
  const failed = s.steps.find((x) => x.state === 'failed');
  if (failed && state.busy !== 'run') {
    out.push(el('div', { className: 'notice bad', 'data-testid': 'step-failed' },
      el('strong', null, `“${failed.title}” failed`),
      failed.detail ? el('p', null, failed.detail) : null,
      el('p', null, s.backup
        ? 'Later steps did not run. Fix the cause and press Run all remaining to retry from the checkpoint, or use Roll back to return to the backup.'
        : 'Nothing was changed in the sheet. Fix the cause and press Run all remaining to retry.')));
  } else if (!s.migrated && hasStarted(s) && !state.busy && !s.running && !rb) {
    out.push(el('div', { className: 'notice info', 'data-testid': 'paused' },
      el('p', null, `Paused after ${plural(settledCount(s), 'step')} of ${s.steps.length}. Run all remaining continues from the saved checkpoint.`)));
  }
  return out;
}

/** The server's clock at the last status; the sidebar keeps none of its own. */
function serverNow(): string | undefined {
  return state.status ? state.status.now : undefined;
}

function renderResult(): void {
  const slot = byId('result-slot');
  const r = state.result;
  if (!r) return fill(slot);
  const close = () => { state.result = null; renderResult(); };
  let node: HTMLElement;
  switch (r.kind) {
    case 'plan':
      node = panel({ title: 'Dry run: planned changes', kind: 'info', testId: 'plan', onClose: close,
        onDownload: () => downloadJson(reportFileName('dry-run', serverNow()), { plan: r.steps, message: r.message }),
        body: planBody(r.steps, r.message) });
      break;
    case 'verification':
      node = panel({ title: 'Verification', kind: r.report.ok ? 'ok' : verifyStopped(r.report) ? 'info' : 'bad', testId: 'verification', onClose: close,
        onDownload: () => downloadJson(reportFileName('verification', r.report.generatedAt), r.report),
        body: verificationBody(r.report) });
      break;
    case 'report':
      node = panel({ title: r.report.ok ? 'Migration report' : 'Migration stopped', kind: r.report.ok ? 'ok' : 'bad', testId: 'report',
        onClose: close, onDownload: () => downloadJson(reportFileName('migration-report', serverNow()), r.report),
        body: reportBody(r.report) });
      break;
    case 'rollback':
      node = panel({ title: r.report.ok ? 'Rolled back' : 'Rollback stopped', kind: r.report.ok ? 'ok' : 'bad', testId: 'rollback-result',
        onClose: close, onDownload: () => downloadJson(reportFileName('rollback', serverNow()), r.report),
        body: rollbackBody(r.report, state.status ? state.status.sheetName : '') });
      break;
  }
  fill(slot, node);
}

function renderConfirm(): void {
  const slot = byId('confirm-slot');
  const s = state.status;
  const which = state.confirm;
  if (!which || !s) return fill(slot);
  const cancel = () => { state.confirm = null; renderConfirm(); byId(`btn-${which}`).focus(); };
  let title: string;
  let body: Child[];
  let yes: string;
  let onYes: () => void;
  if (which === 'startOver') {
    title = 'Start over?';
    yes = 'Start over';
    body = [
      el('p', null, `This forgets the progress of ${plural(settledCount(s), 'finished step')}, so the next run begins again with the first step.`),
      el('p', null, `Nothing in “${s.sheetName}” changes now, and the record of the v${FROM_VERSION} backup is kept, so rolling back stays possible.`),
    ];
    onYes = () => void doStartOver();
  } else {
    const b = s.backup;
    const p = state.rollbackPreview;
    const name = (p && p.backupName) || (b && b.name) || '';
    const taken = (p && p.backupCreatedAt) || (b && b.createdAt) || '';
    const resume = s.rollbackInProgress;
    title = resume ? `Finish the rollback to v${FROM_VERSION}?` : `Roll back to v${FROM_VERSION}?`;
    yes = resume ? 'Finish rollback' : 'Roll back';
    body = [
      resume ? el('p', { 'data-testid': 'rollback-resume' }, `The rollback started on ${formatDate(resume.since)} resumes where it stopped (${rollbackPhaseWords(resume)}); what it already did is not done twice.`) : null,
      el('p', null, `“${s.sheetName}” will be restored from the backup${name ? ` “${name}”` : ''}${taken ? `, taken ${formatDate(taken)}` : ''}. Same file, same tab.`),
      el('p', null, el('strong', null, 'Discarded: '),
        `the v${TO_VERSION} columns (${NEW_COLUMNS.join(', ')}) and every edit made to “${s.sheetName}” since the backup.`),
      el('p', null, el('strong', null, 'Kept: '),
        `first, a snapshot copy of the whole file as it is now is saved${p && p.snapshotName ? ` as “${p.snapshotName}”` : ''} ${(p && p.snapshotWhere) || 'in your Drive, next to the backup'}, so the rollback itself loses nothing.`),
    ];
    if (p && p.plan && p.plan.length) {
      body.push(el('details', { className: 'rollback-plan' },
        el('summary', null, 'Step by step'),
        el('ul', null, ...p.plan.map((line) => el('li', null, line)))));
    }
    onYes = () => void doRollback();
  }
  const node = el('section', { className: 'card panel confirm', role: 'alertdialog', 'aria-modal': 'false', 'aria-labelledby': 'confirm-title', 'data-testid': `confirm-${which}`,
    onkeydown: ((ev: KeyboardEvent) => { if (ev.key === 'Escape') cancel(); }) as EventListener },
  el('h2', { id: 'confirm-title' }, title),
  ...body,
  el('div', { className: 'panel-actions' },
    el('button', { type: 'button', id: 'confirm-no', onclick: cancel }, 'Cancel'),
    el('button', { type: 'button', id: 'confirm-yes', className: which === 'rollback' ? 'primary danger-fill' : 'primary', onclick: () => { state.confirm = null; renderConfirm(); onYes(); } }, yes)));
  fill(slot, node);
  byId('confirm-no').focus();
}

function showError(action: string, e: unknown): void {
  const message = e instanceof Error ? e.message : String(e);
  state.error = explainFailure(action, message);
  say(state.error.what);
}

const NOTHING_CHANGED = /nothing was changed/i;

/**
 * An ok:false answer: the server's message already says what happened and what to do. Without
 * `todo` it was a refusal, which changes nothing: said unless the message says it already.
 */
function showRefusal(message: string, todo?: string): void {
  const what = message || 'The server refused the request.';
  state.error = { what, todo: todo ?? (NOTHING_CHANGED.test(what) ? '' : 'Nothing was changed by this request.') };
  say(what);
}

// ---- actions ------------------------------------------------------------------------------

async function refreshStatus(): Promise<void> {
  const first = state.status === null;
  state.busy = state.busy || 'status';
  if (first) say('Loading the migration state…');
  render();
  try {
    state.status = await call('getMigrationStatus', { clientId });
    if (state.error && first) state.error = null;
    if (first) say(describe(state.status));
  } catch (e) {
    showError('status check', e);
  } finally {
    if (state.busy === 'status') state.busy = null;
  }
  render();
  scheduleWatch();
  void refreshLog();
}

function describe(s: Status): string {
  if (s.rollbackInProgress) return 'A rollback was interrupted. Press Roll back… to finish it.';
  if (s.problem) return s.problem;
  if (s.migrated) return `${s.sheetName} is on v${TO_VERSION} (${plural(s.columnCount, 'column')}).`;
  if (s.running) return `${s.running.by || 'Another user'} is running the migration.`;
  if (hasStarted(s)) return `${settledCount(s)} of ${s.steps.length} steps done. Ready to continue.`;
  return `${s.sheetName} is on v${FROM_VERSION} (${plural(s.columnCount, 'column')}). Ready to migrate.`;
}

async function refreshLog(): Promise<void> {
  try {
    const res = await call('getMigrationLog', { limit: 200 });
    state.log = (res && Array.isArray(res.entries)) ? res.entries : [];
    fill(byId('log'), ...renderLog(state.log, state.logLevel));
  } catch (e) {
    // The log is a convenience; a failure here must not hide the migration state.
    fill(byId('log'), el('li', { className: 'muted empty' }, 'The log could not be loaded. Press Refresh to try again.'));
  }
}

/**
 * Watches another user's run (or a lease left by a closed sidebar) until it ends. Every action
 * re-arms it when it ends; a tick that finds this sidebar busy waits for the next one.
 */
function scheduleWatch(): void {
  if (watchTimer !== null) window.clearTimeout(watchTimer);
  watchTimer = null;
  if (!state.status || !state.status.running) return;
  watchTimer = window.setTimeout(async () => {
    watchTimer = null;
    if (state.busy) return scheduleWatch();
    try {
      state.status = await call('getMigrationStatus', { clientId });
      if (!state.status.running) say(describe(state.status));
    } catch (e) {
      // Transient: keep the last known state and try again on the next tick.
    }
    render();
    scheduleWatch();
  }, WATCH_INTERVAL_MS);
}

function stepKey(s: Status, message: string): string {
  return JSON.stringify([message, s.steps.map((x) => [x.state, x.rowsDone, x.detail])]);
}

interface ActOptions {
  /** Closes the previous result panel first (the action makes it stale). */
  clearResult?: boolean;
  /** Moves focus to the result panel at the end (an action the user waits on for its report). */
  focus?: boolean;
}

/**
 * One action, start to end: refuses to overlap another, says what it is doing, shows a thrown
 * failure in plain words, then re-renders, re-arms the watch of another run and reloads the log.
 */
async function act(busy: Busy, what: string, line: string, body: () => Promise<void>, o: ActOptions = {}): Promise<void> {
  if (state.busy) return;
  state.busy = busy;
  state.stopRequested = false;
  state.error = null;
  if (o.clearResult) {
    state.result = null;
    renderResult();
  }
  say(line);
  render();
  try {
    await body();
  } catch (e) {
    showError(what, e);
  } finally {
    state.busy = null;
    state.stopRequested = false;
  }
  render();
  renderResult();
  if (o.focus) focusResult();
  scheduleWatch();
  void refreshLog();
}

async function runLoop(mode: 'next' | 'all'): Promise<void> {
  const first = state.status;
  if (!first || state.busy) return;
  await act('run', 'migration step', runningLine(first, null), async () => {
    let settledBefore = settledCount(first);
    let lastKey = stepKey(first, '');
    let stalled = 0;
    for (;;) {
      const res: StepResult = await call('runMigrationStep', { clientId });
      state.status = res.status;
      if (!res.ok) {
        showRefusal(res.message, 'Everything finished before this is saved. The log below has the details.');
        return;
      }
      if (res.complete) {
        const report = res.report || reportFromStatus(res);
        state.result = { kind: 'report', report };
        say(`Migration complete: “${res.status.sheetName}” has ${plural(res.status.columnCount, 'column')}. See the report below.`);
        return;
      }
      const settled = settledCount(res.status);
      const stepFinished = settled > settledBefore;
      settledBefore = settled;
      const key = stepKey(res.status, res.message);
      stalled = key === lastKey ? stalled + 1 : 0;
      lastKey = key;
      if (stalled >= MAX_STALLED_CALLS) {
        state.error = {
          what: `The migration is not advancing: the last ${MAX_STALLED_CALLS} calls changed nothing (${res.message}).`,
          todo: 'Open the log below to see why, then try again. Everything done so far is saved.',
        };
        say(state.error.what);
        return;
      }
      if (stepFinished && mode === 'next') {
        say(`Step done: ${settled} of ${res.status.steps.length} steps finished.`);
        return;
      }
      if (stepFinished && state.stopRequested) {
        say(`Stopped as asked after ${plural(settled, 'step')} of ${res.status.steps.length}. Run all remaining continues from here.`);
        return;
      }
      // The run goes on: show the finished step's log now (the end of the run loads it anyway).
      if (stepFinished) void refreshLog();
      say(runningLine(res.status, res.message));
      render();
    }
  }, { clearResult: true });
}

function runningLine(s: Status, message: string | null): string {
  const cur = nextStep(s);
  const head = cur ? `Step ${settledCount(s) + 1} of ${s.steps.length}: ${cur.title}…` : 'Finishing…';
  return message ? `${head} ${message}` : head;
}

/** The server's report when it sent one; otherwise the same shape built from the status. */
function reportFromStatus(res: StepResult): MigrationReport {
  return {
    ok: res.ok,
    complete: res.complete,
    dryRun: res.dryRun,
    message: res.message,
    steps: res.status.steps.map((s) => ({ id: s.id, state: s.state, durationMs: 0, detail: s.detail || '' })),
  };
}

function doDryRun(): Promise<void> {
  return act('dryRun', 'dry run', 'Dry run: working out what would change…', async () => {
    const res = await call('runMigrationStep', { dryRun: true, clientId });
    if (res.status) state.status = res.status;
    if (!res.ok) {
      state.error = { what: res.message || 'The dry run found problems.', todo: 'Fix what is listed, then run the dry run again.', details: res.problems };
      say(state.error.what);
    }
    else {
      const steps = res.plan || (res.report && res.report.plan) || [];
      state.result = { kind: 'plan', steps, message: res.message };
      say('Dry run finished. Nothing was changed.');
    }
  }, { focus: true });
}

function doVerify(): Promise<void> {
  return act('verify', 'verification', 'Verifying the sheet…', async () => {
    // A big sheet's digest takes several calls: each continues where the last one stopped.
    let report = await call('verifyMigration');
    for (let i = 1; report.complete === false && report.resume && i < MAX_VERIFY_CALLS && !state.stopRequested; i++) {
      say(`Verifying… rows ${formatNumber(report.resume.nextRow - 1)} of ${formatNumber(report.resume.lastRow)} compared`);
      report = await call('verifyMigration', { seed: report.seed ?? undefined, resume: report.resume });
    }
    state.result = { kind: 'verification', report };
    const n = checkCounts(report);
    const notRun = n.notRun ? ` ${plural(n.notRun, 'check')} not run.` : '';
    const stopped = verifyStopped(report);
    say(stopped
      ? `Verification stopped: rows ${formatNumber(stopped.done)} of ${formatNumber(stopped.of)} compared. Press Verify to start again.`
      : report.ok ? `Verification passed: all ${plural(n.run, 'check')} OK.${notRun}` : `Verification failed: ${n.failed} of ${plural(n.run, 'check')} failed.${notRun}`);
  }, { focus: true });
}

function doStartOver(): Promise<void> {
  return act('startOver', 'start over', 'Starting over…', async () => {
    const st = await call('startOver', { clientId });
    state.status = st;
    // startOver answers with the status; a refusal comes back as its `problem`.
    if (st.problem) showRefusal(st.problem);
    else say('Step progress cleared. The next run starts with the first step.');
  }, { clearResult: true });
}

/**
 * What to do after a confirmed rollback stopped (ok:false, not a refusal that changed nothing):
 * it, or earlier calls, may already have restored part of the tab; pressing again resumes it.
 */
const ROLLBACK_STOPPED_TODO = 'The snapshot and the backup keep every value. Press Roll back… again to resume; the log below has the details.';

function doRollback(): Promise<void> {
  return act('rollback', 'rollback', 'Rolling back: saving a snapshot of the current file first…', async () => {
    state.rollbackPreview = null;
    try {
      // A big sheet is restored in bounded chunks; the server says complete:false until done.
      let report: RollbackAnswer | null = null;
      let calls = 0;
      while (calls < MAX_ROLLBACK_CALLS) {
        report = await call('rollbackMigration', { confirm: true });
        calls++;
        if (!report.ok || report.complete !== false) break;
        say(`Rolling back… ${report.message}`);
      }
      if (report) {
        state.result = { kind: 'rollback', report };
        if (report.ok) say(`Rolled back: “${state.status ? state.status.sheetName : ''}” has ${plural(report.columnCount, 'column')} again.`);
        // A first-call refusal changed nothing and says so; anything else may have changed the tab.
        else showRefusal(report.message, calls === 1 && NOTHING_CHANGED.test(report.message) ? undefined : ROLLBACK_STOPPED_TODO);
      }
    } finally {
      // However it ended, the tab may have changed: show the state as it is now. A failure of
      // the rollback itself (thrown after this) is the one shown.
      try {
        state.status = await call('getMigrationStatus', { clientId });
      } catch (e) {
        if (!state.error) showError('status check', e);
      }
    }
  }, { clearResult: true, focus: true });
}

function focusResult(): void {
  const p = byId('result-slot').querySelector<HTMLElement>('.panel');
  if (p) p.focus();
}

/** Asks the server what a rollback would do (a call without confirm changes nothing), then asks the user. */
async function previewRollback(): Promise<void> {
  let preview = null as RollbackAnswer | null;
  await act('rollback', 'rollback check', 'Checking what a rollback would do…', async () => {
    const p = await call('rollbackMigration', { confirm: false });
    if (p.canRollBack === false) showRefusal(p.message);
    else preview = p;
  });
  if (!preview) return;
  state.rollbackPreview = preview;
  say('Confirm the rollback below, or cancel.');
  ask('rollback');
}

function ask(which: Confirm): void {
  state.confirm = which;
  renderConfirm();
}

// ---- wiring -------------------------------------------------------------------------------

function wire(): void {
  const on = (id: ActionId, fn: () => void) => byId(`btn-${id}`).addEventListener('click', fn);
  on('runAll', () => void runLoop('all'));
  on('runNext', () => void runLoop('next'));
  on('stop', () => {
    if (state.busy !== 'run' && state.busy !== 'verify') return;
    state.stopRequested = true;
    say(state.busy === 'verify' ? 'Will stop verifying after this part of the comparison.' : 'Will stop when the current step finishes; its progress is saved either way.');
    renderButtons();
  });
  on('dryRun', () => void doDryRun());
  on('verify', () => void doVerify());
  on('startOver', () => ask('startOver'));
  on('rollback', () => void previewRollback());
  byId<HTMLSelectElement>('log-level').addEventListener('change', (ev) => {
    state.logLevel = (ev.target as HTMLSelectElement).value as LogLevel;
    fill(byId('log'), ...renderLog(state.log, state.logLevel));
  });
  byId('btn-log-refresh').addEventListener('click', () => void refreshLog());
  byId('status-line').setAttribute('tabindex', '-1');
  window.setInterval(() => void refreshQuietly(), QUIET_REFRESH_MS);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void refreshQuietly();
  });
}

function start(): void {
  wire();
  void refreshStatus();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
