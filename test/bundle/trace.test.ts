// dist/Code.js ships minified; its source map stays out of dist/ (.build/Code.js.map) and
// `npm run trace` (build.js traceStack) maps an Apps Script stack trace back to src/.
import * as childProcess from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as vm from 'vm';
import { DIST } from '../helpers/bundle';

interface Traced {
  text: string;
  mapped: number;
  warnings: string[];
  buildId: string;
}
const ROOT = path.resolve(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const build = require(path.join(ROOT, 'build.js')) as {
  traceStack(text: string, opts?: { buildId?: string }): Traced;
  MAP_FILE: string;
};

const code = () => fs.readFileSync(path.join(DIST, 'Code.js'), 'utf8');
const map = () => JSON.parse(fs.readFileSync(build.MAP_FILE, 'utf8'));
const bannerId = () => (/^\/\/ .* build ([0-9a-f]{12})\b/.exec(code()) || [])[1];

/** The source line a traced position names, as it was built (the map carries the sources). */
function sourceLine(where: string): string {
  const [, file, line] = /^(src\/[\w/.-]+\.ts):(\d+):\d+$/.exec(where) || [];
  if (!file) return '';
  const m = map();
  return m.sourcesContent[m.sources.indexOf(file)].split('\n')[Number(line) - 1];
}

/** The stack of an error thrown by Apps Script itself: PropertiesService fails inside a contract call. */
function productionStack(): string {
  const boom = () => {
    throw new Error('Service unavailable: Properties');
  };
  const ctx = vm.createContext({
    console,
    SpreadsheetApp: { getActiveSpreadsheet: boom, getUi: boom, openById: boom },
    PropertiesService: { getDocumentProperties: boom, getUserProperties: boom, getScriptProperties: boom },
    Session: { getActiveUser: () => ({ getEmail: () => 'owner@example.com' }), getEffectiveUser: () => ({ getEmail: () => 'owner@example.com' }) },
    LockService: { getDocumentLock: boom },
    CacheService: { getDocumentCache: () => null },
    DriveApp: { getFileById: boom },
  });
  // Apps Script names the file of dist/Code.js "Code" in its stack traces.
  vm.runInContext(code(), ctx, { filename: 'Code' });
  try {
    ctx.getMigrationStatus();
  } catch (e) {
    return String((e as Error).stack);
  }
  throw new Error('getMigrationStatus did not throw with PropertiesService failing');
}

describe('the shipped bundle is minified, and its stack traces map back to src/', () => {
  test('dist/Code.js: a banner naming the version and build, the minified bundle, then readable top-level entry points', () => {
    const text = code();
    const lines = text.split('\n');
    const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(lines[0]).toMatch(new RegExp(`^// Sheet Migrator ${version.replace(/\./g, '\\.')}, build [0-9a-f]{12}\\. .*map stack traces with: npm run trace$`));
    // Minified: the bundle is a few very long lines, not thousands of short ones.
    expect(lines.length).toBeLessThan(100);
    expect(lines[1]).toMatch(/^"use strict";var SheetMigrator=/);
    expect(text).toMatch(/^function getMigrationStatus\(\) \{ return SheetMigrator\.getMigrationStatus\.apply\(this, arguments\); \}$/m);
    expect(text).not.toMatch(/sourceMappingURL/);
  });

  test('the source map is kept out of dist/ (what clasp pushes) and out of git; it names the same build', () => {
    expect(JSON.parse(fs.readFileSync(path.join(ROOT, '.clasp.json'), 'utf8')).rootDir).toBe('dist');
    expect(fs.readdirSync(DIST).filter((f) => /\.map$/.test(f))).toEqual([]);
    expect(fs.readFileSync(path.join(ROOT, '.gitignore'), 'utf8')).toMatch(/^\.build\/?$/m);
    expect(path.relative(ROOT, build.MAP_FILE)).toBe(path.join('.build', 'Code.js.map'));
    const m = map();
    expect(m.x_buildId).toBe(bannerId());
    expect(m.sources.filter((s: string) => !/^src\//.test(s))).toEqual([]);
  });

  test('a production error maps to the adapter line that called Apps Script and to the contract function', () => {
    const stack = productionStack();
    // What the log shows: positions in Code, unreadable.
    expect(stack).toMatch(/\(Code:\d+:\d+\)/);
    const r = build.traceStack(stack);
    expect(r.mapped).toBeGreaterThanOrEqual(2);
    const frames = [...r.text.matchAll(/at (src\/\S+)(?: \(([^)]+)\))?/g)].map((f) => ({ where: f[1], name: f[2] }));
    // src/adapters/env.ts is the only place touching Apps Script globals: the failing call is there.
    const adapter = frames.find((f) => f.where.startsWith('src/adapters/env.ts:'));
    expect(adapter).toBeDefined();
    expect(sourceLine(adapter!.where)).toContain('getDocumentProperties');
    expect(frames.some((f) => f.where.startsWith('src/api/') && f.name === 'getMigrationStatus')).toBe(true);
    // Lines outside the bundle are left as they were.
    expect(r.text.split('\n')[0]).toBe(stack.split('\n')[0]);
    expect(r.text).toContain('Service unavailable: Properties');
  });

  test("Apps Script's own frame formats (no space, [unknown function], Code.gs) map the same; the footer and other text are unchanged", () => {
    const stack = productionStack();
    const first = /at [^\n(]*\(Code:(\d+):(\d+)\)/.exec(stack)!;
    const [line, col] = [first[1], first[2]];
    const expected = /at (src\/\S+)/.exec(build.traceStack(first[0]).text)![1];
    const footer = code().split('\n').findIndex((l) => l.startsWith('function getMigrationStatus()')) + 1;
    const log = [
      'Exception: Service unavailable: Properties',
      `    at Xe(Code:${line}:${col})`,
      `    at [unknown function](Code.gs:${line}:${col})`,
      `    at Code.js:${line}:${col}`,
      `    at getMigrationStatus(Code:${footer}:60)`,
      'Something unrelated: SheetCode:2:3, Code:1:5',
    ].join('\n');
    const r = build.traceStack(log);
    const out = r.text.split('\n');
    expect(r.mapped).toBe(3);
    expect(out[0]).toBe('Exception: Service unavailable: Properties');
    for (const l of out.slice(1, 4)) expect(l).toMatch(new RegExp(`^    at ${expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( \\(.*\\))?$`));
    expect(out.slice(4)).toEqual(log.split('\n').slice(4));
  });

  test('warns when the stack trace does not say its build, or names another build', () => {
    const stack = productionStack();
    const id = map().x_buildId;
    expect(build.traceStack(stack).warnings.join(' ')).toMatch(/does not say which build.*mapped with the map of build [0-9a-f]{12}/);
    expect(build.traceStack(`${stack}\n(build ${id})`).warnings).toEqual([]);
    expect(build.traceStack(stack, { buildId: '000000000000' }).warnings.join(' ')).toMatch(/from build 000000000000 but the map is of build .*wrong.*Check out the commit that was pushed/);
  });

  test('the build is deterministic: two builds of this source give the same bytes and map; the build id is the hash of the bundle', () => {
    const once = () =>
      childProcess.execFileSync(
        process.execPath,
        ['-e', "const b = require('./build.js').bundleServer(); const h = (s) => require('crypto').createHash('sha256').update(s).digest('hex'); console.log(h(b.code), h(JSON.stringify(b.map)))"],
        { cwd: ROOT, encoding: 'utf8' },
      );
    const a = once();
    expect(once()).toBe(a);
    // The build id is the hash of the bundle between the banner and the entry points: same source, same id.
    const text = code();
    const bundle = text.slice(text.indexOf('\n') + 1, text.indexOf('// Top-level entry points'));
    expect(crypto.createHash('sha256').update(bundle).digest('hex').slice(0, 12)).toBe(bannerId());
  });
});
