// The local playground (`npm start`): the built add-on running against the in-memory Apps
// Script emulator, driven from a real browser.
//
//   /            host page: Sheets-like frame, add-on menu, live grid of the target sheet,
//                and the sidebar in a 300 px iframe
//   /sidebar     dist/Sidebar.html exactly as built, plus one injected <script src="/gas-shim.js">
//   /api/run     POST {fn, args}: one execution of a top-level function of dist/Code.js
//   /api/menu    POST {fn, answers}: a menu item, with the Ui dialog replies it records
//   /api/grid    GET ?offset&limit: header + a window of rows of the target sheet
//   /api/state   GET: document properties and Drive files (for tests and the Drive strip)
//   /api/info    GET: workbook, scenario and the menu that onOpen built
//
// The server binds to 127.0.0.1 only and answers only requests addressed to it by that name
// (or localhost), so a web page in another tab cannot reach it through DNS rebinding.
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { AddressInfo } from 'net';
import { createEmulator, createSampleWorkbook, Emulator } from '../emulator';
import { killRollbackIn, loadBundleFrom, migrateToEnd, Bundle } from './bundle';
import rawConfig from '../src/migration.config.json';

export type Scenario = 'fresh' | 'partial' | 'migrated-8-days-ago' | 'running-elsewhere' | 'rollback-interrupted';
export const SCENARIOS: Scenario[] = ['fresh', 'partial', 'migrated-8-days-ago', 'running-elsewhere', 'rollback-interrupted'];

export interface PlaygroundOptions {
  /** 0 picks a free port. */
  port?: number;
  rows?: number;
  columns?: number;
  scenario?: Scenario;
  /** Puts markup-looking text into a header, a cell and the file name, to prove it stays text. */
  hostile?: boolean;
  seed?: number;
  /** Who the sidebar and the menu run as (default the file's owner); another user sees read-only mode. */
  user?: string;
  /** Apps Script withholds that user's address (Session.getActiveUser().getEmail() reads ''). */
  hideEmail?: boolean;
  /** Repository root (holds dist/ and playground/public/). */
  root?: string;
  /** Log each request and each server call to stdout. */
  verbose?: boolean;
  /** Epoch ms the scenario should open at (screenshots pin it); default the real now. */
  startTime?: number;
}

export interface Playground {
  url: string;
  port: number;
  emu: Emulator;
  bundle: Bundle;
  close(): Promise<void>;
}

export const HOSTILE_TEXT = '<img src=x onerror="window.__xss=1">';
const OWNER = 'owner@example.com';
const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_SETUP_UNITS = 200;
const MAX_BODY_BYTES = 1024 * 1024;
const MAX_GRID_ROWS = 500;

const NEW_COLUMNS: string[] = (rawConfig.newColumns as Array<{ name: string }>).map((c) => c.name);
const TARGET_SHEET: string = rawConfig.targetSheet;
const LEASE_SECONDS: number = rawConfig.leaseSeconds;

function repoRoot(): string {
  // playground/server.ts (ts-jest) and .build/playground.js (npm start) both sit one level down.
  return path.resolve(__dirname, '..');
}

/* eslint-disable @typescript-eslint/no-explicit-any */

export async function startPlayground(opts: PlaygroundOptions = {}): Promise<Playground> {
  const root = opts.root || repoRoot();
  const dist = path.join(root, 'dist');
  const publicDir = path.join(root, 'playground', 'public');
  const sidebarFile = path.join(dist, 'Sidebar.html');
  if (!fs.existsSync(sidebarFile) || !fs.existsSync(path.join(dist, 'Code.js'))) {
    throw new Error(`${dist} has no built add-on: run \`npm run build\` (npm start does it for you).`);
  }
  const rows = opts.rows ?? 2500;
  const columns = opts.columns ?? 65;
  const scenario = opts.scenario ?? 'fresh';
  if (!SCENARIOS.includes(scenario)) throw new Error(`unknown scenario "${scenario}"; use one of ${SCENARIOS.join(', ')}`);

  // The clock starts at the real now, moved back by what the scenario's set-up moves it on, so
  // that every visitor's sidebar opens at about today (the set-up's own modelled minutes aside).
  const startTime = (opts.startTime ?? Date.now()) - scenarioLeadMs(scenario);
  const emu = createEmulator({ htmlDir: dist, user: OWNER, startTime, ...(opts.seed !== undefined ? { seed: opts.seed } : {}) });
  createSampleWorkbook(emu, { rows, columns, owner: OWNER, ...(opts.seed !== undefined ? { seed: opts.seed } : {}) });
  if (opts.hostile) makeHostile(emu);
  const ownerBundle = loadBundleFrom(emu, dist);
  const actor = opts.user || OWNER;
  // What the browser calls runs as the chosen user; the scenario set-up runs as the owner.
  const asActor = (b: Bundle): Bundle => ({
    load: b.load,
    callAs: (o, name, ...args) => b.callAs({ user: actor, hideActiveUser: !!opts.hideEmail, ...o }, name, ...args),
    call: (name, ...args) => b.callAs({ user: actor, hideActiveUser: !!opts.hideEmail }, name, ...args),
  });
  const bundle = asActor(ownerBundle);

  // The menu as a user would see it on open: onOpen in AuthMode.NONE.
  let menu: { title: string; items: Array<{ caption: string; functionName: string }> } | null = null;
  let menuError: string | null = null;
  try {
    bundle.callAs({ authMode: 'NONE' }, 'onOpen', { authMode: 'NONE' });
    const m = emu.ui.menus[emu.ui.menus.length - 1];
    if (m) menu = { title: m.title, items: m.items.map((i: any) => ({ caption: i.caption, functionName: i.functionName })) };
  } catch (e) {
    menuError = errorMessage(e);
  }

  setUpScenario(emu, ownerBundle, scenario);

  // What google.script.run may call: the script's own top-level functions, not the globals
  // the emulator provides (Date, Logger, …) nor anything inherited.
  const serviceNames = new Set(Object.keys(emu.globals()));
  const loaded = ownerBundle.load();
  const callable = new Set(Object.keys(loaded).filter((k) => typeof loaded[k] === 'function' && !serviceNames.has(k) && !k.endsWith('_')));

  const log = (line: string) => { if (opts.verbose) console.log(line); };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e) => sendJson(res, 500, { error: { name: 'PlaygroundError', message: errorMessage(e) } }));
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url || '/', 'http://127.0.0.1');
    if (!hostAllowed(req.headers.host)) return sendText(res, 403, 'Forbidden: the playground answers only to 127.0.0.1 and localhost.');
    log(`${req.method} ${url.pathname}${url.search}`);
    const get = req.method === 'GET' || req.method === 'HEAD';
    switch (url.pathname) {
      case '/':
        if (!get) return methodNotAllowed(res);
        return sendFile(res, path.join(publicDir, 'index.html'), 'text/html; charset=utf-8');
      case '/host.js':
        return sendFile(res, path.join(publicDir, 'host.js'), 'text/javascript; charset=utf-8');
      case '/host.css':
        return sendFile(res, path.join(publicDir, 'host.css'), 'text/css; charset=utf-8');
      case '/gas-shim.js':
        return sendFile(res, path.join(publicDir, 'gas-shim.js'), 'text/javascript; charset=utf-8');
      case '/sidebar': {
        if (!get) return methodNotAllowed(res);
        // Read per request, so a rebuild shows up on reload.
        const html = injectShim(fs.readFileSync(sidebarFile, 'utf8'));
        return send(res, 200, 'text/html; charset=utf-8', html);
      }
      case '/favicon.ico':
        res.writeHead(204).end();
        return;
      case '/api/info':
        return sendJson(res, 200, {
          spreadsheetName: activeSpreadsheetName(emu),
          sheetName: TARGET_SHEET,
          scenario, rows, columns, hostile: !!opts.hostile,
          newColumns: NEW_COLUMNS,
          menu, menuError,
        });
      case '/api/grid': {
        const offset = clampInt(url.searchParams.get('offset'), 0, 0, Number.MAX_SAFE_INTEGER);
        const limit = clampInt(url.searchParams.get('limit'), 100, 1, MAX_GRID_ROWS);
        return sendJson(res, 200, readGrid(emu, offset, limit));
      }
      case '/api/state':
        return sendJson(res, 200, readState(emu, actor));
      case '/api/run': {
        if (req.method !== 'POST') return methodNotAllowed(res);
        const body = await readBody(req);
        const fn = typeof body.fn === 'string' ? body.fn : '';
        const args = Array.isArray(body.args) ? body.args : [];
        if (!callable.has(fn)) return sendJson(res, 200, { error: { name: 'ScriptError', message: `Script function not found: ${fn}` } });
        const started = Date.now();
        try {
          const result = bundle.call(fn, ...args);
          log(`  ${fn} ok in ${Date.now() - started} ms`);
          return sendJson(res, 200, { result });
        } catch (e) {
          log(`  ${fn} failed: ${errorMessage(e)}`);
          return sendJson(res, 200, { error: { name: errorName(e), message: errorMessage(e) } });
        }
      }
      case '/api/menu': {
        if (req.method !== 'POST') return methodNotAllowed(res);
        const body = await readBody(req);
        const fn = typeof body.fn === 'string' ? body.fn : '';
        const allowed = menu ? menu.items.map((i) => i.functionName) : [];
        if (!allowed.includes(fn)) return sendJson(res, 200, { error: { name: 'PlaygroundError', message: `${fn} is not an item of the add-on menu` } });
        const answers = (Array.isArray(body.answers) ? body.answers : []).filter((a: unknown) => typeof a === 'string');
        return sendJson(res, 200, runMenuItem(emu, bundle, fn, answers));
      }
      default:
        return sendText(res, 404, 'Not found');
    }
  }

  const sockets = new Set<import('net').Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8787, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | null = null;

  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    emu,
    bundle,
    close: () => {
      if (!closed) {
        closed = new Promise<void>((resolve) => {
          server.close(() => resolve());
          for (const s of sockets) s.destroy();
        });
      }
      return closed;
    },
  };
}

// ---- scenarios ------------------------------------------------------------------------------

function setUpScenario(emu: Emulator, bundle: Bundle, scenario: Scenario): void {
  if (scenario === 'fresh') return;
  if (scenario === 'partial' || scenario === 'running-elsewhere') {
    // Backup, new columns and the schema check done; the long step started but not finished
    // (with more rows than one chunk). 'partial': that sidebar was closed long enough ago for
    // its lease to lapse, so this one resumes from the checkpoint. 'running-elsewhere': it is
    // still open, so this sidebar shows someone else's run in progress.
    // Row-sized chunks (the chunkRows run option): by default a 2,500-row step finishes in one
    // unit, and this scenario needs one stopped part-way.
    const other = { clientId: 'another-sidebar', chunkRows: 2000 };
    for (let i = 0; i < MAX_SETUP_UNITS; i++) {
      const r = bundle.call<any>('runMigrationStep', other);
      if (!r.ok) throw new Error(`scenario ${scenario}: runMigrationStep failed: ${r.message}`);
      const settled = r.status.steps.filter((s: any) => s.state === 'done' || s.state === 'skipped').length;
      const started = r.status.steps.some((s: any) => s.id === 'initialize_versions' && (s.state !== 'pending' || s.rowsDone));
      if (r.complete || settled >= 4 || (settled >= 3 && started)) {
        if (scenario === 'partial') emu.clock.advance((LEASE_SECONDS + 60) * 1000);
        return;
      }
    }
    throw new Error(`scenario ${scenario}: the migration did not reach step 4`);
  }
  // migrated-8-days-ago: the whole migration, then the clock moves on past the 7-day window.
  try {
    migrateToEnd(bundle, {}, MAX_SETUP_UNITS, 'runMigrationStep');
  } catch (e) {
    throw new Error(`scenario ${scenario}: ${errorMessage(e)}`);
  }
  if (scenario === 'migrated-8-days-ago') {
    emu.clock.advance(8 * DAY_MS);
    return;
  }
  // rollback-interrupted: a rollback whose execution died while it was restoring the tab
  // (after its snapshot). Killed at its 1st, 2nd, … write, each attempt resuming the last in
  // this same world. Then its lease lapses.
  const world = { emu, b: bundle };
  const killed = killRollbackIn(() => world, (w) => {
    try {
      return w.b.call<any>('rollbackMigration', { confirm: true });
    } catch (e) {
      return null; // killed, as intended
    }
  }, { max: MAX_SETUP_UNITS });
  if (!killed) throw new Error(`scenario ${scenario}: no kill left the rollback part-way through restoring the tab`);
  emu.clock.advance((LEASE_SECONDS + 60) * 1000);
}

/** How far a scenario's set-up moves the clock on (see setUpScenario). */
function scenarioLeadMs(scenario: Scenario): number {
  if (scenario === 'migrated-8-days-ago') return 8 * DAY_MS;
  if (scenario === 'partial' || scenario === 'rollback-interrupted') return (LEASE_SECONDS + 60) * 1000;
  return 0;
}

/** Markup in the places a careless UI would render as HTML: a header, a cell, the file name. */
function makeHostile(emu: Emulator): void {
  const ss = activeSpreadsheet(emu);
  const sheet = ss.getSheetByName(TARGET_SHEET);
  const lastCol = sheet.getLastColumn();
  sheet.getRange(1, lastCol).setValue(HOSTILE_TEXT);
  if (sheet.getLastRow() >= 2) sheet.getRange(2, 1).setValue(HOSTILE_TEXT);
  ss.rename(`Operaciones ${HOSTILE_TEXT}`);
}

// ---- emulator reads (outside executions: not counted, no virtual time) ------------------------

function activeSpreadsheet(emu: Emulator): any {
  return (emu.globals() as any).SpreadsheetApp.getActiveSpreadsheet();
}

function activeSpreadsheetName(emu: Emulator): string {
  return String(activeSpreadsheet(emu).getName());
}

interface Grid {
  spreadsheetName: string;
  sheetName: string;
  columnCount: number;
  lastRow: number;
  header: string[];
  offset: number;
  rows: string[][];
  clock: string;
}

function readGrid(emu: Emulator, offset: number, limit: number): Grid {
  const ss = activeSpreadsheet(emu);
  const sheet = ss.getSheetByName(TARGET_SHEET);
  const base = { spreadsheetName: String(ss.getName()), sheetName: TARGET_SHEET, offset, clock: new Date(emu.clock.now()).toISOString() };
  if (!sheet) return { ...base, columnCount: 0, lastRow: 0, header: [], rows: [] };
  const lastRow: number = sheet.getLastRow();
  const lastCol: number = sheet.getLastColumn();
  if (lastCol < 1 || lastRow < 1) return { ...base, columnCount: 0, lastRow, header: [], rows: [] };
  const header = (sheet.getRange(1, 1, 1, lastCol).getDisplayValues()[0] as unknown[]).map(String);
  const first = 2 + offset;
  const count = Math.max(0, Math.min(limit, lastRow - first + 1));
  const rows = count > 0 ? (sheet.getRange(first, 1, count, lastCol).getDisplayValues() as unknown[][]).map((r) => r.map(String)) : [];
  return { ...base, columnCount: lastCol, lastRow, header, rows };
}

function readState(emu: Emulator, actor: string): Record<string, unknown> {
  const g = emu.globals() as any;
  const properties = g.PropertiesService.getDocumentProperties().getProperties();
  const files = emu.files().map((f) => ({
    id: f.record.id, name: f.record.name, mimeType: f.record.mimeType, owner: f.record.owner, trashed: f.record.trashed,
  }));
  return {
    properties,
    files,
    clock: new Date(emu.clock.now()).toISOString(),
    user: actor,
    executions: emu.stats.executions.length,
  };
}

function runMenuItem(emu: Emulator, bundle: Bundle, fn: string, answers: string[]): Record<string, unknown> {
  const ui = emu.ui;
  const before = { alerts: ui.alerts.length, sidebars: ui.sidebars.length, toasts: ui.toasts.length };
  // A question nobody has answered yet is dismissed (CLOSE), never silently answered Yes.
  ui.answers.length = 0;
  ui.answers.push(...(answers as any[]), ...new Array(20).fill('CLOSE'));
  let error: { name: string; message: string } | null = null;
  try {
    bundle.call(fn);
  } catch (e) {
    error = { name: errorName(e), message: errorMessage(e) };
  } finally {
    ui.answers.length = 0;
  }
  return {
    ...(error ? { error } : {}),
    alerts: ui.alerts.slice(before.alerts),
    sidebars: ui.sidebars.slice(before.sidebars).map((s: any) => ({ title: s.title, width: s.width })),
    toasts: ui.toasts.slice(before.toasts),
  };
}

// ---- http helpers ---------------------------------------------------------------------------

/** The one change to dist/Sidebar.html: the google.script stand-in, first thing in <head>. */
export function injectShim(html: string): string {
  const tag = '<script src="/gas-shim.js"></script>';
  const m = /<head[^>]*>/i.exec(html);
  if (!m) throw new Error('dist/Sidebar.html has no <head>');
  const at = m.index + m[0].length;
  return `${html.slice(0, at)}\n${tag}${html.slice(at)}`;
}

function hostAllowed(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.replace(/:\d+$/, '');
  return name === '127.0.0.1' || name === 'localhost' || name === '[::1]';
}

function send(res: http.ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

function sendText(res: http.ServerResponse, status: number, text: string): void {
  send(res, status, 'text/plain; charset=utf-8', text);
}

function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

function sendFile(res: http.ServerResponse, file: string, type: string): void {
  send(res, 200, type, fs.readFileSync(file));
}

function methodNotAllowed(res: http.ServerResponse): void {
  sendText(res, 405, 'Method not allowed');
}

function readBody(req: http.IncomingMessage): Promise<any> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      try {
        resolve(chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {});
      } catch (e) {
        reject(new Error('request body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}

function clampInt(raw: string | null, fallback: number, min: number, max: number): number {
  const n = raw === null ? fallback : Number.parseInt(raw, 10);
  if (!Number.isFinite(n)) return fallback;
  return Math.min(max, Math.max(min, n));
}

function errorMessage(e: unknown): string {
  return e && typeof e === 'object' && 'message' in e ? String((e as Error).message) : String(e);
}

function errorName(e: unknown): string {
  return e && typeof e === 'object' && 'name' in e ? String((e as Error).name) : 'Error';
}

// ---- command line ---------------------------------------------------------------------------

const USAGE = `Usage: npm start -- [options]

  --port N          port on 127.0.0.1 (default 8787, or $PORT; 0 = any free port)
  --rows N          data rows in Operaciones (default 2500)
  --columns N       v2.1 columns (default 65)
  --scenario S      fresh | partial | migrated-8-days-ago | running-elsewhere | rollback-interrupted (default fresh)
  --hostile         put markup into a header, a cell and the file name
  --as EMAIL        act as this user instead of the owner (read-only mode)
  --hide-email      Apps Script withholds the acting user's address (read-only mode)
  --seed N          seed of the sample data
  --verbose         log requests and server calls
  --help            this text
`;

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): PlaygroundOptions & { help?: boolean } {
  const out: PlaygroundOptions & { help?: boolean } = {};
  const int = (name: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < min) throw new Error(`--${name} needs a whole number >= ${min}, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`);
    return n;
  };
  if (env.PORT !== undefined && env.PORT !== '') out.port = int('port (from $PORT)', env.PORT, 0);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string | undefined => (eq > 0 ? arg.slice(eq + 1) : argv[++i]);
    switch (name) {
      case '--port': out.port = int('port', value(), 0); break;
      case '--rows': out.rows = int('rows', value(), 1); break;
      case '--columns': out.columns = int('columns', value(), 1); break;
      case '--seed': out.seed = int('seed', value(), 0); break;
      case '--scenario': {
        const s = value();
        if (!SCENARIOS.includes(s as Scenario)) throw new Error(`--scenario must be one of ${SCENARIOS.join(', ')}, got ${JSON.stringify(s)}`);
        out.scenario = s as Scenario;
        break;
      }
      case '--hostile': out.hostile = true; break;
      case '--hide-email': out.hideEmail = true; break;
      case '--as': {
        const u = value();
        if (!u || !/^[^@\s]+@[^@\s]+$/.test(u)) throw new Error(`--as needs an email address, got ${JSON.stringify(u)}`);
        out.user = u;
        break;
      }
      case '--verbose': out.verbose = true; break;
      case '--help': case '-h': out.help = true; break;
      default: throw new Error(`unknown option ${arg}\n\n${USAGE}`);
    }
  }
  if (out.port !== undefined && out.port > 65535) throw new Error('--port must be at most 65535');
  return out;
}

async function main(): Promise<void> {
  let opts: ReturnType<typeof parseArgs>;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(errorMessage(e));
    process.exit(2);
  }
  if (opts.help) {
    process.stdout.write(USAGE);
    return;
  }
  let pg: Playground;
  try {
    pg = await startPlayground(opts);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err && err.code === 'EADDRINUSE') console.error(`Port ${opts.port ?? 8787} is in use. Pick another with --port N (or PORT=N).`);
    else console.error(`The playground could not start: ${errorMessage(e)}`);
    process.exit(1);
  }
  console.log(`Sheet Migrator playground: ${pg.url}`);
  console.log(`  ${opts.rows ?? 2500} rows × ${opts.columns ?? 65} columns, scenario ${opts.scenario ?? 'fresh'}${opts.hostile ? ', hostile text' : ''}, acting as ${opts.user || OWNER}. Press Ctrl-C to stop.`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the playground.`);
    pg.close().then(() => process.exit(0), () => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

// Only as the program itself (.build/playground.js). When another script bundles this module
// (playground/screenshots.ts), esbuild makes it part of that script's main module, so the
// usual require.main check alone would start a second server there.
if (require.main === module && /(^|[\\/])(playground\.js|server\.ts)$/.test(process.argv[1] || '')) void main();
