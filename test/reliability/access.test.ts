// Who may act. Only the file's owner (or the users the plan lists) can run, force, start over
// or roll back; anyone else sees the status read-only, with a message saying who can act, and
// every function that changes something refuses them without changing anything. Files in a
// shared drive have no owner: there anyone who can edit the file may act, unless the plan
// lists users.
import * as fs from 'fs';
import * as path from 'path';
import { Emulator } from '../../emulator';
import { createContext } from '../../src/api/context';
import { Coordinator, parseRunOptions } from '../../src/core/coordinator';
import { rollbackMigration } from '../../src/core/rollback';
import { DIST } from '../helpers/bundle';
import { emuEnv } from '../helpers/emuEnv';
import { fullState, operaciones } from '../helpers/workbookState';
import { expectActionable, expectNoLeftovers, migrateAll, OWNER, stateOf, VISITOR, world, World } from '../helpers/reliability';
import { migrateThrough, rollBackFully } from '../bundle/rollbackFixture';

const ONLY_OWNER = /Only owner@example\.com can run, restart or roll back this migration; you \(visitor@example\.com\) can see its status\. Ask one of them to act, or to add you to "allowedUsers"/;

/** Every top-level function of the bundle, and what it does to the file. */
const MUTATING: Record<string, (w: World, user: string) => string> = {
  runMigrationStep: (w, user) => w.b.callAs({ user }, 'runMigrationStep').message,
  runMigration: (w, user) => w.b.callAs({ user }, 'runMigration').message,
  'runMigration({force: true})': (w, user) => w.b.callAs({ user }, 'runMigration', { force: true }).message,
  startOver: (w, user) => w.b.callAs({ user }, 'startOver').problem,
  'rollbackMigration({confirm: true})': (w, user) => w.b.callAs({ user }, 'rollbackMigration', { confirm: true }).message,
  menuRollbackMigration: (w, user) => {
    w.b.callAs({ user }, 'menuRollbackMigration');
    return w.emu.ui.alerts[w.emu.ui.alerts.length - 1].prompt;
  },
};
const READ_ONLY = ['getMigrationStatus', 'getMigrationLog', 'verifyMigration', 'menuVerifyMigration', 'showSidebar', 'onOpen', 'onInstall'];
/** Acts only on scratch files of its own in the caller's Drive, never on this spreadsheet (src/core/calibration.ts);
 *  still refused to those who may not act, since google.script.run reaches it. */
const DEVELOPER_TOOLS = ['calibrate'];

describe('a user who is not allowed', () => {
  test('every top-level function of the bundle is classified (a new one must be added here, with its access check)', () => {
    const code = fs.readFileSync(path.join(DIST, 'Code.js'), 'utf8');
    const entry = [...code.matchAll(/^function (\w+)\(\) \{ return SheetMigrator\./gm)].map((m) => m[1]).sort();
    const classified = new Set([...Object.keys(MUTATING).map((k) => k.replace(/\(.*$/, '')), ...READ_ONLY, ...DEVELOPER_TOOLS]);
    expect(entry.filter((f) => !classified.has(f))).toEqual([]);
  });

  const STATES: Array<[string, (w: World) => void]> = [
    ['nothing migrated yet', () => undefined],
    ['a migration under way (its lease expired)', (w) => {
      migrateThrough(w.b, 'add_v3_columns');
      w.emu.clock.advance(10 * 60 * 1000);
    }],
    ['migrated (a rollback would be possible)', (w) => migrateAll(w.b)],
  ];
  test.each(STATES)('%s: every mutating function refuses, saying who can act; nothing changes', (_name, setup) => {
    const w = world({ rows: 20 });
    setup(w);
    const before = stateOf(w.emu);
    for (const [fn, call] of Object.entries(MUTATING)) {
      const message = call(w, VISITOR) || '';
      // The menu first looks whether there is anything to roll back; when there is not, it says that.
      const says = ONLY_OWNER.test(message) || (fn === 'menuRollbackMigration' && /^Nothing to roll back/.test(message));
      expect({ fn, says, message }).toEqual({ fn, says: true, message });
      expect({ fn, state: stateOf(w.emu) }).toEqual({ fn, state: before });
    }
    // The refusals are in the log, with who tried.
    const log = w.b.call('getMigrationLog').entries.map((e: any) => e.message).join('\n');
    expect(log).toMatch(/Run refused for visitor@example\.com: not allowed to change this file/);
    expect(log).toMatch(/Rollback refused \(asked by visitor@example\.com\)/);
  });

  test('calibrate (a developer tool) refuses too, creating no scratch file', () => {
    const w = world({ rows: 20 });
    const files = w.emu.files().length;
    const r = w.b.callAs({ user: VISITOR }, 'calibrate');
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(ONLY_OWNER);
    expect(w.emu.files().length).toBe(files);
  });

  test('sees the status read-only, with who can act; may read the log, verify and see the plan of a dry run', () => {
    const w = world({ rows: 20 });
    migrateAll(w.b);
    const before = fullState(w.emu);
    const status = w.b.callAs({ user: VISITOR }, 'getMigrationStatus');
    expect(status).toMatchObject({ canAct: false, actor: VISITOR, whoCanAct: OWNER, migrated: true, problem: null });
    expect(w.b.callAs({ user: VISITOR }, 'verifyMigration').ok).toBe(true);
    expect(w.b.callAs({ user: VISITOR }, 'getMigrationLog').entries.length).toBeGreaterThan(3);
    const preview = w.b.callAs({ user: VISITOR }, 'rollbackMigration');
    expect(preview).toMatchObject({ ok: false, canRollBack: false });
    expect(preview.message).toMatch(ONLY_OWNER);
    expect(preview.plan.length).toBeGreaterThan(0);
    w.b.callAs({ user: VISITOR }, 'showSidebar');
    expect(fullState(w.emu)).toEqual(before);
  });

  test('a user whose address Apps Script withholds is refused too, and told why', () => {
    const w = world({ rows: 20 });
    const before = stateOf(w.emu);
    const r = w.b.callAs({ user: 'someone@other-domain.example', hideActiveUser: true } as any, 'runMigration');
    expect(r.ok).toBe(false);
    expectActionable(r.message, /Apps Script did not tell Sheet Migrator who you are, so it cannot check that you may change this sheet/);
    expect(stateOf(w.emu)).toEqual(before);
  });
});

describe('users listed in the plan (allowedUsers)', () => {
  /** The core with the plan's allowedUsers set (the bundle's plan is fixed; the check is the same code). */
  function asUser(emu: Emulator, user: string, allowedUsers: string[]) {
    const ctx = createContext(emuEnv(emu));
    const app = { ...ctx, config: { ...ctx.config, allowedUsers } };
    return {
      run: () => emu.runExecution(() => new Coordinator(app).execute(parseRunOptions({}, 'all', false)), { user }),
      rollback: () => emu.runExecution(() => rollbackMigration(app, { confirm: true }), { user }),
    };
  }

  test('a listed user may run and roll back (addresses compared without case); anyone else is told who can act', () => {
    const w = world({ rows: 20 });
    const other = asUser(w.emu, 'luis@example.com', [' Ana@Example.com ']).run();
    expect(other.ok).toBe(false);
    expect(other.message).toMatch(/Only owner@example\.com, ana@example\.com can run, restart or roll back/);
    const ana = asUser(w.emu, 'ana@example.com', ['Ana@Example.com']);
    for (let i = 0; i < 10; i++) if (ana.run().complete) break;
    expect(w.b.call('getMigrationStatus').migrated).toBe(true);
    expect(ana.rollback()).toMatchObject({ ok: true });
  });

  test('in a shared drive with a list, only the listed users may act', () => {
    const w = world({ rows: 20, owner: null });
    expect(asUser(w.emu, 'luis@example.com', ['ana@example.com']).run().message).toMatch(/Only ana@example\.com can run/);
  });
});

describe('a file in a shared drive (no owner)', () => {
  test('anyone who can edit it may migrate and roll back; the protection keeps out everyone but the one running it', () => {
    const w = world({ rows: 20, owner: null });
    const editor = 'editora@example.com';
    const status = w.b.callAs({ user: editor }, 'getMigrationStatus');
    expect(status).toMatchObject({ canAct: true, whoCanAct: 'anyone who can edit this shared-drive file' });
    const first = w.b.callAs({ user: editor }, 'runMigrationStep');
    expect(first.ok).toBe(true);
    const sheet = operaciones(w.emu, w.id) as any;
    expect(() => w.emu.runExecution(() => sheet.getRange(3, 3).setValue('x'), { user: 'otra@example.com' })).toThrow(/protected cell/);
    for (let i = 0; i < 20; i++) if (w.b.callAs({ user: editor }, 'runMigrationStep').complete) break;
    expect(w.b.callAs({ user: editor }, 'getMigrationStatus').migrated).toBe(true);
    expect(sheet.getProtections('SHEET')).toHaveLength(0);
    const r = w.b.callAs({ user: editor }, 'rollbackMigration', { confirm: true });
    expect(r).toMatchObject({ ok: true, complete: true });
    expectNoLeftovers(w.emu);
    // Who did it is on record: the history names the editor.
    const history = JSON.parse((w.emu.globals() as any).PropertiesService.getDocumentProperties().getProperty('sm.history')).entries;
    expect(history.map((h: any) => [h.kind, h.by])).toEqual([['migration', editor], ['rollback', editor]]);
  });

  test('rolled back by the owner-less file\'s editor, the backup and snapshot stay in their Drive', () => {
    const w = world({ rows: 10, owner: null });
    migrateAll(w.b);
    const done = rollBackFully(w.b);
    expect(done.ok).toBe(true);
    expect(w.emu.getFile(done.snapshotId)!.getOwner()!.getEmail()).toBe(OWNER);
  });
});
