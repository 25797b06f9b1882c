// Loads the built dist/Code.js with gas-local into a fresh vm context whose globals come from
// the emulator, and calls top-level functions the way google.script.run does: one execution
// per call, a fresh script load per execution (Apps Script keeps no globals between them),
// arguments and results crossing as plain JSON.
//
// Shared by the tests (test/helpers/bundle.ts) and the local playground (playground/server.ts).
import * as path from 'path';
import * as fs from 'fs';
import * as gas from 'gas-local';
import type { Emulator } from '../emulator';

export interface CallOptions {
  user?: string;
  authMode?: 'NONE' | 'LIMITED' | 'FULL';
  limitSeconds?: number;
}

export interface Bundle {
  /** One execution of a top-level function; returns its JSON-crossed result. */
  call<T = any>(name: string, ...args: unknown[]): T;
  callAs<T = any>(opts: CallOptions, name: string, ...args: unknown[]): T;
  /** A fresh script load, for tests that drive an execution themselves. */
  load(): Record<string, any>;
}

export function loadBundleFrom(emu: Emulator, distDir: string): Bundle {
  if (!fs.existsSync(path.join(distDir, 'Code.js'))) {
    throw new Error(`${path.join(distDir, 'Code.js')} is missing: run \`npm run build\` first (npm test does).`);
  }
  const load = () => gas.require(distDir, emu.globals(), { filter: (f) => path.basename(f) === 'Code.js' }) as Record<string, any>;
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
