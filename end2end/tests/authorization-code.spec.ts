import { test, expect, Page } from '@playwright/test';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { admin, gateway, portal, shot, signIn, signOut, setSelfSignup, signUp } from './helpers';

// The sample client exchanges codes with Portico's self-signed test certificate.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';

const stamp = Date.now();
const owner = `spa${stamp}`;
const password = 'a long sample-app password';
const context = `/menu${stamp}/1`;
let backend: Server;
let backendUrl = '';
let client: Server;
let clientUrl = '';
let clientId = '';

/** An upstream API that says who called it. */
function startBackend(): Promise<void> {
  backend = createServer((req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ path: req.url, user: req.headers['x-portico-end-user'] ?? null }));
  });
  return new Promise((resolve) => backend.listen(0, '127.0.0.1', () => {
    backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
    resolve();
  }));
}

/**
 * A sample public client on the loopback interface (RFC 8252): its start page sends the
 * browser to Portico's authorize page with PKCE; its callback checks the state, swaps
 * the code for a token and calls the API through the gateway with it.
 */
function startClient(): Promise<void> {
  const pending = new Map<string, string>();
  client = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', clientUrl);
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    if (url.pathname === '/') {
      const state = randomBytes(16).toString('hex');
      const verifier = randomBytes(32).toString('base64url');
      pending.set(state, verifier);
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      const authorize = new URL('/oauth2/authorize', portal);
      for (const [k, v] of Object.entries({
        response_type: 'code', client_id: clientId, redirect_uri: `${clientUrl}/native`,
        scope: 'default', state, code_challenge: challenge, code_challenge_method: 'S256',
      })) authorize.searchParams.set(k, v);
      res.end(`<h1>Sample app</h1><a href="${authorize}">Sign in with Portico</a>`);
      return;
    }
    if (url.searchParams.get('error')) {
      res.end(`<h1>Refused</h1><p id="error">${url.searchParams.get('error')}</p>`);
      return;
    }
    const state = url.searchParams.get('state') ?? '';
    const verifier = pending.get(state);
    pending.delete(state);
    if (url.pathname !== '/native' || !verifier || url.searchParams.get('iss') !== portal) {
      res.end(`<h1>Refused</h1><p id="error">${url.searchParams.get('error') ?? 'bad state or issuer'}</p>`);
      return;
    }
    const token = await fetch(`${gateway}/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code', code: url.searchParams.get('code') ?? '',
        redirect_uri: `${clientUrl}/native`, code_verifier: verifier, client_id: clientId,
      }),
    }).then((r) => r.json());
    const api = await fetch(`${gateway}${context}/menu`, {
      headers: { Authorization: `Bearer ${token.access_token}` },
    });
    res.end(`<h1>Signed in</h1><p id="status">${api.status}</p><pre id="api">${await api.text()}</pre>`);
  });
  return new Promise((resolve) => client.listen(0, '127.0.0.1', () => {
    clientUrl = `http://127.0.0.1:${(client.address() as AddressInfo).port}`;
    resolve();
  }));
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  await startBackend();
  await startClient();
});

test.afterAll(async () => {
  await new Promise((resolve) => client.close(resolve));
  await new Promise((resolve) => backend.close(resolve));
});

test('a developer registers a public client with a callback URL', async ({ page }) => {
  await signIn(page, admin.username, admin.password);
  await expect(page).toHaveURL(/\/apps$/);
  await setSelfSignup(page, true);
  await page.goto('/admin/apis');
  const apiForm = page.getByRole('form', { name: 'Create an API' });
  await apiForm.getByLabel('Name', { exact: true }).fill(`Menu${stamp}`);
  await apiForm.getByLabel('Version').fill('1');
  await apiForm.getByLabel('Context').fill(context);
  await apiForm.getByLabel('Backend URL').fill(backendUrl);
  await apiForm.getByRole('button', { name: 'Create' }).click();
  const resourceForm = page.getByRole('form', { name: 'Add a resource' });
  await resourceForm.getByLabel('Method').selectOption('GET');
  await resourceForm.getByLabel('Path').fill('/menu');
  await resourceForm.getByRole('button', { name: 'Add resource' }).click();
  await expect(page.getByRole('cell', { name: '/menu' })).toBeVisible();
  await page.getByRole('button', { name: 'Publish' }).click();
  await expect(page.getByText('Published: listed in the portal')).toBeVisible();
  await signOut(page);

  await signUp(page, owner, password);
  await signIn(page, owner, password);
  await page.getByLabel('Name').fill('Sample SPA');
  await page.getByRole('button', { name: 'Create' }).click();
  await page.getByRole('link', { name: 'Production Keys' }).click();
  await page.getByLabel('Password', { exact: true }).uncheck();
  await page.getByLabel('Client credentials').uncheck();
  await page.getByLabel('Authorization code (with PKCE)').check();
  await page.getByLabel('Callback URLs (one per line)').fill('http://127.0.0.1/native');
  await page.getByLabel(/Public client/).check();
  await page.getByRole('button', { name: 'Generate Keys' }).click();
  await expect(page.getByText('None: a public client proves itself with PKCE')).toBeVisible();
  clientId = (await page.locator('.copyable', { hasText: 'Consumer key' }).locator('code.value').innerText()).trim();
  await shot(page, 'a01-public-client');

  await page.goto('/apis');
  const card = page.locator('section.api', { hasText: context });
  await card.getByLabel('Application').selectOption({ label: 'Sample SPA' });
  await card.getByRole('button', { name: 'Subscribe' }).click();
  await expect(page.getByText('Subscribed.')).toBeVisible();
  await signOut(page);
});

/** From the sample app through sign-in and consent back to it, which calls the API. */
async function walk(page: Page, user: string) {
  await page.goto(clientUrl);
  await page.getByRole('link', { name: 'Sign in with Portico' }).click();
  await expect(page).toHaveURL(/\/signin\?next=/);
  await page.getByLabel('Username').fill(user);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Allow Sample SPA?' })).toBeVisible();
  await expect(page.getByText(`an application by ${owner}`)).toBeVisible();
  await shot(page, `a02-consent-${user}`);
  await page.getByRole('button', { name: 'Allow' }).click();
  await expect(page.getByRole('heading', { name: 'Signed in' })).toBeVisible();
  await expect(page.locator('#status')).toHaveText('200');
  expect(JSON.parse(await page.locator('#api').innerText())).toMatchObject({ path: '/menu', user });
}

test('the sample app signs the user in through the hydrated authorize and consent pages', async ({ page }) => {
  await walk(page, owner);
  // Allowed once: the next sign-in skips the consent page.
  await page.goto(clientUrl);
  await page.getByRole('link', { name: 'Sign in with Portico' }).click();
  await expect(page.getByRole('heading', { name: 'Signed in' })).toBeVisible();
});

test.describe('with JavaScript off on Portico\'s pages', () => {
  test.use({ javaScriptEnabled: false });

  test('the same journey works as plain forms, and Deny goes back as access_denied', async ({ page }) => {
    const other = `nojs${stamp}`;
    await signUp(page, other, password);
    await walk(page, other);
    await page.goto('/tokens');
    await page.getByRole('button', { name: 'Withdraw' }).click();
    await expect(page.getByText('The consent was withdrawn')).toBeVisible();
    await page.goto(clientUrl);
    await page.getByRole('link', { name: 'Sign in with Portico' }).click();
    await page.getByRole('button', { name: 'Deny' }).click();
    await expect(page.locator('#error')).toHaveText('access_denied');
  });
});
