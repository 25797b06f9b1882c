// The local playground's server side, without a browser: what it serves, its google.script.run
// stand-in endpoint, its scenarios, its command line and its clean Ctrl-C.
import * as fs from 'fs';
import * as path from 'path';
import * as http from 'http';
import { spawn } from 'child_process';
import * as esbuild from 'esbuild';
import { startPlayground, injectShim, parseArgs, Playground } from '../../playground/server';
import { DIST } from '../helpers/bundle';

const ROOT = path.resolve(__dirname, '..', '..');

async function get(pg: Playground, p: string): Promise<{ status: number; text: string }> {
  const res = await fetch(new URL(p, pg.url));
  return { status: res.status, text: await res.text() };
}

async function run(pg: Playground, fn: string, ...args: unknown[]): Promise<any> {
  const res = await fetch(new URL('/api/run', pg.url), { method: 'POST', body: JSON.stringify({ fn, args }) });
  expect(res.status).toBe(200);
  return res.json();
}

describe('playground server', () => {
  let pg: Playground;
  beforeAll(async () => {
    pg = await startPlayground({ port: 0, rows: 40 });
  });
  afterAll(() => pg.close());

  test('listens on 127.0.0.1 and serves the host page', async () => {
    expect(pg.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await get(pg, '/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<iframe id="sidebar-frame"');
  });

  test('/sidebar is dist/Sidebar.html unchanged but for the shim, first in <head>', async () => {
    const built = fs.readFileSync(path.join(DIST, 'Sidebar.html'), 'utf8');
    const served = (await get(pg, '/sidebar')).text;
    expect(served).toBe(injectShim(built));
    expect(served.replace('\n<script src="/gas-shim.js"></script>', '')).toBe(built);
    expect(served).toMatch(/<head>\n<script src="\/gas-shim\.js"><\/script>/);
    const shim = await get(pg, '/gas-shim.js');
    expect(shim.status).toBe(200);
    expect(shim.text).toContain('withSuccessHandler');
  });

  test('/api/run runs a contract function as one emulator execution and returns its JSON', async () => {
    const before = pg.emu.stats.executions.length;
    const body = await run(pg, 'getMigrationStatus', {});
    expect(body.result.sheetName).toBe('Operaciones');
    expect(body.result.columnCount).toBe(65);
    expect(pg.emu.stats.executions.length).toBe(before + 1);
  });

  test('/api/run reports a thrown error as {error}, and refuses unknown or private names', async () => {
    expect((await run(pg, 'noSuchFunction')).error.message).toMatch(/noSuchFunction/);
    expect((await run(pg, 'helper_')).error.message).toMatch(/not found/);
    expect((await run(pg, 'constructor.constructor')).error.message).toMatch(/not found/);
    expect((await run(pg, 'toString')).error.message).toMatch(/not found/);
    expect((await run(pg, 'Date')).error.message).toMatch(/not found/);
  });

  test('the menu was built by onOpen in AuthMode.NONE', async () => {
    const info = JSON.parse((await get(pg, '/api/info')).text);
    expect(info.menuError).toBeNull();
    expect(info.menu.items.map((i: { functionName: string }) => i.functionName)).toEqual(['showSidebar', 'menuVerifyMigration', 'menuRollbackMigration']);
  });

  test('/api/grid pages the target sheet as display strings', async () => {
    const g = JSON.parse((await get(pg, '/api/grid?offset=30&limit=100')).text);
    expect(g.columnCount).toBe(65);
    expect(g.lastRow).toBe(41);
    expect(g.header).toHaveLength(65);
    expect(g.rows).toHaveLength(10); // rows 32..41
    expect(g.rows.every((r: unknown[]) => r.length === 65 && r.every((c) => typeof c === 'string'))).toBe(true);
  });

  test('a menu question nobody answered is dismissed, never taken as Yes', async () => {
    // Migrate first, so that the rollback has something to do.
    for (let i = 0; i < 50; i++) if ((await run(pg, 'runMigrationStep', {})).result.complete) break;
    const post = (answers: string[]) =>
      fetch(new URL('/api/menu', pg.url), { method: 'POST', body: JSON.stringify({ fn: 'menuRollbackMigration', answers }) }).then((r) => r.json() as Promise<any>);
    const first = await post([]);
    expect(first.alerts[0].buttons).toBe('YES_NO');
    expect(JSON.parse((await get(pg, '/api/grid')).text).columnCount).toBe(68);
    const second = await post(['YES']);
    expect(second.error).toBeUndefined();
    expect(JSON.parse((await get(pg, '/api/grid')).text).columnCount).toBe(65);
    const notMenu = await fetch(new URL('/api/menu', pg.url), { method: 'POST', body: JSON.stringify({ fn: 'startOver' }) }).then((r) => r.json() as Promise<any>);
    expect(notMenu.error.message).toMatch(/not an item of the add-on menu/);
  });

  test('answers only to 127.0.0.1 and localhost (no DNS rebinding)', async () => {
    // fetch() will not send a forged Host header; http.request will.
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port: pg.port, path: '/api/state', headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode || 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await status('evil.example')).toBe(403);
    expect(await status(`evil.example:${pg.port}`)).toBe(403);
    expect(await status(`localhost:${pg.port}`)).toBe(200);
    expect(await status(`127.0.0.1:${pg.port}`)).toBe(200);
  });
});

describe('playground scenarios', () => {
  test('partial: backup, columns and schema done, the long step checkpointed part-way', async () => {
    const pg = await startPlayground({ port: 0, rows: 2500, scenario: 'partial' });
    try {
      const s = (await run(pg, 'getMigrationStatus', {})).result;
      expect(s.migrated).toBe(false);
      expect(s.steps.slice(0, 3).map((x: { state: string }) => x.state)).toEqual(['done', 'done', 'done']);
      const init = s.steps[3];
      expect(init.rowsDone).toBeGreaterThan(0);
      expect(init.rowsDone).toBeLessThan(init.rowsTotal);
    } finally {
      await pg.close();
    }
  });

  test('migrated-8-days-ago: migrated, and the 7-day rollback window has closed', async () => {
    const pg = await startPlayground({ port: 0, rows: 50, scenario: 'migrated-8-days-ago' });
    try {
      const s = (await run(pg, 'getMigrationStatus', {})).result;
      expect(s.migrated).toBe(true);
      expect(s.columnCount).toBe(68);
      const deadline = s.rollbackAvailableUntil === null ? 0 : Date.parse(s.rollbackAvailableUntil);
      expect(deadline).toBeLessThan(pg.emu.clock.now());
      const refused = (await run(pg, 'rollbackMigration', { confirm: true })).result;
      expect(refused.ok).toBe(false);
      expect(JSON.parse((await get(pg, '/api/grid')).text).columnCount).toBe(68);
    } finally {
      await pg.close();
    }
  });
});

describe('playground command line', () => {
  test('options, PORT and their errors', () => {
    expect(parseArgs(['--port', '0', '--rows=10', '--columns', '70', '--scenario', 'partial', '--hostile'], {})).toEqual({
      port: 0, rows: 10, columns: 70, scenario: 'partial', hostile: true,
    });
    expect(parseArgs([], { PORT: '9100' })).toEqual({ port: 9100 });
    expect(parseArgs(['--as', 'ana@example.com', '--hide-email'], {})).toEqual({ user: 'ana@example.com', hideEmail: true });
    expect(parseArgs(['--port', '9200'], { PORT: '9100' }).port).toBe(9200);
    expect(() => parseArgs(['--scenario', 'later'], {})).toThrow(/fresh, partial, migrated-8-days-ago/);
    expect(() => parseArgs(['--rows', '-3'], {})).toThrow(/--rows/);
    expect(() => parseArgs(['--bogus'], {})).toThrow(/unknown option --bogus/);
  });

  test('prints its URL, serves, and on SIGINT closes and exits 0', async () => {
    // The same bundle `npm start` runs (build.js --tools writes it to .build/playground.js).
    esbuild.buildSync({
      entryPoints: [path.join(ROOT, 'playground', 'server.ts')],
      outfile: path.join(ROOT, '.build', 'playground.js'),
      bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', logLevel: 'silent',
    });
    const child = spawn(process.execPath, [path.join(ROOT, '.build', 'playground.js'), '--port', '0', '--rows', '20'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stderr.on('data', (d) => { out += d; });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 30000);
      child.stdout.on('data', (d) => {
        out += d;
        const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m) { clearTimeout(timer); resolve(m[1]); }
      });
      child.on('exit', (code) => reject(new Error(`exited early (${code}): ${out}`)));
    });
    expect((await fetch(new URL('/api/info', url))).status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    await expect(fetch(new URL('/api/info', url))).rejects.toThrow();
  });
});
