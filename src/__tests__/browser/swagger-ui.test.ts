import type { Page } from 'playwright-core';
import { openPage, screenshot, useBrowserSession } from '../helpers/browser.js';

const session = useBrowserSession();

/** Expands an operation, presses "Try it out" and "Execute", and returns the status the page shows. */
async function tryItOut(page: Page, method: string, path: string): Promise<string> {
  const operation = page.locator(`.opblock-${method}`, {
    has: page.locator(`.opblock-summary-path[data-path="${path}"]`),
  });
  await operation.locator('.opblock-summary').first().click();
  await operation.getByRole('button', { name: 'Try it out' }).click();
  await operation.getByRole('button', { name: 'Execute' }).click();
  const status = operation.locator('.live-responses-table tr.response .response-col_status').first();
  await status.waitFor();
  return (await status.textContent())?.trim() ?? '';
}

describe('Swagger UI under the content security policy', () => {
  it('shows every tag, runs "Try it out", and calls a signed-in route after "Authorize"', async () => {
    const { page, problems } = await openPage(session.browser);
    await page.goto(`${session.base}/documentation`);
    await page.waitForSelector('.opblock-tag');
    const tags = await page.$$eval('.opblock-tag', (elements) =>
      elements.map((element) => element.getAttribute('data-tag')),
    );
    expect(tags.sort()).toEqual(['auth', 'categories', 'operations', 'pets', 'store', 'users']);

    expect(await tryItOut(page, 'get', '/api/v1/pets')).toBe('200');

    const token = await session.app.adminToken();
    await page
      .getByRole('button', { name: /Authorize/ })
      .first()
      .click();
    await page.locator('#auth-bearer-value').fill(token);
    await page.getByRole('button', { name: 'Apply credentials' }).click();
    await page.locator('.modal-ux').getByRole('button', { name: 'Close' }).click();
    expect(await tryItOut(page, 'get', '/api/v1/users/me')).toBe('200');
    await screenshot(page, 'swagger-ui');
    expect(problems).toEqual([]);
    await page.close();
  });
});
