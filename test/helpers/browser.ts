/**
 * Debian's Chromium for the Web UI tests, driven by playwright-core; never downloads a browser.
 * A developer's machine may lack it (the tests are then skipped, saying how to install it); CI
 * installs it, so there a missing browser is a failure.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Where the screenshots go. */
export const OUT = resolve(__dirname, '..', '..', 'test-output');
const NO_CHROMIUM = `Chromium not found at ${CHROMIUM}. Install it with 'apt-get install chromium' (CI does), or set CHROMIUM_PATH.`;

/** The `skip` option of a browser test: a reason outside CI when Chromium is missing, else false. */
export const skipWithoutChromium: string | false =
  !existsSync(CHROMIUM) && !process.env.CI ? `${NO_CHROMIUM} Skipped outside CI.` : false;

/** Fails when Chromium is missing (in CI) and makes the screenshot folder. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) throw new Error(NO_CHROMIUM);
  mkdirSync(OUT, { recursive: true });
}

/** Headless Chromium with the flags this closed network needs (no background connections). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
