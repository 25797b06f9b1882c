// The core's Env over an emulator, for unit tests of core modules: the same adapter the
// bundle uses (src/adapters/env.ts), with the clock read from the emulator's virtual clock.
import type { Emulator } from '../../emulator';
import { appsScriptEnv } from '../../src/adapters/env';
import { Env } from '../../src/core/gas';
import { formatJavaDate } from '../../emulator/time';

export function emuEnv(emu: Emulator): Env {
  return { ...appsScriptEnv(emu.globals()), now: () => emu.clock.now() };
}

/** Runs fn as one emulator execution with an Env. */
export function inExecution<T>(emu: Emulator, fn: (env: Env) => T, opts: { user?: string } = {}): T {
  return emu.runExecution(() => fn(emuEnv(emu)), opts);
}

/**
 * An ISO time as formatWhen words it for the sample workbook (America/Santiago, the emulator's
 * default zone): "25 Nov 2026, 09:00 (America/Santiago)".
 */
export function spreadsheetTime(iso: string, timeZone = 'America/Santiago'): string {
  return `${formatJavaDate(Date.parse(iso), timeZone, 'd MMM yyyy, HH:mm')} (${timeZone})`;
}
