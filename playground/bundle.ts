// Loads the built dist/Code.js with gas-local into a fresh vm context whose globals come from
// the emulator, and calls top-level functions the way google.script.run does: one execution
// per call, a fresh script load per execution (Apps Script keeps no globals between them),
// arguments and results crossing as plain JSON.
//
// Shared by the tests (test/helpers/bundle.ts), the local playground (playground/server.ts) and
// the benchmark (bench/scenario.ts); so are the drivers at the end, which bring a world to a
// given state through the bundle (the playground's scenarios, the tests' set-ups).
import * as path from 'path';
import * as fs from 'fs';
import * as gas from 'gas-local';
import type { Emulator } from '../emulator';
import { PHASES } from '../src/core/rollback/progress';
import { KEYS } from '../src/core/state';

export interface CallOptions {
  user?: string;
  authMode?: 'NONE' | 'LIMITED' | 'FULL';
  limitSeconds?: number;
  /** Session.getActiveUser().getEmail() reads '' (see emulator ExecutionOptions). */
  hideActiveUser?: boolean;
}

export interface Bundle {
  /** One execution of a top-level function; returns its JSON-crossed result. */
  call<T = any>(name: string, ...args: unknown[]): T;
  callAs<T = any>(opts: CallOptions, name: string, ...args: unknown[]): T;
  /** A fresh script load, for tests that drive an execution themselves. */
  load(): Record<string, any>;
}

export interface LoadOptions {
  /** The globals of each script load (default emu.globals()): the benchmark wraps them to watch property writes. */
  globals?: () => Record<string, unknown>;
}

export function loadBundleFrom(emu: Emulator, distDir: string, opts: LoadOptions = {}): Bundle {
  if (!fs.existsSync(path.join(distDir, 'Code.js'))) {
    throw new Error(`${path.join(distDir, 'Code.js')} is missing: run \`npm run build\` first (npm test does).`);
  }
  const globals = opts.globals ?? (() => emu.globals());
  const load = () => gas.require(distDir, globals(), { filter: (f) => path.basename(f) === 'Code.js' }) as Record<string, any>;
  const callAs = <T>(opts: CallOptions, name: string, ...args: unknown[]): T =>
    emu.runExecution(() => {
      const ctx = load();
      const fn = ctx[name];
      if (typeof fn !== 'function') throw new Error(`dist/Code.js has no top-level function ${name}`);
      const result = fn(...args.map((a, i) => crossWire(a, `argument ${i}`)));
      return crossWire(result) as T;
    }, opts);
  return {
    load,
    callAs,
    call: <T>(name: string, ...args: unknown[]) => callAs<T>({}, name, ...args),
  };
}

/**
 * What google.script.run lets through. The contract promises plain JSON, so a Date, a
 * function or an undefined inside an array is a bug that this makes a test failure.
 */
export function crossWire(value: unknown, where = 'result'): unknown {
  if (value === undefined) return null;
  assertPlainJson(value, where);
  return JSON.parse(JSON.stringify(value));
}

function assertPlainJson(v: unknown, where: string): void {
  if (v === null) return;
  const t = typeof v;
  if (t === 'string' || t === 'boolean') return;
  if (t === 'number') {
    if (!Number.isFinite(v as number)) throw new Error(`${where} is a non-finite number`);
    return;
  }
  if (t === 'function' || t === 'symbol' || t === 'bigint') throw new Error(`${where} is a ${t}, not JSON`);
  const tag = Object.prototype.toString.call(v);
  if (tag === '[object Date]') throw new Error(`${where} is a Date; the contract wants ISO strings`);
  if (Array.isArray(v)) {
    v.forEach((x, i) => {
      if (x === undefined) throw new Error(`${where}[${i}] is undefined`);
      assertPlainJson(x, `${where}[${i}]`);
    });
    return;
  }
  if (tag !== '[object Object]') throw new Error(`${where} is a ${tag}, not a plain object`);
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (x !== undefined) assertPlainJson(x, `${where}.${k}`);
  }
}

// ---- drivers ----------------------------------------------------------------------------------

/**
 * Calls `fn` (runMigration, or runMigrationStep as the sidebar does) until the migration is
 * complete and returns the last result; a refusal or failure throws with its message. Only the
 * first call may carry `force` (it restarts a run): the later ones continue that run.
 */
export function migrateToEnd(b: Bundle, options: Record<string, unknown> = {}, max = 60, fn = 'runMigration'): any {
  for (let i = 0; i < max; i++) {
    const r = b.call<any>(fn, i === 0 ? options : { ...options, force: false });
    if (!r.ok) throw new Error(`${fn} refused or failed: ${r.message}`);
    if (r.complete) return r;
  }
  throw new Error(`migration not complete after ${max} calls of ${fn}`);
}

/** Rollback phases that change the tab: after its snapshot, up to its check of the restored tab. */
export const RESTORING_PHASES: readonly string[] = PHASES.slice(PHASES.indexOf('temp_sheet'), PHASES.indexOf('prove') + 1);

/**
 * A rollback killed part-way: rollbackMigration is killed at its 1st, 2nd, … mutating call until
 * an attempt leaves the rollback's checkpoint in one of `phases`, so that this does not depend on
 * how many calls a rollback makes. `worldFor(k)` gives attempt k's world: a fresh one each time,
 * or the same one (each attempt then resumes the last). `rollBack(w)` makes the call (a kill is
 * expected). Returns the world and the phase it stopped in; null if the rollback completed
 * instead or no attempt up to `max` stopped in those phases.
 */
export function killRollbackIn<W extends { emu: Emulator; b: Bundle }>(
  worldFor: (k: number) => W,
  rollBack: (w: W) => unknown,
  { phases = RESTORING_PHASES, max = 80 }: { phases?: readonly string[]; max?: number } = {},
): (W & { phase: string }) | null {
  for (let k = 1; k <= max; k++) {
    const w = worldFor(k);
    w.emu.faults.failMutatingCall(k, 'kill', 'after');
    let result: any = null;
    try {
      result = rollBack(w);
    } finally {
      w.emu.faults.clear();
    }
    if (result && result.ok && result.complete) return null;
    // Read outside any execution: free, uncounted.
    const raw = (w.emu.globals() as any).PropertiesService.getDocumentProperties().getProperty(KEYS.rollback);
    const phase = raw ? JSON.parse(raw).phase : null;
    if (phases.includes(phase)) return { ...w, phase };
  }
  return null;
}
