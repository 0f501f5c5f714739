import { test, expect, Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { admin, gateway, shot, signIn, valueOf } from './helpers';

/** The Registered users tile's number. */
async function registeredUsers(page: Page): Promise<number> {
  const tile = page.locator('.tile', { hasText: 'Registered users' }).locator('.tile-value');
  return Number((await tile.innerText()).trim());
}

test('the registered-users count changes after a password grant made with curl', async ({ page }) => {
  await signIn(page, admin.username, admin.password);
  await expect(page).toHaveURL(/\/apps$/);
  const name = `Stats ${Date.now()}`;
  await page.getByLabel('Name').fill(name);
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('heading', { name })).toBeVisible();

  await page.getByRole('link', { name: 'Production Keys' }).click();
  await page.getByRole('button', { name: 'Generate Keys' }).click();
  await expect(page.getByText('cannot be shown again')).toBeVisible();
  const key = await valueOf(page, 'Consumer key');
  const secret = await valueOf(page, 'Consumer secret');

  await page.getByRole('link', { name: 'Statistics' }).click();
  await expect(page.getByRole('navigation', { name: 'Time range' })).toBeVisible();
  expect(await registeredUsers(page)).toBe(0);
  await expect(page.getByText('No registered users yet.')).toBeVisible();
  await expect(page.getByText('No calls yet.')).toBeVisible();

  // The seed's documented call, with the real curl.
  const basic = Buffer.from(`${key}:${secret}`).toString('base64');
  const body = `grant_type=password&username=${admin.username}&password=${encodeURIComponent(admin.password)}`;
  const out = execFileSync('curl', ['-sk', '-d', body, '-H', `Authorization: Basic ${basic}`,
    '-H', 'Content-Type: application/x-www-form-urlencoded', `${gateway}/token`]).toString();
  expect(JSON.parse(out)).toMatchObject({ token_type: 'Bearer', scope: 'default' });

  await page.reload();
  expect(await registeredUsers(page)).toBe(1);
  await expect(page.getByRole('cell', { name: admin.username, exact: true })).toBeVisible();

  // Hydrated charts show a tooltip for the bar under the pointer or focus.
  await expect(page.locator('body[data-hydrated=true]')).toBeAttached({ timeout: 30_000 });
  const today = page.locator('#tokens-chart g.bar').last();
  await today.hover();
  await expect(page.locator('#tokens-chart .chart-tip')).toContainText('Password 1');
  await shot(page, 's01-application-statistics');

  await page.getByRole('link', { name: 'Last 24 hours' }).click();
  await expect(page).toHaveURL(/range=24h/);
  await expect(page.locator('#tokens-chart-title')).toHaveText('Tokens issued per hour (UTC)');

  await page.goto('/admin/stats');
  await expect(page.getByRole('link', { name })).toBeVisible();
  await shot(page, 's02-admin-statistics');
});
