import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openPage, screenshot, useBrowserSession } from '../helpers/browser.js';
import { freePort } from '../helpers/free-port.js';
import { startServer, waitFor } from '../helpers/server-process.js';

const session = useBrowserSession();

/**
 * Expands an operation, presses "Try it out", puts `body` in its request body when given, presses "Execute", and
 * returns the status and the response body the page shows.
 */
async function tryItOut(page: Page, method: string, path: string, body?: string) {
  const operation = page.locator(`.opblock-${method}`, {
    has: page.locator(`.opblock-summary-path[data-path="${path}"]`),
  });
  await operation.locator('.opblock-summary').first().click();
  await operation.getByRole('button', { name: 'Try it out' }).click();
  if (body !== undefined) await operation.locator('textarea.body-param__text').fill(body);
  await operation.getByRole('button', { name: 'Execute' }).click();
  const response = operation.locator('.live-responses-table tr.response').first();
  const status = response.locator('.response-col_status');
  await status.waitFor();
  return {
    status: (await status.textContent())?.trim() ?? '',
    body: (await response.locator('.response-col_description pre').first().textContent()) ?? '',
  };
}

async function authorize(page: Page, token: string) {
  await page
    .getByRole('button', { name: /Authorize/ })
    .first()
    .click();
  await page.locator('#auth-bearer-value').fill(token);
  await page.getByRole('button', { name: 'Apply credentials' }).click();
  await page.locator('.modal-ux').getByRole('button', { name: 'Close' }).click();
}

describe('Swagger UI under the content security policy', () => {
  it('shows every tag, runs "Try it out", and calls a signed-in route after "Authorize"', async () => {
    const { page, problems } = await openPage(session.browser);
    await page.goto(`${session.base}/documentation`);
    await page.waitForSelector('.opblock-tag');
    const tags = await page.$$eval('.opblock-tag', (elements) =>
      elements.map((element) => element.getAttribute('data-tag')),
    );
    expect(tags.sort()).toEqual(['auth', 'categories', 'operations', 'pets', 'store', 'users', 'webhooks']);

    expect((await tryItOut(page, 'get', '/api/v1/pets')).status).toBe('200');

    await authorize(page, await session.app.adminToken());
    expect((await tryItOut(page, 'get', '/api/v1/users/me')).status).toBe('200');
    await screenshot(page, 'swagger-ui');
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('the Swagger Petstore v3 mount, in Swagger UI', () => {
  it('is a second definition in the top bar, and its "Try it out" calls /api/v3', async () => {
    const { page, problems } = await openPage(session.browser);
    await page.goto(`${session.base}/documentation`);
    await page.waitForSelector('.opblock-tag[data-tag="pets"]');
    await page.locator('.topbar select').selectOption({ label: 'Swagger Petstore v3 (/api/v3)' });
    await page.waitForSelector('.opblock-tag[data-tag="pet"]');
    const tags = await page.$$eval('.opblock-tag', (elements) =>
      elements.map((element) => element.getAttribute('data-tag')),
    );
    expect(tags.sort()).toEqual(['pet', 'store', 'user']);
    const found = await tryItOut(page, 'get', '/pet/findByStatus');
    expect(found.status).toBe('200');
    expect(JSON.parse(found.body)).toEqual(expect.any(Array));
    expect((await tryItOut(page, 'get', '/store/inventory')).status).toBe('200');
    await screenshot(page, 'swagger-ui-petstore-v3');
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('a first run, in Swagger UI', () => {
  it('signs in with the admin the server printed, and adds a pet with "Try it out"', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'petstore-first-run-'));
    const port = await freePort();
    const server = startServer({ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir });
    try {
      await waitFor(`http://127.0.0.1:${port}/ready`);
      const printed = /username: (\S+)\n\s+password: (\S+)\n/.exec(server.output());
      expect(printed).not.toBeNull();
      const [, username, password] = printed as RegExpExecArray;

      const { page, problems } = await openPage(session.browser);
      await page.goto(`http://127.0.0.1:${port}/documentation`);
      await page.waitForSelector('.opblock-tag');
      expect(await page.title()).toBe('Pet Store API');
      const login = await tryItOut(
        page,
        'post',
        '/api/v1/auth/login',
        JSON.stringify({ username, password }),
      );
      expect(login.status).toBe('200');
      await authorize(page, (JSON.parse(login.body) as { token: string }).token);
      const added = await tryItOut(page, 'post', '/api/v1/pets', JSON.stringify({ name: 'Tried Out' }));
      expect(added.status).toBe('201');
      expect(JSON.parse(added.body)).toMatchObject({ name: 'Tried Out', version: 1 });
      await screenshot(page, 'swagger-ui-first-run');
      expect(problems).toEqual([]);
      await page.close();
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
