// Apps Script services fail now and then with errors that a later attempt absorbs. Those,
// and only those, are retried a bounded number of times with exponential backoff.
import { Env } from './gas';

const TRANSIENT =
  /timed out|too many simultaneous invocations|service invoked too many times in a short time|service unavailable|internal error|try again later|backend error|a server error occurred/i;

/** The message of anything thrown. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Apps Script's 6-minute limit: the execution is over, nothing may be retried or caught. */
export function isTimeLimit(e: unknown): boolean {
  return /exceeded maximum execution time/i.test(errorText(e));
}

export function isTransient(e: unknown): boolean {
  return !isTimeLimit(e) && TRANSIENT.test(errorText(e));
}

export interface RetryOptions {
  attempts?: number;
  baseDelayMs?: number;
  onRetry?: (attempt: number, error: unknown) => void;
}

/**
 * Runs fn, retrying transient failures. fn must be idempotent: a failed call may or may not
 * have been applied by the service.
 */
export function withRetry<T>(env: Pick<Env, 'sleep'>, fn: () => T, opts: RetryOptions = {}): T {
  const attempts = opts.attempts ?? 4;
  const base = opts.baseDelayMs ?? 500;
  for (let attempt = 1; ; attempt++) {
    try {
      return fn();
    } catch (e) {
      if (attempt >= attempts || !isTransient(e)) throw e;
      if (opts.onRetry) opts.onRetry(attempt, e);
      env.sleep(base * Math.pow(2, attempt - 1));
    }
  }
}

/**
 * Apps Script's "You do not have permission to call X. Required permissions: …": the manifest
 * does not grant the scope. Not transient, and not "the file is gone" either.
 */
export function isPermissionError(e: unknown): boolean {
  return /do not have permission to call|required permissions:/i.test(errorText(e));
}
