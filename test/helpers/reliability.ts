// Shared set-up of the reliability suites (test/reliability): a sample workbook with the built
// bundle, runs to the end, and the "nothing changed" comparison every bad-input row makes.
import * as fs from 'fs';
import * as path from 'path';
import { createEmulator, createSampleWorkbook, Emulator, SampleWorkbookOptions } from '../../emulator';
import { Bundle, DIST, killRollbackIn, loadBundle, migrateToEnd, RESTORING_PHASES } from './bundle';
import { docProps, fullState, withoutLog } from './workbookState';
import { migratedWorld } from '../bundle/rollbackFixture';

export const OWNER = 'owner@example.com';
export const VISITOR = 'visitor@example.com';
export const V3 = ['Ocupado_Por', 'Fecha_Ocupacion', 'version'];

export interface World {
  emu: Emulator;
  b: Bundle;
  /** The active spreadsheet (the one being migrated). */
  id: string;
}

export function world(opts: SampleWorkbookOptions = {}, emuOpts: Parameters<typeof createEmulator>[0] = {}): World {
  const emu = createEmulator(emuOpts);
  const ss = createSampleWorkbook(emu, { rows: 40, ...opts });
  return { emu, b: loadBundle(emu), id: ss.getId() };
}

/** runMigration until complete, `force` on the first call only; a refusal or failure throws with its message. */
export function migrateAll(b: Bundle, options: Record<string, unknown> = {}, max = 60): any {
  return migrateToEnd(b, options, max);
}

/** The scopes the built add-on declares (dist/appsscript.json). */
export function declaredScopes(): string[] {
  return JSON.parse(fs.readFileSync(path.join(DIST, 'appsscript.json'), 'utf8')).oauthScopes;
}

/** Every file (with every cell, formula and protection) and every document property but the log. */
export function stateOf(emu: Emulator) {
  const s = fullState(emu);
  return { files: s.files, props: withoutLog(s.props) };
}

/**
 * A message a person can act on: it names what happened (`what`) and says what to do. The "what
 * to do" is recognised by the imperative verbs the add-on's messages use.
 */
export function expectActionable(message: string, what: RegExp): void {
  expect(message).toMatch(what);
  expect(message).toMatch(/\b(run|fix|rename|open|restore|delete|free|wait|ask|use|choose|finish|put|give|move|update|look|check|copy|make sure|try)\b/i);
}

export function expectNoLeftovers(emu: Emulator): void {
  const props = docProps(emu);
  expect({ lease: props['sm.lease'], run: props['sm.run'], rollback: props['sm.rollback'] }).toEqual({ lease: undefined, run: undefined, rollback: undefined });
}

/**
 * A migrated sample whose rollback was killed half-way: after it protected the tab and took
 * its snapshot, while it was restoring. Found by killing at call 1, 2, … (a fresh sample per
 * attempt) so that it does not depend on the exact number of calls a rollback makes.
 */
export function interruptedRollback(phases: readonly string[] = RESTORING_PHASES, rows = 20): ReturnType<typeof migratedWorld> & { phase: string } {
  const found = killRollbackIn(
    () => migratedWorld({ rows }),
    (attempt) => expect(() => attempt.b.call('rollbackMigration', { confirm: true })).toThrow(/Exceeded maximum execution time/),
    { phases, max: 79 },
  );
  if (!found) throw new Error('no crash point left a rollback half-way through restoring');
  return found;
}
