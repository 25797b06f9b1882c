// Browser tests run against Debian's Chromium (/usr/bin/chromium). Without it they skip with a
// loud warning; with REQUIRE_BROWSER=1 (set by .ci/run) they fail instead, so CI cannot
// silently pass without having run them.
import { chromiumAvailable, CHROMIUM } from '../../playground/browser';

export const HAVE_BROWSER = chromiumAvailable();
export const MUST_RUN = process.env.REQUIRE_BROWSER === '1';

const WHY = `${CHROMIUM} is missing. Install Debian's Chromium: apt-get update && apt-get install -y chromium`;

/** `describe` when the browser is there; otherwise a skip (or, in CI, one failing test). */
export function describeBrowser(name: string, body: () => void): void {
  if (HAVE_BROWSER) {
    describe(name, body);
    return;
  }
  if (MUST_RUN) {
    describe(name, () => {
      test('Chromium is installed (REQUIRE_BROWSER=1)', () => {
        throw new Error(`REQUIRE_BROWSER=1 but ${WHY}`);
      });
    });
    return;
  }
  const bar = '!'.repeat(78);
  // eslint-disable-next-line no-console
  console.warn(`\n${bar}\n  BROWSER TESTS SKIPPED: ${name}\n  ${WHY}\n  (CI sets REQUIRE_BROWSER=1, which turns this skip into a failure.)\n${bar}\n`);
  describe.skip(name, body);
}
