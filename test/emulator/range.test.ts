import { EMU_ERRORS } from '../../emulator';
import { setup, thrown } from './helpers';

describe('Range values', () => {
  test('coordinates are 1-based and empty cells read as empty strings', () => {
    const { ss } = setup();
    const sheet = ss.getSheets()[0];
    const r = sheet.getRange(2, 3, 2, 2);
    expect([r.getRow(), r.getColumn(), r.getNumRows(), r.getNumColumns(), r.getA1Notation()]).toEqual([2, 3, 2, 2, 'C2:D3']);
    expect(r.getValues()).toEqual([['', ''], ['', '']]);
    expect(sheet.getRange('B2').getA1Notation()).toBe('B2');
    expect(sheet.getRange('A1:C3').getNumColumns()).toBe(3);
  });

  test('numbers, booleans, strings and Dates round-trip; null and undefined store empty', () => {
    const { ss } = setup();
    const r = ss.getSheets()[0].getRange(1, 1, 1, 6);
    const d = new Date(Date.UTC(2025, 6, 30, 15));
    r.setValues([[1.5, true, 'Ñuñoa', d, null, undefined]]);
    const [row] = r.getValues();
    expect(row.slice(0, 3)).toEqual([1.5, true, 'Ñuñoa']);
    expect(Object.prototype.toString.call(row[3])).toBe('[object Date]');
    expect((row[3] as Date).getTime()).toBe(d.getTime());
    expect(row.slice(4)).toEqual(['', '']);
  });

  test('values are copied both ways: mutating the caller array or a returned Date changes nothing', () => {
    const { ss } = setup();
    const r = ss.getSheets()[0].getRange(1, 1, 1, 2);
    const d = new Date(Date.UTC(2025, 0, 1));
    const data: unknown[][] = [['a', d]];
    r.setValues(data);
    data[0][0] = 'changed';
    d.setUTCFullYear(1999);
    const read = r.getValues();
    expect(read[0][0]).toBe('a');
    expect((read[0][1] as Date).getUTCFullYear()).toBe(2025);
    (read[0][1] as Date).setUTCFullYear(1990);
    expect((r.getValues()[0][1] as Date).getUTCFullYear()).toBe(2025);
    expect(r.getValues()[0][1]).not.toBe(r.getValues()[0][1]);
  });

  test('a Date from another realm (the bundle vm) is stored as a Date', () => {
    const { emu, ss } = setup();
    const vm = require('vm');
    const foreign = vm.runInNewContext('new Date(Date.UTC(2025, 1, 2))');
    expect(foreign instanceof Date).toBe(false);
    const r = ss.getSheets()[0].getRange('A1');
    emu.runExecution(() => r.setValue(foreign));
    expect((r.getValue() as Date).toISOString()).toBe('2025-02-02T00:00:00.000Z');
  });

  test('strings are interpreted as typed, unless plain text or quoted', () => {
    const { ss } = setup();
    const r = ss.getSheets()[0].getRange(1, 1, 1, 6);
    r.setValues([['00123', 'TRUE', '2025-07-30', "'00123", '=A1*2', 'MK-1335-CW-25238-011']]);
    const [row] = r.getValues();
    expect(row[0]).toBe(123);
    expect(row[1]).toBe(true);
    expect(Object.prototype.toString.call(row[2])).toBe('[object Date]');
    expect(row[3]).toBe('00123');
    expect(r.getFormulas()[0][4]).toBe('=A1*2');
    expect(row[5]).toBe('MK-1335-CW-25238-011');
    const t = ss.getSheets()[0].getRange('G1');
    t.setNumberFormat('@');
    t.setValue('00123');
    expect(t.getValue()).toBe('00123');
  });

  test('setValues dimension mismatch throws Apps Script texts', () => {
    const { ss } = setup();
    const r = ss.getSheets()[0].getRange(1, 1, 2, 3);
    expect(thrown(() => r.setValues([[1, 2, 3]]))).toBe(EMU_ERRORS.rowsMismatch(1, 2));
    expect(thrown(() => r.setValues([[1, 2, 3], [1, 2]]))).toBe(
      'The number of columns in the data does not match the number of columns in the range. The data has 2 but the range has 3.');
    expect(thrown(() => r.setValues([[1, 2, 3]]))).toBe(
      'The number of rows in the data does not match the number of rows in the range. The data has 1 but the range has 2.');
    expect(thrown(() => r.setValues([1, 2, 3] as unknown as unknown[][]))).toMatch(/don't match the method signature for SpreadsheetApp.Range.setValues/);
  });

  test('out-of-grid and zero-sized ranges throw Apps Script texts', () => {
    const { ss } = setup();
    const sheet = ss.getSheets()[0];
    expect(thrown(() => sheet.getRange(1001, 1))).toBe('The coordinates of the range are outside the dimensions of the sheet.');
    expect(thrown(() => sheet.getRange(1, 1, 1, 27))).toBe(EMU_ERRORS.rangeOutsideSheet);
    expect(thrown(() => sheet.getRange(1, 1, 0, 1))).toBe('The number of rows in the range must be at least 1.');
    expect(thrown(() => sheet.getRange(1, 1, 1, 0))).toBe('The number of columns in the range must be at least 1.');
    expect(thrown(() => sheet.getRange(0, 1))).toBe('The starting row of the range is too small.');
    expect(thrown(() => sheet.getRange(1, 0))).toBe('The starting column of the range is too small.');
    expect(thrown(() => sheet.getRange('A1:'))).toBe('Range not found');
  });
});

describe('Range formulas', () => {
  test('formulas are stored as text, not evaluated; setFormulas with empty string clears', () => {
    const { ss } = setup();
    const r = ss.getSheets()[0].getRange(1, 1, 1, 2);
    r.setFormulas([['=SUM(B1:C1)', '=1+1']]);
    expect(r.getFormulas()).toEqual([['=SUM(B1:C1)', '=1+1']]);
    expect(r.getValues()).toEqual([['', '']]);
    r.setFormulas([['', '=1+1']]);
    expect(r.getFormulas()).toEqual([['', '=1+1']]);
    r.setValues([['x', 2]]);
    expect(r.getFormulas()).toEqual([['', '']]);
  });

  test('setFormula on a block moves relative references per cell, like Sheets', () => {
    const { ss } = setup();
    const r = ss.getSheets()[0].getRange('C1:C3');
    r.setFormula('=A1+$B$1');
    expect(r.getFormulas()).toEqual([['=A1+$B$1'], ['=A2+$B$1'], ['=A3+$B$1']]);
  });
});

describe('Range formats and display', () => {
  test('number formats: General by default, a date-time format for Dates, set ones kept', () => {
    const { ss } = setup();
    const r = ss.getSheets()[0].getRange(1, 1, 1, 3);
    r.setValues([[1234.5, new Date(Date.UTC(2025, 6, 30, 15, 4, 5)), 'x']]);
    expect(r.getNumberFormats()).toEqual([['General', 'M/d/yyyy H:mm:ss', 'General']]);
    r.setNumberFormats([['#,##0.00', 'yyyy-mm-dd', '@']]);
    expect(r.getNumberFormats()).toEqual([['#,##0.00', 'yyyy-mm-dd', '@']]);
    expect(r.getDisplayValues()).toEqual([['1,234.50', '2025-07-30', 'x']]);
  });

  test('display values follow the spreadsheet time zone and booleans show as TRUE', () => {
    const { ss } = setup();
    const r = ss.getSheets()[0].getRange(1, 1, 1, 3);
    r.setValues([[new Date(Date.UTC(2025, 6, 30, 15, 4, 5)), false, 0.1 + 0.2]]);
    // America/Santiago is UTC-4 in July.
    expect(r.getDisplayValues()).toEqual([['7/30/2025 11:04:05', 'FALSE', '0.3']]);
  });

  test('clear, clearContent and clearFormat clear what they say', () => {
    const { ss } = setup();
    const r = ss.getSheets()[0].getRange(1, 1, 1, 2);
    r.setValues([[1, 2]]);
    r.setNumberFormats([['0.0', '0.0']]);
    r.clearContent();
    expect(r.getValues()).toEqual([['', '']]);
    expect(r.getNumberFormats()).toEqual([['0.0', '0.0']]);
    r.setValues([[1, 2]]);
    r.clearFormat();
    expect(r.getNumberFormats()).toEqual([['General', 'General']]);
    r.setFormulas([['=1', '=2']]);
    r.clear();
    expect(r.getFormulas()).toEqual([['', '']]);
  });
});

describe('Range.copyTo', () => {
  test('copies values, formulas (relative refs moved) and formats within a spreadsheet', () => {
    const { ss } = setup();
    const sheet = ss.getSheets()[0];
    sheet.getRange('A1:B1').setValues([[1, 'x']]);
    sheet.getRange('C1').setFormula('=A1*2');
    sheet.getRange('A1').setNumberFormat('0.00');
    sheet.getRange('A1:C1').copyTo(sheet.getRange('A5'));
    expect(sheet.getRange('A5:C5').getValues()).toEqual([[1, 'x', '']]);
    expect(sheet.getRange('C5').getFormula()).toBe('=A5*2');
    expect(sheet.getRange('A5').getNumberFormat()).toBe('0.00');
    sheet.getRange('A1:C1').copyTo(sheet.getRange('A7'), { contentsOnly: true });
    expect(sheet.getRange('A7').getNumberFormat()).toBe('General');
    sheet.getRange('A1:C1').copyTo(sheet.getRange('A9'), { formatOnly: true });
    expect(sheet.getRange('A9:C9').getValues()).toEqual([['', '', '']]);
    expect(sheet.getRange('A9').getNumberFormat()).toBe('0.00');
  });

  test('to another spreadsheet throws Apps Script text', () => {
    const { emu, ss } = setup();
    const other = emu.createSpreadsheet('Other');
    const src = ss.getSheets()[0].getRange('A1');
    expect(thrown(() => src.copyTo(other.getSheets()[0].getRange('A1')))).toBe('Target range and source range must be on the same spreadsheet.');
  });
});
