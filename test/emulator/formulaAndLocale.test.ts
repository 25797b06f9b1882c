import * as vm from 'vm';
import { createEmulator, createSampleWorkbook } from '../../emulator';
import { renameSheetRefs, shiftForCopy, shiftForStructure } from '../../emulator/spreadsheet/formulaRefs';
import { setup } from './helpers';

describe('formula references', () => {
  test('structure shifts skip strings, functions and other sheets', () => {
    expect(shiftForStructure('=LOG10(B2)&"B2"&Other!B2', 'S', 'S', 'col', 2, 1)).toBe('=LOG10(C2)&"B2"&Other!B2');
    expect(shiftForStructure("='My S'!B2+B2", 'Other', 'My S', 'col', 1, 2)).toBe("='My S'!D2+B2");
    expect(shiftForStructure('=SUM(A:C)+SUM(2:5)', 'S', 'S', 'row', 1, 3)).toBe('=SUM(A:C)+SUM(5:8)');
    expect(shiftForStructure('=SUM($B$2:$D$9)', 'S', 'S', 'row', 3, -2)).toBe('=SUM($B$2:$D$7)');
    expect(shiftForStructure('=B3', 'S', 'S', 'row', 3, -1)).toBe('=#REF!');
  });

  test('copy moves relative parts only; off-grid becomes #REF!; renames follow', () => {
    expect(shiftForCopy('=A1+$A1+A$1+$A$1', 2, 1)).toBe('=B3+$A3+B$1+$A$1');
    expect(shiftForCopy('=A1', -1, 0)).toBe('=#REF!');
    expect(renameSheetRefs("=Hoja1!A1+'Hoja1'!B2", 'Hoja1', 'Hoja 2')).toBe("='Hoja 2'!A1+'Hoja 2'!B2");
  });

  test('renaming a sheet rewrites formulas that name it', () => {
    const { ss } = setup();
    const a = ss.getSheets()[0];
    const b = ss.insertSheet('B');
    b.getRange('A1').setFormula('=Sheet1!A1*2');
    a.setName('Datos');
    expect(b.getRange('A1').getFormula()).toBe('=Datos!A1*2');
  });
});

describe('locale and write-back', () => {
  test('es_CL: decimal comma in display and typed input; day-first dates', () => {
    const emu = createEmulator();
    const ss = emu.createSpreadsheet('cl', { locale: 'es_CL' });
    const r = ss.getSheets()[0].getRange(1, 1, 1, 3);
    r.setValues([['12,5', '30/7/2025', '12.5']]);
    const [row] = r.getValues();
    expect(row[0]).toBe(12.5);
    expect((row[1] as Date).toISOString()).toBe('2025-07-30T04:00:00.000Z');
    expect(row[2]).toBe('12.5');
    expect(r.getDisplayValues()[0].slice(0, 2)).toEqual(['12,5', '30/7/2025 0:00:00']);
  });

  test('writing back text dates read from the sample turns them into Dates, as Sheets would', () => {
    const emu = createEmulator();
    const ops = createSampleWorkbook(emu, { rows: 60 }).getSheetByName('Operaciones')!;
    const range = ops.getRange(2, 1, 60, 65);
    const before = range.getValues().flat().filter((v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v));
    expect(before.length).toBeGreaterThan(0);
    range.setValues(range.getValues());
    const after = range.getValues().flat().filter((v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v));
    expect(after).toEqual([]);
  });

  test('Dates returned to the bundle pass its instanceof Date', () => {
    const { emu, ss } = setup();
    ss.getSheets()[0].getRange('A1').setValue(new Date(0));
    const ctx = vm.createContext(emu.globals());
    expect(emu.runExecution(() => vm.runInContext('SpreadsheetApp.getActiveSpreadsheet().getSheets()[0].getRange("A1").getValue() instanceof Date', ctx))).toBe(true);
  });
});
