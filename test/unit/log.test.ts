// The persisted log: buffered, flushed into a bounded ring of property pages, readable in
// order after the fact, every entry also on console.
import { createEmulator } from '../../emulator';
import { MigrationLog, readLog } from '../../src/core/log';
import { emuEnv } from '../helpers/emuEnv';

function setup(level: 'DEBUG' | 'INFO' = 'INFO') {
  const emu = createEmulator();
  const ss = emu.createSpreadsheet('S');
  emu.setActiveSpreadsheet(ss.getId());
  const env = emuEnv(emu);
  const props = env.documentProperties();
  return { emu, props, log: new MigrationLog(env, props, level) };
}

test('entries are persisted only on flush, in order, with level, time and step; console gets them at once', () => {
  const { emu, props, log } = setup();
  log.info('create_backup', 'first');
  log.warn(null, 'second');
  log.debug(null, 'below the level');
  expect(readLog(props)).toEqual([]);
  expect(emu.logs.map((l) => l.message).join('\n')).toMatch(/INFO create_backup first/);
  log.flush();
  const entries = readLog(props);
  expect(entries.map((e) => [e.level, e.step, e.message])).toEqual([
    ['INFO', 'create_backup', 'first'],
    ['WARN', null, 'second'],
  ]);
  expect(entries[0].at).toBe(new Date(emu.clock.now()).toISOString());
  log.error('test_smoke', 'third');
  log.flush();
  expect(readLog(props).map((e) => e.message)).toEqual(['first', 'second', 'third']);
});

test('the ring is bounded: old entries go, the newest stay, every page fits a property', () => {
  const { props, log } = setup();
  for (let i = 0; i < 600; i++) {
    log.info(null, `entry ${i} ${'é'.repeat(60)}`);
    if (i % 7 === 0) log.flush();
  }
  log.flush();
  const entries = readLog(props);
  expect(entries[entries.length - 1].message).toMatch(/^entry 599 /);
  expect(entries.length).toBeLessThan(600);
  expect(entries.length).toBeGreaterThan(50);
  const nums = entries.map((e) => Number(/entry (\d+)/.exec(e.message)![1]));
  expect(nums).toEqual(nums.slice().sort((a, b) => a - b));
  const all = props.getProperties();
  expect(Object.keys(all).filter((k) => k.startsWith('sm.log.')).length).toBeLessThanOrEqual(5);
  Object.values(all).forEach((v) => expect(Buffer.byteLength(v)).toBeLessThan(9 * 1024));
});

test('long messages are cut; discardPending hands back what a dry run must not persist', () => {
  const { props, log } = setup();
  log.info(null, 'x'.repeat(1000));
  const pending = log.discardPending();
  expect(pending).toHaveLength(1);
  expect(pending[0].message.length).toBe(400);
  log.flush();
  expect(readLog(props)).toEqual([]);
});

test('an unreadable page is skipped, not fatal', () => {
  const { props, log } = setup();
  props.setProperty('sm.log.0', '{broken');
  log.info(null, 'after');
  log.flush();
  expect(readLog(props).map((e) => e.message)).toEqual(['after']);
});

test('readLog reads every page and the head in one call', () => {
  const { props, log } = setup();
  for (let i = 0; i < 200; i++) log.info(null, `entry ${i} ${'x'.repeat(100)}`);
  log.flush();
  const calls: string[] = [];
  const counted = { getProperty: (k: string) => (calls.push(`getProperty ${k}`), props.getProperty(k)), getProperties: () => (calls.push('getProperties'), props.getProperties()) } as unknown as typeof props;
  const entries = readLog(counted);
  expect(calls).toEqual(['getProperties']);
  // More than one page: the head taken from the map puts them in order.
  const n = entries.map((e) => Number(/^entry (\d+) /.exec(e.message)![1]));
  expect(n.every((x, i) => i === 0 || x === n[i - 1] + 1)).toBe(true);
  expect(entries[entries.length - 1].message).toMatch(/^entry 199 /);
  expect(props.getProperty('sm.log.head')).not.toBe('0');
});
