// Which buttons make sense in which state, and the reason shown when one does not.
// Pure: the sidebar renders what this returns, so the rules read in one place.
import type { Status, StepInfo } from '../src/core/types';

export type ActionId = 'runAll' | 'runNext' | 'stop' | 'dryRun' | 'verify' | 'startOver' | 'rollback';
export type Busy = 'status' | 'run' | 'dryRun' | 'verify' | 'startOver' | 'rollback';

export interface ActionRule {
  enabled: boolean;
  /** Why the button is off; null when it is on. */
  reason: string | null;
}

export interface RuleInput {
  status: Status | null;
  busy: Busy | null;
  stopRequested: boolean;
}

export function isSettled(step: StepInfo): boolean {
  return step.state === 'done' || step.state === 'skipped';
}

export function settledCount(status: Status): number {
  return status.steps.filter(isSettled).length;
}

/** The step the next run works on, or null when every step is settled. */
export function nextStep(status: Status): StepInfo | null {
  return status.steps.find((s) => !isSettled(s)) || null;
}

export function hasStarted(status: Status): boolean {
  return status.steps.some((s) => s.state !== 'pending');
}

/**
 * When the window ends or ended: the server's rollbackDeadline (kept after it passes), else the
 * open deadline. Whether it has passed is the server's call (status.rollbackWindowEnded): the
 * sidebar never compares a time with its own clock, which may be days off.
 */
export function rollbackDeadline(status: Status): string | null {
  return status.rollbackDeadline || status.rollbackAvailableUntil || null;
}

/** Why a writing button is off for someone who may not act; whoCanAct is '' when nobody may yet. */
export function readOnlyReason(status: Status): string {
  return status.whoCanAct ? `Read-only: only ${status.whoCanAct} can change this file.` : 'Read-only: nobody may change this file yet (see above).';
}

/**
 * The read-only notice, in plain text: who you are, then the server's reason (why you may not
 * act and what to do: an unknown identity, a shared drive with no list...).
 */
export function readOnlyNotice(status: Status): string {
  const who = status.actor ? `You are signed in as ${status.actor}. ` : '';
  return who + (status.readOnlyReason || `Only ${status.whoCanAct || 'the owner of this file'} can run, roll back or start over. You can still watch, dry-run and verify.`);
}

/** Why nothing may migrate while a rollback is unfinished, for the buttons it turns off. */
export const ROLLBACK_UNFINISHED_REASON = 'A rollback was interrupted: press Roll back… to finish it first.';

const BUSY_REASON: Record<Busy, string> = {
  status: 'Loading the current state…',
  run: 'A migration step is running.',
  dryRun: 'The dry run is still working.',
  verify: 'Verification is still running.',
  startOver: 'Start over is in progress.',
  rollback: 'The rollback is in progress.',
};

export function actionRules(input: RuleInput): Record<ActionId, ActionRule> {
  const { status, busy, stopRequested } = input;
  const on: ActionRule = { enabled: true, reason: null };
  const off = (reason: string): ActionRule => ({ enabled: false, reason });

  const rules: Record<ActionId, ActionRule> = {
    runAll: on, runNext: on, stop: on, dryRun: on, verify: on, startOver: on, rollback: on,
  };

  rules.stop =
    busy === 'run' || busy === 'verify'
      ? stopRequested ? off(busy === 'run' ? 'Will stop when the current step finishes.' : 'Will stop after this part of the comparison.') : on
      : off('Nothing is running.');

  if (busy) {
    const reason = BUSY_REASON[busy];
    for (const id of ['runAll', 'runNext', 'dryRun', 'verify', 'startOver', 'rollback'] as ActionId[]) rules[id] = off(reason);
    return rules;
  }
  if (!status) {
    for (const id of ['runAll', 'runNext', 'dryRun', 'verify', 'startOver', 'rollback'] as ActionId[]) {
      rules[id] = off('The current state could not be loaded. Press Reload.');
    }
    return rules;
  }

  // Who may change things, and whether anything stands in the way, applies to every
  // action that writes; reading (dry run, verify) stays open in read-only mode.
  if (status.rollbackInProgress) {
    // The tab may be half restored: nothing else may touch it until the rollback is finished,
    // which is the way out whatever the window: the server resumes from its checkpoint (and
    // refuses, saying why, if someone else is at it).
    for (const id of ['runAll', 'runNext', 'dryRun', 'verify', 'startOver'] as ActionId[]) rules[id] = off(ROLLBACK_UNFINISHED_REASON);
    rules.rollback = status.canAct === false ? off(readOnlyReason(status)) : on;
    return rules;
  }

  let blocked: string | null = null;
  if (status.problem) blocked = 'The sheet has a problem (see above).';
  else if (status.canAct === false) blocked = readOnlyReason(status);
  else if (status.running) {
    const self = !!status.actor && status.running.by.toLowerCase() === status.actor.toLowerCase();
    blocked = self ? 'It is running in another sidebar or window.' : `${status.running.by || 'Another user'} is running the migration.`;
  }

  if (status.migrated) {
    rules.runAll = off('The migration is complete.');
    rules.runNext = off('The migration is complete.');
    rules.dryRun = off('Already migrated: nothing left to plan.');
    rules.startOver = off(status.rollbackAvailableUntil ? 'The migration is complete; to undo it, use Roll back.' : 'The migration is complete.');
  } else {
    if (blocked) {
      rules.runAll = off(blocked);
      rules.runNext = off(blocked);
    }
    if (status.problem) rules.dryRun = off(blocked as string);
    if (blocked) rules.startOver = off(blocked);
    else if (!hasStarted(status)) rules.startOver = off('Nothing to start over: no step has run yet.');
  }

  if (!status.migrated && !hasStarted(status)) rules.verify = off('Nothing to verify yet: run the migration first.');

  if (!status.backup) rules.rollback = off('No backup exists yet, so there is nothing to roll back to.');
  else if (status.rollbackWindowEnded) rules.rollback = off('The rollback window has ended.');
  else if (!status.rollbackAvailableUntil) rules.rollback = off('Nothing to roll back right now.');
  else if (blocked) rules.rollback = off(blocked);

  return rules;
}
