// Type-level: the emulator's classes satisfy the slice of Apps Script the core codes against.
// `npx tsc --noEmit` checks these assignments; the test body checks they are real objects.
import type { CacheLike, DriveFileLike, DriveFolderLike, LockLike, PropertyStore, ProtectionLike, RangeLike, SheetLike, SpreadsheetLike } from '../../src/core/gas';
import { EmuCache, EmuFile, EmuFolder, EmuLock, EmuProperties, EmuProtection, EmuRange, EmuSheet, EmuSpreadsheet } from '../../emulator';
import { setup } from './helpers';

test('emulator classes implement the core interfaces', () => {
  const { emu, ss } = setup();
  const G = emu.globals() as any;
  const emuSpreadsheet: EmuSpreadsheet = ss;
  const emuSheet: EmuSheet = ss.getSheets()[0];
  const emuRange: EmuRange = emuSheet.getRange('A1');
  const emuProtection: EmuProtection = emuSheet.protect();
  const emuFile: EmuFile = emu.getFile(ss.getId())!;
  const emuFolder: EmuFolder = G.DriveApp.getRootFolder();
  const emuProps: EmuProperties = G.PropertiesService.getDocumentProperties();
  const emuCache: EmuCache = G.CacheService.getDocumentCache();
  const emuLock: EmuLock = G.LockService.getDocumentLock();

  const s: SpreadsheetLike = emuSpreadsheet;
  const sh: SheetLike = emuSheet;
  const r: RangeLike = emuRange;
  const p: ProtectionLike = emuProtection;
  const f: DriveFileLike = emuFile;
  const d: DriveFolderLike = emuFolder;
  const ps: PropertyStore = emuProps;
  const c: CacheLike = emuCache;
  const l: LockLike = emuLock;
  for (const x of [s, sh, r, p, f, d, ps, c, l]) expect(typeof x).toBe('object');
});
