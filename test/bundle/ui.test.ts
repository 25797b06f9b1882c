// The menu and the sidebar entry points of the built bundle, run in the emulator the way
// Apps Script runs them.
import * as fs from 'fs';
import * as path from 'path';
import { createEmulator, createSampleWorkbook, Emulator } from '../../emulator';
import { loadBundle, DIST } from '../helpers/bundle';

const CONTRACT = [
  'onOpen', 'onInstall', 'showSidebar', 'getMigrationStatus', 'runMigrationStep', 'runMigration',
  'startOver', 'verifyMigration', 'rollbackMigration', 'getMigrationLog',
];
const MENU = [
  { caption: 'Open migration sidebar', functionName: 'showSidebar' },
  { caption: 'Verify migration', functionName: 'menuVerifyMigration' },
  { caption: 'Roll back to v2.1…', functionName: 'menuRollbackMigration' },
];
// What building a menu may touch in AuthMode.NONE: the Ui object and the menu itself.
const ALLOWED_IN_NONE = /^(SpreadsheetApp\.getUi|Ui\.createAddonMenu|Menu\.(addItem|addSeparator|addToUi))$/;

function world(): Emulator {
  const emu = createEmulator({ htmlDir: DIST });
  createSampleWorkbook(emu, { rows: 30 });
  return emu;
}

describe('bundle: menu and sidebar', () => {
  test('every contract function and both menu handlers are top-level functions of dist/Code.js', () => {
    const emu = world();
    const ctx = loadBundle(emu).load();
    for (const name of [...CONTRACT, ...MENU.map((m) => m.functionName)]) {
      expect({ name, type: typeof ctx[name] }).toEqual({ name, type: 'function' });
    }
  });

  test('onOpen in AuthMode.NONE adds the add-on menu with the three items and touches nothing that needs authorisation', () => {
    const emu = world();
    const bundle = loadBundle(emu);
    emu.stats.reset();
    bundle.callAs({ authMode: 'NONE' }, 'onOpen', { authMode: 'NONE' });
    expect(emu.ui.menus).toHaveLength(1);
    expect(emu.ui.menus[0].title).toBe('Sheet Migrator');
    expect(emu.ui.menus[0].items).toEqual(MENU);
    const calls = Object.keys(emu.stats.calls);
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.filter((c) => !ALLOWED_IN_NONE.test(c))).toEqual([]);
    expect(emu.stats.mutatingCalls).toBe(0);
    expect(emu.stats.executions.map((e) => e.ok)).toEqual([true]);
  });

  test('onOpen works with no event object, and onInstall builds the same menu', () => {
    const emu = world();
    const bundle = loadBundle(emu);
    bundle.callAs({ authMode: 'NONE' }, 'onOpen');
    bundle.callAs({ authMode: 'LIMITED' }, 'onInstall', { authMode: 'FULL' });
    // addToUi replaces the add-on menu rather than adding a second one.
    expect(emu.ui.menus).toEqual([{ title: 'Sheet Migrator', items: MENU }]);
  });

  test('showSidebar opens dist/Sidebar.html titled "Sheet Migrator", 300 px wide', () => {
    const emu = world();
    loadBundle(emu).call('showSidebar');
    expect(emu.ui.sidebars).toHaveLength(1);
    const sb = emu.ui.sidebars[0];
    expect(sb.title).toBe('Sheet Migrator');
    expect(sb.width).toBe(300);
    expect(sb.html).toBe(fs.readFileSync(path.join(DIST, 'Sidebar.html'), 'utf8'));
  });

  test('dist/Sidebar.html is one self-contained file: CSS and JS inlined, no external resource', () => {
    const html = fs.readFileSync(path.join(DIST, 'Sidebar.html'), 'utf8');
    expect(html).not.toContain('<!-- inline:');
    expect(html).toMatch(/<style>[\s\S]+<\/style>/);
    expect(html).toMatch(/<script>[\s\S]+<\/script>/);
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link[^>]+href=/i);
    // The sidebar never parses server text as HTML.
    expect(html).not.toMatch(/\.innerHTML\s*=|insertAdjacentHTML|document\.write\(/);
  });
});
