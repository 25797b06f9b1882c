import * as fs from 'fs';
import * as path from 'path';
import { createEmulator, createSampleWorkbook, EMU_ERRORS } from '../../emulator';
import { SAMPLE_FIXTURE } from '../../emulator/sampleWorkbook';
import { thrown } from './helpers';

// CI lays ../shared beside the clone; a clone elsewhere has only the repo's copy.
const SHARED = path.resolve(__dirname, '../../../shared/fixtures/operaciones-v2.1.json');

describe('createSampleWorkbook', () => {
  test('the bundled fixture is the shared one', () => {
    if (!fs.existsSync(SHARED)) return; // a clean clone outside the workspace has only the copy
    expect(SAMPLE_FIXTURE).toEqual(JSON.parse(fs.readFileSync(SHARED, 'utf8')));
  });

  test('title, tabs and the 65-column fixture header; grid is exactly the data; active by default', () => {
    const emu = createEmulator();
    const ss = createSampleWorkbook(emu, { rows: 300 });
    expect(ss.getName()).toBe('__Kronos_Registro_Piping R04');
    expect(ss.getSheets().map((s) => s.getName())).toEqual(['Operaciones', 'Trabajadores', 'Roles', 'Metadata']);
    const ops = ss.getSheetByName('Operaciones')!;
    expect(ops.getRange(1, 1, 1, 65).getValues()[0]).toEqual(SAMPLE_FIXTURE.columns);
    expect([ops.getMaxRows(), ops.getMaxColumns(), ops.getLastRow()]).toEqual([301, 65, 301]);
    expect(emu.context.activeSpreadsheetId).toBe(ss.getId());
    for (const [name, header] of Object.entries(SAMPLE_FIXTURE.otherSheets)) {
      const s = ss.getSheetByName(name)!;
      expect(s.getRange(1, 1, 1, header.length).getValues()[0]).toEqual(header);
      expect(s.getLastRow()).toBeGreaterThan(1);
    }
  });

  test('rows look like the real data: ids, TAG_SPOOL, accents, numbers, Dates and text dates, blanks, formulas', () => {
    const emu = createEmulator();
    const ops = createSampleWorkbook(emu, { rows: 500 }).getSheetByName('Operaciones')!;
    const values = ops.getRange(2, 1, 500, 65).getValues();
    const col = (name: string) => values.map((r) => r[SAMPLE_FIXTURE.columns.indexOf(name)]);
    expect(col('id').slice(0, 3)).toEqual([1, 2, 3]);
    expect(col('TAG_SPOOL').every((t) => /^MK-\d{4}-[A-Z]{2}-\d{5}-\d{3}$/.test(String(t)))).toBe(true);
    expect(col('Ubicación').some((u) => /[ñáéíóú]/i.test(String(u)))).toBe(true);
    expect(col('DIAM').every((d) => typeof d === 'number')).toBe(true);
    expect(col('Peso_Kg').every((d) => typeof d === 'number')).toBe(true);
    const fechas = SAMPLE_FIXTURE.columns.filter((c) => c.startsWith('Fecha_')).flatMap((c) => col(c));
    expect(fechas.some((v) => Object.prototype.toString.call(v) === '[object Date]')).toBe(true);
    expect(fechas.some((v) => v === '')).toBe(true);
    for (const re of [/^\d{2}-\d{2}-\d{4}$/, /^\d{1,2}\/\d{1,2}\/\d{4}$/, /^\d{4}-\d{2}-\d{2}$/]) {
      expect(fechas.some((v) => typeof v === 'string' && re.test(v))).toBe(true);
    }
    const formulas = ops.getRange(2, 64, 500, 1).getFormulas().flat().filter(Boolean);
    expect(formulas.length).toBe(10);
    expect(formulas[0]).toBe('=SUM(BH51:BK51)');
    const row = values[49];
    expect(row[63]).toBe((row[59] as number) + (row[60] as number) + (row[61] as number) + (row[62] as number));
  });

  test('deterministic by seed; columns option; owner null is a shared drive; active false', () => {
    const emu = createEmulator();
    const a = createSampleWorkbook(emu, { rows: 50, seed: 3 });
    const b = createSampleWorkbook(emu, { rows: 50, seed: 3, columns: 70, owner: null, active: false });
    expect(b.getSheetByName('Operaciones')!.getRange(2, 1, 50, 65).getValues()).toEqual(a.getSheetByName('Operaciones')!.getRange(2, 1, 50, 65).getValues());
    expect(b.getSheetByName('Operaciones')!.getRange(1, 66, 1, 5).getValues()[0]).toEqual(['Extra_1', 'Extra_2', 'Extra_3', 'Extra_4', 'Extra_5']);
    expect(b.getOwner()).toBeNull();
    expect(emu.context.activeSpreadsheetId).toBe(a.getId());
    const c = createSampleWorkbook(emu, { rows: 5, columns: 10 });
    expect(c.getSheetByName('Operaciones')!.getMaxColumns()).toBe(10);
  });

  test('147,000 rows in a few seconds; adding 3 columns fits under 10M cells, a 4th sheet of 26k does not', () => {
    const emu = createEmulator();
    const t0 = Date.now();
    const ss = createSampleWorkbook(emu, { rows: 147000 });
    expect(Date.now() - t0).toBeLessThan(10000);
    const ops = ss.getSheetByName('Operaciones')!;
    const t1 = Date.now();
    ops.insertColumnsAfter(65, 3);
    expect(Date.now() - t1).toBeLessThan(3000);
    expect(ops.getRange(1, 66, 1, 3).getValues()).toEqual([['', '', '']]);
    expect(ops.getRange(147001, 65, 1, 4).getValues()[0].slice(1)).toEqual(['', '', '']);
    expect(thrown(() => ss.insertSheet('Otra'))).toBe(EMU_ERRORS.cellLimit);
  });
});
