import { expect, Page, APIRequestContext } from '@playwright/test';

export const admin = {
  username: 'admin',
  password: process.env.PORTICO_ADMIN_PASSWORD ?? 'admin-e2e-password',
};
export const gateway = process.env.PORTICO_GATEWAY_URL ?? 'https://localhost:8243';
export const portal = process.env.PORTICO_PORTAL_URL ?? 'https://localhost:9443';

/** Saves a full-page screenshot as a test artifact. */
export async function shot(page: Page, name: string) {
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
}

export async function signIn(page: Page, username: string, password: string) {
  await page.goto('/signin');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Sign in' })).toBeVisible();
}

export async function setSelfSignup(page: Page, on: boolean) {
  await page.goto('/admin/settings');
  const button = page.getByRole('button', { name: on ? 'Enable self sign-up' : 'Disable self sign-up' });
  if (await button.count()) {
    await button.click();
    await expect(page.getByText('Saved.')).toBeVisible();
  }
  await expect(page.getByText(`Developers can create their own accounts: ${on ? 'on' : 'off'}`)).toBeVisible();
}

export async function signUp(page: Page, username: string, password: string) {
  await page.goto('/signup');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Email').fill(`${username}@example.com`);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Confirm password').fill(password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByText('Your account is ready')).toBeVisible();
}

/** The text of the value shown beside a label on a keys tab. */
export async function valueOf(page: Page, label: string): Promise<string> {
  const row = page.locator('.copyable', { has: page.locator('.label', { hasText: new RegExp(`^${label}$`) }) });
  return (await row.locator('code.value').innerText()).trim();
}

/** The seed's request: the password grant with Basic client authentication. */
export async function passwordGrant(request: APIRequestContext, key: string, secret: string, user: string, pw: string) {
  const basic = Buffer.from(`${key}:${secret}`).toString('base64');
  return request.post(`${gateway}/token`, {
    headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    data: `grant_type=password&username=${encodeURIComponent(user)}&password=${encodeURIComponent(pw)}`,
    ignoreHTTPSErrors: true,
  });
}

export async function introspect(request: APIRequestContext, key: string, secret: string, token: string) {
  const basic = Buffer.from(`${key}:${secret}`).toString('base64');
  return request.post(`${portal}/oauth2/introspect`, {
    headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    data: `token=${encodeURIComponent(token)}`,
    ignoreHTTPSErrors: true,
  });
}
