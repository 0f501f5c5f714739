import { test, expect, Page } from '@playwright/test';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { admin, gateway, shot, signIn, signOut, setSelfSignup, signUp, valueOf } from './helpers';

const stamp = Date.now();
const dev = `gw${stamp}`;
const devPassword = 'a long gateway password';
const context = `/pizza${stamp}/1.0.0`;
let backend: Server;
let backendUrl = '';

test.beforeAll(async () => {
  backend = createServer((req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ method: req.method, path: req.url, user: req.headers['x-portico-end-user'] ?? null }));
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise((resolve) => backend.close(resolve));
});

/** A user token from the Generate Access Token dialog, asking for `scope`. */
async function userToken(page: Page, scope: string): Promise<string> {
  await page.locator('summary', { hasText: 'Generate Access Token' }).click();
  await page.getByLabel('Me (password grant: enter your password below)').check();
  await page.getByLabel('Scopes (space-separated)').fill(scope);
  await page.getByLabel('Your password (user token only)').fill(devPassword);
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  return valueOf(page, 'Access token');
}

test('an admin publishes a scoped API; a subscribed token passes or is blocked by its scope', async ({ page, request }) => {
  await signIn(page, admin.username, admin.password);
  await expect(page).toHaveURL(/\/apps$/);
  await setSelfSignup(page, true);

  await page.goto('/admin/scopes');
  const scopeForm = page.getByRole('form', { name: 'Create a scope' });
  await scopeForm.getByLabel('Name', { exact: true }).fill('update');
  await scopeForm.getByLabel('Description').fill('Change orders');
  await scopeForm.getByRole('button', { name: 'Create scope' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();

  await page.goto('/admin/apis');
  const apiForm = page.getByRole('form', { name: 'Create an API' });
  await apiForm.getByLabel('Name', { exact: true }).fill('PizzaShack');
  await apiForm.getByLabel('Version').fill('1.0.0');
  await apiForm.getByLabel('Context').fill(context);
  await apiForm.getByLabel('Backend URL').fill(backendUrl);
  await apiForm.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByText('Not published')).toBeVisible();
  const resourceForm = page.getByRole('form', { name: 'Add a resource' });
  await resourceForm.getByLabel('Method').selectOption('PUT');
  await resourceForm.getByLabel('Path').fill('/order/{orderId}');
  await resourceForm.getByLabel('Scopes').fill('update');
  await resourceForm.getByRole('button', { name: 'Add resource' }).click();
  await expect(page.getByRole('cell', { name: '/order/{orderId}' })).toBeVisible();
  await page.getByRole('button', { name: 'Publish' }).click();
  await expect(page.getByText('Published: listed in the portal')).toBeVisible();
  await shot(page, 'g01-admin-api');
  await signOut(page);

  await signUp(page, dev, devPassword);
  await signIn(page, dev, devPassword);
  await page.getByLabel('Name').fill('Orders app');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('heading', { name: 'Orders app' })).toBeVisible();
  await page.getByRole('link', { name: 'Production Keys' }).click();
  await page.getByRole('button', { name: 'Generate Keys' }).click();
  await expect(page.getByText('cannot be shown again')).toBeVisible();
  const keysUrl = page.url();

  await page.goto('/apis');
  const card = page.locator('section.api', { hasText: context });
  await expect(card.getByRole('cell', { name: 'update' })).toBeVisible();
  await card.getByLabel('Application').selectOption({ label: 'Orders app' });
  await card.getByRole('button', { name: 'Subscribe' }).click();
  await expect(page.getByText('Subscribed. Tokens of that application')).toBeVisible();
  await shot(page, 'g02-catalogue');

  await page.goto(keysUrl);
  await expect(page.getByText('subscribes to: default, update')).toBeAttached();
  const withScope = await userToken(page, 'update');
  await page.goto(keysUrl);
  const withoutScope = await userToken(page, '');

  const put = (token: string) => request.put(`${gateway}${context}/order/7`, {
    headers: { Authorization: `Bearer ${token}` }, ignoreHTTPSErrors: true,
  });
  const ok = await put(withScope);
  expect(ok.status()).toBe(200);
  expect(await ok.json()).toMatchObject({ method: 'PUT', path: '/order/7', user: dev });
  const blocked = await put(withoutScope);
  expect(blocked.status()).toBe(403);
  expect(blocked.headers()['www-authenticate']).toContain('error="insufficient_scope"');
  expect((await blocked.json()).error).toBe('insufficient_scope');
});
