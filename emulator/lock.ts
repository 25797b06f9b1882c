// LockService. A lock belongs to the execution that took it and is released when that execution
// ends (normally or not). The emulator runs one execution at a time, so a lock held by another,
// unended execution cannot be freed while we wait: waiting costs the whole timeout on the
// virtual clock, then fails.
import type { LockLike } from '../src/core/gas';
import { EmuContext } from './context';
import { COST_MODEL } from './costModel';
import { EMU_ERRORS } from './errors';
import { CallSpec, Execution } from './runtime';
import { strictBase, strictObject } from './strict';

const AUTH: CallSpec['auth'] = { mode: 'LIMITED' };

/** Holder of a lock taken outside any execution (test setup). */
const OUTSIDE = 'outside';
type Holder = Execution | typeof OUTSIDE;

export class LockTable {
  readonly held = new Map<string, Holder>();

  releaseAll(exec: Execution): void {
    for (const [k, h] of this.held) if (h === exec) this.held.delete(k);
  }

  /** Who holds a scope's lock: an execution id, 'outside', or null. For tests. */
  holder(scope: string): number | 'outside' | null {
    const h = this.held.get(scope);
    return h === undefined ? null : h === OUTSIDE ? OUTSIDE : h.id;
  }
}

export class EmuLock extends strictBase('Lock') implements LockLike {
  constructor(private readonly ctx: EmuContext, private readonly table: LockTable, readonly scope: string) { super(); }

  private me(): Holder { return this.ctx.rt.current ?? OUTSIDE; }

  private acquire(timeoutInMillis: number): boolean {
    const me = this.me();
    const h = this.table.held.get(this.scope);
    if (h === undefined || h === me) { this.table.held.set(this.scope, me); return true; }
    const exec = this.ctx.rt.current;
    if (exec) this.ctx.rt.spend(exec, Math.max(0, Number(timeoutInMillis) || 0));
    else this.ctx.rt.clock.advance(Math.max(0, Number(timeoutInMillis) || 0));
    return false;
  }

  tryLock(timeoutInMillis: number): boolean {
    return this.ctx.rt.call('Lock.tryLock', { cost: COST_MODEL.lockMs, auth: AUTH }, () => this.acquire(timeoutInMillis));
  }

  waitLock(timeoutInMillis: number): void {
    this.ctx.rt.call('Lock.waitLock', { cost: COST_MODEL.lockMs, auth: AUTH }, () => {
      if (!this.acquire(timeoutInMillis)) throw this.ctx.rt.error(EMU_ERRORS.lockTimeout);
    });
  }

  hasLock(): boolean {
    return this.ctx.rt.call('Lock.hasLock', { cost: COST_MODEL.localCallMs, auth: AUTH }, () => this.table.held.get(this.scope) === this.me());
  }

  releaseLock(): void {
    this.ctx.rt.call('Lock.releaseLock', { cost: COST_MODEL.lockMs, auth: AUTH }, () => {
      if (this.table.held.get(this.scope) === this.me()) this.table.held.delete(this.scope);
    });
  }
}

export function makeLockService(ctx: EmuContext, table: LockTable) {
  const call = <T>(method: string, fn: () => T): T => ctx.rt.call(`LockService.${method}`, { cost: COST_MODEL.localCallMs, auth: AUTH }, fn);
  return strictObject('LockService', {
    /** Per active spreadsheet; null when there is none (docs: not container-bound nor an add-on). */
    getDocumentLock: () => call('getDocumentLock', () => (ctx.activeSpreadsheetId ? new EmuLock(ctx, table, `document:${ctx.activeSpreadsheetId}`) : null)),
    getScriptLock: () => call('getScriptLock', () => new EmuLock(ctx, table, 'script')),
    getUserLock: () => call('getUserLock', () => new EmuLock(ctx, table, `user:${ctx.rt.user}`)),
  });
}
