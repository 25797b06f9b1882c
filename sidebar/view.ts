// Rendering: state in, DOM out. Every string from the server (sheet name, headers, step
// details, log messages, errors) goes through el(), i.e. textContent.
import type {
  Status,
  StepInfo,
  StepState,
  PlannedStep,
  VerificationReport,
  MigrationReport,
  RollbackReport,
  LogEntry,
  LogLevel,
} from '../src/core/types';
import plan from '../src/migration.config.json';
import { el, Child } from './dom';
import { formatDate, formatNumber, formatTime, formatDuration, plural } from './format';
import { isSettled, nextStep, settledCount, rollbackDeadline, ActionId, ActionRule } from './rules';

export const NEW_COLUMNS: string[] = plan.newColumns.map((c) => c.name);
export const FROM_VERSION = plan.fromVersion;
export const TO_VERSION = plan.toVersion;
const ROLLBACK_DAYS: number = plan.rollbackWindowDays;

const STATE_LABEL: Record<StepState, string> = {
  pending: 'Waiting',
  running: 'Running',
  done: 'Done',
  failed: 'Failed',
  skipped: 'Skipped',
};
const STATE_ICON: Record<StepState, string> = {
  pending: '',
  running: '',
  done: '✓',
  failed: '!',
  skipped: '–',
};

export const ACTION_LABEL: Record<ActionId, string> = {
  runAll: 'Run all remaining',
  runNext: 'Run next step',
  stop: 'Stop after this step',
  dryRun: 'Dry run',
  verify: 'Verify',
  startOver: 'Start over',
  rollback: 'Roll back…',
};

/** Only http(s) links are rendered as links; anything else stays text. */
export function safeUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch (e) {
    return null;
  }
}

export function v3Present(status: Status): string[] {
  return status.v3ColumnsPresent || [];
}

export function renderBadge(status: Status | null, running: boolean): { text: string; kind: string } {
  if (!status) return { text: '', kind: '' };
  if (status.rollbackInProgress) return { text: 'Rollback unfinished', kind: 'bad' };
  if (status.migrated) return { text: `Migrated to v${TO_VERSION}`, kind: 'ok' };
  if (running || status.running) return { text: 'Migrating…', kind: 'busy' };
  if (status.steps.some((s) => s.state === 'failed')) return { text: 'Needs attention', kind: 'bad' };
  if (status.steps.some((s) => s.state !== 'pending')) return { text: 'Partly migrated', kind: 'warn' };
  return { text: `v${FROM_VERSION}: not migrated`, kind: 'neutral' };
}

export function renderFacts(status: Status): Child[] {
  const present = v3Present(status);
  let schema: string;
  if (present.length === 0) schema = `v${FROM_VERSION}: no v${TO_VERSION} columns`;
  else if (present.length >= NEW_COLUMNS.length) schema = `v${TO_VERSION}: all ${NEW_COLUMNS.length} new columns present`;
  else schema = `Mixed: ${present.length} of ${NEW_COLUMNS.length} v${TO_VERSION} columns present`;
  const fact = (term: string, ...value: Child[]) => [el('dt', null, term), el('dd', null, ...value)];
  const out: Child[] = [
    ...fact('Columns', el('span', { 'data-testid': 'column-count' }, formatNumber(status.columnCount))),
    ...fact('Schema', schema),
  ];
  if (present.length) out.push(...fact(`v${TO_VERSION} columns`, present.join(', ')));
  out.push(...fact('Migrated', status.migrated ? 'Yes' : 'No'));
  return out;
}

/** "Step 3 of 5" while work remains; the rows counter inside a long step. */
export function renderProgress(status: Status, running: boolean): Child[] {
  const total = status.steps.length;
  const settled = settledCount(status);
  const current = nextStep(status);
  let label: string;
  let sub: string | null = null;
  if (settled >= total) {
    label = `${total} of ${total} steps done`;
  } else if (current && (running || current.state !== 'pending' || settled > 0)) {
    label = `Step ${settled + 1} of ${total}`;
    sub = current.title;
  } else {
    label = `Not started · 0 of ${total} steps done`;
  }
  const pct = total ? Math.round((settled / total) * 100) : 0;
  const out: Child[] = [
    el('div', { className: 'progress-label' },
      el('strong', { 'data-testid': 'progress-label', 'data-done': settled, 'data-total': total }, label),
      sub ? el('span', { className: 'progress-sub' }, ' · ', sub) : null),
    bar(settled, total, `${settled} of ${total} steps done`, pct),
  ];
  if (current && typeof current.rowsTotal === 'number' && current.rowsTotal > 0 && typeof current.rowsDone === 'number') {
    const rowsPct = Math.min(100, Math.round((current.rowsDone / current.rowsTotal) * 100));
    out.push(
      el('div', { className: 'rows-label', 'data-testid': 'rows-label' },
        `${formatNumber(current.rowsDone)} of ${plural(current.rowsTotal, 'row')}`),
      bar(current.rowsDone, current.rowsTotal, `${formatNumber(current.rowsDone)} of ${formatNumber(current.rowsTotal)} rows`, rowsPct, 'thin'),
    );
  }
  return out;
}

function bar(now: number, max: number, text: string, pct: number, extra = ''): HTMLElement {
  return el('div', {
    className: `bar ${extra}`.trim(),
    role: 'progressbar',
    'aria-valuemin': 0,
    'aria-valuemax': max,
    'aria-valuenow': now,
    'aria-valuetext': text,
  }, el('div', { className: 'fill', style: `width:${pct}%` }));
}

export function renderSteps(status: Status, runningStep: string | null): Child[] {
  // After a completed migration every step may carry the same closing note: show it once.
  const shown = new Set<string>();
  return status.steps.map((step, i) => {
    const detail = step.detail && shown.has(step.detail) ? undefined : step.detail;
    if (step.detail) shown.add(step.detail);
    const state: StepState = runningStep === step.id && !isSettled(step) ? 'running' : step.state;
    return el('li', { className: `step ${state}`, 'data-step': step.id, 'data-state': state },
      el('span', { className: 'icon', 'aria-hidden': 'true' }, STATE_ICON[state] || String(i + 1)),
      el('div', { className: 'step-body' },
        el('div', { className: 'step-head' },
          el('span', { className: 'step-title' }, step.title),
          el('span', { className: 'step-state' }, STATE_LABEL[state])),
        stepDetail(step, detail)));
  });
}

function stepDetail(step: StepInfo, detail: string | undefined): Child {
  const parts: string[] = [];
  if (detail) parts.push(detail);
  else if (step.state === 'done' && step.completedAt && !step.detail) parts.push(`Finished ${formatDate(step.completedAt)}`);
  return parts.length ? el('p', { className: 'step-detail' }, parts.join(' ')) : null;
}

export function renderBackup(status: Status): Child[] {
  const b = status.backup;
  if (!b) {
    const backupStep = status.steps.find((s) => s.id === 'create_backup');
    if (backupStep && (backupStep.state === 'running' || backupStep.state === 'failed')) {
      // The copy may already exist, but it is only the backup once the step has proved it.
      return [el('p', { className: 'muted' }, 'Backup in progress: the copy is recorded here once it is proved equal to the sheet.')];
    }
    return [el('p', { className: 'muted' }, 'No backup yet. The first step copies the whole file to your Drive before anything changes.')];
  }
  const href = safeUrl(b.url);
  const out: Child[] = [
    el('p', { className: 'backup-name' },
      href
        ? el('a', { href, target: '_blank', rel: 'noopener noreferrer', 'data-testid': 'backup-link' }, b.name, el('span', { className: 'visually-hidden' }, ' (opens in a new tab)'))
        : el('span', null, b.name)),
    el('p', { className: 'muted' }, `Taken ${formatDate(b.createdAt)}`),
  ];
  const deadline = rollbackDeadline(status);
  if (status.rollbackInProgress) {
    out.push(el('p', { className: 'deadline', 'data-testid': 'rollback-deadline' }, 'A rollback from this backup is unfinished: press Roll back… to finish it.'));
  } else if (status.rollbackWindowEnded) {
    out.push(el('p', { className: 'deadline passed', 'data-testid': 'rollback-deadline' },
      deadline
        ? `Rollback window ended on ${formatDate(deadline)}; the backup is still in Drive: `
        : `Rollback window ended: a rollback is possible for ${plural(ROLLBACK_DAYS, 'day')} after the migration. The backup is still in Drive: `,
      href
        ? el('a', { href, target: '_blank', rel: 'noopener noreferrer', 'data-testid': 'deadline-backup-link' }, b.name, el('span', { className: 'visually-hidden' }, ' (opens in a new tab)'))
        : el('span', null, b.name),
      ` — restore manually by copying its “${status.sheetName}” tab into this file.`));
  } else if (status.rollbackAvailableUntil) {
    out.push(el('p', { className: 'deadline', 'data-testid': 'rollback-deadline' }, `Roll back possible until ${formatDate(status.rollbackAvailableUntil)}`));
  } else {
    out.push(el('p', { className: 'deadline passed' }, 'Nothing to roll back now: the sheet is not migrated.'));
  }
  return out;
}

export function renderReasons(rules: Record<ActionId, ActionRule>): Child[] {
  // One line per reason, naming every button it applies to, so the list stays short.
  const byReason = new Map<string, ActionId[]>();
  (Object.keys(rules) as ActionId[]).forEach((id) => {
    const r = rules[id];
    if (r.enabled || !r.reason) return;
    const list = byReason.get(r.reason) || [];
    list.push(id);
    byReason.set(r.reason, list);
  });
  const items: Child[] = [];
  let i = 0;
  byReason.forEach((ids, reason) => {
    items.push(el('li', { id: `reason-${i++}`, 'data-for': ids.join(' ') },
      el('span', { className: 'reason-buttons' }, ids.map((id) => ACTION_LABEL[id]).join(', ')), ': ', reason));
  });
  return items;
}

// ---- panels -------------------------------------------------------------------------------

export interface PanelOptions {
  title: string;
  kind: 'info' | 'ok' | 'bad' | 'warn';
  testId: string;
  onClose: () => void;
  onDownload?: () => void;
  body: Child[];
}

export function panel(o: PanelOptions): HTMLElement {
  const titleId = `${o.testId}-title`;
  return el('section', { className: `card panel ${o.kind}`, 'aria-labelledby': titleId, 'data-testid': o.testId, tabindex: -1 },
    el('div', { className: 'panel-head' },
      el('h2', { id: titleId }, o.title),
      el('button', { type: 'button', className: 'icon-button', 'aria-label': `Close ${o.title}`, onclick: o.onClose }, '×')),
    ...o.body,
    o.onDownload
      ? el('div', { className: 'panel-actions' },
        el('button', { type: 'button', className: 'small', onclick: o.onDownload, 'data-testid': `${o.testId}-download` }, 'Download JSON'))
      : null);
}

export function planBody(steps: PlannedStep[], message: string): Child[] {
  return [
    el('p', { className: 'muted' }, message || 'Nothing was changed. This is what a real run would do:'),
    el('ol', { className: 'plan' }, ...steps.map((s) =>
      el('li', { 'data-step': s.id },
        el('strong', null, s.title),
        s.changes.length
          ? el('ul', null, ...s.changes.map((c) => el('li', null, c)))
          : el('p', { className: 'muted' }, 'No change needed.')))),
  ];
}

/** Checks that ran and failed, and those not run at all (they count neither way). */
export function checkCounts(report: VerificationReport): { run: number; failed: number; notRun: number } {
  const notRun = report.checks.filter((c) => c.skipped).length;
  const failed = report.checks.filter((c) => !c.skipped && !c.ok).length;
  return { run: report.checks.length - notRun, failed, notRun };
}

/** A report whose digest was stopped part-way (Stop while verifying): where it got to. */
export function verifyStopped(report: VerificationReport & { complete?: boolean; resume?: { nextRow: number; lastRow: number } | null }): { done: number; of: number } | null {
  const r = report.complete === false ? report.resume : null;
  return r ? { done: r.nextRow - 1, of: r.lastRow } : null;
}

export function verificationBody(report: VerificationReport): Child[] {
  const n = checkCounts(report);
  const stopped = verifyStopped(report);
  const notRun = n.notRun ? ` ${plural(n.notRun, 'check')} not run (see below).` : '';
  const summary = stopped
    ? `Not finished: stopped after ${formatNumber(stopped.done)} of ${formatNumber(stopped.of)} rows; ${n.failed ? `${n.failed} of ${plural(n.run, 'check')} failed` : `${plural(n.run, 'other check')} passed`}.`
    : report.ok
      ? `All ${plural(n.run, 'check')} passed.${notRun}`
      : `${n.failed} of ${plural(n.run, 'check')} failed.${notRun}`;
  return [
    el('p', { className: report.ok ? 'summary ok' : stopped && !n.failed ? 'summary' : 'summary bad', 'data-testid': 'verify-summary' }, summary),
    // The server's sentence, unless it only repeats a plain "all passed".
    report.message && !(report.ok && !n.notRun) ? el('p', { className: 'step-detail', 'data-testid': 'verify-message' }, report.message) : null,
    el('ul', { className: 'checks' }, ...report.checks.map((c) => {
      const kind = c.skipped ? 'skipped' : c.ok ? 'ok' : 'bad';
      return el('li', { className: `check ${kind}`, 'data-check': c.id, 'data-ok': String(c.ok), 'data-skipped': c.skipped ? 'true' : null },
        el('span', { className: 'icon', 'aria-hidden': 'true' }, CHECK_ICON[kind]),
        el('div', null,
          el('span', { className: 'visually-hidden' }, CHECK_LABEL[kind]),
          el('strong', null, humanize(c.id)),
          c.skipped ? el('span', { className: 'check-state' }, ' · not finished') : null,
          c.detail ? el('p', { className: 'step-detail' }, c.detail) : null));
    })),
    el('p', { className: 'muted small' }, `Checked ${formatDate(report.generatedAt)}`),
  ];
}

const CHECK_ICON = { ok: '✓', bad: '!', skipped: '–' };

/** Where an unfinished rollback stopped, in words: the server's (src/core/rollback/progress.ts PHASE_LABELS). */
export function rollbackPhaseWords(rb: { phase: string; phaseLabel?: string }): string {
  return rb.phaseLabel || rb.phase.replace(/_/g, ' ');
}
const CHECK_LABEL = { ok: 'Passed: ', bad: 'Failed: ', skipped: 'Not finished: ' };

export function reportBody(report: MigrationReport): Child[] {
  return [
    el('p', { className: report.ok ? 'summary ok' : 'summary bad', 'data-testid': 'report-summary' }, report.message),
    el('table', { className: 'report-table' },
      el('thead', null, el('tr', null, el('th', { scope: 'col' }, 'Step'), el('th', { scope: 'col' }, 'Result'), el('th', { scope: 'col' }, 'Time'))),
      el('tbody', null, ...report.steps.map((s) =>
        el('tr', null,
          el('td', null, s.detail
            ? el('details', null, el('summary', null, humanize(s.id)), el('div', { className: 'step-detail' }, s.detail))
            : humanize(s.id)),
          el('td', null, STATE_LABEL[s.state] || s.state),
          el('td', null, formatDuration(s.durationMs)))))),
  ];
}

export function rollbackBody(report: RollbackReport & { snapshotUrl?: string | null; snapshotName?: string | null }, sheetName: string): Child[] {
  const out: Child[] = [
    el('p', { className: report.ok ? 'summary ok' : 'summary bad', 'data-testid': 'rollback-summary' },
      report.ok ? `“${sheetName}” has ${plural(report.columnCount, 'column')} again.` : 'The rollback did not finish.'),
    el('p', { className: 'step-detail' }, report.message),
  ];
  if (report.snapshotId || report.snapshotName) {
    const href = safeUrl(report.snapshotUrl);
    const label = report.snapshotName || report.snapshotId || '';
    out.push(el('p', { className: 'snapshot' }, 'Snapshot of the file before the rollback: ',
      href ? el('a', { href, target: '_blank', rel: 'noopener noreferrer', 'data-testid': 'snapshot-link' }, label) : el('span', null, label)));
  }
  return out;
}

const LEVEL_RANK: Record<LogLevel, number> = { DEBUG: 0, INFO: 1, WARN: 2, ERROR: 3 };

export function renderLog(entries: LogEntry[], minLevel: LogLevel, max = 60): Child[] {
  const shown = entries.filter((e) => (LEVEL_RANK[e.level] ?? 0) >= LEVEL_RANK[minLevel]).slice(-max).reverse();
  if (!shown.length) return [el('li', { className: 'muted empty' }, entries.length ? 'No entries at this level.' : 'No log entries yet.')];
  return shown.map((e) =>
    el('li', { className: `log-entry ${e.level.toLowerCase()}` },
      el('div', { className: 'log-meta' },
        el('time', { datetime: e.at }, formatTime(e.at)),
        el('span', { className: 'level' }, e.level),
        e.step ? el('span', { className: 'log-step' }, humanize(e.step)) : null),
      el('div', { className: 'log-msg' }, e.message)));
}

/** `initialize_versions` → `Initialize versions` */
export function humanize(id: string): string {
  const from = FROM_VERSION.replace(/\./g, '');
  const s = id
    .replace(/_/g, ' ')
    .replace(new RegExp(`\\bv${from}\\b`, 'gi'), `v${FROM_VERSION}`);
  return s.charAt(0).toUpperCase() + s.slice(1);
}
