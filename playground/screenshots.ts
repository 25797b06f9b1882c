// `npm run screenshots`: drives the playground in Debian's Chromium and saves the sidebar in
// its main states to docs/screenshots/*.png (used by the README).
import * as fs from 'fs';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { startPlayground, Playground } from './server';

// Pinned, so that the pictures in the README change only when the sidebar does, not with the date.
const SHOT_TIME = Date.UTC(2026, 10, 25, 12);
import { launchChromium, chromiumAvailable, CHROMIUM } from './browser';

// Functions passed to page.evaluate run in the browser; this file is compiled without the DOM
// lib (it is Node code), so the few browser globals they use are declared here, loosely.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
type HTMLElement = any;

const OUT = path.resolve(__dirname, '..', 'docs', 'screenshots');

async function sidebarPage(pg: Playground, page: Page): Promise<void> {
  await page.goto(new URL('sidebar', pg.url).href);
  await page.locator('#app[aria-busy="false"]').waitFor();
  await page.waitForTimeout(200);
}

async function shot(page: Page, name: string): Promise<void> {
  // Let the log (loaded after each action) settle, and hide the caret and focus rings.
  await page.waitForTimeout(400);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`  ${path.relative(process.cwd(), file)}`);
}

async function main(): Promise<void> {
  if (!chromiumAvailable()) {
    console.error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    process.exit(1);
  }
  fs.mkdirSync(OUT, { recursive: true });
  const pg = await startPlayground({ port: 0, rows: 20000, startTime: SHOT_TIME });
  const session = await launchChromium({ width: 300, height: 900 });
  try {
    const page = await session.context.newPage();
    page.on('pageerror', (e) => console.error(`pageerror: ${e.message}`));
    console.log('Saving screenshots:');
    await sidebarPage(pg, page);
    await shot(page, 'sidebar-fresh');

    await page.locator('#btn-dryRun').click();
    await page.locator('[data-testid="plan"]').waitFor();
    await shot(page, 'sidebar-dry-run');
    await page.locator('[data-testid="plan"] .icon-button').click();

    // Slow each server answer down so that the run can be caught in the middle of a long step.
    let slow = true;
    await page.route('**/api/run', async (route) => {
      const res = await route.fetch();
      if (slow) await new Promise((r) => setTimeout(r, 700));
      await route.fulfill({ response: res });
    });
    await page.locator('#btn-runAll').click();
    // Cell-sized chunks finish a short step in one call, so catch whichever long step is
    // part-way: its rows counter above zero and below the total.
    await page.waitForFunction(() => {
      const label = document.querySelector('[data-testid="progress-label"]');
      const rows = document.querySelector('[data-testid="rows-label"]');
      const m = rows ? /^([\d,]+) of ([\d,]+) rows$/.exec(rows.textContent || '') : null;
      const n = (x: string) => Number(x.replace(/,/g, ''));
      return !!label && /^Step \d of 5/.test(label.textContent || '') && !!m && n(m[1]) > 0 && n(m[1]) < n(m[2]);
    }, undefined, { timeout: 60000 });
    await shot(page, 'sidebar-running');
    slow = false;
    await page.locator('[data-testid="progress-label"][data-done="5"]').waitFor({ timeout: 60000 });
    await page.unroute('**/api/run');
    await page.locator('[data-testid="report"]').waitFor();
    await shot(page, 'sidebar-migrated');

    await page.locator('#btn-verify').click();
    await page.locator('[data-testid="verification"]').waitFor();
    await shot(page, 'sidebar-verified');

    await page.locator('[data-testid="verification"] .icon-button').click();
    await page.locator('#btn-rollback').click();
    await page.locator('[data-testid="confirm-rollback"]').waitFor();
    await page.locator('[data-testid="confirm-rollback"] summary').click();
    await shot(page, 'sidebar-rollback-confirm');
    await page.locator('#confirm-yes').click();
    await page.locator('[data-testid="rollback-result"]').waitFor({ timeout: 60000 });
    await shot(page, 'sidebar-rolled-back');

    // Two states an owner must understand without help: the window has ended, and a rollback
    // was interrupted. Each is its own playground scenario.
    for (const [scenario, name, testId] of [
      ['migrated-8-days-ago', 'sidebar-window-ended', 'rollback-deadline'],
      ['rollback-interrupted', 'sidebar-rollback-unfinished', 'rollback-unfinished'],
    ] as const) {
      const other = await startPlayground({ port: 0, rows: 200, scenario, startTime: SHOT_TIME });
      try {
        await sidebarPage(other, page);
        await page.locator(`[data-testid="${testId}"]`).waitFor();
        await shot(page, name);
      } finally {
        await other.close();
      }
    }

    // The whole playground: the grid after a migration, scrolled to the new columns.
    const host = await session.context.newPage();
    await host.setViewportSize({ width: 1280, height: 760 });
    const sb = host.frameLocator('#sidebar-frame');
    await host.goto(pg.url);
    await sb.locator('#app[aria-busy="false"]').waitFor();
    await sb.locator('#btn-runAll').click();
    await sb.locator('[data-testid="progress-label"][data-done="5"]').waitFor({ timeout: 60000 });
    await host.waitForFunction(() => document.querySelector('[data-testid="grid-columns"]')?.textContent === '68');
    await host.evaluate(() => {
      const g = document.getElementById('grid') as HTMLElement;
      g.scrollLeft = g.scrollWidth;
    });
    await host.waitForTimeout(1500);
    await host.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const file = path.join(OUT, 'playground.png');
    await host.screenshot({ path: file });
    console.log(`  ${path.relative(process.cwd(), file)}`);
  } finally {
    await session.close();
    await pg.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
