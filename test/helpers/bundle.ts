// Loads the built dist/Code.js into the emulator and calls contract functions the way
// google.script.run does (one execution per call, fresh script load, JSON across the wire).
// The loader itself lives in playground/bundle.ts, shared with the local playground, and so do
// the drivers both use (run a migration to the end, kill a rollback part-way).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Emulator } from '../../emulator';
import { loadBundleFrom, crossWire, killRollbackIn, migrateToEnd, RESTORING_PHASES, Bundle, CallOptions } from '../../playground/bundle';

export { crossWire, killRollbackIn, migrateToEnd, RESTORING_PHASES };
export type { Bundle, CallOptions };

export const DIST = path.resolve(__dirname, '..', '..', 'dist');

export function loadBundle(emu: Emulator): Bundle {
  return loadBundleFrom(emu, DIST);
}

const allowingDirs = new Map<string, string>();

/**
 * dist/Code.js as the build makes it from a plan whose "allowedUsers" is `users`: the build
 * inlines the plan, so this rewrites that one literal (and fails if the bundle no longer has
 * exactly one) into a copy under the temp dir.
 */
export function loadBundleAllowing(emu: Emulator, users: string[]): Bundle {
  const key = JSON.stringify(users);
  let dir = allowingDirs.get(key);
  if (!dir) {
    const code = fs.readFileSync(path.join(DIST, 'Code.js'), 'utf8');
    const parts = code.split('allowedUsers:[]');
    if (parts.length !== 2) throw new Error(`dist/Code.js should inline the plan's "allowedUsers:[]" once; found it ${parts.length - 1} times`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sm-allowed-'));
    fs.writeFileSync(path.join(dir, 'Code.js'), parts.join(`allowedUsers:${key}`));
    allowingDirs.set(key, dir);
    const made = dir;
    process.once('exit', () => fs.rmSync(made, { recursive: true, force: true }));
  }
  return loadBundleFrom(emu, dir);
}
