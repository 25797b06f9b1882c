// Loads the built dist/Code.js into the emulator and calls contract functions the way
// google.script.run does (one execution per call, fresh script load, JSON across the wire).
// The loader itself lives in playground/bundle.ts, shared with the local playground, and so do
// the drivers both use (run a migration to the end, kill a rollback part-way).
import * as path from 'path';
import type { Emulator } from '../../emulator';
import { loadBundleFrom, crossWire, killRollbackIn, migrateToEnd, RESTORING_PHASES, Bundle, CallOptions } from '../../playground/bundle';

export { crossWire, killRollbackIn, migrateToEnd, RESTORING_PHASES };
export type { Bundle, CallOptions };

export const DIST = path.resolve(__dirname, '..', '..', 'dist');

export function loadBundle(emu: Emulator): Bundle {
  return loadBundleFrom(emu, DIST);
}
