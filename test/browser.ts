/**
 * The browser tests' Chromium: Debian's (or CHROMIUM_PATH), launched with the flags that keep it
 * off the network it cannot reach here (the machine's notes: without them its background
 * connections are refused, many at a time).
 */
import { chromium, type Browser } from 'playwright-core';

export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
