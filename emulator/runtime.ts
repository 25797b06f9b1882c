// One Apps Script "world": the virtual clock, the executions, the call accounting, the limits and
// the injected faults. Every public method of every emulated class goes through `Runtime.call`,
// which is the single place where a call is counted, costed, authorised, timed out or faulted.
import * as vm from 'vm';
import { Clock } from './clock';
import { COST_MODEL } from './costModel';
import { EMU_ERRORS } from './errors';
import { mulberry32 } from './util';

export type AuthModeName = 'NONE' | 'LIMITED' | 'FULL';
export type FaultService = 'Spreadsheets' | 'Drive' | 'Properties' | 'Cache';

export interface CallSpec {
  /** Modelled cost in ms. */
  cost: number;
  /** Present on calls that change a sheet, a file, properties or a cache. */
  mutates?: { service: FaultService; id?: string };
  /** The lowest authorisation mode that may make this call; absent = allowed even in AuthMode.NONE. */
  auth?: { mode: 'LIMITED' | 'FULL'; scopes?: string };
}

export interface ExecutionOptions {
  user?: string;
  authMode?: AuthModeName;
  limitSeconds?: number;
  /** Session.getActiveUser().getEmail() returns '' (Apps Script withholds it across domains). */
  hideActiveUser?: boolean;
}

export interface ExecutionRecord { modelledMs: number; calls: number; ok: boolean; error?: string }

export interface Stats {
  calls: Record<string, number>;
  /** Modelled ms of the counted calls, by the same names as `calls`. */
  msByName: Record<string, number>;
  mutatingCalls: number;
  modelledMs: number;
  executions: ExecutionRecord[];
  reset(): void;
}

interface ArmedFault { at: number; kind: 'transient' | 'kill'; when: 'before' | 'after' }

let executionSeq = 0;

export class Execution {
  readonly id = ++executionSeq;
  readonly user: string;
  readonly authMode: AuthModeName;
  readonly limitMs: number;
  readonly hideActiveUser: boolean;
  modelledMs = 0;
  calls = 0;
  killed = false;
  ended = false;
  private error: string | undefined = undefined;

  constructor(private readonly rt: Runtime, opts: ExecutionOptions) {
    this.user = opts.user ?? rt.defaultUser;
    this.authMode = opts.authMode ?? 'FULL';
    this.limitMs = (opts.limitSeconds ?? COST_MODEL.executionLimitSeconds) * 1000;
    this.hideActiveUser = opts.hideActiveUser ?? false;
  }

  /** Runs `fn` as this execution; may be called several times to interleave two executions. */
  run<T>(fn: () => T): T {
    if (this.ended) throw new Error('emulator: this execution has ended');
    const previous = this.rt.current;
    this.rt.current = this;
    try {
      return fn();
    } catch (e) {
      if (this.error === undefined) this.error = isErrorLike(e) ? (e as Error).message : String(e);
      throw e;
    } finally {
      this.rt.current = previous;
    }
  }

  /** Ends the execution: releases its locks and records it in stats.executions. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.killed && this.error === undefined) this.error = EMU_ERRORS.exceededTime;
    this.rt.onExecutionEnd(this);
    this.rt.stats.executions.push({ modelledMs: this.modelledMs, calls: this.calls, ok: this.error === undefined, ...(this.error !== undefined ? { error: this.error } : {}) });
  }

  kill(): void { this.killed = true; }
}

/** An Error of any realm (the bundle's errors are not `instanceof` ours). */
function isErrorLike(e: unknown): boolean {
  return Object.prototype.toString.call(e) === '[object Error]';
}

export class Runtime {
  readonly clock: Clock;
  readonly stats: Stats;
  current: Execution | null = null;
  /**
   * The manifest's oauthScopes, when set: a call whose scopes are not among them throws Apps
   * Script's permission error, as it does for a project that declares its scopes explicitly.
   * null (the default) grants every scope.
   */
  declaredScopes: string[] | null = null;
  /** Addresses Apps Script withholds from other users (lower case); see emulator/user.ts seenUser. */
  readonly withheldEmails = new Set<string>();
  private depth = 0;
  private mutatingSeen = 0;
  private armed: ArmedFault[] = [];
  private readonly endHooks: Array<(e: Execution) => void> = [];
  /** Objects handed out by globals(); once contextified by vm, their realm's Error is used. */
  private readonly globalObjects: Array<{ g: object; exec: Execution | null }> = [];
  private readonly realmErrors = new WeakMap<object, ErrorConstructor>();
  readonly random: () => number;

  constructor(readonly defaultUser: string, startMs: number, seed = 0x5eed) {
    this.clock = new Clock(startMs);
    this.random = mulberry32(seed);
    const stats: Stats = {
      calls: {}, msByName: {}, mutatingCalls: 0, modelledMs: 0, executions: [],
      reset: () => { stats.calls = {}; stats.msByName = {}; stats.mutatingCalls = 0; stats.modelledMs = 0; stats.executions = []; },
    };
    this.stats = stats;
  }

  /** The user of the running execution, or the emulator's default user outside executions. */
  get user(): string { return this.current?.user ?? this.defaultUser; }

  /**
   * Makes one Apps Script call. Outside an execution (test setup and inspection) and for calls
   * nested inside another call, `fn` just runs: nothing is counted, costed or checked.
   */
  call<T>(name: string, spec: CallSpec, fn: () => T): T {
    const exec = this.current;
    if (!exec || this.depth > 0) return fn();
    if (exec.killed) throw this.error(EMU_ERRORS.exceededTime);
    // The limit is noticed by the first call made after the modelled time has passed it.
    if (exec.modelledMs > exec.limitMs) { exec.kill(); throw this.error(EMU_ERRORS.exceededTime); }
    exec.calls++;
    this.stats.calls[name] = (this.stats.calls[name] ?? 0) + 1;
    if (spec.auth && !modeAllows(exec.authMode, spec.auth.mode)) {
      this.charge(exec, name, COST_MODEL.localCallMs);
      throw this.error(EMU_ERRORS.noPermission(name, spec.auth.scopes));
    }
    if (spec.auth && spec.auth.scopes && this.declaredScopes && !scopesAllow(this.declaredScopes, spec.auth.scopes)) {
      this.charge(exec, name, COST_MODEL.localCallMs);
      throw this.error(EMU_ERRORS.noPermission(name, spec.auth.scopes));
    }
    const fault = spec.mutates ? this.takeFault() : undefined;
    if (spec.mutates) this.stats.mutatingCalls++;
    this.depth++;
    try {
      if (fault && fault.when === 'before') this.fire(fault, spec, exec);
      const result = fn();
      if (fault && fault.when === 'after') this.fire(fault, spec, exec);
      return result;
    } finally {
      this.depth--;
      this.charge(exec, name, spec.cost);
    }
  }

  /** The modelled cost of one counted call: virtual time, and its name's tally. */
  private charge(exec: Execution, name: string, ms: number): void {
    this.spend(exec, ms);
    this.stats.msByName[name] = (this.stats.msByName[name] ?? 0) + ms;
  }

  /** Advances virtual time inside the running execution (Utilities.sleep, lock waits). */
  spend(exec: Execution, ms: number): void {
    this.clock.advance(ms);
    exec.modelledMs += ms;
    this.stats.modelledMs += ms;
  }

  // --- faults ---------------------------------------------------------------------------
  armFault(k: number, kind: 'transient' | 'kill', when: 'before' | 'after'): void {
    if (!(Number.isInteger(k) && k >= 1)) throw new Error(`faults.failMutatingCall: k must be an integer >= 1, got ${k}`);
    this.armed.push({ at: this.mutatingSeen + k, kind, when });
  }
  clearFaults(): void { this.armed = []; }

  private takeFault(): ArmedFault | undefined {
    this.mutatingSeen++;
    const i = this.armed.findIndex((f) => f.at === this.mutatingSeen);
    return i < 0 ? undefined : this.armed.splice(i, 1)[0];
  }

  private fire(fault: ArmedFault, spec: CallSpec, exec: Execution): never {
    if (fault.kind === 'kill') { exec.kill(); throw this.error(EMU_ERRORS.exceededTime); }
    const m = spec.mutates!;
    const id = m.id ?? '';
    const text = m.service === 'Spreadsheets' ? EMU_ERRORS.sheetsTimedOut(id)
      : m.service === 'Drive' ? EMU_ERRORS.driveTimedOut(id)
      : EMU_ERRORS.serverError;
    throw this.error(text);
  }

  // --- executions -----------------------------------------------------------------------
  startExecution(opts: ExecutionOptions = {}): Execution { return new Execution(this, opts); }

  runExecution<T>(fn: () => T, opts: ExecutionOptions = {}): T {
    const exec = this.startExecution(opts);
    try {
      const result = exec.run(fn);
      // A killed execution cannot complete normally, even if the code swallowed the error.
      if (exec.killed) throw this.error(EMU_ERRORS.exceededTime);
      return result;
    } finally {
      exec.end();
    }
  }

  onEnd(hook: (e: Execution) => void): void { this.endHooks.push(hook); }
  onExecutionEnd(e: Execution): void { for (const h of this.endHooks) h(e); }

  // --- realm-aware errors ---------------------------------------------------------------
  /** Each execution may load a fresh copy of the bundle; only the recent objects matter. */
  registerGlobals(g: object): void {
    this.globalObjects.push({ g, exec: this.current });
    if (this.globalObjects.length > 16) this.globalObjects.splice(0, this.globalObjects.length - 16);
  }

  /**
   * An Apps Script exception: an Error named 'Exception'. It is built with the bundle realm's
   * Error when the globals have been turned into a vm context, so `e instanceof Error` holds in
   * product code exactly as it does in Apps Script.
   */
  error(message: string): Error {
    const Ctor = this.realmError() ?? Error;
    const e = new Ctor(message);
    e.name = 'Exception';
    return e;
  }

  /**
   * The bundle's realm: the most recent globals object that became a vm context, preferring one
   * loaded by the running execution (two interleaved executions may each load the bundle).
   */
  bundleContext(): vm.Context | undefined {
    const contexts = this.globalObjects.filter((x) => vm.isContext(x.g));
    const mine = contexts.filter((x) => x.exec !== null && x.exec === this.current);
    const pick = (mine.length ? mine : contexts).pop();
    return pick?.g;
  }

  private realmError(): ErrorConstructor | undefined {
    const g = this.bundleContext();
    if (!g) return undefined;
    let E = this.realmErrors.get(g);
    if (!E) { E = vm.runInContext('Error', g) as ErrorConstructor; this.realmErrors.set(g, E); }
    return E;
  }
}

/** A requirement is one scope or "(a || b)", as Apps Script's permission error writes it. */
export function scopesAllow(declared: string[], required: string): boolean {
  const any = required.replace(/^\(|\)$/g, '').split('||').map((x) => x.trim()).filter(Boolean);
  return any.some((scope) => declared.includes(scope));
}

function modeAllows(mode: AuthModeName, needed: 'LIMITED' | 'FULL'): boolean {
  if (mode === 'FULL') return true;
  return mode === 'LIMITED' && needed === 'LIMITED';
}
