import { test, expect } from '@playwright/test';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { admin, shot, signIn } from './helpers';

// An admin imports the Swagger Petstore sample, previews and applies it, publishes it;
// then, as a developer, subscribes an application and calls a resource with Try It,
// through the gateway to a stand-in backend.

const stamp = Date.now();
const context = `/petstore${stamp}`;
const petstore = path.join(__dirname, '..', '..', 'tests', 'data', 'petstore-openapi-3.0.yaml');
let backend: Server;
let backendUrl = '';

test.beforeAll(async () => {
  backend = createServer((req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ seen: `${req.method} ${req.url}` }));
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise((resolve) => backend.close(resolve));
});

test('an imported API is subscribed to and tried through the gateway', async ({ page }) => {
  // The rendered descriptions (server-made HTML) must hydrate like the rest.
  const hydrationErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /hydrat/i.test(m.text())) hydrationErrors.push(m.text());
  });
  await signIn(page, admin.username, admin.password);
  await expect(page).toHaveURL(/\/apps$/);

  await page.goto('/admin/apis');
  await page.getByRole('link', { name: 'Import an OpenAPI document' }).click();
  const form = page.getByRole('form', { name: 'Import OpenAPI' });
  await form.getByLabel('Document file').setInputFiles(petstore);
  await form.getByLabel('Context').fill(context);
  await form.getByLabel('Backend URL').fill(backendUrl);
  await form.getByRole('button', { name: 'Preview the import' }).click();
  await expect(page.getByRole('heading', { name: 'A new API' })).toBeVisible();
  await expect(page.getByText('+ GET /pet/{petId} (read:pets, write:pets)')).toBeVisible();
  await expect(page.getByText('modify pets in your account')).toBeVisible();
  await shot(page, 'c01-import-preview');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByText('Imported. The API')).toBeVisible();
  await page.getByRole('button', { name: 'Publish' }).click();
  await expect(page.getByText('Published: listed in the portal')).toBeVisible();

  await page.goto('/apps');
  await page.getByLabel('Name').fill('Pets app');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('heading', { name: 'Pets app' })).toBeVisible();
  await page.getByRole('link', { name: 'Production Keys' }).click();
  await page.getByRole('button', { name: 'Generate Keys' }).click();
  await expect(page.getByText('cannot be shown again')).toBeVisible();

  await page.goto('/apis');
  await page.getByRole('link', { name: 'Swagger Petstore - OpenAPI 3.0' }).click();
  await expect(page.getByText('Gateway (HTTPS)')).toBeVisible();
  // The document's CommonMark description, rendered.
  await expect(page.locator('.prose').getByRole('link', { name: 'The Pet Store repository' })).toBeVisible();
  await expect(page.getByText(context).first()).toBeVisible();
  const subscribe = page.getByRole('form', { name: 'Subscribe to Swagger Petstore - OpenAPI 3.0' });
  await subscribe.getByLabel('Application').selectOption({ label: 'Pets app' });
  await subscribe.getByRole('button', { name: 'Subscribe' }).click();
  await expect(page.getByText('Subscribed: Pets app')).toBeVisible();

  await page.locator('summary', { hasText: 'GET /pet/{petId}' }).click();
  const tryIt = page.getByRole('form', { name: 'Try GET /pet/{petId}' });
  await tryIt.getByLabel('Application').selectOption({ label: 'Pets app' });
  await tryIt.getByLabel('petId (path, required)').fill('7');
  await tryIt.getByRole('button', { name: 'Send' }).click();
  const outcome = page.locator('.try-result');
  await expect(outcome.locator('.status')).toHaveText('200');
  await expect(outcome.locator('pre.body')).toContainText('GET /pet/7');
  await expect(outcome).toContainText(`${context}/pet/7`);
  await shot(page, 'c02-try-it');
  expect(hydrationErrors).toEqual([]);
});
