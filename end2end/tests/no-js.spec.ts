import { test, expect } from '@playwright/test';
import { admin, shot, signIn, signOut, setSelfSignup, signUp, valueOf, passwordGrant } from './helpers';

const dev = `nojs${Date.now()}`;
const devPassword = 'a long developer password';

test('(c) the whole journey works with JavaScript disabled', async ({ page, request }) => {
  await signIn(page, admin.username, admin.password);
  await setSelfSignup(page, true);
  await signOut(page);

  await signUp(page, dev, devPassword);
  await signIn(page, dev, devPassword);
  await expect(page.getByText(`Signed in as ${dev}`)).toBeVisible();

  // A bad submission comes back to the page with a readable message.
  await page.getByLabel('Name').fill('x'.repeat(70));
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page).toHaveURL(/\/apps\//);
  await page.goto('/apps');
  await page.getByLabel('Name').fill('x'.repeat(70));
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('alert')).toContainText('already used');
  await shot(page, 'c01-form-error');

  await page.goto('/apps');
  await page.getByLabel('Name').fill('No Script App');
  await page.getByRole('button', { name: 'Create' }).click();
  await page.getByRole('link', { name: 'Production Keys' }).click();
  await page.getByRole('button', { name: 'Generate Keys' }).click();
  const key = await valueOf(page, 'Consumer key');
  const secret = await valueOf(page, 'Consumer secret');
  // Copy buttons need JavaScript and stay hidden without it.
  await expect(page.getByRole('button', { name: 'Copy Consumer secret' })).toBeHidden();
  await shot(page, 'c02-keys-generated');

  await page.locator('summary', { hasText: 'Generate Access Token' }).click();
  await page.getByLabel('The application (client credentials)').check();
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  expect(await valueOf(page, 'Access token')).toHaveLength(65);
  await shot(page, 'c03-token-generated');

  await page.locator('summary', { hasText: 'Regenerate Secret' }).click();
  await page.getByLabel('I understand the current secret stops working at once.').check();
  await page.getByRole('button', { name: 'Regenerate Secret' }).click();
  const newSecret = await valueOf(page, 'Consumer secret');
  expect(newSecret).not.toBe(secret);
  expect((await passwordGrant(request, key, secret, dev, devPassword)).status()).toBe(401);
  expect((await passwordGrant(request, key, newSecret, dev, devPassword)).status()).toBe(200);

  await page.goto('/tokens');
  await page.getByRole('button', { name: 'Revoke' }).first().click();
  await expect(page.getByText('The token was revoked.')).toBeVisible();
  await shot(page, 'c04-token-revoked');
});
