// Debian's Chromium under playwright-core, for the browser tests and the screenshot script.
// Never a downloaded browser: playwright-core ships none, and this only uses the system one.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromium, BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export function chromiumAvailable(): boolean {
  try {
    fs.accessSync(CHROMIUM, fs.constants.X_OK);
    return true;
  } catch (e) {
    return false;
  }
}

export interface BrowserSession {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * The environment Chromium starts with: ours, less libfaketime's preload. CI runs the suite
 * under a shifted clock (faketime); Chromium's processes hang under that preload, and leaving
 * the browser on the real clock while the server's runs 400 days off is the very case the
 * sidebar must survive: it decides nothing with its own clock.
 */
export function browserEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || k.startsWith('FAKETIME')) continue;
    if (k === 'LD_PRELOAD') {
      const rest = v.split(/[:\s]+/).filter((lib) => lib && !/faketime/i.test(lib));
      if (rest.length) out[k] = rest.join(':');
      continue;
    }
    out[k] = v;
  }
  return out;
}

/** A headless Chromium with a fresh profile in a temporary directory, removed on close. */
export async function launchChromium(viewport = { width: 1280, height: 860 }, deviceScaleFactor = 1): Promise<BrowserSession> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sheet-migrator-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    deviceScaleFactor,
    acceptDownloads: true,
    timezoneId: 'UTC',
    locale: 'en-GB',
    env: browserEnv(process.env),
  });
  return {
    context,
    close: async () => {
      await context.close().catch(() => undefined);
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
