// A lease in document properties keeps two executions (two sidebars, a sidebar and the
// script editor) from migrating or rolling back at once, across calls. LockService only
// guards the read-modify-write of the lease itself: its locks end with each execution.
import { Env } from './gas';
import { Lease, StateStore } from './state';
import { formatWhen } from './wording';

const LOCK_WAIT_MS = 10000;

export type LeaseResult = { ok: true; lease: Lease } | { ok: false; holder: Lease | null; message: string };

export function isLeaseLive(lease: Lease | null, now: number): lease is Lease {
  return !!lease && Date.parse(lease.expiresAt) > now;
}

/**
 * Takes or renews the lease for `owner` (a per-sidebar client id or the user's email).
 * A live lease held by someone else refuses; an expired one is taken over.
 */
export function acquireLease(
  env: Env,
  store: StateStore,
  owner: string,
  op: Lease['op'],
  seconds: number,
): LeaseResult {
  const lock = env.documentLock();
  if (!lock.tryLock(LOCK_WAIT_MS)) {
    // Someone is writing the lease this very moment. A read without the lock is safe (it changes
    // nothing) and usually names who already holds it.
    let seen: Lease | null = null;
    try {
      seen = store.readLease();
    } catch (e) {
      // Unreadable: it names nobody.
    }
    const holder = isLeaseLive(seen, env.now()) && seen.owner !== owner ? seen : null;
    return {
      ok: false,
      holder,
      message: holder ? heldMessage(env, holder) : 'Another Sheet Migrator execution is saving its state right now. Wait a few seconds and try again.',
    };
  }
  try {
    const now = env.now();
    const current = store.readLease();
    if (isLeaseLive(current, now) && current.owner !== owner) {
      return { ok: false, holder: current, message: heldMessage(env, current) };
    }
    const mine = current && current.owner === owner;
    const lease: Lease = {
      owner,
      op,
      token: mine ? current.token : env.uuid(),
      since: mine && isLeaseLive(current, now) ? current.since : new Date(now).toISOString(),
      expiresAt: new Date(now + seconds * 1000).toISOString(),
    };
    store.writeLease(lease);
    return { ok: true, lease };
  } finally {
    lock.releaseLock();
  }
}

function heldMessage(env: Env, current: Lease): string {
  return (
    `A ${current.op} is already being run by ${displayOwner(current.owner)} since ${formatWhen(env, current.since)}. ` +
    `Wait for it to finish (its hold expires at ${formatWhen(env, current.expiresAt)} if it was interrupted), then try again.`
  );
}

/** Gives the lease back if `owner` still holds it. */
export function releaseLease(env: Env, store: StateStore, owner: string): void {
  const lock = env.documentLock();
  if (!lock.tryLock(LOCK_WAIT_MS)) return; // it will expire on its own
  try {
    const current = store.readLease();
    if (current && current.owner === owner) store.clearLease();
  } finally {
    lock.releaseLock();
  }
}

/** Owners look like "email" or "email#client"; show the person. */
export function displayOwner(owner: string): string {
  const at = owner.indexOf('#');
  const who = at >= 0 ? owner.slice(0, at) : owner;
  return who || 'another user';
}
