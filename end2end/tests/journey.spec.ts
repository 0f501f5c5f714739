import { test, expect } from '@playwright/test';
import { admin, shot, signIn, signOut, setSelfSignup, signUp, valueOf, passwordGrant, introspect } from './helpers';

const dev = `dev${Date.now()}`;
const devPassword = 'a long developer password';

test.describe.configure({ mode: 'serial' });

test('(a) a developer signs up, gets keys and tokens in the browser, then uses them from a program', async ({ page, context, request }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);

  await page.goto('/');
  await shot(page, 'a01-home');
  await signIn(page, admin.username, admin.password);
  await expect(page).toHaveURL(/\/apps$/);
  await setSelfSignup(page, true);
  await shot(page, 'a02-admin-settings');
  await signOut(page);

  await signUp(page, dev, devPassword);
  await shot(page, 'a03-signed-up');
  await signIn(page, dev, devPassword);
  await expect(page.getByText(`Signed in as ${dev}`)).toBeVisible();
  await shot(page, 'a04-applications');

  // Hydrated: the description counter updates as you type.
  await expect(page.locator('body[data-hydrated=true]')).toBeAttached({ timeout: 30_000 });
  await page.getByLabel('Name').fill('Pizza Shack');
  await page.getByLabel('Description').fill('Orders');
  await expect(page.getByText('6/512 characters')).toBeVisible();
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('heading', { name: 'Pizza Shack' })).toBeVisible();
  await shot(page, 'a05-application');

  await page.getByRole('link', { name: 'Production Keys' }).click();
  await page.getByRole('button', { name: 'Generate Keys' }).click();
  await expect(page.getByText('cannot be shown again')).toBeVisible();
  const key = await valueOf(page, 'Consumer key');
  const secret = await valueOf(page, 'Consumer secret');
  expect(secret).toHaveLength(43);
  await shot(page, 'a06-keys-generated');

  const copy = page.getByRole('button', { name: 'Copy Consumer secret' });
  await expect(copy).toBeVisible();
  await copy.click();
  await expect(copy).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);

  await page.locator('summary', { hasText: 'Generate Access Token' }).click();
  await page.getByLabel('Me (password grant: enter your password below)').check();
  await page.getByLabel('Your password (user token only)').fill(devPassword);
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  const uiToken = await valueOf(page, 'Access token');
  expect(uiToken).toHaveLength(65);
  await shot(page, 'a07-token-generated');

  // The secret is masked from now on, and the cURL snippet uses a placeholder.
  await page.reload();
  await expect(page.locator('code.masked')).toBeVisible();
  await expect(page.locator('pre')).toContainText('<CONSUMER_SECRET>');

  const res = await passwordGrant(request, key, secret, dev, devPassword);
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'scope', 'token_type']);
  expect(body).toMatchObject({ scope: 'default', token_type: 'Bearer', expires_in: 3600 });

  for (const token of [uiToken, body.access_token]) {
    const info = await (await introspect(request, key, secret, token)).json();
    expect(info).toMatchObject({ active: true, username: dev, client_id: key, scope: 'default' });
  }

  await page.goto('/tokens');
  await expect(page.getByRole('cell', { name: /Pizza Shack/ }).first()).toBeVisible();
  await shot(page, 'a08-my-tokens');
});

test('(b) with self sign-up disabled, sign-up is refused', async ({ page }) => {
  await signIn(page, admin.username, admin.password);
  await setSelfSignup(page, false);
  await page.goto('/admin/users');
  await expect(page.getByRole('cell', { name: dev, exact: true })).toBeVisible();
  await shot(page, 'b01-admin-users');
  await signOut(page);

  await page.goto('/signin');
  await expect(page.getByRole('link', { name: 'Sign up' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Create an account' })).toHaveCount(0);
  await page.goto('/signup');
  await expect(page.getByRole('heading', { name: 'Sign-up is closed' })).toBeVisible();
  await shot(page, 'b02-signup-closed');
  // The server function refuses too, whatever the page shows.
  const csrf = (await page.context().cookies()).find((c) => c.name === '__Host-portico_csrf')?.value ?? '';
  const res = await page.request.post('/api/sign_up', {
    form: { csrf, username: 'sneaky', email: 's@example.com', password: 'x long password', confirm_password: 'x long password' },
    headers: { Accept: 'application/json' },
  });
  expect(await res.text()).toContain('SignupDisabled');
});
