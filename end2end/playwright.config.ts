import { defineConfig } from '@playwright/test';

// Started by tests/end2end.rs, which runs the release build on a fresh SQLite database and
// passes its addresses here. Never downloads a browser: Debian's Chromium is used.
const portal = process.env.PORTICO_PORTAL_URL ?? 'https://localhost:9443';

export default defineConfig({
  testDir: './tests',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  workers: 1,
  fullyParallel: false,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: portal,
    ignoreHTTPSErrors: true,
    screenshot: 'only-on-failure',
    trace: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [
    { name: 'hydrated', testMatch: /(journey|statistics|gateway|authorization-code|catalogue)\.spec\.ts/ },
    { name: 'no-javascript', testMatch: /no-js\.spec\.ts/, use: { javaScriptEnabled: false } },
  ],
});
