import { createEmulator, EMU_ERRORS, ProtectionType } from '../../emulator';
import { setup, thrown } from './helpers';

describe('Sheet extent', () => {
  test('getLastRow/getLastColumn count values and formulas, not formats', () => {
    const { ss } = setup();
    const sheet = ss.getSheets()[0];
    expect([sheet.getLastRow(), sheet.getLastColumn()]).toEqual([0, 0]);
    sheet.getRange('B3').setValue('x');
    expect([sheet.getLastRow(), sheet.getLastColumn()]).toEqual([3, 2]);
    sheet.getRange('E7').setFormula('=1');
    expect([sheet.getLastRow(), sheet.getLastColumn()]).toEqual([7, 5]);
    sheet.getRange('Z100').setNumberFormat('0.00');
    expect([sheet.getLastRow(), sheet.getLastColumn()]).toEqual([7, 5]);
    sheet.getRange('E7').clearContent();
    expect([sheet.getLastRow(), sheet.getLastColumn()]).toEqual([3, 2]);
    expect([sheet.getMaxRows(), sheet.getMaxColumns()]).toEqual([1000, 26]);
    expect(sheet.getDataRange().getA1Notation()).toBe('A1:B3');
  });

  test('getLastRow is cached: 10,000 calls on a 100k-row sheet take well under a second', () => {
    const emu = createEmulator();
    const ss = emu.createSpreadsheet('Big', { rows: 100000, columns: 10 });
    const sheet = ss.getSheets()[0];
    sheet.getRange(1, 1, 100000, 1).setValues(Array.from({ length: 100000 }, (_, i) => [i]));
    const t0 = Date.now();
    for (let i = 0; i < 10000; i++) sheet.getLastRow();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(sheet.getLastRow()).toBe(100000);
  });
});

describe('Sheet structure', () => {
  test('insertColumnsAfter/Before shift cells and formula references', () => {
    const { ss } = setup();
    const sheet = ss.getSheets()[0];
    sheet.getRange('A1:C1').setValues([[1, 2, 3]]);
    sheet.getRange('D1').setFormula('=SUM(A1:C1)+C1');
    sheet.insertColumnsAfter(1, 2);
    expect(sheet.getRange('A1:F1').getValues()).toEqual([[1, '', '', 2, 3, '']]);
    expect(sheet.getRange('F1').getFormula()).toBe('=SUM(A1:E1)+E1');
    expect(sheet.getMaxColumns()).toBe(28);
    sheet.insertColumnsBefore(1, 1);
    expect(sheet.getRange('A1:B1').getValues()).toEqual([['', 1]]);
    expect(sheet.getRange('G1').getFormula()).toBe('=SUM(B1:F1)+F1');
  });

  test('deleteColumns shrinks references and turns deleted single refs into #REF!', () => {
    const { ss } = setup();
    const sheet = ss.getSheets()[0];
    sheet.getRange('A1:C1').setValues([[1, 2, 3]]);
    sheet.getRange('D1').setFormula('=SUM(A1:C1)+B1');
    sheet.deleteColumns(2, 1);
    expect(sheet.getRange('A1:C1').getValues()).toEqual([[1, 3, '']]);
    expect(sheet.getRange('C1').getFormula()).toBe('=SUM(A1:B1)+#REF!');
    expect(thrown(() => sheet.deleteColumns(1, 25))).toBe("You can't delete all the columns on the sheet.");
    expect(thrown(() => sheet.deleteColumns(30, 1))).toBe('Those columns are out of bounds.');
  });

  test('insertRowsAfter/deleteRows move rows; formulas on other sheets follow', () => {
    const { ss } = setup();
    const sheet = ss.getSheets()[0];
    const other = ss.insertSheet('Other');
    sheet.getRange('A1:A3').setValues([[1], [2], [3]]);
    other.getRange('A1').setFormula('=Sheet1!A3');
    sheet.insertRowsAfter(1, 2);
    expect(sheet.getRange('A1:A5').getValues()).toEqual([[1], [''], [''], [2], [3]]);
    expect(other.getRange('A1').getFormula()).toBe('=Sheet1!A5');
    sheet.deleteRows(2, 2);
    expect(sheet.getRange('A1:A3').getValues()).toEqual([[1], [2], [3]]);
    expect(other.getRange('A1').getFormula()).toBe('=Sheet1!A3');
    expect(thrown(() => sheet.deleteRows(1, 1000))).toBe("You can't delete all the rows on the sheet.");
    expect(thrown(() => sheet.insertRowsAfter(2000, 1))).toBe('Those rows are out of bounds.');
  });

  test('growth past 10,000,000 cells throws Sheets text (insert columns/rows, insert sheet, copy)', () => {
    const emu = createEmulator();
    const ss = emu.createSpreadsheet('Full', { rows: 1_000_000, columns: 10 });
    const sheet = ss.getSheets()[0];
    expect(thrown(() => sheet.insertColumnsAfter(10, 1))).toBe('This action would increase the number of cells in the workbook above the limit of 10000000 cells.');
    expect(thrown(() => sheet.insertRowsAfter(1, 1))).toBe(EMU_ERRORS.cellLimit);
    expect(thrown(() => ss.insertSheet('More'))).toBe(EMU_ERRORS.cellLimit);
    expect(thrown(() => sheet.copyTo(ss))).toBe(EMU_ERRORS.cellLimit);
    expect(sheet.getMaxColumns()).toBe(10);
    sheet.deleteRows(1, 100_000);
    sheet.insertColumnsAfter(10, 1);
    expect(sheet.getMaxColumns()).toBe(11);
  });

  test('insertSheet: default names, collision text, index; deleteSheet keeps at least one', () => {
    const { ss } = setup();
    const a = ss.insertSheet();
    expect(a.getName()).toBe('Sheet2');
    expect(thrown(() => ss.insertSheet('Sheet2'))).toBe('A sheet with the name "Sheet2" already exists. Please enter another name.');
    const first = ss.insertSheet('First', 0);
    expect(first.getIndex()).toBe(1);
    expect(thrown(() => a.setName('First'))).toBe(EMU_ERRORS.sheetNameTaken('First'));
    ss.deleteSheet(a);
    ss.deleteSheet(first);
    expect(thrown(() => ss.deleteSheet(ss.getSheets()[0]))).toBe("You can't remove all the sheets in a document.");
    expect(thrown(() => a.getName())).toBe(EMU_ERRORS.sheetDeleted);
  });

  test('Sheet.copyTo makes "Copy of X" with a new id, in the same or another spreadsheet', () => {
    const { emu, ss } = setup();
    const sheet = ss.getSheets()[0];
    sheet.getRange('A1').setValue('v');
    const other = emu.createSpreadsheet('Other');
    const c1 = sheet.copyTo(other);
    expect(c1.getName()).toBe('Copy of Sheet1');
    expect(c1.getSheetId()).not.toBe(sheet.getSheetId());
    expect(c1.getRange('A1').getValue()).toBe('v');
    const c2 = sheet.copyTo(ss);
    expect(c2.getName()).toBe('Copy of Sheet1');
    c2.getRange('A1').setValue('changed');
    expect(sheet.getRange('A1').getValue()).toBe('v');
  });

  test('Sheet.clear empties values, formulas and formats; contentsOnly keeps formats', () => {
    const { ss } = setup();
    const sheet = ss.getSheets()[0];
    sheet.getRange('A1:B1').setValues([[1, 'x']]);
    sheet.getRange('C1').setFormula('=A1');
    sheet.getRange('A1').setNumberFormat('0.00');
    sheet.clear({ contentsOnly: true });
    expect([sheet.getLastRow(), sheet.getRange('A1').getNumberFormat()]).toEqual([0, '0.00']);
    sheet.getRange('A1').setValue(1);
    sheet.clear();
    expect([sheet.getLastRow(), sheet.getRange('A1').getNumberFormat(), sheet.getMaxRows()]).toEqual([0, 'General', 1000]);
  });

  test('appendRow writes after the last row and grows a full grid', () => {
    const emu = createEmulator();
    const ss = emu.createSpreadsheet('Tiny', { rows: 2, columns: 2 });
    const sheet = ss.getSheets()[0];
    sheet.appendRow(['a', 1]);
    sheet.appendRow(['b', 2]);
    sheet.appendRow(['c', 3, 'extra']);
    expect(sheet.getRange(1, 1, 3, 3).getValues()).toEqual([['a', 1, ''], ['b', 2, ''], ['c', 3, 'extra']]);
    expect([sheet.getMaxRows(), sheet.getMaxColumns()]).toEqual([3, 3]);
  });
});

describe('Protection', () => {
  test('protect() and getProtections by enum; other users cannot write, editors can', () => {
    const { emu, ss } = setup();
    const sheet = ss.getSheets()[0];
    const p = emu.runExecution(() => sheet.protect().setDescription('migración en curso'));
    expect(sheet.getProtections(ProtectionType.SHEET).map((x) => x.getDescription())).toEqual(['migración en curso']);
    expect(sheet.getProtections('RANGE')).toEqual([]);
    expect(() => emu.runExecution(() => sheet.getRange('A1').setValue(1), { user: 'other@example.com' })).toThrow(EMU_ERRORS.protectedCell);
    emu.runExecution(() => sheet.getRange('A1').setValue(1));
    expect(sheet.getRange('A1').getValue()).toBe(1);
    emu.runExecution(() => p.remove());
    emu.runExecution(() => sheet.getRange('A1').setValue(2), { user: 'other@example.com' });
    expect(sheet.getRange('A1').getValue()).toBe(2);
  });
});
