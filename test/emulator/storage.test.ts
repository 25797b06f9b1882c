// PropertiesService, CacheService and LockService.
import { createEmulator, EMU_ERRORS } from '../../emulator';
import { setup, thrown } from './helpers';

const g = (emu: ReturnType<typeof createEmulator>) => emu.globals() as any;

describe('PropertiesService', () => {
  test('values are strings and persist across executions; document store is per spreadsheet, user store per user', () => {
    const { emu } = setup();
    const G = g(emu);
    emu.runExecution(() => {
      const p = G.PropertiesService.getDocumentProperties();
      p.setProperty('n', 5);
      p.setProperties({ a: true, b: 'x' });
      G.PropertiesService.getUserProperties().setProperty('who', 'me');
    });
    expect(emu.runExecution(() => G.PropertiesService.getDocumentProperties().getProperties())).toEqual({ n: '5', a: 'true', b: 'x' });
    expect(emu.runExecution(() => G.PropertiesService.getDocumentProperties().getKeys().sort())).toEqual(['a', 'b', 'n']);
    expect(emu.runExecution(() => G.PropertiesService.getUserProperties().getProperty('who'), { user: 'other@example.com' })).toBeNull();
    const other = emu.createSpreadsheet('Other');
    emu.setActiveSpreadsheet(other.getId());
    expect(emu.runExecution(() => G.PropertiesService.getDocumentProperties().getProperty('n'))).toBeNull();
  });

  test('setProperties(props, deleteAllOthers), deleteProperty, deleteAllProperties; returned objects are copies', () => {
    const { emu } = setup();
    const p = g(emu).PropertiesService.getScriptProperties();
    p.setProperties({ a: '1', b: '2' });
    p.setProperties({ c: '3' }, true);
    expect(p.getProperties()).toEqual({ c: '3' });
    const copy = p.getProperties();
    copy.c = 'mutated';
    expect(p.getProperty('c')).toBe('3');
    p.deleteProperty('c');
    p.deleteProperty('missing');
    expect(p.getKeys()).toEqual([]);
    p.setProperty('x', 'y');
    p.deleteAllProperties();
    expect(p.getProperties()).toEqual({});
  });

  test('a property over 9 KB (key + value, UTF-8) is refused; the store stays unchanged', () => {
    const { emu } = setup();
    const p = g(emu).PropertiesService.getScriptProperties();
    p.setProperty('k', 'v'.repeat(9 * 1024 - 1));
    expect(thrown(() => p.setProperty('kk', 'v'.repeat(9 * 1024 - 1)))).toBe('Argument too large: value');
    expect(thrown(() => p.setProperty('k', 'ñ'.repeat(5000)))).toBe(EMU_ERRORS.argumentTooLargeValue);
    expect(p.getProperty('kk')).toBeNull();
    expect(p.getProperty('k')!.length).toBe(9 * 1024 - 1);
  });

  test('a store over 500 KB throws the quota text and keeps its previous content', () => {
    const { emu } = setup();
    const p = g(emu).PropertiesService.getScriptProperties();
    let n = 0;
    const err = thrown(() => { for (;;) p.setProperty(`key${n++}`, 'x'.repeat(9000)); });
    expect(err).toBe('You have exceeded the property storage quota. Please remove some properties and try again.');
    expect(n).toBeGreaterThan(50);
    expect(n).toBeLessThan(60);
    expect(p.getProperty(`key${n - 1}`)).toBeNull();
    expect(p.getProperty('key0')).not.toBeNull();
  });
});

describe('CacheService', () => {
  test('put/get/getAll/putAll/remove/removeAll; values are strings; null stores nothing', () => {
    const { emu } = setup();
    const c = g(emu).CacheService.getScriptCache();
    c.put('a', 1);
    c.putAll({ b: 'x', c: 'y' });
    c.put('n', null);
    expect([c.get('a'), c.get('n'), c.get('missing')]).toEqual(['1', null, null]);
    expect(c.getAll(['a', 'b', 'missing'])).toEqual({ a: '1', b: 'x' });
    c.remove('a');
    c.removeAll(['b', 'c']);
    expect(c.getAll(['a', 'b', 'c'])).toEqual({});
  });

  test('entries expire on the virtual clock: default 600 s, capped at 21600 s', () => {
    const { emu } = setup();
    const c = g(emu).CacheService.getDocumentCache();
    c.put('short', 'v');
    c.put('long', 'v', 999999);
    c.put('ten', 'v', 10);
    emu.clock.advance(9_000);
    expect(c.get('ten')).toBe('v');
    emu.clock.advance(1_000);
    expect(c.get('ten')).toBeNull();
    emu.clock.advance(590_000);
    expect(c.get('short')).toBeNull();
    expect(c.get('long')).toBe('v');
    emu.clock.advance(21600_000 - 600_000);
    expect(c.get('long')).toBeNull();
  });

  test('limits: key 250 characters, value 100 KB, bad expiration', () => {
    const { emu } = setup();
    const c = g(emu).CacheService.getUserCache();
    c.put('k'.repeat(250), 'ok');
    expect(thrown(() => c.put('k'.repeat(251), 'x'))).toBe('Argument too large: key');
    c.put('big', 'v'.repeat(100 * 1024));
    expect(thrown(() => c.put('big', 'v'.repeat(100 * 1024 + 1)))).toBe('Argument too large: value');
    expect(thrown(() => c.put('t', 'x', 'abc'))).toBe("Cannot convert 'abc' to int.");
  });

  test('script, user and document caches are separate', () => {
    const { emu } = setup();
    const G = g(emu);
    G.CacheService.getScriptCache().put('k', 'script');
    expect(G.CacheService.getUserCache().get('k')).toBeNull();
    expect(G.CacheService.getDocumentCache().get('k')).toBeNull();
  });
});

describe('LockService', () => {
  test('a lock held by another unended execution blocks: tryLock false, waitLock throws, both wait on the clock', () => {
    const { emu } = setup();
    const G = g(emu);
    const a = emu.startExecution({ user: 'a@example.com' });
    expect(a.run(() => G.LockService.getDocumentLock().tryLock(0))).toBe(true);
    const b = emu.startExecution({ user: 'b@example.com' });
    const t0 = emu.clock.now();
    expect(b.run(() => G.LockService.getDocumentLock().tryLock(5000))).toBe(false);
    expect(emu.clock.now() - t0).toBeGreaterThanOrEqual(5000);
    expect(thrown(() => b.run(() => G.LockService.getDocumentLock().waitLock(30000)))).toBe('Lock timeout: another process was holding the lock for too long.');
    expect(b.run(() => G.LockService.getScriptLock().tryLock(0))).toBe(true);
    expect(a.run(() => G.LockService.getDocumentLock().hasLock())).toBe(true);
    expect(b.run(() => G.LockService.getDocumentLock().hasLock())).toBe(false);
    a.end();
    expect(b.run(() => G.LockService.getDocumentLock().tryLock(0))).toBe(true);
    b.end();
  });

  test('releaseLock frees it; an execution that throws releases its locks', () => {
    const { emu } = setup();
    const G = g(emu);
    const a = emu.startExecution();
    a.run(() => { const l = G.LockService.getScriptLock(); l.waitLock(10); l.releaseLock(); });
    expect(emu.lockHolder('script')).toBeNull();
    expect(() => emu.runExecution(() => { G.LockService.getScriptLock().waitLock(10); throw new Error('boom'); })).toThrow('boom');
    expect(emu.lockHolder('script')).toBeNull();
    a.end();
  });

  test('user locks are per user', () => {
    const { emu } = setup();
    const G = g(emu);
    const a = emu.startExecution({ user: 'a@example.com' });
    const b = emu.startExecution({ user: 'b@example.com' });
    expect(a.run(() => G.LockService.getUserLock().tryLock(0))).toBe(true);
    expect(b.run(() => G.LockService.getUserLock().tryLock(0))).toBe(true);
    a.end();
    b.end();
  });
});
