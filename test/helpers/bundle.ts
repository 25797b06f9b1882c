// Loads the built dist/Code.js into the emulator and calls contract functions the way
// google.script.run does (one execution per call, fresh script load, JSON across the wire).
// The loader itself lives in playground/bundle.ts, shared with the local playground.
import * as path from 'path';
import type { Emulator } from '../../emulator';
import { loadBundleFrom, crossWire, Bundle, CallOptions } from '../../playground/bundle';

export { crossWire };
export type { Bundle, CallOptions };

export const DIST = path.resolve(__dirname, '..', '..', 'dist');

export function loadBundle(emu: Emulator): Bundle {
  return loadBundleFrom(emu, DIST);
}
