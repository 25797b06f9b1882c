// Shared set-up for the emulator's own tests.
import { createEmulator, Emulator, EmulatorOptions } from '../../emulator';
import type { EmuSpreadsheet } from '../../emulator';

export function setup(opts: EmulatorOptions = {}): { emu: Emulator; ss: EmuSpreadsheet } {
  const emu = createEmulator(opts);
  const ss = emu.createSpreadsheet('Book');
  emu.setActiveSpreadsheet(ss.getId());
  return { emu, ss };
}

/** The message of what `fn` throws (fails the test when it does not throw). */
export function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a throw');
}
