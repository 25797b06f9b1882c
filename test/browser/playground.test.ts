// The whole sidebar flow in a real browser (Debian's Chromium), against the local playground:
// the built dist/Sidebar.html talking through the google.script.run stand-in to the built
// dist/Code.js running in the emulator.
import * as fs from 'fs';
import type { Page, FrameLocator, Frame } from 'playwright-core';
import { startPlayground, Playground, HOSTILE_TEXT } from '../../playground/server';
import { launchChromium, BrowserSession } from '../../playground/browser';
import { describeBrowser } from './browserGate';

// Functions passed to page.evaluate run in the browser; this file is compiled without the DOM
// lib (it is Node code), so the few browser globals they use are declared here, loosely.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
declare const MutationObserver: any;
type HTMLElement = any;

jest.setTimeout(120000);

interface Problems {
  errors: string[];
}

/** Every console error and uncaught exception, in the host page and in the sidebar frame. */
function watchProblems(page: Page): Problems {
  const p: Problems = { errors: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') p.errors.push(`console.error: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => p.errors.push(`pageerror: ${e.message}`));
  page.on('crash', () => p.errors.push('page crashed'));
  return p;
}

async function getJson<T = any>(pg: Playground, pathAndQuery: string): Promise<T> {
  const res = await fetch(new URL(pathAndQuery, pg.url));
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

/**
 * A laptop whose clock is `offsetMs` off: Date in the page and the sidebar frame reads
 * the real time plus the offset, before any of the page's scripts run.
 */
async function skewBrowserClock(page: Page, offsetMs: number): Promise<void> {
  await page.addInitScript((offset: number) => {
    const RealDate = Date;
    class SkewedDate extends RealDate {
      constructor(...args: unknown[]) {
        if (args.length === 0) super(RealDate.now() + offset);
        else super(...(args as [number]));
      }
      static now(): number {
        return RealDate.now() + offset;
      }
    }
    (globalThis as unknown as { Date: DateConstructor }).Date = SkewedDate as unknown as DateConstructor;
  }, offsetMs);
}

async function openPlayground(session: BrowserSession, pg: Playground, browserClockOffsetMs = 0): Promise<{ page: Page; sb: FrameLocator; frame: () => Frame; problems: Problems }> {
  const page = await session.context.newPage();
  const problems = watchProblems(page);
  if (browserClockOffsetMs) await skewBrowserClock(page, browserClockOffsetMs);
  await page.goto(pg.url);
  const sb = page.frameLocator('#sidebar-frame');
  await sb.locator('#app[aria-busy="false"]').waitFor();
  await page.locator('[data-testid="grid-columns"]').waitFor();
  const frame = () => {
    const f = page.frames().find((x) => /\/sidebar/.test(x.url()));
    if (!f) throw new Error('the sidebar frame is not loaded');
    return f;
  };
  return { page, sb, frame, problems };
}

type Opened = { pg: Playground; page: Page; sb: FrameLocator; frame: () => Frame; problems: Problems };

/** One playground and one browser for a describe block, closed after it. */
function usePlayground(opts: Parameters<typeof startPlayground>[0], set: (o: Opened) => void): void {
  let session: BrowserSession | undefined;
  let pg: Playground | undefined;
  beforeAll(async () => {
    pg = await startPlayground({ port: 0, ...opts });
    session = await launchChromium();
    set({ pg, ...(await openPlayground(session, pg)) });
  });
  afterAll(async () => {
    if (session) await session.close();
    if (pg) await pg.close();
  });
}

async function gridColumns(page: Page, n: number): Promise<void> {
  await page.waitForFunction(
    (want) => document.querySelector('[data-testid="grid-columns"]')?.textContent === String(want),
    n,
    { timeout: 20000 },
  );
}

describeBrowser('playground in Chromium: dry run, run all, verify, roll back', () => {
  let pg: Playground;
  let page: Page;
  let sb: FrameLocator;
  let frame: () => Frame;
  let problems: Problems;
  usePlayground({ rows: 2500, columns: 65 }, (o) => ({ pg, page, sb, frame, problems } = o));

  test('the sidebar opens on the fresh v2.1 sheet', async () => {
    await expect(sb.locator('#sheet-name').textContent()).resolves.toBe('Operaciones');
    await expect(sb.locator('[data-testid="column-count"]').textContent()).resolves.toBe('65');
    await expect(sb.locator('[data-testid="progress-label"]').getAttribute('data-done')).resolves.toBe('0');
    expect(await sb.locator('.step').count()).toBe(5);
    // Nothing to verify or roll back yet, and the page says why.
    expect(await sb.locator('#btn-rollback').isDisabled()).toBe(true);
    await expect(sb.locator('#reasons').textContent()).resolves.toMatch(/Roll back…: No backup exists yet/);
    expect(await sb.locator('#btn-runAll').isEnabled()).toBe(true);
    // Disabled buttons point at their reason; the status line is a polite live region.
    const describedBy = await sb.locator('#btn-rollback').getAttribute('aria-describedby');
    await expect(sb.locator(`#${describedBy}`).textContent()).resolves.toMatch(/No backup exists yet/);
    await expect(sb.locator('#status-line').getAttribute('aria-live')).resolves.toBe('polite');
    await expect(sb.locator('#status-line').textContent()).resolves.toMatch(/Ready to migrate/);
  });

  test('dry run shows the plan and changes nothing', async () => {
    const stateBefore = await getJson(pg, '/api/state');
    const gridBefore = await getJson(pg, '/api/grid?offset=0&limit=100');
    await sb.locator('#btn-dryRun').click();
    const plan = sb.locator('[data-testid="plan"]');
    await plan.waitFor();
    expect(await plan.locator('.plan > li').count()).toBe(5);
    const text = await plan.textContent();
    expect(text).toMatch(/Ocupado_Por/);
    expect(text).toMatch(/version/);
    const stateAfter = await getJson(pg, '/api/state');
    const gridAfter = await getJson(pg, '/api/grid?offset=0&limit=100');
    expect(stateAfter.properties).toEqual(stateBefore.properties);
    expect(stateAfter.files).toEqual(stateBefore.files);
    expect({ ...gridAfter, clock: null }).toEqual({ ...gridBefore, clock: null });
    await expect(page.locator('[data-testid="grid-columns"]').textContent()).resolves.toBe('65');
  });

  test('Run all remaining: live progress up to 5 of 5, and the grid shows 68 columns with version = 0', async () => {
    // Record every progress line the sidebar shows while it drives the migration.
    await frame().evaluate(() => {
      const w = window as unknown as { __seen: string[] };
      w.__seen = [];
      new MutationObserver(() => {
        const label = document.querySelector('[data-testid="progress-label"]');
        const rows = document.querySelector('[data-testid="rows-label"]');
        w.__seen.push(`${label ? label.textContent : ''} | ${rows ? rows.textContent : ''}`);
      }).observe(document.getElementById('progress') as HTMLElement, { childList: true, subtree: true });
    });
    await sb.locator('#btn-runAll').click();
    const label = sb.locator('[data-testid="progress-label"][data-done="5"]');
    await label.waitFor({ timeout: 90000 });
    await expect(label.textContent()).resolves.toBe('5 of 5 steps done');
    await sb.locator('[data-testid="report"]').waitFor();
    await expect(sb.locator('#badge').textContent()).resolves.toBe('Migrated to v3.0');

    const seen: string[] = await frame().evaluate(() => (window as { __seen: string[] }).__seen);
    expect(seen.some((s) => /^Step 4 of 5/.test(s))).toBe(true);
    // A unit reads 200,000-cell chunks while a third of the budget lasts, so at 2,500 rows each
    // long step takes one unit: the rows label shows the backup digest's rows (header included).
    expect(seen.some((s) => /[\d,]+ of 2,50[01] rows/.test(s))).toBe(true);

    await gridColumns(page, 68);
    const header = await page.locator('[data-testid="grid-header"] .cell').allTextContents();
    expect(header.slice(-3)).toEqual(['Ocupado_Por', 'Fecha_Ocupacion', 'version']);
    // The grid polls the emulator, so the column may show before the versions do: wait for them.
    await page.waitForFunction(() => {
      const cells = document.querySelectorAll('.grid-body .row:first-child .cell');
      return cells.length > 0 && cells[cells.length - 1].textContent === '0';
    }, undefined, { timeout: 20000 });
    // The backup is linked, with its deadline.
    await expect(sb.locator('[data-testid="backup-link"]').textContent()).resolves.toMatch(/_v2\.1_backup_/);
    await expect(sb.locator('[data-testid="rollback-deadline"]').textContent()).resolves.toMatch(/^Roll back possible until /);
    expect(await sb.locator('#btn-runAll').isDisabled()).toBe(true);
  });

  test('Verify shows every check passing, and the report downloads as JSON', async () => {
    await sb.locator('#btn-verify').click();
    const panel = sb.locator('[data-testid="verification"]');
    await panel.waitFor();
    await expect(panel.locator('[data-testid="verify-summary"]').textContent()).resolves.toMatch(/^All \d+ checks passed\.$/);
    const oks = await panel.locator('.check').evaluateAll((items) => items.map((i) => i.getAttribute('data-ok')));
    expect(oks.length).toBeGreaterThan(0);
    expect(oks.every((x) => x === 'true')).toBe(true);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      panel.locator('[data-testid="verification-download"]').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^sheet-migrator-verification-\d{8}-\d{6}\.json$/);
    const report = JSON.parse(fs.readFileSync((await download.path()) as string, 'utf8'));
    expect(report.ok).toBe(true);
    expect(report.checks.length).toBe(oks.length);
  });

  /** The real verify report turned into one whose digest is still under way (a bigger sheet's). */
  const inProgress = (result: any, nextRow: number) => ({
    ...result,
    ok: false,
    complete: false,
    message: `Verification in progress, not passed yet: 8 checks passed, v21_digest in progress (rows 1–${nextRow - 1} of 2501 compared).`,
    checks: result.checks.map((c: any) => (c.id === 'v21_digest' ? { id: c.id, ok: false, detail: `In progress: rows 1–${nextRow - 1} of 2501 compared.`, skipped: true } : c)),
    // Names another backup: the server does not continue from it, it starts over from row 1.
    resume: { seed: result.seed, backupId: 'another-backup', lastRow: 2501, columnCount: 65, chunkRows: 600, nextRow, acc: 'f'.repeat(64), calls: 1 },
  });

  /** Every text the status line shows from now on. */
  const watchStatusLine = () => frame().evaluate(() => {
    const w = window as unknown as { __lines: string[] };
    w.__lines = [];
    const line = document.getElementById('status-line') as HTMLElement;
    new MutationObserver(() => w.__lines.push(line.textContent)).observe(line, { childList: true, characterData: true, subtree: true });
  });

  /** Waits until the status line has shown a text matching `re` since watchStatusLine(). */
  const statusLineShows = (re: RegExp) =>
    frame().waitForFunction((src) => ((window as unknown as { __lines?: string[] }).__lines || []).some((l) => new RegExp(src).test(l)), re.source, { timeout: 20000 });

  test('a digest longer than one call: Verify calls again with seed and resume, shows progress, then the final report', async () => {
    const sent: any[] = [];
    await page.route('**/api/run', async (route) => {
      const body = JSON.parse(route.request().postData() || '{}');
      const res = await route.fetch();
      if (body.fn !== 'verifyMigration') return route.fulfill({ response: res });
      sent.push(body.args);
      const json = await res.json();
      if (sent.length === 1) json.result = inProgress(json.result, 1201);
      return route.fulfill({ response: res, json });
    });
    try {
      await watchStatusLine();
      await sb.locator('#btn-verify').click();
      // The previous test's panel is still open: wait for this verification's own end.
      await statusLineShows(/^Verification passed/);
      const panel = sb.locator('[data-testid="verification"]');
      expect(sent.length).toBe(2);
      expect(sent[0]).toEqual([]);
      expect(sent[1][0].resume).toMatchObject({ backupId: 'another-backup', nextRow: 1201 });
      expect(typeof sent[1][0].seed).toBe('number');
      expect(sent[1][0].seed).toBe(sent[1][0].resume.seed);
      const lines: string[] = await frame().evaluate(() => (window as { __lines: string[] }).__lines);
      expect(lines).toContain('Verifying… rows 1,200 of 2,501 compared');
      await expect(panel.locator('[data-testid="verify-summary"]').textContent()).resolves.toMatch(/^All \d+ checks passed\.$/);
      await expect(panel.getAttribute('class')).resolves.toMatch(/\bok\b/);
      await expect(panel.locator('[data-check="v21_digest"]').textContent()).resolves.toContain('Started again from row 1: the resume given is for another backup.');
      await expect(sb.locator('#status-line').textContent()).resolves.toMatch(/^Verification passed: all \d+ checks OK\.$/);
      await panel.locator('.icon-button').click();
    } finally {
      await page.unrouteAll({ behavior: 'wait' });
    }
  });

  test('Stop while verifying: the report says how far the digest got, not passed and not failed', async () => {
    let releaseSecond = () => undefined as void;
    const second = new Promise<void>((resolve) => (releaseSecond = resolve));
    let calls = 0;
    await page.route('**/api/run', async (route) => {
      const body = JSON.parse(route.request().postData() || '{}');
      const res = await route.fetch();
      if (body.fn !== 'verifyMigration') return route.fulfill({ response: res });
      calls++;
      if (calls === 2) await second;
      const json = await res.json();
      json.result = inProgress(json.result, calls === 1 ? 1201 : 2401);
      return route.fulfill({ response: res, json });
    });
    try {
      await watchStatusLine();
      await sb.locator('#btn-verify').click();
      const stop = sb.locator('#btn-stop');
      await sb.locator('#btn-stop:not([disabled])').waitFor();
      await expect(stop.textContent()).resolves.toBe('Stop verifying');
      await stop.click();
      await expect(sb.locator('#status-line').textContent()).resolves.toBe('Will stop verifying after this part of the comparison.');
      releaseSecond();
      await statusLineShows(/^Verification stopped/);
      const panel = sb.locator('[data-testid="verification"]');
      expect(calls).toBe(2);
      await expect(panel.getAttribute('class')).resolves.toMatch(/\binfo\b/);
      await expect(panel.locator('[data-testid="verify-summary"]').textContent()).resolves.toBe('Not finished: stopped after 2,400 of 2,501 rows; 8 other checks passed.');
      await expect(panel.locator('[data-testid="verify-message"]').textContent()).resolves.toMatch(/^Verification in progress, not passed yet: /);
      const digest = panel.locator('[data-check="v21_digest"]');
      await expect(digest.getAttribute('class')).resolves.toBe('check skipped');
      await expect(digest.textContent()).resolves.toContain('Not finished: V2.1 digest · not finished');
      await expect(digest.textContent()).resolves.toContain('In progress: rows 1–2400 of 2501 compared.');
      expect(await panel.locator('.check.bad').count()).toBe(0);
      await expect(sb.locator('#status-line').textContent()).resolves.toBe('Verification stopped: rows 2,400 of 2,501 compared. Press Verify to start again.');
      expect(await stop.isDisabled()).toBe(true);
      await panel.locator('.icon-button').click();
    } finally {
      await page.unrouteAll({ behavior: 'wait' });
    }
  });

  /** The error notice's advice line(s): what the sidebar tells the user to do next. */
  const errorAdvice = () => sb.locator('[data-testid="error"] > p').allTextContents();

  test('a confirmed rollback that stops part-way does not claim nothing was changed', async () => {
    // The server's answers are faked: a first chunk that changed the tab, then a failure
    // (src/core/rollback.ts: a failing phase says what happened, not "nothing was changed").
    const failure = 'Rollback not finished: the restored "Operaciones" does not equal the backup (row 12 differs) after 2 attempts. Make sure nobody edits "Operaciones", then roll back again (it resumes).';
    const confirmed: any[] = [];
    await page.route('**/api/run', async (route) => {
      const body = JSON.parse(route.request().postData() || '{}');
      if (body.fn !== 'rollbackMigration' || !(body.args[0] && body.args[0].confirm)) return route.fulfill({ response: await route.fetch() });
      confirmed.push(body.args[0]);
      const result = confirmed.length === 1
        ? { ok: true, complete: false, message: 'Rollback in progress (next: copying the backup rows); nothing is lost.', columnCount: 68, snapshotId: 'snap-1', snapshotName: 'Operaciones_pre-rollback_snapshot' }
        : { ok: false, complete: true, message: failure, columnCount: 68, snapshotId: 'snap-1', snapshotName: 'Operaciones_pre-rollback_snapshot' };
      return route.fulfill({ json: { result } });
    });
    try {
      await sb.locator('#btn-rollback').click();
      await sb.locator('[data-testid="confirm-rollback"] #confirm-yes').click();
      const error = sb.locator('[data-testid="error"]');
      await error.waitFor();
      expect(confirmed.length).toBe(2);
      await expect(error.locator('strong').textContent()).resolves.toBe(failure);
      const advice = await errorAdvice();
      expect(advice).toEqual([expect.stringMatching(/Press Roll back… again to resume/)]);
      expect(advice.join(' ')).not.toMatch(/nothing was changed/i);
      await expect(sb.locator('[data-testid="rollback-summary"]').getAttribute('class')).resolves.toMatch(/\bbad\b/);
      // Faked: the sheet itself was not touched.
      await gridColumns(page, 68);
      await sb.locator('[data-testid="rollback-result"] .icon-button').click();
      await error.locator('button', { hasText: 'Dismiss' }).click();
    } finally {
      await page.unrouteAll({ behavior: 'wait' });
    }
  });

  test('a rollback refused at the preview says "nothing was changed" once', async () => {
    const refusal = 'The backup "Operaciones_v2.1_backup" is in the Drive trash. Restore it from the trash, then roll back again. Nothing was changed.';
    await page.route('**/api/run', async (route) => {
      const body = JSON.parse(route.request().postData() || '{}');
      if (body.fn !== 'rollbackMigration') return route.fulfill({ response: await route.fetch() });
      return route.fulfill({ json: { result: { ok: false, complete: true, canRollBack: false, message: refusal, columnCount: 68, snapshotId: null } } });
    });
    try {
      await sb.locator('#btn-rollback').click();
      const error = sb.locator('[data-testid="error"]');
      await error.waitFor();
      await expect(error.locator('strong').textContent()).resolves.toBe(refusal);
      expect(((await error.textContent()) || '').match(/nothing was changed/gi)).toHaveLength(1);
      expect(await errorAdvice()).toEqual([]);
      expect(await sb.locator('[data-testid="confirm-rollback"]').count()).toBe(0);
      await error.locator('button', { hasText: 'Dismiss' }).click();
    } finally {
      await page.unrouteAll({ behavior: 'wait' });
    }
  });

  test('Roll back asks first, says what is discarded and kept, then restores 65 columns', async () => {
    const filesBefore = (await getJson(pg, '/api/state')).files.length;
    await sb.locator('#btn-rollback').click();
    const confirm = sb.locator('[data-testid="confirm-rollback"]');
    await confirm.waitFor();
    const text = await confirm.textContent();
    expect(text).toMatch(/Discarded:/);
    expect(text).toMatch(/snapshot copy of the whole file/);
    // Keyboard: focus lands on Cancel, Escape cancels and gives focus back to the button.
    await expect(frame().evaluate(() => document.activeElement && document.activeElement.id)).resolves.toBe('confirm-no');
    await page.keyboard.press('Escape');
    expect(await sb.locator('[data-testid="confirm-rollback"]').count()).toBe(0);
    await expect(frame().evaluate(() => document.activeElement && document.activeElement.id)).resolves.toBe('btn-rollback');
    expect((await getJson(pg, '/api/state')).files.length).toBe(filesBefore);

    await sb.locator('#btn-rollback').click();
    await sb.locator('[data-testid="confirm-rollback"] #confirm-yes').click();
    const result = sb.locator('[data-testid="rollback-result"]');
    await result.waitFor({ timeout: 90000 });
    await expect(result.locator('[data-testid="rollback-summary"]').getAttribute('class')).resolves.toMatch(/\bok\b/);
    await gridColumns(page, 65);
    const header = await page.locator('[data-testid="grid-header"] .cell').allTextContents();
    expect(header).not.toContain('version');
    const state = await getJson(pg, '/api/state');
    expect(state.files.length).toBe(filesBefore + 1);
    expect(state.files.some((f: { name: string }) => /snapshot/i.test(f.name))).toBe(true);
    await expect(sb.locator('[data-testid="column-count"]').textContent()).resolves.toBe('65');
    await expect(sb.locator('#badge').textContent()).resolves.not.toBe('Migrated to v3.0');
  });

  test('the log lists entries, newest first, and filters by level', async () => {
    await sb.locator('#btn-log-refresh').click();
    await sb.locator('.log-entry').first().waitFor();
    const all = await sb.locator('.log-entry').count();
    expect(all).toBeGreaterThan(0);
    const times = await sb.locator('.log-entry time').evaluateAll((ts) => ts.map((t) => t.getAttribute('datetime') || ''));
    expect([...times].sort().reverse()).toEqual(times);
    await sb.locator('#log-level').selectOption('ERROR');
    const levels = await sb.locator('.log-entry .level').allTextContents();
    expect(levels.every((l) => l === 'ERROR')).toBe(true);
  });

  test('no console errors or uncaught exceptions on the page', () => {
    expect(problems.errors).toEqual([]);
  });
});

describeBrowser('playground in Chromium: hostile sheet text stays text', () => {
  let pg: Playground;
  let page: Page;
  let sb: FrameLocator;
  let frame: () => Frame;
  let problems: Problems;
  usePlayground({ rows: 300, hostile: true }, (o) => ({ pg, page, sb, frame, problems } = o));

  const xss = async () => ({
    page: await page.evaluate(() => (window as { __xss?: unknown }).__xss),
    sidebar: await frame().evaluate(() => (window as { __xss?: unknown }).__xss),
  });

  test('a header, a cell and the file name holding markup render as text in the grid', async () => {
    const header = await page.locator('[data-testid="grid-header"] .cell').allTextContents();
    expect(header[header.length - 1]).toBe(HOSTILE_TEXT);
    await expect(page.locator('#doc-name').textContent()).resolves.toContain(HOSTILE_TEXT);
    expect(await page.locator('#grid img, .topbar img').count()).toBe(0);
    expect(await xss()).toEqual({ page: undefined, sidebar: undefined });
  });

  test('the sidebar shows them as text through dry run, the run, the backup name and the log', async () => {
    await sb.locator('#btn-dryRun').click();
    await sb.locator('[data-testid="plan"]').waitFor();
    await expect(sb.locator('[data-testid="plan"]').textContent()).resolves.toContain(HOSTILE_TEXT);
    await sb.locator('#btn-runAll').click();
    await sb.locator('[data-testid="progress-label"][data-done="5"]').waitFor({ timeout: 60000 });
    await expect(sb.locator('[data-testid="backup-link"]').textContent()).resolves.toContain(HOSTILE_TEXT);
    await gridColumns(page, 68);
    expect(await sb.locator('img').count()).toBe(0);
    expect(await page.locator('img').count()).toBe(0);
    expect(await xss()).toEqual({ page: undefined, sidebar: undefined });
  });

  test('the host menu runs Verify and Roll back through the real menu handlers', async () => {
    await page.locator('#ext-button').click();
    await page.locator('[role="menuitem"][data-fn="showSidebar"]').click();
    await sb.locator('#app[aria-busy="false"]').waitFor();
    await expect(page.locator('#sidebar-title').textContent()).resolves.toBe('Sheet Migrator');
    await page.locator('#ext-button').click();
    await page.locator('[role="menuitem"][data-fn="menuVerifyMigration"]').click();
    await page.locator('#dialog-title', { hasText: 'Verify migration' }).waitFor();
    await expect(page.locator('#dialog-title').textContent()).resolves.toBe('Verify migration');
    await page.locator('#dialog-buttons button', { hasText: 'OK' }).click();

    await page.locator('#ext-button').click();
    await page.locator('[role="menuitem"][data-fn="menuRollbackMigration"]').click();
    // The menu handler answers from the server; until then the title is the previous dialog's.
    await page.locator('#dialog-title', { hasText: 'Roll back to v2.1?' }).waitFor();
    await expect(page.locator('#dialog-title').textContent()).resolves.toBe('Roll back to v2.1?');
    await expect(page.locator('#dialog-body').textContent()).resolves.toContain(HOSTILE_TEXT);
    // Dismissing the question changed nothing.
    await gridColumns(page, 68);
    await page.locator('#dialog-buttons button', { hasText: 'Yes' }).click();
    await page.locator('#dialog-title', { hasText: 'Roll back to v2.1' }).waitFor();
    await page.locator('#dialog-buttons button', { hasText: 'OK' }).click();
    await gridColumns(page, 65);
    expect(await xss()).toEqual({ page: undefined, sidebar: undefined });
  });

  test('no console errors or uncaught exceptions on the page', () => {
    expect(problems.errors).toEqual([]);
  });
});

describeBrowser('playground in Chromium: the other states the sidebar must explain', () => {
  let session: BrowserSession;
  const open: Playground[] = [];

  beforeAll(async () => {
    session = await launchChromium();
  });

  afterAll(async () => {
    if (session) await session.close();
    await Promise.all(open.map((p) => p.close()));
  });

  async function scenario(opts: Parameters<typeof startPlayground>[0], browserClockOffsetMs = 0) {
    const pg = await startPlayground({ port: 0, ...opts });
    open.push(pg);
    return { pg, ...(await openPlayground(session, pg, browserClockOffsetMs)) };
  }

  const DAY = 86400000;

  test.each([
    ['30 days fast', 30 * DAY],
    ['400 days slow', -400 * DAY],
  ])('a laptop clock %s: right after a migration Roll back is offered until the server’s deadline', async (_label, offset) => {
    const { pg, page, sb, problems } = await scenario({ rows: 100 }, offset);
    // The page really runs on the skewed clock…
    // (measured against the page's own real time origin: under CI's faketime the test's clock is shifted too).
    const skew = await sb.locator('body').evaluate(() => Date.now() - (performance.timeOrigin + performance.now()));
    expect(Math.abs(skew - offset)).toBeLessThan(60000);
    await sb.locator('#btn-runAll').click();
    await sb.locator('[data-testid="progress-label"][data-done="5"]').waitFor({ timeout: 60000 });
    await expect(sb.locator('#badge').textContent()).resolves.toBe('Migrated to v3.0');
    // …and the sidebar follows the server's clock: 7 days from the backup, as the server says.
    const status = pg.bundle.call<any>('getMigrationStatus');
    expect(status.rollbackWindowEnded).toBe(false);
    expect(Date.parse(status.rollbackAvailableUntil) - Date.parse(status.now)).toBeGreaterThan(6 * DAY);
    await expect(sb.locator('[data-testid="rollback-deadline"]').textContent()).resolves.toMatch(/^Roll back possible until /);
    await sb.locator('#btn-rollback:not([disabled])').waitFor();
    expect(problems.errors).toEqual([]);
  });

  test('a laptop clock 10 days slow still sees that a window ended 8 days after the migration', async () => {
    const { sb, problems } = await scenario({ rows: 100, scenario: 'migrated-8-days-ago' }, -10 * DAY);
    await expect(sb.locator('[data-testid="rollback-deadline"]').textContent()).resolves.toMatch(/^Rollback window ended on /);
    expect(await sb.locator('#btn-rollback').isDisabled()).toBe(true);
    expect(problems.errors).toEqual([]);
  });

  test('partly migrated: resumes from the checkpoint inside the long step', async () => {
    const { page, sb, problems } = await scenario({ rows: 2500, scenario: 'partial' });
    await sb.locator('[data-testid="paused"]').waitFor();
    await expect(sb.locator('[data-testid="progress-label"]').textContent()).resolves.toBe('Step 4 of 5');
    await expect(sb.locator('[data-testid="rows-label"]').textContent()).resolves.toBe('2,000 of 2,500 rows');
    await sb.locator('#btn-runNext').click();
    await sb.locator('[data-testid="progress-label"][data-done="4"]').waitFor();
    // "Run next step" stops after one step.
    await expect(sb.locator('[data-testid="progress-label"]').textContent()).resolves.toBe('Step 5 of 5');
    expect(await sb.locator('#btn-runAll').isEnabled()).toBe(true);
    await sb.locator('#btn-runAll').click();
    await sb.locator('[data-testid="progress-label"][data-done="5"]').waitFor({ timeout: 60000 });
    await gridColumns(page, 68);
    expect(problems.errors).toEqual([]);
  });

  test('a backup still being proved is shown as in progress, not as "no backup yet"', async () => {
    const { pg, page, sb, problems } = await scenario({ rows: 20000 });
    await expect(sb.locator('#backup').textContent()).resolves.toMatch(/No backup yet/);
    // One unit of the backup step from elsewhere (20,000 rows need several), then a fresh sidebar.
    const unit = pg.bundle.call('runMigrationStep', {});
    expect({ step: unit.step, complete: unit.complete, state: unit.status.steps[0].state, backup: unit.status.backup }).toEqual({
      step: 'create_backup', complete: false, state: 'running', backup: null,
    });
    await page.reload();
    await sb.locator('#sheet-name').waitFor();
    await expect(sb.locator('#backup').textContent()).resolves.toMatch(/Backup in progress/);
    expect(problems.errors).toEqual([]);
  });

  test('Start over asks first, forgets the step checkpoints and keeps the backup record', async () => {
    const { page, sb, problems } = await scenario({ rows: 2500, scenario: 'partial' });
    await sb.locator('#btn-startOver').click();
    const confirm = sb.locator('[data-testid="confirm-startOver"]');
    await confirm.waitFor();
    await expect(confirm.textContent()).resolves.toMatch(/record of the v2\.1 backup is kept/);
    await confirm.locator('#confirm-yes').click();
    await sb.locator('[data-testid="progress-label"][data-done="0"]').waitFor();
    await expect(sb.locator('[data-testid="backup-link"]').textContent()).resolves.toMatch(/_v2\.1_backup_/);
    // Start over changes no cell: the columns added so far stay until the run (or a rollback).
    await gridColumns(page, 68);
    expect(problems.errors).toEqual([]);
  });

  test('migrated 8 days ago: no rollback, and the sidebar says the window has ended', async () => {
    const { sb, problems } = await scenario({ rows: 100, scenario: 'migrated-8-days-ago' });
    await expect(sb.locator('#badge').textContent()).resolves.toBe('Migrated to v3.0');
    expect(await sb.locator('#btn-rollback').isDisabled()).toBe(true);
    await expect(sb.locator('#reasons').textContent()).resolves.toContain('Roll back…: The rollback window has ended.');
    // When it ended (the server's rollbackDeadline), and where the backup is for a manual restore.
    const deadline = sb.locator('[data-testid="rollback-deadline"]');
    await expect(deadline.textContent()).resolves.toMatch(
      /^Rollback window ended on \d{1,2} \w{3} \d{4}, \d\d:\d\d [\w+-]+; the backup is still in Drive: .*_v2\.1_backup_\d{8}_\d{6} \(opens in a new tab\) — restore manually by copying its “Operaciones” tab into this file\.$/,
    );
    const backupUrl = await sb.locator('[data-testid="backup-link"]').getAttribute('href');
    await expect(deadline.locator('[data-testid="deadline-backup-link"]').getAttribute('href')).resolves.toBe(backupUrl);
    expect(await sb.locator('#btn-verify').isEnabled()).toBe(true);
    expect(problems.errors).toEqual([]);
  });

  test('an interrupted rollback: said plainly, migration buttons off with that reason, and Roll back… finishes it', async () => {
    const { page, sb, problems } = await scenario({ rows: 100, scenario: 'rollback-interrupted' });
    const notice = sb.locator('[data-testid="rollback-unfinished"]');
    await notice.waitFor();
    const text = await notice.textContent();
    expect(text).toMatch(/^A rollback was interrupted/);
    expect(text).toMatch(/owner@example\.com started a rollback to v2\.1 on \d{1,2} \w{3} \d{4}, \d\d:\d\d [\w+-]+; it stopped while (copying|removing|resizing|checking)[^.]*, so “Operaciones” may be only partly restored/);
    expect(text).toMatch(/Press Roll back… again to finish it: it resumes where it stopped/);
    // Said once: not again as a generic problem, nor as "running elsewhere" (its lease has lapsed).
    expect(await sb.locator('[data-testid="problem"]').count()).toBe(0);
    expect(await sb.locator('[data-testid="running-elsewhere"]').count()).toBe(0);
    await expect(sb.locator('#badge').textContent()).resolves.toBe('Rollback unfinished');
    for (const id of ['runAll', 'runNext', 'dryRun', 'verify', 'startOver']) {
      expect(await sb.locator(`#btn-${id}`).isDisabled()).toBe(true);
    }
    await expect(sb.locator('#reasons').textContent()).resolves.toContain('A rollback was interrupted: press Roll back… to finish it first.');
    expect(await sb.locator('#btn-rollback').isEnabled()).toBe(true);

    await sb.locator('#btn-rollback').click();
    const confirm = sb.locator('[data-testid="confirm-rollback"]');
    await confirm.waitFor();
    await expect(confirm.locator('#confirm-title').textContent()).resolves.toBe('Finish the rollback to v2.1?');
    await expect(confirm.locator('[data-testid="rollback-resume"]').textContent()).resolves.toMatch(/resumes where it stopped/);
    await confirm.locator('#confirm-yes').click();
    await sb.locator('[data-testid="rollback-result"]').waitFor({ timeout: 60000 });
    await expect(sb.locator('[data-testid="rollback-summary"]').getAttribute('class')).resolves.toMatch(/\bok\b/);
    await gridColumns(page, 65);
    expect(await sb.locator('[data-testid="rollback-unfinished"]').count()).toBe(0);
    expect(await sb.locator('#btn-runAll').isEnabled()).toBe(true);
    expect(problems.errors).toEqual([]);
  });

  test("someone who may not act gets a read-only sidebar that says who can", async () => {
    const { sb, problems } = await scenario({ rows: 100, user: 'viewer@example.com' });
    const notice = sb.locator('[data-testid="read-only"]');
    await notice.waitFor();
    await expect(notice.textContent()).resolves.toMatch(/viewer@example\.com[\s\S]*Only owner@example\.com can run/);
    for (const id of ['runAll', 'runNext', 'startOver', 'rollback']) {
      expect(await sb.locator(`#btn-${id}`).isDisabled()).toBe(true);
    }
    await expect(sb.locator('#reasons').textContent()).resolves.toContain('Read-only: only owner@example.com can change this file.');
    expect(await sb.locator('#btn-dryRun').isEnabled()).toBe(true);
    expect(problems.errors).toEqual([]);
  });

  test('someone whose address Apps Script withholds gets a read-only sidebar that says why and what to do', async () => {
    const { sb, problems } = await scenario({ rows: 100, user: 'viewer@other-domain.example', hideEmail: true });
    const reason = sb.locator('[data-testid="read-only-reason"]');
    await reason.waitFor();
    await expect(reason.textContent()).resolves.toMatch(/^Apps Script did not tell Sheet Migrator who you are[\s\S]*ask owner@example\.com to run the migration/);
    for (const id of ['runAll', 'runNext', 'startOver', 'rollback']) {
      expect(await sb.locator(`#btn-${id}`).isDisabled()).toBe(true);
    }
    expect(await sb.locator('#btn-dryRun').isEnabled()).toBe(true);
    expect(problems.errors).toEqual([]);
  });

  test('a run in progress elsewhere is shown as such and blocks the run buttons', async () => {
    const { sb, problems } = await scenario({ rows: 2500, scenario: 'running-elsewhere' });
    const notice = sb.locator('[data-testid="running-elsewhere"]');
    await notice.waitFor();
    await expect(notice.textContent()).resolves.toMatch(/running in another sidebar or window/);
    expect(await sb.locator('#btn-runAll').isDisabled()).toBe(true);
    expect(await sb.locator('#btn-rollback').isDisabled()).toBe(true);
    await expect(sb.locator('#badge').textContent()).resolves.toBe('Migrating…');
    expect(problems.errors).toEqual([]);
  });

  test('Verify while another run holds the lease: the buttons come back when that run ends', async () => {
    const { pg, sb, page, problems } = await scenario({ rows: 2500, scenario: 'running-elsewhere' });
    await sb.locator('[data-testid="running-elsewhere"]').waitFor();
    // Verify is held until the watch of the other run (every 5 s) has ticked while it was busy.
    let release = () => undefined as void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/run', async (route) => {
      const body = JSON.parse(route.request().postData() || '{}');
      if (body.fn === 'verifyMigration') await held;
      return route.fulfill({ response: await route.fetch() });
    });
    try {
      await sb.locator('#btn-verify').click();
      await sb.locator('#app[aria-busy="true"]').waitFor();
      await page.waitForTimeout(6000);
      // The other sidebar finishes its run (the scenario's own client and chunk size).
      let done = false;
      for (let i = 0; i < 200 && !done; i++) done = pg.bundle.call<any>('runMigrationStep', { clientId: 'another-sidebar', chunkRows: 2000 }).complete;
      expect(done).toBe(true);
      release();
      await sb.locator('[data-testid="verification"]').waitFor();
    } finally {
      await page.unrouteAll({ behavior: 'wait' });
    }
    // The watch goes on after Verify: within a tick or two, the sidebar sees the run has ended.
    await sb.locator('[data-testid="running-elsewhere"]').waitFor({ state: 'detached', timeout: 15000 });
    await expect(sb.locator('#badge').textContent()).resolves.toBe('Migrated to v3.0');
    expect(await sb.locator('#btn-rollback').isEnabled()).toBe(true);
    expect(await sb.locator('#btn-verify').isEnabled()).toBe(true);
    expect(problems.errors).toEqual([]);
  });
});
