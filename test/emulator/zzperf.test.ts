import { createEmulator, createSampleWorkbook } from '../../emulator';
test('perf', () => {
  global.gc && global.gc();
  const m0 = process.memoryUsage().heapUsed;
  const emu = createEmulator();
  let t = Date.now();
  const ss = createSampleWorkbook(emu, { rows: 147000 });
  console.log('gen ms', Date.now() - t);
  global.gc && global.gc();
  console.log('heap MB', (process.memoryUsage().heapUsed - m0) / 1e6);
  const ops = ss.getSheetByName('Operaciones')!;
  t = Date.now(); ops.insertColumnsAfter(65, 3); console.log('insert ms', Date.now() - t);
  t = Date.now(); const v = ops.getRange(1,1,147001,68).getValues(); console.log('getValues ms', Date.now() - t, v.length);
  t = Date.now(); ops.getRange(1,1,147001,68).setValues(v); console.log('setValues ms', Date.now() - t);
  t = Date.now(); const c = emu.runExecution(() => ss.copy('b')); console.log('copy ms', Date.now() - t);
  t = Date.now(); ops.getLastColumn(); console.log('lastcol ms', Date.now() - t);
});
