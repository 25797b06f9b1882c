// calibrate() run in the emulator, through the real bundle: with the emulator's virtual clock
// its timings ARE the cost model's charges, so every constant it reports must come back as the
// one in emulator/costModel.ts. That proves calibrate measures what the model charges (the
// right call for each constant, flushes outside the timed part, slopes over several sizes).
// It must also leave nothing behind and never touch the active spreadsheet.
import * as fs from 'fs';
import * as path from 'path';
import { createEmulator, createSampleWorkbook, COST_MODEL } from '../../emulator';
import { loadBundle } from '../helpers/bundle';
import type { CalibrationResult } from '../../src/core/calibration';

function run() {
  const emu = createEmulator();
  const ss = createSampleWorkbook(emu, { rows: 30 });
  const before = JSON.stringify(ss.getSheetByName('Operaciones')!.getDataRange().getValues());
  const filesBefore = emu.files().length;
  const result = loadBundle(emu).call<CalibrationResult>('calibrate');
  return { emu, ss, before, filesBefore, result };
}

describe('calibrate', () => {
  const { emu, ss, before, filesBefore, result } = run();

  test('measures each constant of the cost model as the model charges it', () => {
    expect(result.ok).toBe(true);
    const expected: Record<string, number> = {
      sheetRoundTripMs: COST_MODEL.sheetRoundTripMs,
      getRangeMs: COST_MODEL.getRangeMs,
      flushMs: COST_MODEL.flushMs,
      readBaseMs: COST_MODEL.readBaseMs,
      readPerCellMs: COST_MODEL.readPerCellMs,
      writeBaseMs: COST_MODEL.writeBaseMs,
      writePerCellMs: COST_MODEL.writePerCellMs,
      sheetMetadataBaseMs: COST_MODEL.sheetMetadataBaseMs,
      sheetMetadataPerCellMs: COST_MODEL.sheetMetadataPerCellMs,
      fileCopyBaseMs: COST_MODEL.fileCopyBaseMs,
      fileCopyPerCellMs: COST_MODEL.fileCopyPerCellMs,
      openByIdMs: COST_MODEL.openByIdMs,
      createSpreadsheetMs: COST_MODEL.createSpreadsheetMs,
      driveReadMs: COST_MODEL.driveReadMs,
      driveWriteMs: COST_MODEL.driveWriteMs,
      propertyReadMs: COST_MODEL.propertyReadMs,
      propertyWriteMs: COST_MODEL.propertyWriteMs,
    };
    // Within 2% (the figures are rounded to 3 significant digits).
    const off = Object.entries(expected).filter(([k, v]) => !(Math.abs(result.measured[k] - v) <= Math.abs(v) * 0.02));
    expect(off.map(([k, v]) => `${k}: measured ${result.measured[k]}, model ${v}`)).toEqual([]);
    // One insert on a 100,000-cell grid: base plus a small per-cell part.
    expect(result.measured.structureBaseMs).toBeCloseTo(COST_MODEL.structureBaseMs + COST_MODEL.structurePerCellMs * 100000, 1);
  });

  test('prints the figures in the form of emulator/costModel.ts', () => {
    expect(result.text).toMatch(/^\/\/ Measured by calibrate\(\) at .*\nexport const COST_MODEL_MEASURED = \{\n/);
    expect(result.text).toContain(`  readPerCellMs: ${COST_MODEL.readPerCellMs},`);
    expect(emu.logs.map((l) => JSON.stringify(l)).join('\n')).toContain('COST_MODEL_MEASURED');
    // Every name it reports is a constant of the model, so the two can be compared key by key.
    Object.keys(result.measured).forEach((k) => expect(Object.keys(COST_MODEL)).toContain(k));
  });

  test('cleans up after itself and never touches the active spreadsheet', () => {
    const made = emu.files().slice(filesBefore);
    expect(made).toHaveLength(3);
    expect(made.every((f) => f.isTrashed())).toBe(true);
    expect(result.leftovers).toEqual([]);
    expect(JSON.stringify(ss.getSheetByName('Operaciones')!.getDataRange().getValues())).toBe(before);
    expect(ss.getSheets().map((s) => s.getName())).toEqual(['Operaciones', 'Trabajadores', 'Roles', 'Metadata']);
    const g = emu.globals() as any;
    expect(g.PropertiesService.getUserProperties().getKeys()).toEqual([]);
  });
});

test('with the manifest\'s scopes (no Drive write) the scratch files are listed to delete by hand', () => {
  // appsscript.json grants drive.readonly: trashing a file is refused, as in Apps Script.
  const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'appsscript.json'), 'utf8'));
  const emu = createEmulator({ oauthScopes: manifest.oauthScopes });
  createSampleWorkbook(emu, { rows: 10 });
  const result = loadBundle(emu).call<CalibrationResult>('calibrate');
  expect(result.ok).toBe(true);
  expect(Object.keys(result.measured).length).toBeGreaterThan(15);
  expect(result.leftovers).toHaveLength(3);
  expect(result.leftovers.every((f) => /^https:\/\/docs\.google\.com\/spreadsheets\/d\//.test(f.url) && /safe to delete/.test(f.name))).toBe(true);
  expect(result.message).toMatch(/Could not trash 3 scratch files \(no Drive write scope\): delete them by hand/);
  expect(emu.logs.map((l) => JSON.stringify(l)).join('\n')).toContain(result.leftovers[0].url.slice(0, 60));
  // Nothing else was left: the temporary user property is gone.
  expect((emu.globals() as any).PropertiesService.getUserProperties().getKeys()).toEqual([]);
});
