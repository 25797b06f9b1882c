// The chunked, resumable digest: the same cells give the same digest however the work is
// split across executions; any change of a value or a formula changes it.
import * as vm from 'vm';
import { createEmulator, createSampleWorkbook } from '../../emulator';
import { cellKey, digestBlock, digestNextChunk, isDate, isDigestDone, startDigest } from '../../src/core/digest';
import { inExecution } from '../helpers/emuEnv';

describe('cellKey', () => {
  test('types stay apart: 1, "1", true, a date', () => {
    const keys = [cellKey(1, ''), cellKey('1', ''), cellKey(true, ''), cellKey(new Date(1), ''), cellKey('', '')];
    expect(new Set(keys).size).toBe(keys.length);
  });
  test('a formula cell is identified by its formula, not its (recalculating) value', () => {
    expect(cellKey(10, '=NOW()')).toBe(cellKey(99, '=NOW()'));
    expect(cellKey(10, '=A1')).not.toBe(cellKey(10, '=A2'));
  });
  test('dates from another realm are dates', () => {
    const foreign = vm.runInNewContext('new Date(5)') as Date;
    expect(foreign instanceof Date).toBe(false);
    expect(isDate(foreign)).toBe(true);
    expect(cellKey(foreign, '')).toBe(cellKey(new Date(5), ''));
  });
});

describe('chunked digest of a sheet', () => {
  const emu = createEmulator();
  const ss = createSampleWorkbook(emu, { rows: 250 });
  const sheet = () => ss.getSheetByName('Operaciones')! as any;

  const whole = (chunk: number) => inExecution(emu, (env) => digestBlock(sheet(), 251, 65, chunk, env.sha256Hex));

  test('resumed across executions (progress saved as JSON) it equals the one-go digest', () => {
    const oneGo = whole(40);
    let p = startDigest(1, 251);
    let executions = 0;
    while (!isDigestDone(p)) {
      p = JSON.parse(JSON.stringify(inExecution(emu, (env) => digestNextChunk(sheet(), p, 65, 40, env.sha256Hex))));
      executions++;
    }
    expect(executions).toBe(7);
    expect(p.acc).toBe(oneGo);
    expect(p.acc).toMatch(/^[0-9a-f]{64}$/);
  });

  test('one read of values and one of formulas per chunk, no write', () => {
    emu.stats.reset();
    whole(100);
    expect(emu.stats.calls['Range.getValues']).toBe(3);
    expect(emu.stats.calls['Range.getFormulas']).toBe(3);
    expect(emu.stats.mutatingCalls).toBe(0);
  });

  test('the chunk size is part of the digest (so it is stored with it)', () => {
    expect(whole(40)).not.toBe(whole(50));
  });

  test('one changed cell, or one changed formula, changes the digest; changing it back restores it', () => {
    const before = whole(100);
    const cell = sheet().getRange(123, 7, 1, 1);
    const old = cell.getValues()[0][0];
    cell.setValue(String(old) + 'x');
    expect(whole(100)).not.toBe(before);
    cell.setValue(old);
    expect(whole(100)).toBe(before);
    const f = sheet().getRange(51, 64, 1, 1);
    const formula = f.getFormulas()[0][0];
    expect(formula).toMatch(/^=SUM\(/);
    f.setFormula(formula.replace('SUM', 'MAX'));
    expect(whole(100)).not.toBe(before);
    f.setFormula(formula);
    expect(whole(100)).toBe(before);
  });
});
